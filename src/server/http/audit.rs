//! The audit log for managers: list, one entry, one record's history, and
//! a walk of the hash chain.

use super::body::{Params, record_id};
use super::extract::Signed;
use crate::domain::audit::{AuditEntry, ChainReport};
use crate::domain::error::AppError;
use crate::domain::page::Page;
use crate::server::services::audit::{self, AuditQuery};
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};

pub async fn list(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<AuditQuery>,
) -> Result<Json<Page<AuditEntry>>, AppError> {
    audit::entries(&state.db, &who.actor, &query)
        .await
        .map(Json)
}

pub async fn one(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<Json<AuditEntry>, AppError> {
    audit::entry(&state.db, &who.actor, record_id(&id, "audit entry")?)
        .await
        .map(Json)
}

pub async fn history(
    State(state): State<AppState>,
    who: Signed,
    Path((entity_type, id)): Path<(String, String)>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let id = record_id(&id, "record")?;
    audit::history(&state.db, &who.actor, &entity_type, id)
        .await
        .map(Json)
}

pub async fn verify(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<ChainReport>, AppError> {
    audit::check_chain(&state.db, &who.actor).await.map(Json)
}
