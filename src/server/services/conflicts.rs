//! Stale edits of master data (docs/ARCHITECTURE.md, "Conflicts"). An update or delete
//! that started from an older version than the server's is merged field by
//! field against the version it started from; what cannot be merged is
//! stored as a conflict for a person to resolve, and resolving is itself a
//! change through the write path.

use super::audit::AuditDraft;
use super::kinds::{RecordKind, merges, with_kind};
use super::ledger::Ledger;
use super::realtime::ConflictNote;
use super::write_path;
use super::{Actor, Db, Page};
use crate::domain::conflict::{
    ConflictReport, Fields, Resolution, Resolved, ResolvedChange, StoredConflict, changed_fields,
    fields_of, merge, resolved_change,
};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::ids::new_id;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::permissions::{Action, Subject};
use crate::server::db::entities::{audit_entry, conflict};
use crate::server::error::DbResultExt;
use crate::server::services::paging::page_of;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{Value, json};
use uuid::Uuid;

/// The record as it was at `version`, from the audit trail, where every
/// edit left the record as it became. Some versions come from derived
/// changes with no entry of the record's own (a sale adds to a customer's
/// totals, a payment to a credit's paid amount); those touch no field an
/// edit sets, so the last audited state at or before `version` holds the
/// edited fields as they were at `version`.
async fn base_at(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    kind: EntityKind,
    id: Uuid,
    version: i64,
) -> Result<Option<Fields>, AppError> {
    let states = audit_entry::Entity::find()
        .select_only()
        .column(audit_entry::Column::AfterState)
        .filter(audit_entry::Column::StoreId.eq(store_id))
        .filter(audit_entry::Column::EntityType.eq(kind.as_str()))
        .filter(audit_entry::Column::EntityId.eq(id))
        .order_by_desc(audit_entry::Column::Seq)
        .into_tuple::<Option<Value>>()
        .all(txn)
        .await
        .or_internal()?;
    Ok(states
        .into_iter()
        .flatten()
        .filter_map(|after| {
            let at = after.get("sync_version").and_then(Value::as_i64)?;
            (at <= version).then_some((at, after))
        })
        .max_by_key(|(at, _)| *at)
        .map(|(_, after)| fields_of(&after)))
}

/// What to do with an update or delete, given the record as it is now.
pub(super) enum Reconciled {
    /// Current (or not a stale edit of master data): write it as sent.
    Current,
    /// Stale, and merged without a clash: write this instead.
    Merged(Mutation),
    /// Stale and clashing: stored as a conflict, the record untouched.
    Conflict(Box<ConflictReport>),
}

/// Checks an update or delete against the server's version. `edited`: the
/// fields the edit sets, named as on the wire (`None` for a delete).
pub(super) async fn reconcile<K: RecordKind>(
    txn: &DatabaseTransaction,
    actor: &Actor,
    m: &Mutation,
    edited: Option<Fields>,
    now: DateTime<Utc>,
) -> Result<Reconciled, AppError> {
    // Missing versions and missing records are the writers' to refuse.
    let (Op::Update | Op::Delete, true, Some(base_version)) = (m.op, K::MERGES, m.base_version)
    else {
        return Ok(Reconciled::Current);
    };
    let Some(now_is) = K::current(txn, actor.store_id, m.id).await? else {
        return Ok(Reconciled::Current);
    };
    if now_is.deleted && m.op == Op::Delete {
        return Ok(Reconciled::Current);
    }
    let pushed = m.base.as_ref().filter(|b| b.is_object()).map(fields_of);
    let server = fields_of(&now_is.wire);
    let client = edited.unwrap_or_default();
    // A till numbers its own edits, so after one of them clashed its next
    // can name the server's current version by chance: only when its base
    // holds the server's values is it really current.
    let current_base = pushed
        .as_ref()
        .is_none_or(|b| client.keys().all(|k| b.get(k) == server.get(k)));
    if now_is.version == base_version && !now_is.deleted && current_base {
        return Ok(Reconciled::Current);
    }
    let base = match pushed {
        Some(base) => Some(base),
        None => base_at(txn, actor.store_id, m.entity, m.id, base_version).await?,
    };
    let fields = match (m.op, now_is.deleted) {
        (Op::Update, false) => {
            let merged = merge(base.as_ref(), &server, &client);
            if merged.conflicts.is_empty() {
                // The sent data keeps what the wire form does not show
                // (a new PIN); the merged fields replace the rest.
                let mut data = m.data.as_object().cloned().unwrap_or_default();
                data.extend(merged.merged);
                return Ok(Reconciled::Merged(Mutation {
                    base_version: Some(now_is.version),
                    data: Value::Object(data),
                    base: None,
                    ..m.clone()
                }));
            }
            merged.conflicts
        }
        // Deleted meanwhile: what this edit changed is in question.
        (Op::Update, true) => client
            .iter()
            .filter(|(k, v)| base.as_ref().is_none_or(|b| b.get(*k) != Some(*v)))
            .map(|(k, _)| k.clone())
            .collect(),
        // A delete of a record someone changed meanwhile.
        _ => base
            .as_ref()
            .map(|b| changed_fields(b, &server))
            .unwrap_or_default(),
    };
    let report = ConflictReport {
        conflict_id: new_id(),
        entity: m.entity,
        entity_id: m.id,
        op: m.op,
        fields,
        base: base.map_or(Value::Null, Value::Object),
        server: now_is.wire,
        client: if m.op == Op::Delete {
            Value::Null
        } else {
            Value::Object(client)
        },
    };
    conflict::ActiveModel {
        id: Set(report.conflict_id),
        store_id: Set(actor.store_id),
        entity_type: Set(report.entity.as_str().to_string()),
        entity_id: Set(m.id),
        op: Set(report.op.as_str().to_string()),
        fields: Set(json!(report.fields)),
        base_state: Set(Some(report.base.clone()).filter(|v| !v.is_null())),
        server_state: Set(Some(report.server.clone()).filter(|v| !v.is_null())),
        client_state: Set(Some(report.client.clone()).filter(|v| !v.is_null())),
        base_version: Set(Some(base_version)),
        server_version: Set(now_is.version),
        status: Set("open".into()),
        created_by: Set(actor.employee_id),
        created_at: Set(now),
        resolved_by: Set(None),
        resolved_at: Set(None),
        resolution: Set(None),
        sync_version: Set(1),
        last_synced_at: Set(now),
    }
    .insert(txn)
    .await
    .or_internal()?;
    Ok(Reconciled::Conflict(Box::new(report)))
}

/// The audit entry of a stored conflict, on the record's own trail: the
/// edit that clashed, with what it wanted.
pub(super) fn conflict_audit(report: &ConflictReport) -> AuditDraft {
    AuditDraft {
        action: format!("{}.conflict", report.entity.as_str()),
        entity_type: report.entity.as_str().to_string(),
        entity_id: Some(report.entity_id),
        before: Some(report.server.clone()).filter(|v| !v.is_null()),
        after: Some(json!({
            "conflict_id": report.conflict_id,
            "op": report.op,
            "fields": report.fields,
            "client": report.client,
        })),
    }
}

/// Resolves an open conflict: keep the server's values, the client's, or
/// each field from the side named, on the record as it is now. One
/// transaction writes the record (versioned, fed, audited as a resolve),
/// closes the conflict and audits who chose what.
#[tracing::instrument(skip_all, err(level = "debug"), fields(conflict = %choice.conflict_id, strategy = choice.strategy.as_str()))]
pub async fn resolve(db: &Db, actor: &Actor, choice: Resolution) -> Result<Resolved, AppError> {
    let txn = write_path::begin(db).await.or_internal()?;
    let mut ledger = Ledger::claim(&txn, actor.store_id).await.or_internal()?;
    let row = conflict::Entity::find_by_id(choice.conflict_id)
        .filter(conflict::Column::StoreId.eq(actor.store_id))
        .one(&txn)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("conflict"))?;
    if row.status != "open" {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "This conflict was already resolved. Its record shows the outcome.",
        ));
    }
    let kind = EntityKind::parse(&row.entity_type)
        .ok_or_else(|| crate::server::error::internal("a conflict of an unknown kind"))?;
    actor.must_on(kind, Action::Resolve)?;
    let now = super::audit::audit_time(Utc::now());
    let (record, version, resolution) = with_kind!(kind, K => {
        resolve_as::<K>(&txn, &mut ledger, actor, &row, &choice, now).await?
    });
    let mut closed = row.clone().into_active_model();
    closed.status = Set("resolved".into());
    closed.resolved_by = Set(actor.employee_id);
    closed.resolved_at = Set(Some(now));
    closed.resolution = Set(Some(resolution.clone()));
    closed.sync_version = Set(row.sync_version + 1);
    closed.last_synced_at = Set(now);
    closed.update(&txn).await.or_internal()?;
    ledger.audit(
        actor,
        AuditDraft {
            action: "conflict.resolve".into(),
            entity_type: "conflict".into(),
            entity_id: Some(row.id),
            before: Some(json!({"status": "open", "entity_type": row.entity_type, "entity_id": row.entity_id})),
            after: Some(json!({
                "status": "resolved",
                "entity_type": row.entity_type,
                "entity_id": row.entity_id,
                "resolution": resolution,
            })),
        },
        now,
    );
    ledger.conflict(ConflictNote {
        id: row.id,
        entity: kind,
        entity_id: row.entity_id,
        resolved: true,
    });
    ledger.commit(txn, db).await.or_internal()?;
    Ok(Resolved {
        conflict_id: row.id,
        record,
        version,
    })
}

/// What resolving `row` writes to its record of kind `K`, written: the
/// record as it now is, its version (`None`: deleted), and what was
/// chosen, for the conflict row and the audit entry.
async fn resolve_as<K: RecordKind>(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    actor: &Actor,
    row: &conflict::Model,
    choice: &Resolution,
    now: DateTime<Utc>,
) -> Result<(Value, Option<i64>, Value), AppError> {
    let now_is = K::current(txn, actor.store_id, row.entity_id)
        .await?
        .ok_or_else(|| AppError::not_found(K::KIND.noun()))?;
    let base = row.base_state.as_ref().map(fields_of);
    let client = row.client_state.as_ref().map(fields_of);
    let server = (!now_is.deleted).then(|| fields_of(&now_is.wire));
    let (change, sides) = resolved_change(base.as_ref(), server.as_ref(), client.as_ref(), choice)?;
    let edit = |data: Fields| Mutation {
        entity: K::KIND,
        op: Op::Update,
        id: row.entity_id,
        base_version: Some(now_is.version),
        data: Value::Object(data),
        base: None,
    };
    let write = match change {
        ResolvedChange::Keep => None,
        ResolvedChange::Update(data) => Some((edit(data), false)),
        ResolvedChange::Revive(data) => Some((edit(data), true)),
        ResolvedChange::Delete => Some((
            Mutation::delete(K::KIND, row.entity_id, now_is.version),
            false,
        )),
    };
    let applied = match write {
        Some((m, revive)) => {
            Some(write_path::apply_resolved::<K>(txn, ledger, actor, &m, revive, now).await?)
        }
        None => None,
    };
    let resolution = json!({
        "strategy": choice.strategy.as_str(),
        "fields": sides,
        "version": applied.as_ref().map(|a| a.version),
    });
    Ok(match applied {
        Some(a) => (a.record, Some(a.version), resolution),
        None => (
            now_is.wire,
            (!now_is.deleted).then_some(now_is.version),
            resolution,
        ),
    })
}

fn stored(row: conflict::Model) -> Option<StoredConflict> {
    let (Some(entity), op) = (
        EntityKind::parse(&row.entity_type),
        if row.op == "delete" {
            Op::Delete
        } else {
            Op::Update
        },
    ) else {
        tracing::error!(conflict = %row.id, kind = %row.entity_type, "a stored conflict of an unknown kind");
        return None;
    };
    Some(StoredConflict {
        report: ConflictReport {
            conflict_id: row.id,
            entity,
            entity_id: row.entity_id,
            op,
            fields: serde_json::from_value(row.fields).unwrap_or_default(),
            base: row.base_state.unwrap_or_default(),
            server: row.server_state.unwrap_or_default(),
            client: row.client_state.unwrap_or_default(),
        },
        status: row.status,
        created_by: row.created_by,
        created_at: row.created_at,
        resolved_by: row.resolved_by,
        resolved_at: row.resolved_at,
        resolution: row.resolution.unwrap_or_default(),
    })
}

/// A record's conflicts, open and resolved, newest first: for whoever may
/// resolve them (a cashier: customers').
pub async fn for_record(
    db: &DatabaseConnection,
    actor: &Actor,
    entity_type: &str,
    entity_id: Uuid,
) -> Result<Vec<StoredConflict>, AppError> {
    let kind = EntityKind::parse(entity_type)
        .filter(|k| merges(*k))
        .ok_or_else(|| {
            let kinds: Vec<&str> = EntityKind::ALL
                .into_iter()
                .filter(|k| merges(*k))
                .map(EntityKind::as_str)
                .collect();
            AppError::field("entity_type", format!("use one of {}", kinds.join(", ")))
        })?;
    actor.must_on(kind, Action::Resolve)?;
    let rows = conflict::Entity::find()
        .filter(conflict::Column::StoreId.eq(actor.store_id))
        .filter(conflict::Column::EntityType.eq(kind.as_str()))
        .filter(conflict::Column::EntityId.eq(entity_id))
        .order_by_desc(conflict::Column::CreatedAt)
        .limit(50)
        .all(db)
        .await
        .or_internal()?;
    Ok(rows.into_iter().filter_map(stored).collect())
}

/// The store's open conflicts, oldest first: a manager's list.
pub async fn open(
    db: &DatabaseConnection,
    actor: &Actor,
    limit: Option<u64>,
    offset: Option<u64>,
) -> Result<Page<StoredConflict>, AppError> {
    actor.must(Subject::ConflictList, Action::Read)?;
    let query = conflict::Entity::find()
        .filter(conflict::Column::StoreId.eq(actor.store_id))
        .filter(conflict::Column::Status.eq("open"));
    let oldest_first =
        |q: sea_orm::Select<conflict::Entity>| q.order_by_asc(conflict::Column::CreatedAt);
    let page = page_of(db, query, oldest_first, limit, offset).await?;
    Ok(Page {
        items: page.items.into_iter().filter_map(stored).collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    })
}
