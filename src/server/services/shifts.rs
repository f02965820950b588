//! Shifts a manager plans, and the clock-ins and clock-outs at the till
//! that fill them. A clock-out records what the person sold meanwhile.

use super::feed::{FeedEntry, FeedOp};
use super::versioned::{self, Change, Versioned, id_taken};
use super::write_path::{Target, Written, to_json};
use super::{Actor, page_limit};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{EntityKind, Op};
use crate::domain::shift::{ClockEvent, ClockPunch, Shift, ShiftDraft, ShiftStatus};
use crate::server::db::entities::{clock_event, employee, sale, shift};
use crate::server::error::DbResultExt;
use crate::server::services::paging::page_of;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::Select;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ShiftQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub employee_id: Option<Uuid>,
    pub limit: Option<u64>,
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
    let who = if actor.role.is_manager() {
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
    shift::Entity::find_by_id(id)
        .filter(shift::Column::StoreId.eq(actor.store_id))
        .filter(shift::Column::DeletedAt.is_null())
        .one(db)
        .await
        .or_internal()?
        .filter(|s| actor.role.is_manager() || Some(s.employee_id) == actor.employee_id)
        .map(Shift::from)
        .ok_or_else(|| AppError::not_found(EntityKind::Shift.noun()))
}

pub(in crate::server::services) async fn write_shift(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    draft: Option<ShiftDraft>,
) -> Result<Written, AppError> {
    versioned::write::<shift::Entity>(txn, t, draft).await
}

impl Versioned for shift::Entity {
    const KIND: EntityKind = EntityKind::Shift;
    const ID: shift::Column = shift::Column::Id;
    const STORE_ID: shift::Column = shift::Column::StoreId;
    const DELETED_AT: shift::Column = shift::Column::DeletedAt;
    const SYNC_VERSION: shift::Column = shift::Column::SyncVersion;
    type Draft = ShiftDraft;
    type Wire = Shift;

    fn version(model: &shift::Model) -> i64 {
        model.sync_version
    }

    fn is_deleted(model: &shift::Model) -> bool {
        model.deleted_at.is_some()
    }

    fn created(id: Uuid, store_id: Uuid, now: DateTime<Utc>, d: ShiftDraft) -> shift::ActiveModel {
        shift::ActiveModel {
            id: Set(id),
            store_id: Set(store_id),
            created_at: Set(now),
            deleted_at: Set(None),
            ..Self::changed(1, now, Change::Update(d))
        }
    }

    fn changed(version: i64, now: DateTime<Utc>, change: Change<ShiftDraft>) -> shift::ActiveModel {
        let mut row = shift::ActiveModel {
            sync_version: Set(version),
            last_synced_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        match change {
            Change::Update(d) => {
                row.employee_id = Set(d.employee_id);
                row.shift_date = Set(d.shift_date);
                row.start_time = Set(d.start_time);
                row.end_time = Set(d.end_time);
                row.status = Set(d.status.as_str().to_string());
                row.notes = Set(d.notes);
            }
            Change::Delete => row.deleted_at = Set(Some(now)),
        }
        row
    }

    async fn check(
        txn: &DatabaseTransaction,
        t: &Target<'_>,
        d: &ShiftDraft,
    ) -> Result<(), AppError> {
        let known = employee::Entity::find_by_id(d.employee_id)
            .filter(employee::Column::StoreId.eq(t.actor.store_id))
            .filter(employee::Column::DeletedAt.is_null())
            .count(txn)
            .await
            .or_internal()?;
        if known == 0 {
            return Err(AppError::field(
                "employee_id",
                "is not an employee of this store",
            ));
        }
        Ok(())
    }
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
    let mut select =
        clock_event::Entity::find().filter(clock_event::Column::StoreId.eq(actor.store_id));
    if !actor.role.is_manager() {
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

/// Moves the shift a clock event belongs to on to `status`.
async fn mark_shift(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    shift_id: Uuid,
    status: ShiftStatus,
    feed: &mut Vec<FeedEntry>,
) -> Result<(), AppError> {
    shift::Entity::update_many()
        .col_expr(shift::Column::Status, Expr::value(status.as_str()))
        .col_expr(
            shift::Column::SyncVersion,
            Expr::col(shift::Column::SyncVersion).add(1),
        )
        .col_expr(shift::Column::LastSyncedAt, Expr::value(t.now))
        .col_expr(shift::Column::UpdatedAt, Expr::value(t.now))
        .filter(shift::Column::Id.eq(shift_id))
        .exec(txn)
        .await
        .or_internal()?;
    if let Some(s) = shift::Entity::find_by_id(shift_id)
        .one(txn)
        .await
        .or_internal()?
    {
        feed.push(FeedEntry {
            entity: EntityKind::Shift,
            id: shift_id,
            op: FeedOp::Upsert,
            version: s.sync_version,
        });
    }
    Ok(())
}

/// Clock-in (create) and clock-out (update) of the signed-in person.
pub(in crate::server::services) async fn write_clock(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    punch: ClockPunch,
) -> Result<Written, AppError> {
    let employee_id = t.actor.employee_id.ok_or_else(AppError::forbidden)?;
    let mut feed = Vec::new();
    let (before, model) = match t.op {
        Op::Create => {
            if clock_event::Entity::find_by_id(t.id)
                .count(txn)
                .await
                .or_internal()?
                > 0
            {
                return Err(id_taken(EntityKind::ClockEvent));
            }
            let open = clock_event::Entity::find()
                .filter(clock_event::Column::StoreId.eq(t.actor.store_id))
                .filter(clock_event::Column::EmployeeId.eq(employee_id))
                .filter(clock_event::Column::ClockOut.is_null())
                .count(txn)
                .await
                .or_internal()?;
            if open > 0 {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    "You are already clocked in. Clock out first.",
                ));
            }
            // Today's planned shift, if there is one, is the one starting.
            let planned = shift::Entity::find()
                .filter(shift::Column::StoreId.eq(t.actor.store_id))
                .filter(shift::Column::EmployeeId.eq(employee_id))
                .filter(shift::Column::DeletedAt.is_null())
                .filter(shift::Column::ShiftDate.eq(punch.at.date_naive()))
                .filter(shift::Column::Status.is_in(["scheduled", "in_progress"]))
                .order_by_asc(shift::Column::StartTime)
                .one(txn)
                .await
                .or_internal()?;
            if let Some(s) = &planned {
                mark_shift(txn, t, s.id, ShiftStatus::InProgress, &mut feed).await?;
            }
            let model = clock_event::Entity::insert(clock_event::ActiveModel {
                id: Set(t.id),
                store_id: Set(t.actor.store_id),
                employee_id: Set(employee_id),
                shift_id: Set(planned.map(|s| s.id)),
                clock_in: Set(punch.at),
                clock_out: Set(None),
                sales_total_cents: Set(0),
                sync_version: Set(1),
                last_synced_at: Set(t.now),
            })
            .exec_with_returning(txn)
            .await
            .or_internal()?;
            (None, model)
        }
        _ => {
            let current = clock_event::Entity::find_by_id(t.id)
                .filter(clock_event::Column::StoreId.eq(t.actor.store_id))
                .one(txn)
                .await
                .or_internal()?
                .filter(|e| t.actor.role.is_manager() || e.employee_id == employee_id)
                .ok_or_else(|| AppError::not_found(EntityKind::ClockEvent.noun()))?;
            if current.clock_out.is_some() {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    "This clock-in was already closed.",
                ));
            }
            if punch.at < current.clock_in {
                return Err(AppError::field("at", "is before the clock-in"));
            }
            let takings: Vec<i64> = sale::Entity::find()
                .select_only()
                .column(sale::Column::TotalCents)
                .filter(sale::Column::StoreId.eq(t.actor.store_id))
                .filter(sale::Column::EmployeeId.eq(current.employee_id))
                .filter(sale::Column::CreatedAt.gte(current.clock_in))
                .filter(sale::Column::CreatedAt.lte(punch.at))
                .into_tuple()
                .all(txn)
                .await
                .or_internal()?;
            let result = clock_event::Entity::update_many()
                .col_expr(clock_event::Column::ClockOut, Expr::value(punch.at))
                .col_expr(
                    clock_event::Column::SalesTotalCents,
                    Expr::value(takings.iter().sum::<i64>()),
                )
                .col_expr(
                    clock_event::Column::SyncVersion,
                    Expr::value(current.sync_version + 1),
                )
                .col_expr(clock_event::Column::LastSyncedAt, Expr::value(t.now))
                .filter(clock_event::Column::Id.eq(t.id))
                .filter(clock_event::Column::ClockOut.is_null())
                .exec(txn)
                .await
                .or_internal()?;
            if result.rows_affected != 1 {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    "This clock-in was already closed.",
                ));
            }
            if let Some(shift_id) = current.shift_id {
                mark_shift(txn, t, shift_id, ShiftStatus::Completed, &mut feed).await?;
            }
            let before = to_json(ClockEvent::from(current));
            let model = clock_event::Entity::find_by_id(t.id)
                .one(txn)
                .await
                .or_internal()?
                .ok_or_else(AppError::internal)?;
            (Some(before), model)
        }
    };
    let version = model.sync_version;
    feed.push(FeedEntry {
        entity: EntityKind::ClockEvent,
        id: t.id,
        op: FeedOp::Upsert,
        version,
    });
    Ok(Written {
        before,
        after: to_json(ClockEvent::from(model)),
        version,
        feed,
    })
}
