//! The one write path (DESIGN.md "One write path"). Every change to a
//! versioned record, from any screen or API, is applied here, in one
//! transaction with its change-feed entries and its audit entry: either all
//! of them are written or none.

use super::conflicts::{self, Stale};
use super::feed::FeedEntry;
use super::ledger::Ledger;
use super::{Actor, audit, catalog, credits, customers, sales, shifts, staff};
use crate::domain::catalog::{CategoryDraft, ProductDraft, StockAdjustment};
use crate::domain::conflict::{Fields, fields_of};
use crate::domain::credit::{CreditDraft, CreditPaymentInput};
use crate::domain::customer::CustomerDraft;
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{Applied, EntityKind, How, Mutation, Op, may_apply};
use crate::domain::sale_input::{RefundInput, SaleInput};
use crate::domain::shift::{ClockPunch, ShiftDraft};
use crate::domain::staff::EmployeeDraft;
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
    pub after: Value,
    pub version: i64,
    pub feed: Vec<FeedEntry>,
}

/// A mutation's payload, parsed before the transaction starts so bad input
/// never opens one.
enum Payload {
    Product(ProductDraft),
    Category(CategoryDraft),
    StockMove(StockAdjustment),
    Employee(staff::PreparedEmployee),
    Customer(CustomerDraft),
    Sale(SaleInput),
    Refund(RefundInput),
    Credit(CreditDraft),
    CreditPayment(CreditPaymentInput),
    Shift(ShiftDraft),
    Clock(ClockPunch),
    Delete,
}

impl Payload {
    /// The fields an edit of master data sets, named as on the wire, for
    /// merging it into a newer version. Secrets (a new PIN or password)
    /// are left out: they are never compared nor stored in a conflict.
    fn edited(&self) -> Option<Fields> {
        match self {
            Payload::Product(d) => Some(fields_of(&to_json(d))),
            Payload::Category(d) => Some(fields_of(&to_json(d))),
            Payload::Customer(d) => Some(fields_of(&to_json(d))),
            Payload::Shift(d) => Some(fields_of(&to_json(d))),
            Payload::Employee(prepared) => Some(prepared.edited()),
            Payload::Credit(CreditDraft::Due(due)) => {
                Some(Fields::from_iter([("due_date".to_string(), to_json(due))]))
            }
            _ => None,
        }
    }
}

/// The facts of one mutation a record writer needs.
pub(super) struct Target<'a> {
    pub actor: &'a Actor,
    pub id: Uuid,
    pub op: Op,
    pub base_version: Option<i64>,
    pub now: DateTime<Utc>,
    /// Settling a conflict in favour of an edit of a record deleted
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

/// Applies one mutation: authorise, validate, write the record, the feed
/// and the audit entry, commit.
#[tracing::instrument(skip_all, err(level = "debug"), fields(entity = m.entity.as_str(), op = m.op.as_str(), id = %m.id, store = %actor.store_id))]
pub async fn apply(
    db: &DatabaseConnection,
    actor: &Actor,
    m: Mutation,
) -> Result<Applied, AppError> {
    if !may_apply(actor.role, m.entity, m.op) {
        return Err(AppError::forbidden());
    }
    let payload = parse(&m).await?;
    let txn = begin(db).await.or_internal()?;
    let mut ledger = Ledger::claim(&txn, actor.store_id).await.or_internal()?;
    let applied = write(&txn, &mut ledger, actor, &m, payload).await?;
    ledger.close(&txn).await.or_internal()?;
    txn.commit().await.or_internal()?;
    // The conflict is stored and audited; the caller gets the 409.
    if let How::Conflict(report) = applied.how {
        return Err(AppError::conflict(*report));
    }
    Ok(applied)
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
    if !may_apply(actor.role, m.entity, m.op) {
        return Err(AppError::forbidden());
    }
    let payload = parse(m).await?;
    write(txn, ledger, actor, m, payload).await
}

/// The record, its feed entries and its audit entry, in `txn`; a stale
/// edit of master data merged first, or stored as a conflict.
async fn write(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    actor: &Actor,
    m: &Mutation,
    payload: Payload,
) -> Result<Applied, AppError> {
    // To the microsecond, the precision both databases keep, so a record
    // built in memory equals the one read back.
    let now = super::audit::audit_time(Utc::now());
    match conflicts::reconcile(txn, actor, m, payload.edited(), now).await? {
        Stale::No => {
            let target = Target::of(actor, m, now);
            write_as(txn, ledger, m, payload, target, m.op.as_str()).await
        }
        Stale::Merged(merged) => {
            let payload = parse(&merged).await?;
            let target = Target::of(actor, &merged, now);
            let mut applied = write_as(txn, ledger, &merged, payload, target, "merge").await?;
            applied.how = How::Merged;
            Ok(applied)
        }
        Stale::Conflict(report) => {
            ledger.audit(actor, conflicts::conflict_audit(&report), now);
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
                how: How::Conflict(report),
            })
        }
    }
}

/// Writes the change a person chose when settling a conflict, audited as
/// a resolve, inside the caller's transaction (roles checked by it).
pub(super) async fn apply_settled(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    actor: &Actor,
    m: &Mutation,
    revive: bool,
    now: DateTime<Utc>,
) -> Result<Applied, AppError> {
    let payload = parse(m).await?;
    let target = Target {
        revive,
        ..Target::of(actor, m, now)
    };
    write_as(txn, ledger, m, payload, target, "resolve").await
}

/// Writes one record and its feed and audit entries; `verb` names the
/// audit action after the entity ("product.update", "product.merge").
async fn write_as(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    m: &Mutation,
    payload: Payload,
    target: Target<'_>,
    verb: &str,
) -> Result<Applied, AppError> {
    let written = match payload {
        Payload::Product(draft) => catalog::write_product(txn, &target, Some(draft)).await?,
        Payload::Category(draft) => catalog::write_category(txn, &target, Some(draft)).await?,
        Payload::StockMove(adjustment) => {
            catalog::write_stock_move(txn, &target, adjustment).await?
        }
        Payload::Employee(prepared) => staff::write_employee(txn, &target, prepared).await?,
        Payload::Customer(draft) => customers::write_customer(txn, &target, Some(draft)).await?,
        Payload::Sale(input) => sales::write_sale(txn, ledger, &target, input).await?,
        Payload::Refund(input) => sales::write_refund(txn, ledger, &target, input).await?,
        Payload::Shift(draft) => shifts::write_shift(txn, &target, Some(draft)).await?,
        Payload::Clock(punch) => shifts::write_clock(txn, &target, punch).await?,
        Payload::Credit(draft) => credits::write_credit(txn, &target, Some(draft)).await?,
        Payload::CreditPayment(input) => credits::write_credit_payment(txn, &target, input).await?,
        Payload::Delete => match m.entity {
            EntityKind::Product => catalog::write_product(txn, &target, None).await?,
            EntityKind::Category => catalog::write_category(txn, &target, None).await?,
            EntityKind::Customer => customers::write_customer(txn, &target, None).await?,
            EntityKind::Credit => credits::write_credit(txn, &target, None).await?,
            EntityKind::Shift => shifts::write_shift(txn, &target, None).await?,
            other => return Err(unsupported(other, m.op)),
        },
    };
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
        how: How::Applied,
    }
}

/// Whether `m` is a new sale (not a refund), which [`apply_sales_in`]
/// writes together with its neighbours.
pub(super) fn is_new_sale(m: &Mutation) -> bool {
    m.entity == EntityKind::Sale && m.op == Op::Create && m.data.get("refund_of").is_none()
}

/// Applies new sales (see [`is_new_sale`]) together inside the caller's
/// transaction: each is checked, priced, numbered and audited on its own
/// and may be refused on its own; the accepted ones are written in a few
/// multi-row statements. The outer error is the database's: then nothing
/// of the batch may be committed.
pub(super) async fn apply_sales_in(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    actor: &Actor,
    ms: &[&Mutation],
) -> Result<Vec<Result<Applied, AppError>>, AppError> {
    let now = super::audit::audit_time(Utc::now());
    let parsed: Vec<Result<SaleInput, AppError>> = ms
        .iter()
        .map(|m| {
            if !may_apply(actor.role, m.entity, m.op) {
                return Err(AppError::forbidden());
            }
            SaleInput::parse(&m.data)
        })
        .collect();
    let wanted: Vec<(Uuid, &SaleInput)> = ms
        .iter()
        .zip(&parsed)
        .filter_map(|(m, p)| p.as_ref().ok().map(|input| (m.id, input)))
        .collect();
    let known = sales::Known::load(txn, actor.store_id, &wanted).await?;
    let mut batch = sales::SaleBatch::default();
    let mut results = Vec::with_capacity(ms.len());
    for (m, input) in ms.iter().zip(parsed) {
        let target = Target::of(actor, m, now);
        results.push(
            input
                .and_then(|input| batch.add(ledger, &known, &target, input))
                .map(|written| record(ledger, actor, m, m.op.as_str(), written, now)),
        );
    }
    let touched = batch.write(txn).await?;
    ledger.feed(&touched, now);
    Ok(results)
}

async fn parse(m: &Mutation) -> Result<Payload, AppError> {
    Ok(match (m.entity, m.op) {
        // Sales are immutable: refunds and voids are new sales.
        (EntityKind::Sale, Op::Create) if m.data.get("refund_of").is_some() => {
            Payload::Refund(RefundInput::parse(&m.data)?)
        }
        (EntityKind::Sale, Op::Create) => Payload::Sale(SaleInput::parse(&m.data)?),
        (EntityKind::Sale, op) => return Err(unsupported(EntityKind::Sale, op)),
        (EntityKind::CreditPayment, Op::Create) => {
            Payload::CreditPayment(CreditPaymentInput::parse(&m.data)?)
        }
        (EntityKind::CreditPayment, op) => return Err(unsupported(EntityKind::CreditPayment, op)),
        (EntityKind::ClockEvent, Op::Create | Op::Update) => {
            Payload::Clock(ClockPunch::parse(&m.data, Utc::now())?)
        }
        (_, Op::Delete) => Payload::Delete,
        (EntityKind::Product, _) => Payload::Product(ProductDraft::parse(&m.data)?),
        (EntityKind::Category, _) => Payload::Category(CategoryDraft::parse(&m.data)?),
        (EntityKind::Customer, _) => Payload::Customer(CustomerDraft::parse(&m.data)?),
        (EntityKind::Shift, _) => Payload::Shift(ShiftDraft::parse(&m.data)?),
        (EntityKind::Credit, Op::Create) => Payload::Credit(CreditDraft::parse_new(&m.data)?),
        (EntityKind::Credit, _) => Payload::Credit(CreditDraft::parse_due(&m.data)?),
        (EntityKind::StockMove, Op::Create) => Payload::StockMove(StockAdjustment::parse(&m.data)?),
        (EntityKind::Employee, Op::Create) => {
            Payload::Employee(staff::prepare(EmployeeDraft::parse(&m.data)?).await?)
        }
        (EntityKind::Employee, Op::Update) => {
            Payload::Employee(staff::prepare(EmployeeDraft::parse_edit(&m.data)?).await?)
        }
        (entity, op) => return Err(unsupported(entity, op)),
    })
}

fn unsupported(entity: EntityKind, op: Op) -> AppError {
    AppError::new(
        ErrorCode::Validation,
        format!("A {} cannot be {}d this way.", entity.noun(), op.as_str()),
    )
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
