//! The one write path (docs/ARCHITECTURE.md, "The one write path"). Every
//! change to a record, from any screen, the REST API or a till's push, is
//! applied here, in one transaction with its change-feed entries and its
//! audit entry: either all of them are written or none. What a kind of
//! record is, the write path asks its description (`kinds`).

use super::conflicts::{self, Reconciled};
use super::feed::FeedEntry;
use super::kinds::sale::is_new_sale;
use super::kinds::{RecordKind, with_kind};
use super::ledger::Ledger;
use super::realtime::ConflictNote;
use super::{Actor, Db, audit, sales};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{Applied, EntityKind, Mutation, Op};
use crate::domain::sale_input::SaleInput;
use crate::domain::sync::Outcome;
use crate::server::db::bulk::Together;
use crate::server::error::DbResultExt;
use chrono::{DateTime, Utc};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use serde_json::Value;
use uuid::Uuid;

/// What a record writer did, for the feed and the audit entry.
pub(super) struct Written {
    pub before: Option<Value>,
    /// What the audit entry keeps as the change's result.
    pub after: Value,
    /// The record exactly as the pull sends it, when the writer has it in
    /// hand: its event carries it. `None` when `after` is a summary of
    /// another shape (a sale, a refund, a stock move, a payment) — the
    /// event then makes the tills read the record.
    pub carried: Option<Value>,
    pub version: i64,
    pub feed: Vec<FeedEntry>,
}

/// The facts of one mutation a record writer needs.
pub(super) struct Target<'a> {
    pub actor: &'a Actor,
    pub id: Uuid,
    pub op: Op,
    pub base_version: Option<i64>,
    pub now: DateTime<Utc>,
    /// Resolving a conflict in favour of an edit of a record deleted
    /// meanwhile: the update brings it back.
    pub revive: bool,
}

impl<'a> Target<'a> {
    fn of(actor: &'a Actor, m: &Mutation, now: DateTime<Utc>) -> Target<'a> {
        Target {
            actor,
            id: m.id,
            op: m.op,
            base_version: m.base_version,
            now,
            revive: false,
        }
    }
}

/// The permission table's word on a change (refunds, voids, others'
/// clock-ins and managers' records are checked again by their writers).
fn authorise(actor: &Actor, m: &Mutation) -> Result<(), AppError> {
    actor.must_on(m.entity, m.op.into())
}

/// Applies one mutation: authorise, validate, write the record, the feed
/// and the audit entry, commit. A stale edit that clashed is stored as a
/// conflict (committed) and comes back as the 409 error.
#[tracing::instrument(skip_all, err(level = "debug"), fields(entity = m.entity.as_str(), op = m.op.as_str(), id = %m.id, store = %actor.store_id))]
pub async fn apply(db: &Db, actor: &Actor, m: Mutation) -> Result<Applied, AppError> {
    if is_new_sale(&m) {
        // Written with the store's other sales waiting (`group_commit`).
        return db.groups().apply(db, actor, m).await;
    }
    apply_alone(db, actor, m).await
}

/// Applies one mutation in a transaction of its own.
pub(super) async fn apply_alone(db: &Db, actor: &Actor, m: Mutation) -> Result<Applied, AppError> {
    with_kind!(m.entity, K => apply_as::<K>(db, actor, m).await)
}

async fn apply_as<K: RecordKind>(db: &Db, actor: &Actor, m: Mutation) -> Result<Applied, AppError> {
    authorise(actor, &m)?;
    let payload = K::parse(&m).await?;
    let txn = begin(db).await.or_internal()?;
    let mut ledger = Ledger::claim(&txn, actor.store_id).await.or_internal()?;
    let applied = write::<K>(&txn, &mut ledger, actor, &m, payload).await?;
    ledger.commit(txn, db).await.or_internal()?;
    match applied.outcome.conflict_report(m.entity, m.id, m.op) {
        Some(report) => Err(AppError::conflict(report)),
        None => Ok(applied),
    }
}

/// Applies one mutation inside a transaction the caller owns (a push
/// applies a batch in one), with the caller's ledger, which the caller
/// closes before it commits.
pub(super) async fn apply_in(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    actor: &Actor,
    m: &Mutation,
) -> Result<Applied, AppError> {
    authorise(actor, m)?;
    with_kind!(m.entity, K => {
        let payload = K::parse(m).await?;
        write::<K>(txn, ledger, actor, m, payload).await
    })
}

/// The record, its feed entries and its audit entry, in `txn`; a stale
/// edit of master data merged first, or stored as a conflict.
async fn write<K: RecordKind>(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    actor: &Actor,
    m: &Mutation,
    payload: K::Payload,
) -> Result<Applied, AppError> {
    // To the microsecond, the precision both databases keep, so a record
    // built in memory equals the one read back.
    let now = audit::audit_time(Utc::now());
    match conflicts::reconcile::<K>(txn, actor, m, K::edited(&payload), now).await? {
        Reconciled::Current => {
            let target = Target::of(actor, m, now);
            write_as::<K>(txn, ledger, m, payload, target, m.op.as_str()).await
        }
        Reconciled::Merged(merged) => {
            let payload = K::parse(&merged).await?;
            let target = Target::of(actor, &merged, now);
            let mut applied = write_as::<K>(txn, ledger, &merged, payload, target, "merge").await?;
            applied.outcome = Outcome::Merged {
                version: applied.version,
            };
            Ok(applied)
        }
        Reconciled::Conflict(report) => {
            ledger.audit(actor, conflicts::conflict_audit(&report), now);
            ledger.conflict(ConflictNote {
                id: report.conflict_id,
                entity: report.entity,
                entity_id: report.entity_id,
                resolved: false,
            });
            Ok(Applied {
                entity: m.entity,
                id: m.id,
                version: report
                    .server
                    .get("sync_version")
                    .and_then(Value::as_i64)
                    .unwrap_or_default(),
                seq: ledger.feed(&[], now),
                record: report.server.clone(),
                outcome: Outcome::conflict(&report),
            })
        }
    }
}

/// Writes the change a person chose when resolving a conflict, audited
/// as a resolve, inside the caller's transaction (who may resolve is the
/// caller's to check).
pub(super) async fn apply_resolved<K: RecordKind>(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    actor: &Actor,
    m: &Mutation,
    revive: bool,
    now: DateTime<Utc>,
) -> Result<Applied, AppError> {
    let payload = K::parse(m).await?;
    let target = Target {
        revive,
        ..Target::of(actor, m, now)
    };
    write_as::<K>(txn, ledger, m, payload, target, "resolve").await
}

/// Writes one record and its feed and audit entries; `verb` names the
/// audit action after the entity ("product.update", "product.merge").
async fn write_as<K: RecordKind>(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    m: &Mutation,
    payload: K::Payload,
    target: Target<'_>,
    verb: &str,
) -> Result<Applied, AppError> {
    let written = K::write(txn, ledger, &target, payload).await?;
    Ok(record(ledger, target.actor, m, verb, written, target.now))
}

/// Puts a written record on the feed and the audit log.
fn record(
    ledger: &mut Ledger,
    actor: &Actor,
    m: &Mutation,
    verb: &str,
    written: Written,
    now: DateTime<Utc>,
) -> Applied {
    let seq = ledger.feed(&written.feed, now);
    if let Some(record) = &written.carried {
        ledger.carry(m.entity, m.id, record);
    }
    let draft = audit::AuditDraft {
        action: format!("{}.{verb}", m.entity.as_str()),
        entity_type: m.entity.as_str().to_string(),
        entity_id: Some(m.id),
        before: written.before,
        after: Some(written.after.clone()).filter(|v| !v.is_null()),
    };
    ledger.audit(actor, draft, now);
    Applied {
        entity: m.entity,
        id: m.id,
        version: written.version,
        seq,
        record: written.after,
        outcome: Outcome::Applied {
            version: written.version,
        },
    }
}

/// Applies new sales (see [`is_new_sale`]) of store `store_id` together
/// inside the caller's transaction, each by its own actor (one till's push,
/// or a group of online sales from several): each is checked, priced,
/// numbered and audited on its own and may be refused on its own; the
/// accepted ones' rows and stock update are added to `rows`, for the
/// caller to write (on PostgreSQL they are not in the database until it
/// does; customers' totals are updated at once). The outer error is the
/// database's: then nothing of the batch may be committed.
pub(super) async fn apply_sales_in(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    store_id: Uuid,
    ms: &[(&Actor, &Mutation)],
    rows: &mut Together,
) -> Result<Vec<Result<Applied, AppError>>, AppError> {
    let now = audit::audit_time(Utc::now());
    let parsed: Vec<Result<SaleInput, AppError>> = ms
        .iter()
        .map(|(actor, m)| {
            debug_assert_eq!(actor.store_id, store_id);
            authorise(actor, m)?;
            SaleInput::parse(&m.data)
        })
        .collect();
    let wanted: Vec<(Uuid, &SaleInput)> = ms
        .iter()
        .zip(&parsed)
        .filter_map(|((_, m), p)| p.as_ref().ok().map(|input| (m.id, input)))
        .collect();
    let known = sales::Known::load(txn, store_id, &wanted).await?;
    let mut batch = sales::SaleBatch::default();
    let mut results = Vec::with_capacity(ms.len());
    for ((actor, m), input) in ms.iter().zip(parsed) {
        debug_assert!(is_new_sale(m));
        let target = Target::of(actor, m, now);
        results.push(
            input
                .and_then(|input| batch.add(ledger, &known, &target, input))
                .map(|written| record(ledger, actor, m, m.op.as_str(), written, now)),
        );
    }
    let touched = batch.stage(txn, &known, rows).await?;
    ledger.feed(&touched, now);
    Ok(results)
}

/// Starts a write transaction. On SQLite it takes the write lock at BEGIN
/// (IMMEDIATE), so two writers wait their turn instead of failing midway.
pub(super) async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// An update or delete must name the version it started from, and it must
/// be the current one; otherwise the caller gets the server's record back.
pub(super) fn check_version(
    target: &Target<'_>,
    entity: EntityKind,
    current: i64,
    server: &Value,
) -> Result<(), AppError> {
    match target.base_version {
        None => Err(AppError::field(
            "sync_version",
            "is required to change an existing record",
        )),
        Some(base) if base == current => Ok(()),
        Some(base) => Err(stale(entity, base, current, server)),
    }
}

/// The 409 for an edit that started from an old version.
pub(super) fn stale(entity: EntityKind, base: i64, current: i64, server: &Value) -> AppError {
    AppError {
        details: serde_json::json!({
            "entity": entity.as_str(),
            "base_version": base,
            "server_version": current,
            "server": server,
        }),
        ..AppError::new(
            ErrorCode::Conflict,
            format!(
                "Someone else changed this {} since you opened it. Review their version and try again.",
                entity.noun()
            ),
        )
    }
}

/// A wire record as JSON for the feed and the audit entry.
pub(super) fn to_json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
