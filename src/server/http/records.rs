//! The REST shape of the write path, shared by every versioned entity:
//! POST creates (201), PUT updates the `sync_version` it names, DELETE
//! removes the `?sync_version=N` it names. A stale version is a 409.

use super::extract::Signed;
use crate::domain::error::AppError;
use crate::domain::fields::FieldReader;
use crate::domain::mutation::{Applied, EntityKind, Mutation, Op};
use crate::server::services::write_path;
use crate::server::startup::AppState;
use axum::Json;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
pub struct VersionParam {
    pub sync_version: Option<i64>,
}

pub async fn create(
    state: &AppState,
    who: &Signed,
    entity: EntityKind,
    data: Value,
) -> Result<Applied, AppError> {
    // A client may bring its own UUIDv7 (offline creates); else we make one.
    let mut r = FieldReader::new(&data);
    let id = r.opt_uuid("id");
    r.finish(())?;
    let mut m = Mutation::create(entity, data);
    m.id = id.unwrap_or(m.id);
    write_path::apply(&state.db, &who.actor, m).await
}

pub async fn update(
    state: &AppState,
    who: &Signed,
    entity: EntityKind,
    id: Uuid,
    data: Value,
) -> Result<Applied, AppError> {
    let mut r = FieldReader::new(&data);
    let base_version = r.int_in("sync_version", 1..=i64::MAX, None);
    r.finish(())?;
    let m = Mutation {
        entity,
        op: Op::Update,
        id,
        base_version: Some(base_version),
        data,
    };
    write_path::apply(&state.db, &who.actor, m).await
}

pub async fn delete(
    state: &AppState,
    who: &Signed,
    entity: EntityKind,
    id: Uuid,
    version: VersionParam,
) -> Result<StatusCode, AppError> {
    let base_version = version.sync_version.ok_or_else(|| {
        AppError::field(
            "sync_version",
            "name the version you are deleting: ?sync_version=N",
        )
    })?;
    let m = Mutation::delete(entity, id, base_version);
    write_path::apply(&state.db, &who.actor, m).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn created(applied: Applied) -> (StatusCode, Json<Value>) {
    (StatusCode::CREATED, Json(applied.record))
}
