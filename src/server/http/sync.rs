//! `POST /api/sync/push` and `GET /api/sync/pull`, in the sync wire format.

use super::body::{JsonBody, Params};
use super::extract::Signed;
use crate::domain::error::AppError;
use crate::domain::sync::{PullResponse, PushRequest, PushResponse};
use crate::server::services::sync;
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

pub async fn push(
    State(state): State<AppState>,
    who: Signed,
    JsonBody(body): JsonBody,
) -> Result<Json<PushResponse>, AppError> {
    let request: PushRequest = serde_json::from_value(body)
        .map_err(|e| AppError::field("body", format!("is not a push: {e}")))?;
    sync::push(&state.db, &who.actor, request).await.map(Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    #[serde(default)]
    pub cursor: i64,
    /// Rows per page, 1 to 200 (50 when left out).
    pub limit: Option<u64>,
}

pub async fn pull(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<PullQuery>,
) -> Result<Json<PullResponse>, AppError> {
    sync::pull(&state.db, &who.actor, query.cursor, query.limit)
        .await
        .map(Json)
}
