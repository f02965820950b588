//! The catalog screens' server functions, over the same services as the
//! REST API.

use crate::domain::catalog::{Category, Product, ProductForm};
use crate::domain::error::AppError;
use crate::domain::page::Page;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::domain::mutation::{EntityKind, Mutation},
    crate::server::services::{catalog, write_path},
};

#[server(prefix = "/rpc")]
pub async fn list_products(
    q: String,
    category_id: Option<Uuid>,
    include_inactive: bool,
    offset: u64,
) -> Result<Page<Product>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = catalog::ProductQuery {
                q: Some(q),
                category_id,
                include_inactive,
                low_stock: false,
                limit: Some(50),
                offset: Some(offset),
            };
            catalog::products(&state.db, &who.actor, &query)
                .await?
                .value()
        }
        .await,
    )
}

/// The product with this barcode, or `None`.
#[server(prefix = "/rpc")]
pub async fn find_barcode(code: String) -> Result<Option<Product>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            match catalog::product_by_barcode(&state.db, &who.actor, &code).await {
                Ok(p) => Ok(Some(p)),
                Err(e) if e.code == crate::domain::error::ErrorCode::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// Creates (no `id`) or updates (with the `sync_version` it was read at).
#[server(prefix = "/rpc")]
pub async fn save_product(
    id: Option<Uuid>,
    sync_version: Option<i64>,
    form: ProductForm,
) -> Result<Product, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let m = Mutation::save(EntityKind::Product, id, sync_version, form.to_data()?);
            let applied = write_path::apply(&state.db, &who.actor, m).await?;
            catalog::product(&state.db, &who.actor, applied.id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn delete_product(id: Uuid, sync_version: i64) -> Result<(), AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let m = Mutation::delete(EntityKind::Product, id, sync_version);
            write_path::apply(&state.db, &who.actor, m)
                .await
                .map(|_| ())
        }
        .await,
    )
}

/// Adds `delta` ("12" or "-3") to the product's stock, for `reason`.
#[server(prefix = "/rpc")]
pub async fn adjust_stock(
    product_id: Uuid,
    delta: String,
    reason: String,
    note: String,
) -> Result<Product, AppError> {
    reply(
        async {
        let (state, who) = signed().await?;
        let delta: i64 = delta
            .trim()
            .parse()
            .map_err(|_| AppError::field("delta", "enter a whole number, like 12 or -3"))?;
        let data = serde_json::json!({ "product_id": product_id, "delta": delta, "reason": reason, "note": note });
        let m = Mutation::create(EntityKind::StockMove, data);
        write_path::apply(&state.db, &who.actor, m).await?;
        catalog::product(&state.db, &who.actor, product_id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn list_categories() -> Result<Vec<Category>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            catalog::categories(&state.db, &who.actor).await?.value()
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn save_category(
    id: Option<Uuid>,
    sync_version: Option<i64>,
    name: String,
    description: String,
    sort_order: String,
) -> Result<Category, AppError> {
    reply(
        async {
        let (state, who) = signed().await?;
        let sort_order: i64 = match sort_order.trim() {
            "" => 0,
            s => s
                .parse()
                .map_err(|_| AppError::field("sort_order", "enter a whole number"))?,
        };
        let data =
            serde_json::json!({ "name": name, "description": description, "sort_order": sort_order });
        let m = Mutation::save(EntityKind::Category, id, sync_version, data);
        let applied = write_path::apply(&state.db, &who.actor, m).await?;
        catalog::category(&state.db, &who.actor, applied.id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn delete_category(id: Uuid, sync_version: i64) -> Result<(), AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let m = Mutation::delete(EntityKind::Category, id, sync_version);
            write_path::apply(&state.db, &who.actor, m)
                .await
                .map(|_| ())
        }
        .await,
    )
}
