use super::body::{JsonBody, Params, record_id};
use super::extract::Signed;
use crate::domain::catalog::{Category, Product};
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::server::services::cache::Cached;
use crate::server::services::catalog::{self, ProductQuery};
use crate::server::services::{Page, write_path};
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

pub async fn list_products(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<ProductQuery>,
) -> Result<Cached<Page<Product>>, AppError> {
    catalog::products(&state.db, &who.actor, &query).await
}

pub async fn get_product(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<Json<Product>, AppError> {
    catalog::product(&state.db, &who.actor, record_id(&id, "product")?)
        .await
        .map(Json)
}

pub async fn product_by_barcode(
    State(state): State<AppState>,
    who: Signed,
    Path(code): Path<String>,
) -> Result<Json<Product>, AppError> {
    catalog::product_by_barcode(&state.db, &who.actor, &code)
        .await
        .map(Json)
}

/// `{delta, reason, note?}` → 201 with the product and its new quantity.
pub async fn adjust_stock(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
    JsonBody(mut body): JsonBody,
) -> Result<(StatusCode, Json<Product>), AppError> {
    let product_id = record_id(&id, "product")?;
    // Another store's product is "not found" here too, not a field error.
    catalog::product(&state.db, &who.actor, product_id).await?;
    if let Some(object) = body.as_object_mut() {
        object.insert("product_id".into(), Value::String(product_id.to_string()));
    }
    let m = Mutation::create(EntityKind::StockMove, body);
    write_path::apply(&state.db, &who.actor, m).await?;
    let product = catalog::product(&state.db, &who.actor, product_id).await?;
    Ok((StatusCode::CREATED, Json(product)))
}

pub async fn list_categories(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Cached<Vec<Category>>, AppError> {
    catalog::categories(&state.db, &who.actor).await
}

pub async fn get_category(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<Json<Category>, AppError> {
    catalog::category(&state.db, &who.actor, record_id(&id, "category")?)
        .await
        .map(Json)
}
