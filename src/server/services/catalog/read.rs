//! Catalog reads, always scoped to the actor's store and blind to
//! soft-deleted rows: another store's id is simply "not found".

use crate::domain::cache::CachedRead;
use crate::domain::catalog::{Category, Product};
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::permissions::Action;
use crate::server::db::entities::{category, product};
use crate::server::error::DbResultExt;
use crate::server::services::cache::Cached;
use crate::server::services::paging::{page_of, window};
use crate::server::services::search::{search_words, text_match};
use crate::server::services::{Actor, Db, Page};
use sea_orm::Select;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

impl ProductQuery {
    /// The same question asked one way, so equal questions share a cache
    /// entry.
    fn normalised(&self) -> ProductQuery {
        let (limit, offset) = window(self.limit, self.offset);
        ProductQuery {
            q: search_words(self.q.as_deref()),
            limit: Some(limit),
            offset: Some(offset),
            ..self.clone()
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Words to find in the name or SKU, or an exact barcode.
    pub q: Option<String>,
    pub category_id: Option<Uuid>,
    /// Include products taken off sale.
    #[serde(default)]
    pub include_inactive: bool,
    /// Only products at or below their low-stock threshold.
    #[serde(default)]
    pub low_stock: bool,
    /// Rows per page, 1 to 200 (50 when left out).
    pub limit: Option<u64>,
    /// Rows to skip (0 when left out).
    pub offset: Option<u64>,
}

/// The store's products that are not deleted.
pub(in crate::server::services) fn live_products(store_id: Uuid) -> Select<product::Entity> {
    product::Entity::find()
        .filter(product::Column::StoreId.eq(store_id))
        .filter(product::Column::DeletedAt.is_null())
}

/// The store's categories that are not deleted.
pub(in crate::server::services) fn live_categories(store_id: Uuid) -> Select<category::Entity> {
    category::Entity::find()
        .filter(category::Column::StoreId.eq(store_id))
        .filter(category::Column::DeletedAt.is_null())
}

/// A page of the store's products (cached).
pub async fn products(
    db: &Db,
    actor: &Actor,
    query: &ProductQuery,
) -> Result<Cached<Page<Product>>, AppError> {
    actor.must_on(EntityKind::Product, Action::Read)?;
    let query = query.normalised();
    let compute = || products_now(db, actor.store_id, &query);
    db.cache()
        .read(actor.store_id, CachedRead::Products, &query, compute)
        .await
}

async fn products_now(
    db: &DatabaseConnection,
    store_id: Uuid,
    query: &ProductQuery,
) -> Result<Page<Product>, AppError> {
    let mut select = live_products(store_id);
    if !query.include_inactive {
        select = select.filter(product::Column::Active.eq(true));
    }
    if let Some(category_id) = query.category_id {
        select = select.filter(product::Column::CategoryId.eq(category_id));
    }
    if query.low_stock {
        select = select.filter(product::low_stock().eq(true));
    }
    if let Some(q) = query.q.as_deref() {
        select = select.filter(search_condition(db, q));
    }
    let by_name = |s: Select<product::Entity>| {
        s.order_by_asc(product::Column::Name)
            .order_by_asc(product::Column::Id)
    };
    Ok(page_of(db, select, by_name, query.limit, query.offset)
        .await?
        .map(Product::from))
}

/// Name or SKU words, or an exact barcode.
fn search_condition(db: &DatabaseConnection, q: &str) -> Condition {
    let columns = [
        (product::Entity, product::Column::Name),
        (product::Entity, product::Column::Sku),
    ];
    Condition::any()
        .add(product::Column::Barcode.eq(q))
        .add(text_match(db, "products", "products_fts", q, &columns))
}

pub async fn product(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Product, AppError> {
    actor.must_on(EntityKind::Product, Action::Read)?;
    live_products(actor.store_id)
        .filter(product::Column::Id.eq(id))
        .one(db)
        .await
        .or_internal()?
        .map(Product::from)
        .ok_or_else(|| AppError::not_found("product"))
}

pub async fn product_by_barcode(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
) -> Result<Product, AppError> {
    actor.must_on(EntityKind::Product, Action::Read)?;
    live_products(actor.store_id)
        .filter(product::Column::Barcode.eq(code.trim()))
        .one(db)
        .await
        .or_internal()?
        .map(Product::from)
        .ok_or_else(|| AppError::not_found("product"))
}

/// The store's categories in shelf order (cached).
pub async fn categories(db: &Db, actor: &Actor) -> Result<Cached<Vec<Category>>, AppError> {
    actor.must_on(EntityKind::Category, Action::Read)?;
    let compute = || categories_now(db, actor.store_id);
    db.cache()
        .read(actor.store_id, CachedRead::Categories, &(), compute)
        .await
}

async fn categories_now(
    db: &DatabaseConnection,
    store_id: Uuid,
) -> Result<Vec<Category>, AppError> {
    Ok(live_categories(store_id)
        .order_by_asc(category::Column::SortOrder)
        .order_by_asc(category::Column::Name)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(Category::from)
        .collect())
}

pub async fn category(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Category, AppError> {
    actor.must_on(EntityKind::Category, Action::Read)?;
    live_categories(actor.store_id)
        .filter(category::Column::Id.eq(id))
        .one(db)
        .await
        .or_internal()?
        .map(Category::from)
        .ok_or_else(|| AppError::not_found("category"))
}
