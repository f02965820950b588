//! Sales history, scoped to the store.

use crate::domain::cache::CachedRead;
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::page::Page;
use crate::domain::permissions::Action;
use crate::domain::sale::{Payment, PaymentMethod};
use crate::domain::sale_record::{Sale, SoldLine};
use crate::server::db::bulk::one_of;
use crate::server::db::entities::{payment, sale, sale_line};
use crate::server::error::DbResultExt;
use crate::server::services::cache::Cached;
use crate::server::services::paging::{page_of, window};
use crate::server::services::{Actor, Db, names};
use chrono::{DateTime, Utc};
use sea_orm::Select;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SaleQuery {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub employee_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub payment_method: Option<String>,
    /// Rows per page, 1 to 200 (50 when left out).
    pub limit: Option<u64>,
    /// Rows to skip (0 when left out).
    pub offset: Option<u64>,
}

async fn with_details(
    db: &impl ConnectionTrait,
    rows: Vec<sale::Model>,
) -> Result<Vec<Sale>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let backend = db.get_database_backend();
    let lines = sale_line::Entity::find()
        .filter(one_of(
            backend,
            sale_line::Column::SaleId,
            ids.iter().copied(),
        ))
        .order_by_asc(sale_line::Column::LineNo)
        .all(db)
        .await
        .or_internal()?;
    let payments = payment::Entity::find()
        .filter(one_of(backend, payment::Column::SaleId, ids))
        .all(db)
        .await
        .or_internal()?;
    let employees = names::employees(db, rows.iter().map(|s| s.employee_id)).await?;
    let customers = names::customers(db, rows.iter().filter_map(|s| s.customer_id)).await?;
    Ok(rows
        .into_iter()
        .map(|s| Sale {
            lines: lines
                .iter()
                .filter(|l| l.sale_id == s.id)
                .map(SoldLine::from)
                .collect(),
            payments: payments
                .iter()
                .filter(|p| p.sale_id == s.id)
                .filter_map(|p| {
                    Some(Payment {
                        method: PaymentMethod::parse(&p.method)?,
                        amount_cents: p.amount_cents,
                    })
                })
                .collect(),
            id: s.id,
            number: s.number,
            employee_id: s.employee_id,
            employee_name: employees.get(&s.employee_id).cloned().unwrap_or_default(),
            customer_id: s.customer_id,
            customer_name: s.customer_id.and_then(|c| customers.get(&c).cloned()),
            original_sale_id: s.original_sale_id,
            status: s.status,
            payment_status: s.payment_status,
            payment_method: s.payment_method,
            subtotal_cents: s.subtotal_cents,
            discount_cents: s.discount_cents,
            tax_cents: s.tax_cents,
            total_cents: s.total_cents,
            paid_cents: s.paid_cents,
            change_cents: s.change_cents,
            created_at: s.created_at,
            received_at: s.received_at,
            sync_version: s.sync_version,
        })
        .collect())
}

pub(super) async fn find(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    id: Uuid,
) -> Result<Option<Sale>, AppError> {
    let row = sale::Entity::find_by_id(id)
        .filter(sale::Column::StoreId.eq(store_id))
        .one(db)
        .await
        .or_internal()?;
    Ok(match row {
        Some(row) => with_details(db, vec![row]).await?.pop(),
        None => None,
    })
}

/// Sales of the store by id, with lines and payments (for pulls).
pub(in crate::server::services) async fn by_ids(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    ids: Vec<Uuid>,
) -> Result<Vec<Sale>, AppError> {
    let rows = sale::Entity::find()
        .filter(sale::Column::StoreId.eq(store_id))
        .filter(one_of(db.get_database_backend(), sale::Column::Id, ids))
        .all(db)
        .await
        .or_internal()?;
    with_details(db, rows).await
}

pub async fn sale(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<Sale, AppError> {
    actor.must_on(EntityKind::Sale, Action::Read)?;
    find(db, actor.store_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("sale"))
}

/// Newest first, filtered as the reference list's sales screen needs.
pub async fn sales(db: &Db, actor: &Actor, q: &SaleQuery) -> Result<Cached<Page<Sale>>, AppError> {
    actor.must_on(EntityKind::Sale, Action::Read)?;
    let (limit, offset) = window(q.limit, q.offset);
    let q = SaleQuery {
        limit: Some(limit),
        offset: Some(offset),
        ..q.clone()
    };
    let compute = || sales_now(db, actor.store_id, &q);
    db.cache()
        .read(actor.store_id, CachedRead::Sales, &q, compute)
        .await
}

async fn sales_now(
    db: &DatabaseConnection,
    store_id: Uuid,
    q: &SaleQuery,
) -> Result<Page<Sale>, AppError> {
    let mut select = sale::Entity::find().filter(sale::Column::StoreId.eq(store_id));
    if let Some(from) = q.from {
        select = select.filter(sale::Column::CreatedAt.gte(from));
    }
    if let Some(to) = q.to {
        select = select.filter(sale::Column::CreatedAt.lt(to));
    }
    if let Some(e) = q.employee_id {
        select = select.filter(sale::Column::EmployeeId.eq(e));
    }
    if let Some(c) = q.customer_id {
        select = select.filter(sale::Column::CustomerId.eq(c));
    }
    if let Some(m) = &q.payment_method {
        select = select.filter(sale::Column::PaymentMethod.eq(m.as_str()));
    }
    let newest_first = |s: Select<sale::Entity>| {
        s.order_by_desc(sale::Column::CreatedAt)
            .order_by_desc(sale::Column::Id)
    };
    let page = page_of(db, select, newest_first, q.limit, q.offset).await?;
    let items = with_details(db, page.items).await?;
    Ok(Page {
        items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    })
}
