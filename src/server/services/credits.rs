//! Store credit: reads scoped to the store, with "overdue" worked out for
//! today. Credits a manager enters or re-dates, and payments against them,
//! are record kinds (`kinds::credit`, `kinds::credit_payment`); credits
//! from sales are opened by the sale.

use super::{Actor, Page};
use crate::domain::credit::{Credit, CreditDetail, CreditPayment, CreditStatus};
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::permissions::Action;
use crate::server::db::entities::{credit, credit_payment};
use crate::server::error::DbResultExt;
use crate::server::services::paging::page_of;
use chrono::{NaiveDate, Utc};
use sea_orm::Select;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreditQuery {
    /// pending, paid, overdue, or open (pending and overdue).
    pub status: Option<String>,
    pub customer_id: Option<Uuid>,
    /// Rows per page, 1 to 200 (50 when left out).
    pub limit: Option<u64>,
    /// Rows to skip (0 when left out).
    pub offset: Option<u64>,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn to_credit(m: credit::Model, customer_name: String, today: NaiveDate) -> Credit {
    Credit {
        status: CreditStatus::of(m.amount_cents, m.paid_cents, m.due_date, today),
        id: m.id,
        customer_id: m.customer_id,
        customer_name,
        sale_id: m.sale_id,
        amount_cents: m.amount_cents,
        paid_cents: m.paid_cents,
        due_date: m.due_date,
        paid_at: m.paid_at,
        created_at: m.created_at,
        sync_version: m.sync_version,
    }
}

impl From<credit::Model> for Credit {
    fn from(m: credit::Model) -> Self {
        to_credit(m, String::new(), today())
    }
}

async fn with_names(
    db: &impl ConnectionTrait,
    rows: Vec<credit::Model>,
) -> Result<Vec<Credit>, AppError> {
    let names = super::names::customers(db, rows.iter().map(|c| c.customer_id)).await?;
    let today = today();
    Ok(rows
        .into_iter()
        .map(|m| {
            let name = names.get(&m.customer_id).cloned().unwrap_or_default();
            to_credit(m, name, today)
        })
        .collect())
}

/// Oldest due first: the overdue list is the top of it.
pub async fn credits(
    db: &DatabaseConnection,
    actor: &Actor,
    q: &CreditQuery,
) -> Result<Page<Credit>, AppError> {
    actor.must_on(EntityKind::Credit, Action::Read)?;
    let mut select = credit::Entity::find()
        .filter(credit::Column::StoreId.eq(actor.store_id))
        .filter(credit::Column::DeletedAt.is_null());
    if let Some(c) = q.customer_id {
        select = select.filter(credit::Column::CustomerId.eq(c));
    }
    let today = today();
    let unpaid = credit::Column::Status.ne("paid");
    select = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => select,
        Some("open") => select.filter(unpaid),
        Some("paid") => select.filter(credit::Column::Status.eq("paid")),
        Some("overdue") => select
            .filter(unpaid)
            .filter(credit::Column::DueDate.lt(today)),
        Some("pending") => select.filter(unpaid).filter(
            Condition::any()
                .add(credit::Column::DueDate.is_null())
                .add(credit::Column::DueDate.gte(today)),
        ),
        Some(_) => {
            return Err(AppError::field(
                "status",
                "choose pending, paid, overdue or open",
            ));
        }
    };
    let by_due_date = |s: Select<credit::Entity>| {
        s.order_by_asc(credit::Column::DueDate)
            .order_by_asc(credit::Column::CreatedAt)
    };
    let page = page_of(db, select, by_due_date, q.limit, q.offset).await?;
    let items = with_names(db, page.items).await?;
    Ok(Page {
        items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    })
}

/// One credit of the actor's store, with its payments.
pub async fn credit(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<CreditDetail, AppError> {
    actor.must_on(EntityKind::Credit, Action::Read)?;
    let row = credit::Entity::find_by_id(id)
        .filter(credit::Column::StoreId.eq(actor.store_id))
        .filter(credit::Column::DeletedAt.is_null())
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found(EntityKind::Credit.noun()))?;
    let payments = credit_payment::Entity::find()
        .filter(credit_payment::Column::CreditId.eq(id))
        .order_by_asc(credit_payment::Column::CreatedAt)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(CreditPayment::from)
        .collect();
    let credit = with_names(db, vec![row])
        .await?
        .pop()
        .ok_or_else(AppError::internal)?;
    Ok(CreditDetail { credit, payments })
}
