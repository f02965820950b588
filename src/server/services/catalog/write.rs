//! Catalog record writers, called only by the write path inside its
//! transaction: products and categories as versioned records, and stock
//! moves.

use crate::domain::catalog::{Category, CategoryDraft, Product, ProductDraft, StockAdjustment};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::mutation::EntityKind;
use crate::server::db::entities::{category, product, stock_move};
use crate::server::error::DbResultExt;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::stock;
use crate::server::services::versioned::{self, Change, Versioned};
use crate::server::services::write_path::{Target, Written};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

pub(in crate::server::services) async fn write_product(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    draft: Option<ProductDraft>,
) -> Result<Written, AppError> {
    versioned::write::<product::Entity>(txn, t, draft).await
}

pub(in crate::server::services) async fn write_category(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    draft: Option<CategoryDraft>,
) -> Result<Written, AppError> {
    versioned::write::<category::Entity>(txn, t, draft).await
}

fn live_products(store_id: Uuid) -> sea_orm::Select<product::Entity> {
    product::Entity::find()
        .filter(product::Column::StoreId.eq(store_id))
        .filter(product::Column::DeletedAt.is_null())
}

fn live_categories(store_id: Uuid) -> sea_orm::Select<category::Entity> {
    category::Entity::find()
        .filter(category::Column::StoreId.eq(store_id))
        .filter(category::Column::DeletedAt.is_null())
}

impl Versioned for product::Entity {
    const KIND: EntityKind = EntityKind::Product;
    const ID: product::Column = product::Column::Id;
    const STORE_ID: product::Column = product::Column::StoreId;
    const DELETED_AT: product::Column = product::Column::DeletedAt;
    const SYNC_VERSION: product::Column = product::Column::SyncVersion;
    type Draft = ProductDraft;
    type Wire = Product;

    fn version(model: &product::Model) -> i64 {
        model.sync_version
    }

    fn is_deleted(model: &product::Model) -> bool {
        model.deleted_at.is_some()
    }

    fn created(
        id: Uuid,
        store_id: Uuid,
        now: DateTime<Utc>,
        d: ProductDraft,
    ) -> product::ActiveModel {
        product::ActiveModel {
            id: Set(id),
            store_id: Set(store_id),
            quantity: Set(0),
            created_at: Set(now),
            deleted_at: Set(None),
            ..Self::changed(1, now, Change::Update(d))
        }
    }

    fn changed(
        version: i64,
        now: DateTime<Utc>,
        change: Change<ProductDraft>,
    ) -> product::ActiveModel {
        let mut row = product::ActiveModel {
            sync_version: Set(version),
            last_synced_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        match change {
            Change::Update(d) => {
                row.name = Set(d.name);
                row.sku = Set(d.sku);
                row.barcode = Set(d.barcode);
                row.category_id = Set(d.category_id);
                row.price_cents = Set(d.price_cents);
                row.cost_cents = Set(d.cost_cents);
                row.tax_rate_bp = Set(d.tax_rate_bp);
                row.active = Set(d.active);
                row.low_stock_threshold = Set(d.low_stock_threshold);
            }
            Change::Delete => row.deleted_at = Set(Some(now)),
        }
        row
    }

    /// The category must be this store's; SKU and barcode unique in it.
    async fn check(
        txn: &DatabaseTransaction,
        t: &Target<'_>,
        d: &ProductDraft,
    ) -> Result<(), AppError> {
        let store_id = t.actor.store_id;
        let mut errors = FieldErrors::new();
        if let Some(category_id) = d.category_id
            && live_categories(store_id)
                .filter(category::Column::Id.eq(category_id))
                .count(txn)
                .await
                .or_internal()?
                == 0
        {
            errors.insert(
                "category_id".into(),
                "choose a category of this store".into(),
            );
        }
        let others = || live_products(store_id).filter(product::Column::Id.ne(t.id));
        if others()
            .filter(product::Column::Sku.eq(&d.sku))
            .count(txn)
            .await
            .or_internal()?
            > 0
        {
            errors.insert("sku".into(), "another product already has this SKU".into());
        }
        if let Some(barcode) = &d.barcode
            && others()
                .filter(product::Column::Barcode.eq(barcode))
                .count(txn)
                .await
                .or_internal()?
                > 0
        {
            errors.insert(
                "barcode".into(),
                "another product already has this barcode".into(),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::validation(errors))
        }
    }
}

impl Versioned for category::Entity {
    const KIND: EntityKind = EntityKind::Category;
    const ID: category::Column = category::Column::Id;
    const STORE_ID: category::Column = category::Column::StoreId;
    const DELETED_AT: category::Column = category::Column::DeletedAt;
    const SYNC_VERSION: category::Column = category::Column::SyncVersion;
    type Draft = CategoryDraft;
    type Wire = Category;

    fn version(model: &category::Model) -> i64 {
        model.sync_version
    }

    fn is_deleted(model: &category::Model) -> bool {
        model.deleted_at.is_some()
    }

    fn created(
        id: Uuid,
        store_id: Uuid,
        now: DateTime<Utc>,
        d: CategoryDraft,
    ) -> category::ActiveModel {
        category::ActiveModel {
            id: Set(id),
            store_id: Set(store_id),
            created_at: Set(now),
            deleted_at: Set(None),
            ..Self::changed(1, now, Change::Update(d))
        }
    }

    fn changed(
        version: i64,
        now: DateTime<Utc>,
        change: Change<CategoryDraft>,
    ) -> category::ActiveModel {
        let mut row = category::ActiveModel {
            sync_version: Set(version),
            last_synced_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        match change {
            Change::Update(d) => {
                row.name = Set(d.name);
                row.description = Set(d.description);
                row.sort_order = Set(d.sort_order);
            }
            Change::Delete => row.deleted_at = Set(Some(now)),
        }
        row
    }

    async fn check(
        txn: &DatabaseTransaction,
        t: &Target<'_>,
        d: &CategoryDraft,
    ) -> Result<(), AppError> {
        let taken = live_categories(t.actor.store_id)
            .filter(category::Column::Id.ne(t.id))
            .filter(category::Column::Name.eq(&d.name))
            .count(txn)
            .await
            .or_internal()?;
        if taken > 0 {
            Err(AppError::field(
                "name",
                "another category already has this name",
            ))
        } else {
            Ok(())
        }
    }

    /// A category with products in it stays until they are moved.
    async fn check_delete(txn: &DatabaseTransaction, t: &Target<'_>) -> Result<(), AppError> {
        let in_use = live_products(t.actor.store_id)
            .filter(product::Column::CategoryId.eq(t.id))
            .count(txn)
            .await
            .or_internal()?;
        if in_use > 0 {
            Err(AppError::field(
                "id",
                format!("{in_use} products are still in this category; move them first"),
            ))
        } else {
            Ok(())
        }
    }
}

/// Records a stock move and adds its delta to the product's cached on-hand
/// quantity (`quantity = quantity + delta`, never a read-then-write), so
/// concurrent moves all count.
pub(in crate::server::services) async fn write_stock_move(
    txn: &DatabaseTransaction,
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
        op: FeedOp::Upsert,
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
        before: None,
        after,
        version: 1,
        feed,
    })
}
