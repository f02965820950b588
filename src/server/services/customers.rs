//! Customers: reads scoped to the store. Their writes are a record kind
//! (`kinds::customer`); totals (spent, orders, last order) move only by
//! sales.

use crate::domain::cache::CachedRead;
use crate::domain::customer::Customer;
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::permissions::Action;
use crate::server::db::entities::customer;
use crate::server::error::DbResultExt;
use crate::server::services::cache::Cached;
use crate::server::services::paging::{page_of, window};
use crate::server::services::search::{search_words, text_match};
use crate::server::services::{Actor, Db, Page};
use sea_orm::Select;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Words of the name, or part of the phone number or e-mail.
    pub q: Option<String>,
    /// Rows per page, 1 to 200 (50 when left out).
    pub limit: Option<u64>,
    /// Rows to skip (0 when left out).
    pub offset: Option<u64>,
}

/// A page of the store's customers, by name (cached).
pub async fn customers(
    db: &Db,
    actor: &Actor,
    query: &CustomerQuery,
) -> Result<Cached<Page<Customer>>, AppError> {
    actor.must_on(EntityKind::Customer, Action::Read)?;
    let (limit, offset) = window(query.limit, query.offset);
    let query = CustomerQuery {
        q: search_words(query.q.as_deref()),
        limit: Some(limit),
        offset: Some(offset),
    };
    let compute = || customers_now(db, actor.store_id, &query);
    db.cache()
        .read(actor.store_id, CachedRead::Customers, &query, compute)
        .await
}

async fn customers_now(
    db: &DatabaseConnection,
    store_id: Uuid,
    query: &CustomerQuery,
) -> Result<Page<Customer>, AppError> {
    let mut select = customer::Entity::find()
        .filter(customer::Column::StoreId.eq(store_id))
        .filter(customer::Column::DeletedAt.is_null());
    if let Some(q) = query.q.as_deref() {
        let columns = [
            (customer::Entity, customer::Column::Name),
            (customer::Entity, customer::Column::Phone),
            (customer::Entity, customer::Column::Email),
        ];
        select = select.filter(text_match(db, "customers", "customers_fts", q, &columns));
    }
    let by_name = |s: Select<customer::Entity>| s.order_by_asc(customer::Column::Name);
    Ok(page_of(db, select, by_name, query.limit, query.offset)
        .await?
        .map(Customer::from))
}

/// One customer of the actor's store.
pub async fn customer(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Customer, AppError> {
    actor.must_on(EntityKind::Customer, Action::Read)?;
    customer::Entity::find_by_id(id)
        .filter(customer::Column::StoreId.eq(actor.store_id))
        .filter(customer::Column::DeletedAt.is_null())
        .one(db)
        .await
        .or_internal()?
        .map(Customer::from)
        .ok_or_else(|| AppError::not_found("customer"))
}
