//! Conflicts: a record's conflicts, the store's open ones, and resolving one.

use super::body::{JsonBody, Params, record_id};
use super::extract::Signed;
use crate::domain::conflict::{Resolution, Resolved, StoredConflict};
use crate::domain::error::AppError;
use crate::domain::page::Page;
use crate::server::services::conflicts;
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpenQuery {
    /// Rows per page, 1 to 200 (50 when left out).
    pub limit: Option<u64>,
    /// Rows to skip (0 when left out).
    pub offset: Option<u64>,
}

/// `GET /api/conflicts`: the store's open conflicts (managers).
pub async fn open(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<OpenQuery>,
) -> Result<Json<Page<StoredConflict>>, AppError> {
    conflicts::open(&state.db, &who.actor, query.limit, query.offset)
        .await
        .map(Json)
}

/// `GET /api/conflicts/{entity_type}/{entity_id}`: open and resolved, with
/// their three versions, newest first.
pub async fn for_record(
    State(state): State<AppState>,
    who: Signed,
    Path((entity_type, id)): Path<(String, String)>,
) -> Result<Json<Vec<StoredConflict>>, AppError> {
    let id = record_id(&id, "record")?;
    conflicts::for_record(&state.db, &who.actor, &entity_type, id)
        .await
        .map(Json)
}

/// `POST /api/conflicts/resolve {conflict_id, strategy: server|client|manual,
/// fields?: {name: server|client}}`.
pub async fn resolve(
    State(state): State<AppState>,
    who: Signed,
    JsonBody(body): JsonBody,
) -> Result<Json<Resolved>, AppError> {
    let choice = Resolution::parse(&body)?;
    conflicts::resolve(&state.db, &who.actor, choice)
        .await
        .map(Json)
}
