//! The life of a versioned record (products, categories, customers, …):
//! create, update at the version it was read at, soft delete, and the
//! merge of a stale edit. One generic writer runs these steps for every
//! such kind; each kind says only how its payload parses, which columns
//! its draft fills and which rules need the database.
//!
//! Every versioned table has the same bookkeeping columns, found by name:
//! `id`, its store column, `sync_version`, `last_synced_at`, and where
//! it has them `created_at`, `updated_at` and `deleted_at` (a table
//! without `deleted_at` holds records that are never deleted).

use super::feed::{FeedEntry, FeedOp};
use super::kinds::{Current, RecordKind, pulled_rows, unsupported};
use super::ledger::Ledger;
use super::write_path::{Target, Written, check_version, stale, to_json};
use crate::domain::conflict::{Fields, fields_of};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::server::error::DbResultExt;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, IntoActiveModel, ModelTrait, PaginatorTrait, QueryFilter, QuerySelect,
    Value as Sql,
};
use serde_json::Value;
use std::future::Future;
use std::str::FromStr;
use uuid::Uuid;

/// The row type of a versioned kind's table.
pub(super) type Row<V> = <<V as Versioned>::Entity as EntityTrait>::ActiveModel;
pub(super) type Model<V> = <<V as Versioned>::Entity as EntityTrait>::Model;
type Column<V> = <<V as Versioned>::Entity as EntityTrait>::Column;

pub(super) trait Versioned: Sized + 'static {
    const KIND: EntityKind;
    /// The column that says whose a row is (the store's own settings are
    /// scoped by their `id`).
    const STORE_COLUMN: &'static str = "store_id";
    type Entity: EntityTrait<
            Model: Clone + Send + Sync + IntoActiveModel<Row<Self>>,
            ActiveModel: ActiveModelTrait<Entity = Self::Entity> + Send,
            Column: FromStr,
        >;
    /// The checked input of a create or update; its wire form names the
    /// fields an edit sets, for merging (secrets left out).
    type Draft: Send + Sync + serde::Serialize;
    /// The record as the API, the pull and the audit log show it.
    type Wire: serde::Serialize + From<Model<Self>>;

    /// Reads a create's or an update's data.
    fn parse(m: &Mutation) -> impl Future<Output = Result<Self::Draft, AppError>> + Send;

    /// Sets the columns the draft carries.
    fn fill(row: &mut Row<Self>, draft: Self::Draft);

    /// A new row's columns that no draft sets (totals start at zero).
    fn fresh(_row: &mut Row<Self>) {}

    /// Rules a create or update must meet that need the database
    /// (uniqueness, references to other records, who may touch whom).
    fn check<'a>(
        _txn: &'a DatabaseTransaction,
        _target: &'a Target<'_>,
        _draft: &'a Self::Draft,
    ) -> impl Future<Output = Result<(), AppError>> + Send + 'a {
        async { Ok(()) }
    }

    /// What else in the transaction must know the record as written (the
    /// ledger keeps the store's tax setting for the sales it numbers).
    fn written(_ledger: &mut Ledger, _row: &Model<Self>) {}

    /// Rules a delete must meet (nothing may still point at the record).
    fn check_delete<'a>(
        _txn: &'a DatabaseTransaction,
        _target: &'a Target<'_>,
    ) -> impl Future<Output = Result<(), AppError>> + Send + 'a {
        async { Ok(()) }
    }
}

/// A versioned kind's bookkeeping columns.
struct Columns<C> {
    id: C,
    store: C,
    version: C,
    synced: C,
    created: Option<C>,
    updated: Option<C>,
    deleted: Option<C>,
}

impl<C: FromStr> Columns<C> {
    /// Panics on a table without the required columns: a kind described
    /// wrongly, caught by the `every_versioned_kind_has_its_columns` test.
    fn of(store: &str) -> Columns<C> {
        let required = |name: &str| {
            C::from_str(name).unwrap_or_else(|_| panic!("a versioned table needs a {name} column"))
        };
        Columns {
            id: required("id"),
            store: required(store),
            version: required("sync_version"),
            synced: required("last_synced_at"),
            created: C::from_str("created_at").ok(),
            updated: C::from_str("updated_at").ok(),
            deleted: C::from_str("deleted_at").ok(),
        }
    }
}

fn columns<V: Versioned>() -> Columns<Column<V>> {
    Columns::of(V::STORE_COLUMN)
}

fn set<V: Versioned>(row: &mut Row<V>, column: Column<V>, value: Sql) -> Result<(), AppError> {
    row.try_set(column, value).or_internal()
}

fn version_of<V: Versioned>(model: &Model<V>) -> i64 {
    match model.get(columns::<V>().version) {
        Sql::BigInt(Some(v)) => v,
        Sql::Int(Some(v)) => i64::from(v),
        _ => 0,
    }
}

fn is_deleted<V: Versioned>(model: &Model<V>) -> bool {
    columns::<V>()
        .deleted
        .is_some_and(|c| model.get(c).is_some())
}

/// The live (or, with `deleted`, any) row `id` of the store.
fn one<V: Versioned>(store_id: Uuid, id: Uuid, deleted: bool) -> sea_orm::Select<V::Entity> {
    let c = columns::<V>();
    let mut q = V::Entity::find()
        .filter(c.id.eq(id))
        .filter(c.store.eq(store_id));
    if let (false, Some(deleted_at)) = (deleted, c.deleted) {
        q = q.filter(deleted_at.is_null());
    }
    q
}

impl<V: Versioned> RecordKind for V {
    const KIND: EntityKind = V::KIND;
    const MERGES: bool = true;
    /// `None`: a delete.
    type Payload = Option<V::Draft>;

    async fn parse(m: &Mutation) -> Result<Option<V::Draft>, AppError> {
        match m.op {
            Op::Delete if columns::<V>().deleted.is_none() => Err(unsupported(m)),
            Op::Delete => Ok(None),
            Op::Create | Op::Update => V::parse(m).await.map(Some),
        }
    }

    fn edited(payload: &Option<V::Draft>) -> Option<Fields> {
        payload.as_ref().map(|draft| fields_of(&to_json(draft)))
    }

    /// On PostgreSQL the row is locked until the transaction ends, so no
    /// other edit lands between the merge and the write; SQLite's writer
    /// already holds the database's write lock.
    async fn current(
        txn: &DatabaseTransaction,
        store_id: Uuid,
        id: Uuid,
    ) -> Result<Option<Current>, AppError> {
        let mut query = one::<V>(store_id, id, true);
        if txn.get_database_backend() == DbBackend::Postgres {
            query = query.lock_exclusive();
        }
        let row = query.one(txn).await.or_internal()?;
        Ok(row.map(|model| {
            let (version, deleted) = (version_of::<V>(&model), is_deleted::<V>(&model));
            Current {
                wire: if deleted {
                    Value::Null
                } else {
                    to_json(V::Wire::from(model))
                },
                version,
                deleted,
            }
        }))
    }

    async fn write(
        txn: &DatabaseTransaction,
        ledger: &mut Ledger,
        t: &Target<'_>,
        draft: Option<V::Draft>,
    ) -> Result<Written, AppError> {
        write::<V>(txn, ledger, t, draft).await
    }

    async fn pulled(
        db: &DatabaseConnection,
        store_id: Uuid,
        ids: Vec<Uuid>,
    ) -> Result<Vec<(Uuid, Value)>, AppError> {
        pulled_rows::<V::Entity, V::Wire>(db, V::STORE_COLUMN, store_id, ids).await
    }
}

/// A new row: the draft's columns, version 1, stamped `now`.
fn created<V: Versioned>(t: &Target<'_>, draft: V::Draft) -> Result<Row<V>, AppError> {
    let c = columns::<V>();
    let mut row = <Row<V> as ActiveModelTrait>::default();
    V::fresh(&mut row);
    V::fill(&mut row, draft);
    set::<V>(&mut row, c.id, t.id.into())?;
    set::<V>(&mut row, c.store, t.actor.store_id.into())?;
    set::<V>(&mut row, c.version, 1i64.into())?;
    set::<V>(&mut row, c.synced, t.now.into())?;
    for at in [c.created, c.updated].into_iter().flatten() {
        set::<V>(&mut row, at, t.now.into())?;
    }
    if let Some(deleted) = c.deleted {
        set::<V>(&mut row, deleted, Option::<DateTime<Utc>>::None.into())?;
    }
    Ok(row)
}

/// The columns an update (a draft) or a delete (none) sets, with the new
/// version and `last_synced_at`; `revive` clears `deleted_at`.
fn changed<V: Versioned>(
    t: &Target<'_>,
    version: i64,
    draft: Option<V::Draft>,
) -> Result<Row<V>, AppError> {
    let c = columns::<V>();
    let mut row = <Row<V> as ActiveModelTrait>::default();
    set::<V>(&mut row, c.version, version.into())?;
    set::<V>(&mut row, c.synced, t.now.into())?;
    if let Some(updated) = c.updated {
        set::<V>(&mut row, updated, t.now.into())?;
    }
    match (draft, c.deleted) {
        (Some(d), deleted) => {
            V::fill(&mut row, d);
            if let (true, Some(deleted)) = (t.revive, deleted) {
                set::<V>(&mut row, deleted, Option::<DateTime<Utc>>::None.into())?;
            }
        }
        (None, Some(deleted)) => set::<V>(&mut row, deleted, Some(t.now).into())?,
        (None, None) => return Err(AppError::internal()),
    }
    Ok(row)
}

/// Creates, updates or deletes one versioned record inside the write
/// path's transaction.
async fn write<V: Versioned>(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    t: &Target<'_>,
    draft: Option<V::Draft>,
) -> Result<Written, AppError> {
    let c = columns::<V>();
    // A record brought back by resolving a conflict is deleted until now.
    let live = one::<V>(t.actor.store_id, t.id, t.revive)
        .one(txn)
        .await
        .or_internal()?;
    let (before, model) = match (t.op, live, draft) {
        (Op::Create, Some(_), _) => return Err(id_taken(V::KIND)),
        (Op::Create, None, Some(draft)) => {
            // Ids are global: one taken by any store is taken.
            let taken = V::Entity::find()
                .filter(c.id.eq(t.id))
                .count(txn)
                .await
                .or_internal()?;
            if taken > 0 {
                return Err(id_taken(V::KIND));
            }
            V::check(txn, t, &draft).await?;
            let row = created::<V>(t, draft)?;
            (
                None,
                V::Entity::insert(row)
                    .exec_with_returning(txn)
                    .await
                    .or_internal()?,
            )
        }
        (Op::Create, None, None) => return Err(AppError::field("data", "is required")),
        (_, None, _) => return Err(AppError::not_found(V::KIND.noun())),
        (op, Some(current), draft) => {
            let server = to_json(V::Wire::from(current.clone()));
            let version = version_of::<V>(&current);
            check_version(t, V::KIND, version, &server)?;
            let draft = match (op, draft) {
                (Op::Update, Some(d)) => {
                    V::check(txn, t, &d).await?;
                    Some(d)
                }
                _ => {
                    V::check_delete(txn, t).await?;
                    None
                }
            };
            // The version in the WHERE clause makes check and write one
            // step: an edit that committed first leaves no row to update,
            // and this one becomes a 409, never a silent overwrite.
            let result = V::Entity::update_many()
                .set(changed::<V>(t, version + 1, draft)?)
                .filter(c.id.eq(t.id))
                .filter(c.version.eq(version))
                .exec(txn)
                .await
                .or_internal()?;
            if result.rows_affected != 1 {
                return Err(stale(V::KIND, version, version + 1, &server));
            }
            let updated = one::<V>(t.actor.store_id, t.id, true)
                .one(txn)
                .await
                .or_internal()?;
            (
                Some(server),
                updated.ok_or_else(|| AppError::not_found(V::KIND.noun()))?,
            )
        }
    };
    V::written(ledger, &model);
    let (deleted, version) = (is_deleted::<V>(&model), version_of::<V>(&model));
    let op = match (deleted, &before) {
        (true, _) => FeedOp::Delete,
        (false, None) => FeedOp::Create,
        (false, Some(_)) => FeedOp::Upsert,
    };
    let after = if deleted {
        Value::Null
    } else {
        to_json(V::Wire::from(model))
    };
    Ok(Written {
        before,
        carried: Some(after.clone()),
        after,
        version,
        feed: vec![FeedEntry {
            entity: V::KIND,
            id: t.id,
            op,
            version,
        }],
    })
}

/// The error for a create whose id is already taken.
pub(super) fn id_taken(kind: EntityKind) -> AppError {
    AppError::new(
        ErrorCode::Conflict,
        format!("A {} with this id already exists.", kind.noun()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::kinds::*;

    fn has_columns<V: Versioned>() {
        let c = columns::<V>();
        let _ = (c.id, c.store, c.version, c.synced);
    }

    #[test]
    fn every_versioned_kind_has_its_columns() {
        has_columns::<product::ProductKind>();
        has_columns::<category::CategoryKind>();
        has_columns::<customer::CustomerKind>();
        has_columns::<credit::CreditKind>();
        has_columns::<shift::ShiftKind>();
        has_columns::<employee::EmployeeKind>();
        has_columns::<store_settings::StoreSettingsKind>();
        has_columns::<note::NoteKind>();
    }
}
