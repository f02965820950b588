//! Stores are the tenants. Creating one is an owner/admin act, audited as
//! the first entry of the store's own chain. Its settings are a record
//! kind (`kinds::store_settings`), changed through the write path.

use super::audit::AuditDraft;
use super::cache::Cached;
use super::feed::{FeedEntry, FeedOp};
use super::ledger::Ledger;
use super::write_path::{begin, to_json};
use super::{Actor, Db};
use crate::domain::cache::CachedRead;
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::permissions::Action;
use crate::domain::report::StoreClock;
use crate::domain::store::StoreSettings;
use crate::server::db::entities::store;
use crate::server::error::DbResultExt;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use uuid::Uuid;

/// Makes a store with its settings at version 1, on its own feed (so its
/// tills pull them) and at the head of its own audit chain.
pub async fn create_store(db: &Db, id: Uuid, name: &str) -> Result<store::Model, AppError> {
    let now = super::audit::audit_time(Utc::now());
    let txn = begin(db).await.or_internal()?;
    let model = store::Entity::insert(store::ActiveModel {
        id: Set(id),
        name: Set(name.to_string()),
        currency: Set("USD".into()),
        prices_include_tax: Set(false),
        change_seq: Set(0),
        audit_seq: Set(0),
        audit_head: Set(String::new()),
        audit_seal: Set(String::new()),
        sale_seq: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        sync_version: Set(1),
        last_synced_at: Set(now),
        time_zone: Set(crate::domain::store::utc()),
        address: Set(String::new()),
        tax_number: Set(String::new()),
        receipt_footer: Set(String::new()),
    })
    .exec_with_returning(&txn)
    .await
    .or_internal()?;
    let mut ledger = Ledger::claim(&txn, id).await.or_internal()?;
    let settings = FeedEntry {
        entity: EntityKind::StoreSettings,
        id,
        op: FeedOp::Create,
        version: 1,
    };
    ledger.feed(&[settings], now);
    // On the settings' own trail: a stale edit of version 1 is merged
    // against what this entry says version 1 was.
    let draft = AuditDraft {
        action: "store.create".into(),
        entity_type: EntityKind::StoreSettings.as_str().into(),
        entity_id: Some(id),
        before: None,
        after: Some(to_json(StoreSettings::from(model.clone()))),
    };
    ledger.audit(&Actor::system(id), draft, now);
    ledger.commit(txn, db).await.or_internal()?;
    Ok(model)
}

pub async fn count(db: &DatabaseConnection) -> Result<u64, AppError> {
    store::Entity::find().count(db).await.or_internal()
}

/// The caller's store's settings (anyone signed in: a till needs them;
/// cached).
pub async fn settings(db: &Db, actor: &Actor) -> Result<Cached<StoreSettings>, AppError> {
    actor.must_on(EntityKind::StoreSettings, Action::Read)?;
    let compute = || settings_now(db, actor.store_id);
    db.cache()
        .read(actor.store_id, CachedRead::Settings, &(), compute)
        .await
}

/// The clock of a store in `zone` (UTC when the name is unknown, which
/// the settings never let in).
pub fn clock_of(zone: &str) -> StoreZone {
    StoreZone(zone.parse().unwrap_or(chrono_tz::UTC))
}

pub struct StoreZone(chrono_tz::Tz);

impl StoreClock for StoreZone {
    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.0).naive_local()
    }

    /// Local midnight; where a clock change skips midnight, the first
    /// instant of the day after the jump.
    fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_time(NaiveTime::MIN);
        (0..=3)
            .find_map(|h| {
                self.0
                    .from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                    .earliest()
            })
            .map_or(midnight.and_utc(), |t| t.with_timezone(&Utc))
    }
}

async fn settings_now(db: &DatabaseConnection, store_id: Uuid) -> Result<StoreSettings, AppError> {
    store::Entity::find_by_id(store_id)
        .one(db)
        .await
        .or_internal()?
        .map(StoreSettings::from)
        .ok_or_else(|| AppError::not_found("store"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_day_starts_at_its_own_midnight_even_across_a_clock_change() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let london = clock_of("Europe/London");
        assert_eq!(
            london.day_start(day(7, 1)).to_rfc3339(),
            "2026-06-30T23:00:00+00:00"
        );
        assert_eq!(
            london.day_start(day(12, 1)).to_rfc3339(),
            "2026-12-01T00:00:00+00:00"
        );
        // Havana springs forward at midnight: the day starts at 01:00.
        let havana = clock_of("America/Havana");
        assert_eq!(
            havana.day_start(day(3, 8)).to_rfc3339(),
            "2026-03-08T05:00:00+00:00"
        );
        assert_eq!(
            clock_of("Not/AZone").day_start(day(1, 1)).to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
    }
}
