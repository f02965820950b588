//! The audit log: append-only and hash-chained per store. Each entry's hash
//! covers its content and the previous entry's hash, so editing or removing
//! any entry breaks every hash after it, which `verify` finds.

use crate::server::db::entities::{audit_entry, store};
use crate::server::services::Actor;
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
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

/// Appends an entry in `txn`, the transaction of the change it records.
pub async fn append(
    txn: &DatabaseTransaction,
    actor: &Actor,
    draft: AuditDraft,
    now: DateTime<Utc>,
) -> Result<audit_entry::Model, DbErr> {
    store::Entity::update_many()
        .col_expr(
            store::Column::AuditSeq,
            Expr::col(store::Column::AuditSeq).add(1),
        )
        .filter(store::Column::Id.eq(actor.store_id))
        .exec(txn)
        .await?;
    let head = store::Entity::find_by_id(actor.store_id)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("store {}", actor.store_id)))?;
    let mut entry = audit_entry::Model {
        id: crate::domain::ids::new_id(),
        store_id: actor.store_id,
        seq: head.audit_seq,
        action: draft.action,
        entity_type: draft.entity_type,
        entity_id: draft.entity_id,
        employee_id: actor.employee_id,
        ip: actor.meta.ip.clone(),
        user_agent: actor.meta.user_agent.clone(),
        request_id: actor.meta.request_id.clone(),
        before_state: draft.before,
        after_state: draft.after,
        created_at: audit_time(now),
        prev_hash: head.audit_head,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    store::Entity::update_many()
        .col_expr(store::Column::AuditHead, Expr::value(entry.hash.clone()))
        .filter(store::Column::Id.eq(actor.store_id))
        .exec(txn)
        .await?;
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        id: Set(entry.id),
        store_id: Set(entry.store_id),
        seq: Set(entry.seq),
        action: Set(entry.action.clone()),
        entity_type: Set(entry.entity_type.clone()),
        entity_id: Set(entry.entity_id),
        employee_id: Set(entry.employee_id),
        ip: Set(entry.ip.clone()),
        user_agent: Set(entry.user_agent.clone()),
        request_id: Set(entry.request_id.clone()),
        before_state: Set(entry.before_state.clone()),
        after_state: Set(entry.after_state.clone()),
        created_at: Set(entry.created_at),
        prev_hash: Set(entry.prev_hash.clone()),
        hash: Set(entry.hash.clone()),
    })
    .exec(txn)
    .await?;
    Ok(entry)
}

/// The outcome of walking a store's chain.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChainReport {
    pub entries: u64,
    pub valid: bool,
    /// The first entry whose hash or link is wrong, or where one is missing.
    pub first_bad_seq: Option<i64>,
}

/// Walks the store's chain from the first entry and checks every link, hash
/// and sequence number, and that the chain ends at the store's head.
pub async fn verify(db: &impl ConnectionTrait, store_id: Uuid) -> Result<ChainReport, DbErr> {
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::StoreId.eq(store_id))
        .order_by_asc(audit_entry::Column::Seq)
        .all(db)
        .await?;
    let head = store::Entity::find_by_id(store_id)
        .one(db)
        .await?
        .map(|s| s.audit_head)
        .unwrap_or_default();
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
    Ok(ChainReport {
        entries: entries.len() as u64,
        valid: first_bad_seq.is_none(),
        first_bad_seq,
    })
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
