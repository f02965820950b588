//! Stock moves made by hand (received, counted, damaged, …): a delta added
//! to the product's on-hand quantity, never a number written over it.
//! Sales and refunds make their own moves in the sale's writer.

use super::{RecordKind, pulled_rows, unsupported};
use crate::domain::catalog::{StockAdjustment, StockMove};
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::server::db::entities::{product, stock_move};
use crate::server::error::DbResultExt;
use crate::server::services::catalog::live_products;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::ledger::Ledger;
use crate::server::services::stock;
use crate::server::services::write_path::{Target, Written};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter,
};
use serde_json::{Value, json};
use uuid::Uuid;

pub struct StockMoveKind;

impl RecordKind for StockMoveKind {
    const KIND: EntityKind = EntityKind::StockMove;
    type Payload = StockAdjustment;

    async fn parse(m: &Mutation) -> Result<StockAdjustment, AppError> {
        match m.op {
            Op::Create => StockAdjustment::parse(&m.data),
            _ => Err(unsupported(m)),
        }
    }

    /// Records the move and adds its delta to the product's cached on-hand
    /// quantity (`quantity = quantity + delta`, never a read-then-write),
    /// so concurrent moves all count.
    async fn write(
        txn: &DatabaseTransaction,
        _ledger: &mut Ledger,
        t: &Target<'_>,
        adj: StockAdjustment,
    ) -> Result<Written, AppError> {
        let store_id = t.actor.store_id;
        let product = live_products(store_id)
            .filter(product::Column::Id.eq(adj.product_id))
            .one(txn)
            .await
            .or_internal()?
            .ok_or_else(|| AppError::field("product_id", "choose a product of this store"))?;
        stock_move::Entity::insert(stock_move::ActiveModel {
            id: Set(t.id),
            store_id: Set(store_id),
            product_id: Set(product.id),
            delta: Set(adj.delta),
            reason: Set(adj.reason.as_str().to_string()),
            sale_id: Set(None),
            employee_id: Set(t.actor.employee_id),
            note: Set(adj.note.clone()),
            created_at: Set(t.now),
        })
        .exec_without_returning(txn)
        .await
        .or_internal()?;
        // The stock move itself is in the feed; add_on_hand adds the product.
        let mut feed = vec![FeedEntry {
            entity: EntityKind::StockMove,
            id: t.id,
            op: FeedOp::Create,
            version: 1,
        }];
        let deltas = std::collections::BTreeMap::from([(product.id, adj.delta)]);
        let quantity = stock::add_on_hand(txn, &deltas, &mut feed).await?[&product.id];
        let after = json!({
            "product_id": product.id,
            "delta": adj.delta,
            "reason": adj.reason,
            "note": adj.note,
            "quantity_before": quantity - adj.delta,
            "quantity_after": quantity,
        });
        Ok(Written {
            carried: None,
            before: None,
            after,
            version: 1,
            feed,
        })
    }

    async fn pulled(
        db: &DatabaseConnection,
        store_id: Uuid,
        ids: Vec<Uuid>,
    ) -> Result<Vec<(Uuid, Value)>, AppError> {
        pulled_rows::<stock_move::Entity, StockMove>(db, "store_id", store_id, ids).await
    }
}
