//! Categories: versioned master data that products are filed under.

use crate::domain::catalog::{Category, CategoryDraft};
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::server::db::entities::{category, product};
use crate::server::error::DbResultExt;
use crate::server::services::catalog::{live_categories, live_products};
use crate::server::services::versioned::{Row, Versioned};
use crate::server::services::write_path::Target;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, PaginatorTrait, QueryFilter};

pub struct CategoryKind;

impl Versioned for CategoryKind {
    const KIND: EntityKind = EntityKind::Category;
    type Entity = category::Entity;
    type Draft = CategoryDraft;
    type Wire = Category;

    async fn parse(m: &Mutation) -> Result<CategoryDraft, AppError> {
        CategoryDraft::parse(&m.data)
    }

    fn fill(row: &mut Row<Self>, d: CategoryDraft) {
        row.name = Set(d.name);
        row.description = Set(d.description);
        row.sort_order = Set(d.sort_order);
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
