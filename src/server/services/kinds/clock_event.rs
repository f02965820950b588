//! Clock-ins (a create) and clock-outs (an update) of the person signed in
//! at the till, at the till's time. A clock-in starts today's planned
//! shift; a clock-out records the takings in between and completes it.

use super::{RecordKind, pulled_rows, unsupported};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::permissions::Action;
use crate::domain::shift::{ClockEvent, ClockPunch, ShiftStatus};
use crate::server::db::entities::{clock_event, sale, shift};
use crate::server::error::DbResultExt;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::ledger::Ledger;
use crate::server::services::versioned::id_taken;
use crate::server::services::write_path::{Target, Written, to_json};
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

pub struct ClockEventKind;

impl RecordKind for ClockEventKind {
    const KIND: EntityKind = EntityKind::ClockEvent;
    type Payload = ClockPunch;

    async fn parse(m: &Mutation) -> Result<ClockPunch, AppError> {
        match m.op {
            Op::Create | Op::Update => ClockPunch::parse(&m.data, Utc::now()),
            Op::Delete => Err(unsupported(m)),
        }
    }

    async fn write(
        txn: &DatabaseTransaction,
        _ledger: &mut Ledger,
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
                let anyones = t.actor.may_on(EntityKind::ClockEvent, Action::UpdateOthers);
                let current = clock_event::Entity::find_by_id(t.id)
                    .filter(clock_event::Column::StoreId.eq(t.actor.store_id))
                    .one(txn)
                    .await
                    .or_internal()?
                    .filter(|e| anyones || e.employee_id == employee_id)
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
            op: if before.is_none() {
                FeedOp::Create
            } else {
                FeedOp::Upsert
            },
            version,
        });
        let after = to_json(ClockEvent::from(model));
        Ok(Written {
            before,
            carried: Some(after.clone()),
            after,
            version,
            feed,
        })
    }

    async fn pulled(
        db: &DatabaseConnection,
        store_id: Uuid,
        ids: Vec<Uuid>,
    ) -> Result<Vec<(Uuid, Value)>, AppError> {
        pulled_rows::<clock_event::Entity, ClockEvent>(db, "store_id", store_id, ids).await
    }
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
