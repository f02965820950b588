//! A store's settings as a versioned record (id = the store's id): an
//! owner's edit is versioned, merged when stale, on the change feed and
//! pulled by every till, which prices its offline sales by it.

use super::unsupported;
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::store::{SettingsEdit, StoreSettings};
use crate::server::db::entities::store;
use crate::server::error::DbResultExt;
use crate::server::services::ledger::Ledger;
use crate::server::services::versioned::{Model, Row, Versioned};
use crate::server::services::write_path::Target;
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};

pub struct StoreSettingsKind;

impl Versioned for StoreSettingsKind {
    const KIND: EntityKind = EntityKind::StoreSettings;
    /// The settings are the store row's own columns.
    const STORE_COLUMN: &'static str = "id";
    type Entity = store::Entity;
    type Draft = SettingsEdit;
    type Wire = StoreSettings;

    /// A store's settings are made with the store and never removed.
    async fn parse(m: &Mutation) -> Result<SettingsEdit, AppError> {
        match m.op {
            Op::Update => SettingsEdit::parse(&m.data),
            _ => Err(unsupported(m)),
        }
    }

    fn fill(row: &mut Row<Self>, edit: SettingsEdit) {
        if let Some(name) = edit.name {
            row.name = Set(name);
        }
        if let Some(included) = edit.prices_include_tax {
            row.prices_include_tax = Set(included);
        }
        let texts = [
            (edit.currency, &mut row.currency),
            (edit.time_zone, &mut row.time_zone),
            (edit.address, &mut row.address),
            (edit.tax_number, &mut row.tax_number),
            (edit.receipt_footer, &mut row.receipt_footer),
        ];
        for (edit, column) in texts {
            if let Some(value) = edit {
                *column = Set(value);
            }
        }
    }

    async fn check(
        txn: &DatabaseTransaction,
        t: &Target<'_>,
        edit: &SettingsEdit,
    ) -> Result<(), AppError> {
        let now = store::Entity::find_by_id(t.actor.store_id)
            .one(txn)
            .await
            .or_internal()?
            .ok_or_else(|| AppError::not_found("store"))?;
        if let Some(zone) = &edit.time_zone
            && zone.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(AppError::field(
                "time_zone",
                "is not a time zone we know; pick one like Europe/London",
            ));
        }
        let has_sales = now.sale_seq > 0;
        edit.applied_to(&StoreSettings::from(now), has_sales)
            .map(|_| ())
    }

    /// A sale later in the same transaction is priced by the new setting.
    fn written(ledger: &mut Ledger, row: &Model<Self>) {
        ledger.prices_include_tax = row.prices_include_tax;
    }
}
