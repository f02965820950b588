//! Shifts a manager plans, and the clock-ins and clock-outs at the till
//! that fill them, read scoped to the store (and to the person, for whoever
//! may not read others'). Both are written as record kinds
//! (`kinds::shift`, `kinds::clock_event`).

use super::{Actor, page_limit};
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::permissions::Action;
use crate::domain::shift::{ClockEvent, Shift, ShiftStatus};
use crate::server::db::entities::{clock_event, shift};
use crate::server::error::DbResultExt;
use crate::server::services::paging::page_of;
use chrono::NaiveDate;
use sea_orm::Select;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShiftQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub employee_id: Option<Uuid>,
    /// Rows per page, 1 to 200 (50 when left out).
    pub limit: Option<u64>,
    /// Rows to skip (0 when left out).
    pub offset: Option<u64>,
}

impl From<shift::Model> for Shift {
    fn from(m: shift::Model) -> Self {
        Shift {
            id: m.id,
            employee_id: m.employee_id,
            shift_date: m.shift_date,
            start_time: m.start_time,
            end_time: m.end_time,
            status: ShiftStatus::parse(&m.status).unwrap_or(ShiftStatus::Scheduled),
            notes: m.notes,
            sync_version: m.sync_version,
        }
    }
}

impl From<clock_event::Model> for ClockEvent {
    fn from(m: clock_event::Model) -> Self {
        ClockEvent {
            id: m.id,
            employee_id: m.employee_id,
            shift_id: m.shift_id,
            clock_in: m.clock_in,
            clock_out: m.clock_out,
            sales_total_cents: m.sales_total_cents,
            sync_version: m.sync_version,
        }
    }
}

/// Shifts in date order. Cashiers see their own; managers everyone's.
pub async fn shifts(
    db: &DatabaseConnection,
    actor: &Actor,
    q: &ShiftQuery,
) -> Result<crate::domain::page::Page<Shift>, AppError> {
    let mut select = shift::Entity::find()
        .filter(shift::Column::StoreId.eq(actor.store_id))
        .filter(shift::Column::DeletedAt.is_null());
    actor.must_on(EntityKind::Shift, Action::Read)?;
    let who = if actor.may_on(EntityKind::Shift, Action::ReadOthers) {
        q.employee_id
    } else {
        actor.employee_id
    };
    if let Some(e) = who {
        select = select.filter(shift::Column::EmployeeId.eq(e));
    }
    if let Some(from) = q.from {
        select = select.filter(shift::Column::ShiftDate.gte(from));
    }
    if let Some(to) = q.to {
        select = select.filter(shift::Column::ShiftDate.lte(to));
    }
    let by_time = |s: Select<shift::Entity>| {
        s.order_by_asc(shift::Column::ShiftDate)
            .order_by_asc(shift::Column::StartTime)
    };
    Ok(page_of(db, select, by_time, q.limit, q.offset)
        .await?
        .map(Shift::from))
}

pub async fn shift(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<Shift, AppError> {
    actor.must_on(EntityKind::Shift, Action::Read)?;
    let anyones = actor.may_on(EntityKind::Shift, Action::ReadOthers);
    shift::Entity::find_by_id(id)
        .filter(shift::Column::StoreId.eq(actor.store_id))
        .filter(shift::Column::DeletedAt.is_null())
        .one(db)
        .await
        .or_internal()?
        .filter(|s| anyones || Some(s.employee_id) == actor.employee_id)
        .map(Shift::from)
        .ok_or_else(|| AppError::not_found(EntityKind::Shift.noun()))
}

/// The employee's open clock event, if they are clocked in.
pub async fn clocked_in(
    db: &DatabaseConnection,
    actor: &Actor,
) -> Result<Option<ClockEvent>, AppError> {
    let Some(employee_id) = actor.employee_id else {
        return Ok(None);
    };
    Ok(clock_event::Entity::find()
        .filter(clock_event::Column::StoreId.eq(actor.store_id))
        .filter(clock_event::Column::EmployeeId.eq(employee_id))
        .filter(clock_event::Column::ClockOut.is_null())
        .one(db)
        .await
        .or_internal()?
        .map(ClockEvent::from))
}

/// Clock events, newest first: a manager's view of who worked and sold.
pub async fn clock_events(
    db: &DatabaseConnection,
    actor: &Actor,
    limit: Option<u64>,
) -> Result<Vec<ClockEvent>, AppError> {
    actor.must_on(EntityKind::ClockEvent, Action::Read)?;
    let mut select =
        clock_event::Entity::find().filter(clock_event::Column::StoreId.eq(actor.store_id));
    if !actor.may_on(EntityKind::ClockEvent, Action::ReadOthers) {
        select = select.filter(clock_event::Column::EmployeeId.eq(actor.employee_id));
    }
    Ok(select
        .order_by_desc(clock_event::Column::ClockIn)
        .limit(page_limit(limit))
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(ClockEvent::from)
        .collect())
}
