//! The life of a versioned record (products, categories, customers, …):
//! create, update at the version it was read at, soft delete. One generic
//! writer runs these steps for every such entity; each entity says only how
//! its row is built and which rules need the database.

use super::feed::{FeedEntry, FeedOp};
use super::write_path::{Target, Written, check_version, stale, to_json};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{EntityKind, Op};
use crate::server::error::DbResultExt;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, PaginatorTrait,
    PrimaryKeyTrait, QueryFilter,
};
use std::future::Future;
use uuid::Uuid;

/// What an update does to a record.
pub(super) enum Change<D> {
    Update(D),
    Delete,
}

pub(super) trait Versioned: EntityTrait {
    const KIND: EntityKind;
    const ID: Self::Column;
    const STORE_ID: Self::Column;
    const DELETED_AT: Self::Column;
    const SYNC_VERSION: Self::Column;
    /// The checked input of a create or update.
    type Draft: Send + Sync;
    /// The record as the API and the audit log show it.
    type Wire: serde::Serialize + From<Self::Model>;

    fn version(model: &Self::Model) -> i64;
    fn is_deleted(model: &Self::Model) -> bool;
    /// A new row: version 1, stamped `now`.
    fn created(
        id: Uuid,
        store_id: Uuid,
        now: DateTime<Utc>,
        draft: Self::Draft,
    ) -> Self::ActiveModel;
    /// The columns an update or delete sets, including the new version and
    /// `last_synced_at`.
    fn changed(version: i64, now: DateTime<Utc>, change: Change<Self::Draft>) -> Self::ActiveModel;

    /// Rules a create or update must meet that need the database
    /// (uniqueness, references to other records).
    fn check<'a>(
        _txn: &'a DatabaseTransaction,
        _target: &'a Target<'_>,
        _draft: &'a Self::Draft,
    ) -> impl Future<Output = Result<(), AppError>> + Send + 'a {
        async { Ok(()) }
    }

    /// Rules a delete must meet (nothing may still point at the record).
    fn check_delete<'a>(
        _txn: &'a DatabaseTransaction,
        _target: &'a Target<'_>,
    ) -> impl Future<Output = Result<(), AppError>> + Send + 'a {
        async { Ok(()) }
    }
}

/// Creates, updates or deletes one versioned record inside the write
/// path's transaction.
pub(super) async fn write<E>(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    draft: Option<E::Draft>,
) -> Result<Written, AppError>
where
    E: Versioned,
    E::Model: Clone + Send + Sync + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: Send,
    Uuid: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let mut live = E::find_by_id(t.id).filter(E::STORE_ID.eq(t.actor.store_id));
    // A record brought back by settling a conflict is deleted until now.
    if !t.revive {
        live = live.filter(E::DELETED_AT.is_null());
    }
    let live = live.one(txn).await.or_internal()?;
    let (before, model) = match (t.op, live, draft) {
        (Op::Create, Some(_), _) => return Err(id_taken(E::KIND)),
        (Op::Create, None, Some(draft)) => {
            // Ids are global: one taken by any store is taken.
            if E::find_by_id(t.id).count(txn).await.or_internal()? > 0 {
                return Err(id_taken(E::KIND));
            }
            E::check(txn, t, &draft).await?;
            let row = E::created(t.id, t.actor.store_id, t.now, draft);
            (
                None,
                E::insert(row)
                    .exec_with_returning(txn)
                    .await
                    .or_internal()?,
            )
        }
        (Op::Create, None, None) => return Err(AppError::field("data", "is required")),
        (_, None, _) => return Err(AppError::not_found(E::KIND.noun())),
        (op, Some(current), draft) => {
            let server = to_json(E::Wire::from(current.clone()));
            let version = E::version(&current);
            check_version(t, E::KIND, version, &server)?;
            let change = match (op, draft) {
                (Op::Update, Some(d)) => {
                    E::check(txn, t, &d).await?;
                    Change::Update(d)
                }
                _ => {
                    E::check_delete(txn, t).await?;
                    Change::Delete
                }
            };
            // The version in the WHERE clause makes check and write one
            // step: an edit that committed first leaves no row to update,
            // and this one becomes a 409, never a silent overwrite.
            let mut update = E::update_many().set(E::changed(version + 1, t.now, change));
            if t.revive {
                update = update.col_expr(E::DELETED_AT, Expr::value(Option::<DateTime<Utc>>::None));
            }
            let result = update
                .filter(E::ID.eq(t.id))
                .filter(E::SYNC_VERSION.eq(version))
                .exec(txn)
                .await
                .or_internal()?;
            if result.rows_affected != 1 {
                return Err(stale(E::KIND, version, version + 1, &server));
            }
            let updated = E::find_by_id(t.id).one(txn).await.or_internal()?;
            (
                Some(server),
                updated.ok_or_else(|| AppError::not_found(E::KIND.noun()))?,
            )
        }
    };
    let (deleted, version) = (E::is_deleted(&model), E::version(&model));
    Ok(Written {
        before,
        after: if deleted {
            serde_json::Value::Null
        } else {
            to_json(E::Wire::from(model))
        },
        version,
        feed: vec![FeedEntry {
            entity: E::KIND,
            id: t.id,
            op: if deleted {
                FeedOp::Delete
            } else {
                FeedOp::Upsert
            },
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
