//! Shifts a manager plans. Clock-ins move them on (in progress, completed)
//! in the clock event's writer.

use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::domain::shift::{Shift, ShiftDraft};
use crate::server::db::entities::{employee, shift};
use crate::server::error::DbResultExt;
use crate::server::services::versioned::{Row, Versioned};
use crate::server::services::write_path::Target;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};

pub struct ShiftKind;

impl Versioned for ShiftKind {
    const KIND: EntityKind = EntityKind::Shift;
    type Entity = shift::Entity;
    type Draft = ShiftDraft;
    type Wire = Shift;

    async fn parse(m: &Mutation) -> Result<ShiftDraft, AppError> {
        ShiftDraft::parse(&m.data)
    }

    fn fill(row: &mut Row<Self>, d: ShiftDraft) {
        row.employee_id = Set(d.employee_id);
        row.shift_date = Set(d.shift_date);
        row.start_time = Set(d.start_time);
        row.end_time = Set(d.end_time);
        row.status = Set(d.status.as_str().to_string());
        row.notes = Set(d.notes);
    }

    /// A shift is for one of the store's people.
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
