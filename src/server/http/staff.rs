//! Employees, shifts and the time clock.

use super::body::{Params, record_id};
use super::extract::Signed;
use crate::domain::error::AppError;
use crate::domain::fields::FieldReader;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::page::Page;
use crate::domain::shift::{ClockEvent, Shift};
use crate::domain::staff::Employee;
use crate::server::services::shifts::{self, ShiftQuery};
use crate::server::services::{staff, write_path};
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;

pub async fn list_employees(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<Vec<Employee>>, AppError> {
    staff::employees(&state.db, &who.actor).await.map(Json)
}

pub async fn get_employee(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<Json<Employee>, AppError> {
    staff::employee(&state.db, &who.actor, record_id(&id, "employee")?)
        .await
        .map(Json)
}

pub async fn list_shifts(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<ShiftQuery>,
) -> Result<Json<Page<Shift>>, AppError> {
    shifts::shifts(&state.db, &who.actor, &query)
        .await
        .map(Json)
}

pub async fn get_shift(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<Json<Shift>, AppError> {
    shifts::shift(&state.db, &who.actor, record_id(&id, "shift")?)
        .await
        .map(Json)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClockState {
    /// The open clock-in of the signed-in person, if any.
    pub current: Option<ClockEvent>,
    /// Recent clock events: the person's own, or everyone's for a manager.
    pub recent: Vec<ClockEvent>,
}

pub async fn clock_state(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<ClockState>, AppError> {
    Ok(Json(ClockState {
        current: shifts::clocked_in(&state.db, &who.actor).await?,
        recent: shifts::clock_events(&state.db, &who.actor, Some(50)).await?,
    }))
}

/// `POST /api/clock/in {id?}`: 201 with the new clock event.
pub async fn clock_in(
    State(state): State<AppState>,
    who: Signed,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<serde_json::Value>), AppError> {
    // The body is optional: a till that makes its own id sends `{id}`.
    let data = if body.is_empty() {
        serde_json::json!({})
    } else {
        serde_json::from_slice(&body)
            .map_err(|_| AppError::field("body", "must be a JSON object"))?
    };
    let mut r = FieldReader::new(&data);
    let id = r.opt_uuid("id");
    r.finish(())?;
    let mut m = Mutation::create(EntityKind::ClockEvent, data);
    m.id = id.unwrap_or(m.id);
    let applied = write_path::apply(&state.db, &who.actor, m).await?;
    Ok((StatusCode::CREATED, Json(applied.record)))
}

/// `POST /api/clock/out`: closes the person's open clock-in and records
/// what they sold since.
pub async fn clock_out(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<serde_json::Value>, AppError> {
    let open = shifts::clocked_in(&state.db, &who.actor)
        .await?
        .ok_or_else(|| AppError::field("clock", "you are not clocked in"))?;
    let m = Mutation {
        entity: EntityKind::ClockEvent,
        op: Op::Update,
        id: open.id,
        base_version: Some(open.sync_version),
        data: serde_json::json!({}),
        base: None,
    };
    let applied = write_path::apply(&state.db, &who.actor, m).await?;
    Ok(Json(applied.record))
}
