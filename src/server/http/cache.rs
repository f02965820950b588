//! `/api/cache`: the cache's figures (managers) and clearing it (owners).

use super::extract::Signed;
use crate::domain::cache::{CacheStats, Cleared};
use crate::domain::error::AppError;
use crate::server::services::cache::operations;
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};

/// `GET /api/cache/stats`: hits, misses and hit ratio per read and overall
/// (this instance, since it started), keys and memory where the backend
/// says.
pub async fn stats(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<CacheStats>, AppError> {
    operations::stats(&state.db, &who.actor).await.map(Json)
}

/// `DELETE /api/cache/store`: every cached read of the store.
pub async fn clear_store(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<Cleared>, AppError> {
    operations::clear(&state.db, &who.actor, None)
        .await
        .map(Json)
}

/// `DELETE /api/cache/{entity_type}`: one cached read (`products`,
/// `customers`, `sales`, `categories`, `reports`, `settings`).
pub async fn clear_one(
    State(state): State<AppState>,
    who: Signed,
    Path(entity_type): Path<String>,
) -> Result<Json<Cleared>, AppError> {
    operations::clear(&state.db, &who.actor, Some(&entity_type))
        .await
        .map(Json)
}
