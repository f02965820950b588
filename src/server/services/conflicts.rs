//! Stale edits of master data (DESIGN.md "Conflicts"). An update or delete
//! that started from an older version than the server's is merged field by
//! field against the version it started from; what cannot be merged is
//! stored as a conflict for a person to settle, and settling is itself a
//! change through the write path.

use super::audit::AuditDraft;
use super::ledger::Ledger;
use super::versioned::Versioned;
use super::write_path::{self, to_json};
use super::{Actor, Page};
use crate::domain::conflict::{
    ConflictReport, Fields, Resolution, Resolved, Settlement, StoredConflict, changed_fields,
    fields_of, merge, settlement,
};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::ids::new_id;
use crate::domain::mutation::{EntityKind, Mutation, Op, may_apply};
use crate::domain::staff::Employee;
use crate::server::db::entities::{
    audit_entry, category, conflict, credit, customer, employee, product, shift,
};
use crate::server::error::DbResultExt;
use crate::server::services::paging::page_of;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, EntityTrait, IntoActiveModel, PrimaryKeyTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::{Value, json};
use uuid::Uuid;

/// A record as it is on the server, deleted or not.
pub(super) struct Current {
    /// Its wire form; `null` when deleted.
    wire: Value,
    version: i64,
    deleted: bool,
}

/// The entities whose stale edits are merged.
fn merges(kind: EntityKind) -> bool {
    matches!(
        kind,
        EntityKind::Product
            | EntityKind::Category
            | EntityKind::Customer
            | EntityKind::Employee
            | EntityKind::Credit
            | EntityKind::Shift
    )
}

/// On PostgreSQL the row is locked until the transaction ends, so no other
/// edit lands between the merge and the write; SQLite's writer already
/// holds the database's write lock.
fn locked<E: EntityTrait>(txn: &DatabaseTransaction, q: sea_orm::Select<E>) -> sea_orm::Select<E> {
    if txn.get_database_backend() == DbBackend::Postgres {
        q.lock_exclusive()
    } else {
        q
    }
}

async fn current_of<E>(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    id: Uuid,
) -> Result<Option<Current>, AppError>
where
    E: Versioned,
    Uuid: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let query = E::find_by_id(id).filter(E::STORE_ID.eq(store_id));
    let row = locked(txn, query).one(txn).await.or_internal()?;
    Ok(row.map(|model| {
        let (version, deleted) = (E::version(&model), E::is_deleted(&model));
        Current {
            wire: if deleted {
                Value::Null
            } else {
                to_json(E::Wire::from(model))
            },
            version,
            deleted,
        }
    }))
}

/// The record `id` of `kind` in the actor's store as it is now.
async fn current(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    kind: EntityKind,
    id: Uuid,
) -> Result<Option<Current>, AppError> {
    match kind {
        EntityKind::Product => current_of::<product::Entity>(txn, store_id, id).await,
        EntityKind::Category => current_of::<category::Entity>(txn, store_id, id).await,
        EntityKind::Customer => current_of::<customer::Entity>(txn, store_id, id).await,
        EntityKind::Credit => current_of::<credit::Entity>(txn, store_id, id).await,
        EntityKind::Shift => current_of::<shift::Entity>(txn, store_id, id).await,
        EntityKind::Employee => {
            let query = employee::Entity::find_by_id(id)
                .filter(employee::Column::StoreId.eq(store_id))
                .filter(employee::Column::DeletedAt.is_null());
            let row = locked(txn, query).one(txn).await.or_internal()?;
            Ok(row.map(|e| Current {
                version: e.sync_version,
                wire: to_json(Employee::from(e)),
                deleted: false,
            }))
        }
        _ => Ok(None),
    }
}

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
pub(super) enum Stale {
    /// Current (or not a stale edit of master data): write it as sent.
    No,
    /// Stale, and merged without a clash: write this instead.
    Merged(Mutation),
    /// Stale and clashing: stored as a conflict, the record untouched.
    Conflict(Box<ConflictReport>),
}

/// Checks an update or delete against the server's version. `edited`: the
/// fields the edit sets, named as on the wire (`None` for a delete).
pub(super) async fn reconcile(
    txn: &DatabaseTransaction,
    actor: &Actor,
    m: &Mutation,
    edited: Option<Fields>,
    now: DateTime<Utc>,
) -> Result<Stale, AppError> {
    // Missing versions and missing records are the writers' to refuse.
    let (Op::Update | Op::Delete, true, Some(base_version)) =
        (m.op, merges(m.entity), m.base_version)
    else {
        return Ok(Stale::No);
    };
    let Some(now_is) = current(txn, actor.store_id, m.entity, m.id).await? else {
        return Ok(Stale::No);
    };
    if now_is.deleted && m.op == Op::Delete {
        return Ok(Stale::No);
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
        return Ok(Stale::No);
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
                return Ok(Stale::Merged(Mutation {
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
        entity_type: m.entity.as_str().to_string(),
        entity_id: m.id,
        op: m.op.as_str().to_string(),
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
        entity_type: Set(report.entity_type.clone()),
        entity_id: Set(m.id),
        op: Set(report.op.clone()),
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
    Ok(Stale::Conflict(Box::new(report)))
}

/// The audit entry of a stored conflict, on the record's own trail: the
/// edit that clashed, with what it wanted.
pub(super) fn conflict_audit(report: &ConflictReport) -> AuditDraft {
    AuditDraft {
        action: format!("{}.conflict", report.entity_type),
        entity_type: report.entity_type.clone(),
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

/// Settles an open conflict: keep the server's values, the client's, or
/// each field from the side named, on the record as it is now. One
/// transaction writes the record (versioned, fed, audited as a resolve),
/// closes the conflict and audits who chose what.
#[tracing::instrument(skip_all, err(level = "debug"), fields(conflict = %choice.conflict_id, strategy = choice.strategy.as_str()))]
pub async fn resolve(
    db: &DatabaseConnection,
    actor: &Actor,
    choice: Resolution,
) -> Result<Resolved, AppError> {
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
            "This conflict was already settled. Its record shows the outcome.",
        ));
    }
    let kind: EntityKind =
        serde_json::from_value(json!(row.entity_type)).map_err(crate::server::error::internal)?;
    let op = if row.op == "delete" {
        Op::Delete
    } else {
        Op::Update
    };
    if !may_apply(actor.role, kind, op) {
        return Err(AppError::forbidden());
    }
    let now_is = current(&txn, actor.store_id, kind, row.entity_id)
        .await?
        .ok_or_else(|| AppError::not_found(kind.noun()))?;
    let base = row.base_state.as_ref().map(fields_of);
    let client = row.client_state.as_ref().map(fields_of);
    let server = (!now_is.deleted).then(|| fields_of(&now_is.wire));
    let (settled, sides) = settlement(base.as_ref(), server.as_ref(), client.as_ref(), &choice)?;
    let edit = |data: Fields| Mutation {
        entity: kind,
        op: Op::Update,
        id: row.entity_id,
        base_version: Some(now_is.version),
        data: Value::Object(data),
        base: None,
    };
    let write = match settled {
        Settlement::Keep => None,
        Settlement::Update(data) => Some((edit(data), false)),
        Settlement::Revive(data) => Some((edit(data), true)),
        Settlement::Delete => Some((Mutation::delete(kind, row.entity_id, now_is.version), false)),
    };
    let now = super::audit::audit_time(Utc::now());
    let applied = match write {
        Some((m, revive)) => {
            Some(write_path::apply_settled(&txn, &mut ledger, actor, &m, revive, now).await?)
        }
        None => None,
    };
    let resolution = json!({
        "strategy": choice.strategy.as_str(),
        "fields": sides,
        "version": applied.as_ref().map(|a| a.version),
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
    ledger.close(&txn).await.or_internal()?;
    txn.commit().await.or_internal()?;
    Ok(Resolved {
        conflict_id: row.id,
        record: applied
            .as_ref()
            .map_or(now_is.wire.clone(), |a| a.record.clone()),
        version: applied
            .map(|a| a.version)
            .or((!now_is.deleted).then_some(now_is.version)),
    })
}

fn stored(row: conflict::Model) -> StoredConflict {
    StoredConflict {
        report: ConflictReport {
            conflict_id: row.id,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            op: row.op,
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
    }
}

/// A record's conflicts, open and settled, newest first.
pub async fn for_record(
    db: &DatabaseConnection,
    actor: &Actor,
    entity_type: &str,
    entity_id: Uuid,
) -> Result<Vec<StoredConflict>, AppError> {
    let kind: EntityKind = serde_json::from_value(json!(entity_type))
        .ok()
        .filter(|k| merges(*k))
        .ok_or_else(|| {
            AppError::field(
                "entity_type",
                "use product, category, customer, employee, credit or shift",
            )
        })?;
    // Whoever may edit the record may see its clashes (a cashier: customers).
    if !may_apply(actor.role, kind, Op::Update) {
        return Err(AppError::forbidden());
    }
    let rows = conflict::Entity::find()
        .filter(conflict::Column::StoreId.eq(actor.store_id))
        .filter(conflict::Column::EntityType.eq(kind.as_str()))
        .filter(conflict::Column::EntityId.eq(entity_id))
        .order_by_desc(conflict::Column::CreatedAt)
        .limit(50)
        .all(db)
        .await
        .or_internal()?;
    Ok(rows.into_iter().map(stored).collect())
}

/// The store's open conflicts, oldest first: a manager's list.
pub async fn open(
    db: &DatabaseConnection,
    actor: &Actor,
    limit: Option<u64>,
    offset: Option<u64>,
) -> Result<Page<StoredConflict>, AppError> {
    if !actor.role.is_manager() {
        return Err(AppError::forbidden());
    }
    let query = conflict::Entity::find()
        .filter(conflict::Column::StoreId.eq(actor.store_id))
        .filter(conflict::Column::Status.eq("open"));
    let oldest_first =
        |q: sea_orm::Select<conflict::Entity>| q.order_by_asc(conflict::Column::CreatedAt);
    Ok(page_of(db, query, oldest_first, limit, offset)
        .await?
        .map(stored))
}
