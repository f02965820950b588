//! On-hand stock: the cached sum of a product's stock moves. Every change
//! adds a delta (`quantity = quantity + delta`), never a read-then-write, so
//! tills and adjustments at the same moment all count.

use super::feed::{FeedEntry, FeedOp};
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::server::db::entities::product;
use crate::server::error::DbResultExt;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Adds `delta` to the product's on-hand quantity, tells the feed that tills
/// must re-read the product, and returns the new quantity.
pub(super) async fn add_on_hand(
    txn: &DatabaseTransaction,
    product_id: Uuid,
    delta: i64,
    feed: &mut Vec<FeedEntry>,
) -> Result<i64, AppError> {
    product::Entity::update_many()
        .col_expr(
            product::Column::Quantity,
            Expr::col(product::Column::Quantity).add(delta),
        )
        .filter(product::Column::Id.eq(product_id))
        .exec(txn)
        .await
        .or_internal()?;
    let now = product::Entity::find_by_id(product_id)
        .one(txn)
        .await
        .or_internal()?
        .ok_or_else(AppError::internal)?;
    feed.push(FeedEntry {
        entity: EntityKind::Product,
        id: product_id,
        op: FeedOp::Upsert,
        version: now.sync_version,
    });
    Ok(now.quantity)
}
