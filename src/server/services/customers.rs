//! Customers: reads scoped to the store, and the record writer the write
//! path calls. Totals (spent, orders, last order) are written only by sales.

use crate::domain::customer::{Customer, CustomerDraft};
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::server::db::entities::customer;
use crate::server::error::DbResultExt;
use crate::server::services::paging::page_of;
use crate::server::services::search::text_match;
use crate::server::services::versioned::{self, Change, Versioned};
use crate::server::services::write_path::{Target, Written};
use crate::server::services::{Actor, Page};
use chrono::{DateTime, Utc};
use sea_orm::Select;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct CustomerQuery {
    /// Words of the name, or part of the phone number or e-mail.
    pub q: Option<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

pub async fn customers(
    db: &DatabaseConnection,
    actor: &Actor,
    query: &CustomerQuery,
) -> Result<Page<Customer>, AppError> {
    let mut select = customer::Entity::find()
        .filter(customer::Column::StoreId.eq(actor.store_id))
        .filter(customer::Column::DeletedAt.is_null());
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
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

pub(in crate::server::services) async fn write_customer(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    draft: Option<CustomerDraft>,
) -> Result<Written, AppError> {
    versioned::write::<customer::Entity>(txn, t, draft).await
}

impl Versioned for customer::Entity {
    const KIND: EntityKind = EntityKind::Customer;
    const ID: customer::Column = customer::Column::Id;
    const STORE_ID: customer::Column = customer::Column::StoreId;
    const DELETED_AT: customer::Column = customer::Column::DeletedAt;
    const SYNC_VERSION: customer::Column = customer::Column::SyncVersion;
    type Draft = CustomerDraft;
    type Wire = Customer;

    fn version(model: &customer::Model) -> i64 {
        model.sync_version
    }

    fn is_deleted(model: &customer::Model) -> bool {
        model.deleted_at.is_some()
    }

    /// Totals start at zero; only sales move them.
    fn created(
        id: Uuid,
        store_id: Uuid,
        now: DateTime<Utc>,
        d: CustomerDraft,
    ) -> customer::ActiveModel {
        customer::ActiveModel {
            id: Set(id),
            store_id: Set(store_id),
            total_spent_cents: Set(0),
            total_orders: Set(0),
            last_order_at: Set(None),
            created_at: Set(now),
            deleted_at: Set(None),
            ..Self::changed(1, now, Change::Update(d))
        }
    }

    fn changed(
        version: i64,
        now: DateTime<Utc>,
        change: Change<CustomerDraft>,
    ) -> customer::ActiveModel {
        let mut row = customer::ActiveModel {
            sync_version: Set(version),
            last_synced_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        match change {
            Change::Update(d) => {
                row.name = Set(d.name);
                row.phone = Set(d.phone);
                row.email = Set(d.email);
                row.notes = Set(d.notes);
            }
            Change::Delete => row.deleted_at = Set(Some(now)),
        }
        row
    }
}

/// One customer of the actor's store.
pub async fn customer(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Customer, AppError> {
    customer::Entity::find_by_id(id)
        .filter(customer::Column::StoreId.eq(actor.store_id))
        .filter(customer::Column::DeletedAt.is_null())
        .one(db)
        .await
        .or_internal()?
        .map(Customer::from)
        .ok_or_else(|| AppError::not_found("customer"))
}
