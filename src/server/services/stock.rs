//! On-hand stock: the cached sum of a product's stock moves. Every change
//! adds a delta (`quantity = quantity + delta`), never a read-then-write, so
//! tills and adjustments at the same moment all count.

use super::feed::{FeedEntry, FeedOp};
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::server::db::bulk::Together;
use crate::server::db::entities::product;
use crate::server::error::DbResultExt;
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, Value};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Adds each product's delta to its on-hand quantity in one statement,
/// tells the feed that tills must re-read those products, and returns
/// their new quantities.
pub(super) async fn add_on_hand(
    txn: &DatabaseTransaction,
    deltas: &BTreeMap<Uuid, i64>,
    feed: &mut Vec<FeedEntry>,
) -> Result<BTreeMap<Uuid, i64>, AppError> {
    if deltas.is_empty() {
        return Ok(BTreeMap::new());
    }
    let delta = deltas
        .iter()
        .fold(CaseStatement::new(), |case, (id, delta)| {
            case.case(product::Column::Id.eq(*id), Expr::val(*delta))
        })
        .finally(Expr::val(0i64));
    let updated = product::Entity::update_many()
        .col_expr(
            product::Column::Quantity,
            Expr::col(product::Column::Quantity).add(Expr::Case(Box::new(delta))),
        )
        .filter(product::Column::Id.is_in(deltas.keys().copied()))
        .exec_with_returning(txn)
        .await
        .or_internal()?;
    let rows: BTreeMap<Uuid, product::Model> = updated.into_iter().map(|p| (p.id, p)).collect();
    let mut on_hand = BTreeMap::new();
    // In product id order, whatever order the database returned them in.
    for (id, p) in &rows {
        feed.push(FeedEntry {
            entity: EntityKind::Product,
            id: *id,
            op: FeedOp::Upsert,
            version: p.sync_version,
        });
        on_hand.insert(*id, p.quantity);
    }
    if on_hand.len() != deltas.len() {
        return Err(AppError::internal());
    }
    Ok(on_hand)
}

/// `add_on_hand` for a group of sales, whose products (`known`) were read
/// in this transaction under the store's claim: on PostgreSQL it goes with
/// the group's other rows (`rows`), one text whatever the products, and the
/// feed takes each product's version as read (a stock change does not move
/// it); SQLite runs it at once.
pub(super) async fn stage_on_hand(
    txn: &DatabaseTransaction,
    rows: &mut Together,
    deltas: &BTreeMap<Uuid, i64>,
    known: &BTreeMap<Uuid, product::Model>,
    feed: &mut Vec<FeedEntry>,
) -> Result<(), AppError> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return add_on_hand(txn, deltas, feed).await.map(|_| ());
    }
    if deltas.is_empty() {
        return Ok(());
    }
    let mut by_id = serde_json::Map::with_capacity(deltas.len());
    for (id, delta) in deltas {
        let product = known.get(id).ok_or_else(AppError::internal)?;
        feed.push(FeedEntry {
            entity: EntityKind::Product,
            id: *id,
            op: FeedOp::Upsert,
            version: product.sync_version,
        });
        by_id.insert(id.to_string(), (*delta).into());
    }
    rows.part(
        STOCK_BY_ID,
        Value::Json(Some(Box::new(serde_json::Value::Object(by_id)))),
    );
    Ok(())
}

/// A group's stock update on PostgreSQL, `$1` being `{"<product id>":
/// delta, …}`. The products are found by their key (`id = ANY`): a join
/// with the JSON's rows, whose number the planner cannot know, scanned the
/// whole table for a catalog of a few thousand.
pub const STOCK_BY_ID: &str = "UPDATE products SET quantity = quantity + ($1::jsonb ->> id::text)::bigint \
     WHERE id = ANY(ARRAY(SELECT jsonb_object_keys($1::jsonb)::uuid))";
