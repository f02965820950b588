//! `/api/indexes`: the database's indexes, rebuilding a table's, and the
//! slow statements with their plans (owners).

use super::extract::Signed;
use crate::domain::error::AppError;
use crate::domain::indexes::{IndexStats, Rebuilt, SlowAnalysis};
use crate::server::services::indexes;
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};

/// `GET /api/indexes/stats`: every index with its size and use.
pub async fn stats(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<IndexStats>, AppError> {
    indexes::stats(&state.db, &who.actor, None).await.map(Json)
}

/// `GET /api/indexes/{table}`: one table's indexes (unknown table: 404).
pub async fn of_table(
    State(state): State<AppState>,
    who: Signed,
    Path(table): Path<String>,
) -> Result<Json<IndexStats>, AppError> {
    indexes::stats(&state.db, &who.actor, Some(&table))
        .await
        .map(Json)
}

/// `POST /api/indexes/rebuild/{table}`.
pub async fn rebuild(
    State(state): State<AppState>,
    who: Signed,
    Path(table): Path<String>,
) -> Result<Json<Rebuilt>, AppError> {
    indexes::rebuild(&state.db, &who.actor, &table)
        .await
        .map(Json)
}

/// `GET /api/indexes/slow-queries/analysis`.
pub async fn slow_queries(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<SlowAnalysis>, AppError> {
    indexes::slow(&state.db, &who.actor).await.map(Json)
}
