//! The audit log: append-only and hash-chained per store. Each entry's hash
//! covers its content and the previous entry's hash, so editing or removing
//! any entry breaks every hash after it, which `verify` finds; the head is
//! sealed with the server's key (`audit_keys`), so the newest entries can
//! be neither cut off nor re-hashed without it.

use crate::domain::audit::AuditEntry;
use crate::domain::error::AppError;
use crate::domain::permissions::{Action, Subject};
use crate::server::audit_keys::Seal;
use crate::server::db::entities::{audit_entry, store};
use crate::server::error::DbResultExt;
use crate::server::services::ledger::{Ledger, SEAL_BROKEN};
use crate::server::services::paging::page_of;
use crate::server::services::write_path::begin;
use crate::server::services::{Actor, Db, Page};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::Select;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What happened, before it is chained.
#[derive(Clone, Debug)]
pub struct AuditDraft {
    /// "product.create", "auth.login", "device.pair", …
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Audit times are stored to the microsecond, the precision both backends
/// keep, so the hash computed now matches the one recomputed from the row.
pub fn audit_time(now: DateTime<Utc>) -> DateTime<Utc> {
    now.trunc_subsecs(6)
}

/// The hash of an entry: SHA-256 over its fields and the previous hash.
/// JSON is re-serialised from parsed values (sorted keys), so a database
/// that reorders JSON keys still verifies.
pub fn entry_hash(e: &audit_entry::Model) -> String {
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    let opt_id = |v: &Option<Uuid>| v.map(|u| u.to_string()).unwrap_or_default();
    let mut h = Sha256::new();
    for part in [
        e.prev_hash.clone(),
        e.seq.to_string(),
        e.id.to_string(),
        e.store_id.to_string(),
        e.action.clone(),
        e.entity_type.clone(),
        opt_id(&e.entity_id),
        opt_id(&e.employee_id),
        e.ip.clone().unwrap_or_default(),
        e.user_agent.clone().unwrap_or_default(),
        e.request_id.clone().unwrap_or_default(),
        json(&e.before_state),
        json(&e.after_state),
        e.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an entry to `txn`, the transaction of the change it records,
/// and commits it. (The write path chains its entries through its own
/// [`Ledger`].)
pub async fn append_and_commit(
    db: &Db,
    txn: DatabaseTransaction,
    actor: &Actor,
    draft: AuditDraft,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut ledger = Ledger::claim(&txn, actor.store_id).await?;
    ledger.audit(actor, draft, now);
    ledger.commit(txn, db).await
}

pub use crate::domain::audit::ChainReport;

/// Walks the store's chain from the first entry and checks every link, hash
/// and sequence number, that the chain ends at the store's head, and that
/// the head carries the seal of this server's key (so the newest entries
/// cannot be cut off or re-hashed by someone without it).
pub async fn verify(db: &Db, store_id: Uuid) -> Result<ChainReport, DbErr> {
    // The head first, then the entries up to it: an entry is committed with
    // the head that names it, so every entry the head counts is there to
    // read, and entries written meanwhile (past it) are not walked. Read
    // the other way round, a write in between looked like tampering.
    let (head, counted, seal) = store::Entity::find_by_id(store_id)
        .one(db.conn())
        .await?
        .map(|s| (s.audit_head, s.audit_seq, s.audit_seal))
        .unwrap_or_default();
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::StoreId.eq(store_id))
        .filter(audit_entry::Column::Seq.lte(counted))
        .order_by_asc(audit_entry::Column::Seq)
        .all(db.conn())
        .await?;
    let mut prev = String::new();
    let mut first_bad_seq = None;
    for (i, e) in entries.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if e.seq != expected_seq || e.prev_hash != prev || entry_hash(e) != e.hash {
            first_bad_seq = Some(std::cmp::min(expected_seq, e.seq));
            break;
        }
        prev = e.hash.clone();
    }
    if first_bad_seq.is_none() && prev != head {
        first_bad_seq = Some(entries.len() as i64 + 1);
    }
    // A write that found the seal broken said so in the chain itself.
    let broken = entries
        .iter()
        .take_while(|e| first_bad_seq.is_none_or(|bad| e.seq < bad))
        .find(|e| e.action == SEAL_BROKEN)
        .map(|e| e.seq);
    let problem = match (first_bad_seq, broken) {
        (Some(seq), _) => Some(format!("Entry {seq} was changed or removed.")),
        (None, Some(seq)) => {
            first_bad_seq = Some(seq);
            Some(format!(
                "Entry {seq} was written over a head whose seal did not match: entries before it were removed or rewritten."
            ))
        }
        (None, None) => seal_problem(db.audit_keys().check(store_id, counted, &head, &seal)),
    };
    Ok(ChainReport {
        entries: entries.len() as u64,
        valid: problem.is_none(),
        first_bad_seq: first_bad_seq.or(problem.is_some().then_some(counted)),
        problem,
    })
}

fn seal_problem(seal: Seal) -> Option<String> {
    match seal {
        Seal::Valid => None,
        Seal::Missing => {
            Some("The log's seal is missing: its newest entries may have been removed.".into())
        }
        Seal::UnknownKey(id) => Some(format!(
            "The log is sealed with key {id}, which this server does not hold (see the audit key in the settings)."
        )),
        Seal::Wrong => Some(
            "The log's seal does not match: its newest entries were removed or rewritten.".into(),
        ),
    }
}

/// Seals the heads written before seals existed (or wiped since), with an
/// entry saying so, so that doing it cannot pass unseen: run at start-up.
pub async fn seal_unsealed_heads(db: &Db) -> Result<usize, DbErr> {
    let unsealed = store::Entity::find()
        .filter(store::Column::AuditSeal.eq(""))
        .filter(store::Column::AuditSeq.gt(0))
        .all(db.conn())
        .await?;
    for s in &unsealed {
        tracing::warn!(store = %s.id, seq = s.audit_seq, "the audit log had no seal; sealing it now");
        let txn = begin(db).await?;
        let draft = AuditDraft {
            action: "audit.sealed".into(),
            entity_type: "audit_log".into(),
            entity_id: None,
            before: None,
            after: Some(serde_json::json!({ "unsealed_through_seq": s.audit_seq })),
        };
        let mut ledger = Ledger::claim(&txn, s.id).await?;
        ledger.reseal();
        ledger.audit(&Actor::system(s.id), draft, Utc::now());
        ledger.commit(txn, db).await?;
    }
    Ok(unsealed.len())
}

/// A store's entries about one record, newest first.
pub async fn for_entity(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    entity_type: &str,
    entity_id: Uuid,
) -> Result<Vec<audit_entry::Model>, DbErr> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::StoreId.eq(store_id))
        .filter(audit_entry::Column::EntityType.eq(entity_type))
        .filter(audit_entry::Column::EntityId.eq(entity_id))
        .order_by_desc(audit_entry::Column::Seq)
        .all(db)
        .await
}

/// `?action=&entity_type=&employee_id=&from=&to=&limit=&offset=`
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An exact action ("sale.create") or its entity part ("sale").
    pub action: Option<String>,
    pub entity_type: Option<String>,
    /// One record's history.
    pub entity_id: Option<Uuid>,
    pub employee_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Rows per page, 1 to 200 (50 when left out).
    pub limit: Option<u64>,
    /// Rows to skip (0 when left out).
    pub offset: Option<u64>,
}

async fn named(
    db: &impl ConnectionTrait,
    rows: Vec<audit_entry::Model>,
) -> Result<Vec<AuditEntry>, AppError> {
    let names = super::names::employees(db, rows.iter().filter_map(|r| r.employee_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            employee_name: r
                .employee_id
                .and_then(|e| names.get(&e).cloned())
                .unwrap_or_default(),
            id: r.id,
            seq: r.seq,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            employee_id: r.employee_id,
            ip: r.ip,
            user_agent: r.user_agent,
            request_id: r.request_id,
            before: r.before_state,
            after: r.after_state,
            created_at: r.created_at,
            hash: r.hash,
        })
        .collect())
}

/// The store's log, newest first.
pub async fn entries(
    db: &DatabaseConnection,
    actor: &Actor,
    q: &AuditQuery,
) -> Result<Page<AuditEntry>, AppError> {
    actor.must(Subject::AuditLog, Action::Read)?;
    let mut select =
        audit_entry::Entity::find().filter(audit_entry::Column::StoreId.eq(actor.store_id));
    if let Some(action) = q.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        select = select.filter(if action.contains('.') {
            audit_entry::Column::Action.eq(action)
        } else {
            audit_entry::Column::Action.starts_with(format!("{action}."))
        });
    }
    if let Some(t) = q.entity_type.as_deref().filter(|t| !t.is_empty()) {
        select = select.filter(audit_entry::Column::EntityType.eq(t));
    }
    if let Some(id) = q.entity_id {
        select = select.filter(audit_entry::Column::EntityId.eq(id));
    }
    if let Some(e) = q.employee_id {
        select = select.filter(audit_entry::Column::EmployeeId.eq(e));
    }
    if let Some(from) = q.from {
        select = select.filter(audit_entry::Column::CreatedAt.gte(from));
    }
    if let Some(to) = q.to {
        select = select.filter(audit_entry::Column::CreatedAt.lt(to));
    }
    let newest_first = |s: Select<audit_entry::Entity>| s.order_by_desc(audit_entry::Column::Seq);
    let page = page_of(db, select, newest_first, q.limit, q.offset).await?;
    let items = named(db, page.items).await?;
    Ok(Page {
        items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    })
}

pub async fn entry(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<AuditEntry, AppError> {
    actor.must(Subject::AuditLog, Action::Read)?;
    let row = audit_entry::Entity::find_by_id(id)
        .filter(audit_entry::Column::StoreId.eq(actor.store_id))
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("audit entry"))?;
    named(db, vec![row])
        .await?
        .pop()
        .ok_or_else(AppError::internal)
}

/// Everything that happened to one record, newest first.
pub async fn history(
    db: &DatabaseConnection,
    actor: &Actor,
    entity_type: &str,
    entity_id: Uuid,
) -> Result<Vec<AuditEntry>, AppError> {
    actor.must(Subject::AuditLog, Action::Read)?;
    let rows = for_entity(db, actor.store_id, entity_type, entity_id)
        .await
        .or_internal()?;
    named(db, rows).await
}

/// Walks the actor's store's chain.
pub async fn check_chain(db: &Db, actor: &Actor) -> Result<ChainReport, AppError> {
    actor.must(Subject::AuditLog, Action::Read)?;
    verify(db, actor.store_id).await.or_internal()
}
