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
    ColumnTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QueryTrait, UpdateMany,
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
    let updated = on_hand_update(deltas)
        .exec_with_returning(txn)
        .await
        .or_internal()?;
    let rows: BTreeMap<Uuid, product::Model> = updated.into_iter().map(|p| (p.id, p)).collect();
    let mut on_hand = BTreeMap::new();
    // In product id order, whatever order the database returned them in.
    for (id, p) in &rows {
        feed.push(restocked(*id, p.sync_version));
        on_hand.insert(*id, p.quantity);
    }
    if on_hand.len() != deltas.len() {
        return Err(AppError::internal());
    }
    Ok(on_hand)
}

/// `add_on_hand` for a group of sales, whose products (`known`) were read
/// in this transaction under the store's claim: it goes with the group's
/// other rows (`rows`), on PostgreSQL as one text whatever the products,
/// and the feed takes each product's version as read (a stock change does
/// not move it).
pub(super) fn stage_on_hand(
    backend: DbBackend,
    rows: &mut Together,
    deltas: &BTreeMap<Uuid, i64>,
    known: &BTreeMap<Uuid, product::Model>,
    feed: &mut Vec<FeedEntry>,
) -> Result<(), AppError> {
    if deltas.is_empty() {
        return Ok(());
    }
    for id in deltas.keys() {
        let product = known.get(id).ok_or_else(AppError::internal)?;
        feed.push(restocked(*id, product.sync_version));
    }
    if backend != DbBackend::Postgres {
        rows.statement(on_hand_update(deltas).build(backend));
        return Ok(());
    }
    let by_id: serde_json::Map<String, serde_json::Value> = deltas
        .iter()
        .map(|(id, delta)| (id.to_string(), (*delta).into()))
        .collect();
    rows.part(
        STOCK_BY_ID,
        Value::Json(Some(Box::new(serde_json::Value::Object(by_id)))),
    );
    Ok(())
}

/// `quantity = quantity + delta` for each product of `deltas`.
fn on_hand_update(deltas: &BTreeMap<Uuid, i64>) -> UpdateMany<product::Entity> {
    let delta = deltas
        .iter()
        .fold(CaseStatement::new(), |case, (id, delta)| {
            case.case(product::Column::Id.eq(*id), Expr::val(*delta))
        })
        .finally(Expr::val(0i64));
    product::Entity::update_many()
        .col_expr(
            product::Column::Quantity,
            Expr::col(product::Column::Quantity).add(Expr::Case(Box::new(delta))),
        )
        .filter(product::Column::Id.is_in(deltas.keys().copied()))
}

/// The feed entry that makes tills read product `id` again after its stock
/// changed.
fn restocked(id: Uuid, version: i64) -> FeedEntry {
    FeedEntry {
        entity: EntityKind::Product,
        id,
        op: FeedOp::Upsert,
        version,
    }
}

/// A group's stock update on PostgreSQL, `$1` being `{"<product id>":
/// delta, …}`. The products are found by their key (`id = ANY`): a join
/// with the JSON's rows, whose number the planner cannot know, scanned the
/// whole table for a catalog of a few thousand.
pub const STOCK_BY_ID: &str = "UPDATE products SET quantity = quantity + ($1::jsonb ->> id::text)::bigint \
     WHERE id = ANY(ARRAY(SELECT jsonb_object_keys($1::jsonb)::uuid))";
