//! The store's change feed: a gapless, store-scoped `seq` per change. The
//! `seq` is handed out under the store row's lock, which is held to commit,
//! so changes become visible in `seq` order and a till pulling "after N"
//! can never skip one.

use crate::domain::mutation::EntityKind;
use crate::server::db::entities::{change, store};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedOp {
    Upsert,
    /// A tombstone: the record was deleted.
    Delete,
}

impl FeedOp {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedOp::Upsert => "upsert",
            FeedOp::Delete => "delete",
        }
    }
}

#[derive(Clone, Debug)]
pub struct FeedEntry {
    pub entity: EntityKind,
    pub id: Uuid,
    pub op: FeedOp,
    pub version: i64,
}

/// Appends `entries` to the store's feed and returns the last `seq` used.
pub async fn append(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    entries: &[FeedEntry],
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let count = entries.len() as i64;
    store::Entity::update_many()
        .col_expr(
            store::Column::ChangeSeq,
            Expr::col(store::Column::ChangeSeq).add(count),
        )
        .filter(store::Column::Id.eq(store_id))
        .exec(txn)
        .await?;
    let last = store::Entity::find_by_id(store_id)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("store {store_id}")))?
        .change_seq;
    let first = last - count + 1;
    let rows = entries
        .iter()
        .enumerate()
        .map(|(i, e)| change::ActiveModel {
            store_id: Set(store_id),
            seq: Set(first + i as i64),
            entity: Set(e.entity.as_str().to_string()),
            entity_id: Set(e.id),
            op: Set(e.op.as_str().to_string()),
            version: Set(e.version),
            created_at: Set(now),
        });
    change::Entity::insert_many(rows).exec(txn).await?;
    Ok(last)
}
