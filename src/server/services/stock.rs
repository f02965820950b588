//! On-hand stock: the cached sum of a product's stock moves. Every change
//! adds a delta (`quantity = quantity + delta`), never a read-then-write, so
//! tills and adjustments at the same moment all count.

use super::feed::{FeedEntry, FeedOp};
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::server::db::entities::product;
use crate::server::error::DbResultExt;
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
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
