//! Customers: find one to attach to a sale; the customers screen.

use crate::domain::customer::Customer;
use crate::domain::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::domain::mutation::{EntityKind, Mutation},
    crate::server::services::{customers, write_path},
};

/// Up to eight customers matching name, phone or e-mail.
#[server(prefix = "/rpc")]
pub async fn find_customers(q: String) -> Result<Vec<Customer>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = customers::CustomerQuery {
                q: Some(q),
                limit: Some(8),
                offset: None,
            };
            Ok(customers::customers(&state.db, &who.actor, &query)
                .await?
                .items)
        }
        .await,
    )
}

/// The customers screen: a page of customers matching `q`.
#[server(prefix = "/rpc")]
pub async fn list_customers(
    q: String,
    offset: u64,
) -> Result<crate::domain::page::Page<Customer>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = customers::CustomerQuery {
                q: Some(q),
                limit: Some(25),
                offset: Some(offset),
            };
            customers::customers(&state.db, &who.actor, &query).await
        }
        .await,
    )
}

/// Creates (no `id`) or edits a customer at the version it was read at.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn save_customer(
    id: Option<uuid::Uuid>,
    sync_version: Option<i64>,
    data: serde_json::Value,
) -> Result<Customer, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let m = Mutation::save(EntityKind::Customer, id, sync_version, data);
            let applied = write_path::apply(&state.db, &who.actor, m).await?;
            customers::customer(&state.db, &who.actor, applied.id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn delete_customer(id: uuid::Uuid, sync_version: i64) -> Result<(), AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let m = Mutation::delete(EntityKind::Customer, id, sync_version);
            write_path::apply(&state.db, &who.actor, m)
                .await
                .map(|_| ())
        }
        .await,
    )
}

/// What a customer bought, newest first.
#[server(prefix = "/rpc")]
pub async fn customer_sales(
    customer_id: uuid::Uuid,
) -> Result<crate::domain::page::Page<crate::domain::sale_record::Sale>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = crate::server::services::sales::SaleQuery {
                customer_id: Some(customer_id),
                limit: Some(20),
                ..Default::default()
            };
            crate::server::services::sales::sales(&state.db, &who.actor, &query).await
        }
        .await,
    )
}
