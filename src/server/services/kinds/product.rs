//! Products: versioned master data. The catalog keeps one row per product;
//! its on-hand quantity moves only by stock moves, never by an edit.

use crate::domain::catalog::{Product, ProductDraft};
use crate::domain::error::{AppError, FieldErrors};
use crate::domain::mutation::{EntityKind, Mutation};
use crate::server::db::entities::{category, product};
use crate::server::error::DbResultExt;
use crate::server::services::catalog::{live_categories, live_products};
use crate::server::services::versioned::{Row, Versioned};
use crate::server::services::write_path::Target;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, PaginatorTrait, QueryFilter};

pub struct ProductKind;

impl Versioned for ProductKind {
    const KIND: EntityKind = EntityKind::Product;
    type Entity = product::Entity;
    type Draft = ProductDraft;
    type Wire = Product;

    async fn parse(m: &Mutation) -> Result<ProductDraft, AppError> {
        ProductDraft::parse(&m.data)
    }

    fn fill(row: &mut Row<Self>, d: ProductDraft) {
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

    /// Nothing in stock until a stock move says so.
    fn fresh(row: &mut Row<Self>) {
        row.quantity = Set(0);
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
        let sku_taken = others()
            .filter(product::Column::Sku.eq(&d.sku))
            .count(txn)
            .await
            .or_internal()?;
        if sku_taken > 0 {
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
