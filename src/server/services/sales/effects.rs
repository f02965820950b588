//! What a sale and a refund both do beyond their own rows: move stock by
//! deltas and adjust the customer's derived totals. Each also tells the
//! change feed which records tills must re-read.

use crate::domain::error::AppError;
use crate::domain::ids::new_id;
use crate::domain::mutation::EntityKind;
use crate::server::db::entities::{customer, stock_move};
use crate::server::error::DbResultExt;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::stock;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Who moved stock, why, and for which sale.
pub(super) struct StockCause<'a> {
    pub store_id: Uuid,
    pub sale_id: Uuid,
    pub employee_id: Uuid,
    pub reason: &'a str,
    pub at: DateTime<Utc>,
}

/// One stock move per `(product, delta)`, then the on-hand quantities of
/// all the products in one update (`stock::add_on_hand`).
pub(super) async fn move_stock(
    txn: &DatabaseTransaction,
    cause: &StockCause<'_>,
    moves: &[(Uuid, i64)],
    feed: &mut Vec<FeedEntry>,
) -> Result<(), AppError> {
    let rows = moves
        .iter()
        .map(|(product_id, delta)| stock_move_row(cause, *product_id, *delta));
    stock_move::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await
        .or_internal()?;
    let mut per_product: BTreeMap<Uuid, i64> = BTreeMap::new();
    for (product_id, delta) in moves {
        *per_product.entry(*product_id).or_default() += delta;
    }
    stock::add_on_hand(txn, &per_product, feed).await?;
    Ok(())
}

/// The stock move recording `delta` units of `product_id` for `cause`.
pub(super) fn stock_move_row(
    cause: &StockCause<'_>,
    product_id: Uuid,
    delta: i64,
) -> stock_move::ActiveModel {
    stock_move::ActiveModel {
        id: Set(new_id()),
        store_id: Set(cause.store_id),
        product_id: Set(product_id),
        delta: Set(delta),
        reason: Set(cause.reason.to_string()),
        sale_id: Set(Some(cause.sale_id)),
        employee_id: Set(Some(cause.employee_id)),
        note: Set(None),
        created_at: Set(cause.at),
    }
}

/// Adds to a customer's derived totals (negative for a refund). `ordered_at`
/// moves the last-order date forward only: a sale rung up offline may
/// arrive after a newer one.
pub(super) async fn add_to_customer(
    txn: &DatabaseTransaction,
    customer_id: Uuid,
    (spent_cents, orders): (i64, i64),
    ordered_at: Option<DateTime<Utc>>,
    feed: &mut Vec<FeedEntry>,
) -> Result<(), AppError> {
    let mut update = customer::Entity::update_many()
        .col_expr(
            customer::Column::TotalSpentCents,
            Expr::col(customer::Column::TotalSpentCents).add(spent_cents),
        )
        .col_expr(
            customer::Column::TotalOrders,
            Expr::col(customer::Column::TotalOrders).add(orders),
        );
    if let Some(at) = ordered_at {
        let later = CaseStatement::new()
            .case(
                Condition::any()
                    .add(customer::Column::LastOrderAt.is_null())
                    .add(customer::Column::LastOrderAt.lt(at)),
                Expr::val(at),
            )
            .finally(Expr::col(customer::Column::LastOrderAt));
        update = update.col_expr(customer::Column::LastOrderAt, Expr::Case(Box::new(later)));
    }
    let version = update
        .filter(customer::Column::Id.eq(customer_id))
        .exec_with_returning(txn)
        .await
        .or_internal()?
        .pop()
        .map_or(1, |c| c.sync_version);
    feed.push(FeedEntry {
        entity: EntityKind::Customer,
        id: customer_id,
        op: FeedOp::Upsert,
        version,
    });
    Ok(())
}
