use super::body::{JsonBody, Params, record_id};
use super::extract::Signed;
use super::records::{self, VersionParam, created};
use crate::domain::customer::Customer;
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::page::Page;
use crate::server::services::customers::{self, CustomerQuery};
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

pub async fn list_customers(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<CustomerQuery>,
) -> Result<Json<Page<Customer>>, AppError> {
    customers::customers(&state.db, &who.actor, &query)
        .await
        .map(Json)
}

pub async fn get_customer(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<Json<Customer>, AppError> {
    customers::customer(&state.db, &who.actor, record_id(&id, "customer")?)
        .await
        .map(Json)
}

pub async fn create_customer(
    State(state): State<AppState>,
    who: Signed,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), AppError> {
    records::create(&state, &who, EntityKind::Customer, body)
        .await
        .map(created)
}

pub async fn update_customer(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, AppError> {
    let id = record_id(&id, "customer")?;
    Ok(Json(
        records::update(&state, &who, EntityKind::Customer, id, body)
            .await?
            .record,
    ))
}

pub async fn delete_customer(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
    Params(version): Params<VersionParam>,
) -> Result<StatusCode, AppError> {
    records::delete(
        &state,
        &who,
        EntityKind::Customer,
        record_id(&id, "customer")?,
        version,
    )
    .await
}
