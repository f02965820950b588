use super::body::{Params, record_id};
use super::extract::Signed;
use crate::domain::customer::Customer;
use crate::domain::error::AppError;
use crate::domain::page::Page;
use crate::server::services::cache::Cached;
use crate::server::services::customers::{self, CustomerQuery};
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};

pub async fn list_customers(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<CustomerQuery>,
) -> Result<Cached<Page<Customer>>, AppError> {
    customers::customers(&state.db, &who.actor, &query).await
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
