//! Customers: reads scoped to the store, and the record writer the write
//! path calls. Totals (spent, orders, last order) are written only by sales.

use crate::domain::customer::{Customer, CustomerDraft};
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Op};
use crate::server::db::entities::customer;
use crate::server::error::DbResultExt;
use crate::server::services::write_path::{
    Target, Written, check_version, id_taken, to_json, update_versioned, written_record,
};
use crate::server::services::{Actor, Page, page_limit};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

pub async fn customers(
    db: &DatabaseConnection,
    actor: &Actor,
    limit: Option<u64>,
    offset: Option<u64>,
) -> Result<Page<Customer>, AppError> {
    let select = customer::Entity::find()
        .filter(customer::Column::StoreId.eq(actor.store_id))
        .filter(customer::Column::DeletedAt.is_null());
    let (limit, offset) = (page_limit(limit), offset.unwrap_or(0));
    let total = select.clone().count(db).await.or_internal()?;
    let items = select
        .order_by_asc(customer::Column::Name)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await
        .or_internal()?;
    Ok(Page {
        items: items.into_iter().map(Customer::from).collect(),
        total,
        limit,
        offset,
    })
}

pub(in crate::server::services) async fn write_customer(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    draft: Option<CustomerDraft>,
) -> Result<Written, AppError> {
    let existing = customer::Entity::find_by_id(t.id)
        .filter(customer::Column::StoreId.eq(t.actor.store_id))
        .filter(customer::Column::DeletedAt.is_null())
        .one(txn)
        .await
        .or_internal()?;
    let (before, model) = match (t.op, existing, draft) {
        (Op::Create, Some(_), _) => return Err(id_taken(EntityKind::Customer)),
        (Op::Create, None, Some(d)) => {
            // Ids are global: one taken by any store is taken.
            if customer::Entity::find_by_id(t.id)
                .count(txn)
                .await
                .or_internal()?
                > 0
            {
                return Err(id_taken(EntityKind::Customer));
            }
            let row = customer::ActiveModel {
                id: Set(t.id),
                store_id: Set(t.actor.store_id),
                name: Set(d.name),
                phone: Set(d.phone),
                email: Set(d.email),
                notes: Set(d.notes),
                total_spent_cents: Set(0),
                total_orders: Set(0),
                last_order_at: Set(None),
                created_at: Set(t.now),
                updated_at: Set(t.now),
                deleted_at: Set(None),
                sync_version: Set(1),
                last_synced_at: Set(t.now),
            };
            (
                None,
                customer::Entity::insert(row)
                    .exec_with_returning(txn)
                    .await
                    .or_internal()?,
            )
        }
        (_, None, _) => return Err(AppError::not_found("customer")),
        (op, Some(current), draft) => {
            let server = to_json(Customer::from(current.clone()));
            check_version(t, EntityKind::Customer, current.sync_version, &server)?;
            let mut row = customer::ActiveModel {
                sync_version: Set(current.sync_version + 1),
                last_synced_at: Set(t.now),
                updated_at: Set(t.now),
                ..Default::default()
            };
            match (op, draft) {
                (Op::Update, Some(d)) => {
                    row.name = Set(d.name);
                    row.phone = Set(d.phone);
                    row.email = Set(d.email);
                    row.notes = Set(d.notes);
                }
                _ => row.deleted_at = Set(Some(t.now)),
            }
            let columns = (customer::Column::Id, customer::Column::SyncVersion);
            update_versioned::<customer::Entity>(
                txn,
                t,
                EntityKind::Customer,
                columns,
                current.sync_version,
                row,
                &server,
            )
            .await?;
            let updated = customer::Entity::find_by_id(t.id)
                .one(txn)
                .await
                .or_internal()?;
            (
                Some(server),
                updated.ok_or_else(|| AppError::not_found("customer"))?,
            )
        }
    };
    let (deleted, version) = (model.deleted_at.is_some(), model.sync_version);
    Ok(written_record(
        EntityKind::Customer,
        t.id,
        before,
        to_json(Customer::from(model)),
        version,
        deleted,
    ))
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
