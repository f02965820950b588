//! Catalog record writers, called only by the write path inside its
//! transaction. Each returns what it wrote for the feed and the audit log.

use crate::domain::catalog::{Category, CategoryDraft, Product, ProductDraft, StockAdjustment};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::mutation::{EntityKind, Op};
use crate::server::db::entities::{category, product, stock_move};
use crate::server::error::DbResultExt;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::write_path::to_json;
use crate::server::services::write_path::{
    Target, Written, check_version, id_taken, update_versioned, written_record,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

async fn find_product(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    id: Uuid,
) -> Result<Option<product::Model>, AppError> {
    product::Entity::find_by_id(id)
        .filter(product::Column::StoreId.eq(store_id))
        .filter(product::Column::DeletedAt.is_null())
        .one(txn)
        .await
        .or_internal()
}

/// Checks what the draft refers to and what must be unique in the store.
async fn check_product_rules(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    id: Uuid,
    draft: &ProductDraft,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    if let Some(category_id) = draft.category_id
        && find_category(txn, store_id, category_id).await?.is_none()
    {
        errors.insert(
            "category_id".into(),
            "choose a category of this store".into(),
        );
    }
    let others = || {
        product::Entity::find()
            .filter(product::Column::StoreId.eq(store_id))
            .filter(product::Column::DeletedAt.is_null())
            .filter(product::Column::Id.ne(id))
    };
    if others()
        .filter(product::Column::Sku.eq(&draft.sku))
        .count(txn)
        .await
        .or_internal()?
        > 0
    {
        errors.insert("sku".into(), "another product already has this SKU".into());
    }
    if let Some(barcode) = &draft.barcode
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

pub(in crate::server::services) async fn write_product(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    draft: Option<ProductDraft>,
) -> Result<Written, AppError> {
    let store_id = t.actor.store_id;
    let existing = find_product(txn, store_id, t.id).await?;
    let (before, model) = match (t.op, existing, draft) {
        (Op::Create, Some(_), _) => return Err(id_taken(EntityKind::Product)),
        (Op::Create, None, Some(d)) => {
            // Ids are global: one taken by any store is taken.
            if product::Entity::find_by_id(t.id)
                .count(txn)
                .await
                .or_internal()?
                > 0
            {
                return Err(id_taken(EntityKind::Product));
            }
            check_product_rules(txn, store_id, t.id, &d).await?;
            let row = product::ActiveModel {
                id: Set(t.id),
                store_id: Set(store_id),
                name: Set(d.name),
                sku: Set(d.sku),
                barcode: Set(d.barcode),
                category_id: Set(d.category_id),
                price_cents: Set(d.price_cents),
                cost_cents: Set(d.cost_cents),
                tax_rate_bp: Set(d.tax_rate_bp),
                active: Set(d.active),
                low_stock_threshold: Set(d.low_stock_threshold),
                quantity: Set(0),
                created_at: Set(t.now),
                updated_at: Set(t.now),
                deleted_at: Set(None),
                sync_version: Set(1),
                last_synced_at: Set(t.now),
            };
            (
                None,
                product::Entity::insert(row)
                    .exec_with_returning(txn)
                    .await
                    .or_internal()?,
            )
        }
        (_, None, _) => return Err(AppError::not_found("product")),
        (op, Some(current), draft) => {
            let server = to_json(Product::from(current.clone()));
            check_version(t, EntityKind::Product, current.sync_version, &server)?;
            let mut row = product::ActiveModel {
                sync_version: Set(current.sync_version + 1),
                last_synced_at: Set(t.now),
                updated_at: Set(t.now),
                ..Default::default()
            };
            match (op, draft) {
                (Op::Update, Some(d)) => {
                    check_product_rules(txn, store_id, t.id, &d).await?;
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
                _ => row.deleted_at = Set(Some(t.now)),
            }
            let columns = (product::Column::Id, product::Column::SyncVersion);
            update_versioned::<product::Entity>(
                txn,
                t,
                EntityKind::Product,
                columns,
                current.sync_version,
                row,
                &server,
            )
            .await?;
            let updated = product::Entity::find_by_id(t.id)
                .one(txn)
                .await
                .or_internal()?;
            (
                Some(server),
                updated.ok_or_else(|| AppError::not_found("product"))?,
            )
        }
    };
    let (deleted, version) = (model.deleted_at.is_some(), model.sync_version);
    Ok(written_record(
        EntityKind::Product,
        t.id,
        before,
        to_json(Product::from(model)),
        version,
        deleted,
    ))
}

async fn find_category(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    id: Uuid,
) -> Result<Option<category::Model>, AppError> {
    category::Entity::find_by_id(id)
        .filter(category::Column::StoreId.eq(store_id))
        .filter(category::Column::DeletedAt.is_null())
        .one(txn)
        .await
        .or_internal()
}

async fn check_category_rules(
    txn: &DatabaseTransaction,
    store_id: Uuid,
    id: Uuid,
    d: &CategoryDraft,
) -> Result<(), AppError> {
    let taken = category::Entity::find()
        .filter(category::Column::StoreId.eq(store_id))
        .filter(category::Column::DeletedAt.is_null())
        .filter(category::Column::Id.ne(id))
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

pub(in crate::server::services) async fn write_category(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    draft: Option<CategoryDraft>,
) -> Result<Written, AppError> {
    let store_id = t.actor.store_id;
    let existing = find_category(txn, store_id, t.id).await?;
    let (before, model) = match (t.op, existing, draft) {
        (Op::Create, Some(_), _) => return Err(id_taken(EntityKind::Category)),
        (Op::Create, None, Some(d)) => {
            // Ids are global: one taken by any store is taken.
            if category::Entity::find_by_id(t.id)
                .count(txn)
                .await
                .or_internal()?
                > 0
            {
                return Err(id_taken(EntityKind::Category));
            }
            check_category_rules(txn, store_id, t.id, &d).await?;
            let row = category::ActiveModel {
                id: Set(t.id),
                store_id: Set(store_id),
                name: Set(d.name),
                description: Set(d.description),
                sort_order: Set(d.sort_order),
                created_at: Set(t.now),
                updated_at: Set(t.now),
                deleted_at: Set(None),
                sync_version: Set(1),
                last_synced_at: Set(t.now),
            };
            (
                None,
                category::Entity::insert(row)
                    .exec_with_returning(txn)
                    .await
                    .or_internal()?,
            )
        }
        (_, None, _) => return Err(AppError::not_found("category")),
        (op, Some(current), draft) => {
            let server = to_json(Category::from(current.clone()));
            check_version(t, EntityKind::Category, current.sync_version, &server)?;
            let mut row = category::ActiveModel {
                sync_version: Set(current.sync_version + 1),
                last_synced_at: Set(t.now),
                updated_at: Set(t.now),
                ..Default::default()
            };
            match (op, draft) {
                (Op::Update, Some(d)) => {
                    check_category_rules(txn, store_id, t.id, &d).await?;
                    row.name = Set(d.name);
                    row.description = Set(d.description);
                    row.sort_order = Set(d.sort_order);
                }
                _ => {
                    let in_use = product::Entity::find()
                        .filter(product::Column::StoreId.eq(store_id))
                        .filter(product::Column::DeletedAt.is_null())
                        .filter(product::Column::CategoryId.eq(t.id))
                        .count(txn)
                        .await
                        .or_internal()?;
                    if in_use > 0 {
                        return Err(AppError::field(
                            "id",
                            format!(
                                "{in_use} products are still in this category; move them first"
                            ),
                        ));
                    }
                    row.deleted_at = Set(Some(t.now));
                }
            }
            let columns = (category::Column::Id, category::Column::SyncVersion);
            update_versioned::<category::Entity>(
                txn,
                t,
                EntityKind::Category,
                columns,
                current.sync_version,
                row,
                &server,
            )
            .await?;
            let updated = category::Entity::find_by_id(t.id)
                .one(txn)
                .await
                .or_internal()?;
            (
                Some(server),
                updated.ok_or_else(|| AppError::not_found("category"))?,
            )
        }
    };
    let (deleted, version) = (model.deleted_at.is_some(), model.sync_version);
    Ok(written_record(
        EntityKind::Category,
        t.id,
        before,
        to_json(Category::from(model)),
        version,
        deleted,
    ))
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
    let product = find_product(txn, store_id, adj.product_id)
        .await?
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
    product::Entity::update_many()
        .col_expr(
            product::Column::Quantity,
            Expr::col(product::Column::Quantity).add(adj.delta),
        )
        .filter(product::Column::Id.eq(product.id))
        .exec(txn)
        .await
        .or_internal()?;
    let quantity = product::Entity::find_by_id(product.id)
        .one(txn)
        .await
        .or_internal()?
        .map_or(product.quantity + adj.delta, |p| p.quantity);
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
        feed: vec![
            FeedEntry {
                entity: EntityKind::StockMove,
                id: t.id,
                op: FeedOp::Upsert,
                version: 1,
            },
            // The product's on-hand number changed; tills re-read it.
            FeedEntry {
                entity: EntityKind::Product,
                id: product.id,
                op: FeedOp::Upsert,
                version: product.sync_version,
            },
        ],
    })
}
