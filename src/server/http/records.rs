//! The REST shape of the write path, shared by every kind with a REST
//! collection (`EntityKind::collection`): POST creates (201), PUT updates
//! the `sync_version` it names, DELETE removes the `?sync_version=N` it
//! names. A stale version is merged, or a 409 with the conflict.

use super::body::{JsonBody, Params, record_id};
use super::extract::Signed;
use crate::domain::error::AppError;
use crate::domain::fields::FieldReader;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::server::services::write_path;
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{MethodRouter, delete, post, put};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
pub struct VersionParam {
    pub sync_version: Option<i64>,
}

/// `POST /api/{entity}`: 201 with the record. A client may bring its own
/// UUIDv7 `id` (records made offline); otherwise the server makes one.
pub fn create_route(entity: EntityKind) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>, who: Signed, JsonBody(data): JsonBody| async move {
            let mut r = FieldReader::new(&data);
            let id = r.opt_uuid("id");
            r.finish(())?;
            let mut m = Mutation::create(entity, data);
            m.id = id.unwrap_or(m.id);
            let applied = write_path::apply(&state.db, &who.actor, m).await?;
            Ok::<_, AppError>((StatusCode::CREATED, Json(applied.record)))
        },
    )
}

/// The update of record `id` that `data` asks for: it must name the
/// `sync_version` the edit started from.
pub fn update_of(entity: EntityKind, id: Uuid, data: Value) -> Result<Mutation, AppError> {
    let mut r = FieldReader::new(&data);
    let base_version = r.int_in("sync_version", 1..=i64::MAX, None);
    r.finish(())?;
    Ok(Mutation {
        entity,
        op: Op::Update,
        id,
        base_version: Some(base_version),
        data,
        base: None,
    })
}

/// `PUT /api/{entity}/{id}` with the `sync_version` the edit started from.
pub fn update_route(entity: EntityKind) -> MethodRouter<AppState> {
    put(
        move |State(state): State<AppState>,
              who: Signed,
              Path(id): Path<String>,
              JsonBody(data): JsonBody| async move {
            let m = update_of(entity, record_id(&id, entity.noun())?, data)?;
            let applied = write_path::apply(&state.db, &who.actor, m).await?;
            Ok::<_, AppError>(Json(applied.record))
        },
    )
}

/// `DELETE /api/{entity}/{id}?sync_version=N`.
pub fn delete_route(entity: EntityKind) -> MethodRouter<AppState> {
    delete(
        move |State(state): State<AppState>,
              who: Signed,
              Path(id): Path<String>,
              Params(version): Params<VersionParam>| async move {
            let id = record_id(&id, entity.noun())?;
            let base_version = version.sync_version.ok_or_else(|| {
                AppError::field(
                    "sync_version",
                    "name the version you are deleting: ?sync_version=N",
                )
            })?;
            write_path::apply(
                &state.db,
                &who.actor,
                Mutation::delete(entity, id, base_version),
            )
            .await?;
            Ok::<_, AppError>(StatusCode::NO_CONTENT)
        },
    )
}
