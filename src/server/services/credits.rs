//! Store credit: reads scoped to the store (with "overdue" worked out for
//! today), the record writer for credits a manager enters or re-dates, and
//! payments against a credit. Credits from sales are written by the sale.

use super::feed::{FeedEntry, FeedOp};
use super::versioned::{self, Change, Versioned, id_taken};
use super::write_path::{Target, Written, to_json};
use super::{Actor, Page};
use crate::domain::credit::{
    Credit, CreditDetail, CreditDraft, CreditPayment, CreditPaymentInput, CreditStatus, pay,
};
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Op};
use crate::domain::sale::PaymentMethod;
use crate::server::db::entities::{credit, credit_payment, customer};
use crate::server::error::DbResultExt;
use crate::server::services::paging::page_of;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::Select;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct CreditQuery {
    /// pending, paid, overdue, or open (pending and overdue).
    pub status: Option<String>,
    pub customer_id: Option<Uuid>,
    pub limit: Option<u64>,
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
        .map(|p| CreditPayment {
            id: p.id,
            credit_id: p.credit_id,
            employee_id: p.employee_id,
            method: PaymentMethod::parse(&p.method).unwrap_or(PaymentMethod::Cash),
            amount_cents: p.amount_cents,
            created_at: p.created_at,
        })
        .collect();
    let credit = with_names(db, vec![row])
        .await?
        .pop()
        .ok_or_else(AppError::internal)?;
    Ok(CreditDetail { credit, payments })
}

pub(in crate::server::services) async fn write_credit(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    draft: Option<CreditDraft>,
) -> Result<Written, AppError> {
    versioned::write::<credit::Entity>(txn, t, draft).await
}

impl Versioned for credit::Entity {
    const KIND: EntityKind = EntityKind::Credit;
    const ID: credit::Column = credit::Column::Id;
    const STORE_ID: credit::Column = credit::Column::StoreId;
    const DELETED_AT: credit::Column = credit::Column::DeletedAt;
    const SYNC_VERSION: credit::Column = credit::Column::SyncVersion;
    type Draft = CreditDraft;
    type Wire = Credit;

    fn version(model: &credit::Model) -> i64 {
        model.sync_version
    }

    fn is_deleted(model: &credit::Model) -> bool {
        model.deleted_at.is_some()
    }

    fn created(
        id: Uuid,
        store_id: Uuid,
        now: DateTime<Utc>,
        d: CreditDraft,
    ) -> credit::ActiveModel {
        let (customer_id, amount_cents) = match d {
            CreditDraft::New {
                customer_id,
                amount_cents,
                ..
            } => (customer_id, amount_cents),
            // `check` refuses a create without a customer and an amount.
            CreditDraft::Due(_) => (Uuid::nil(), 0),
        };
        credit::ActiveModel {
            id: Set(id),
            store_id: Set(store_id),
            customer_id: Set(customer_id),
            sale_id: Set(None),
            amount_cents: Set(amount_cents),
            paid_cents: Set(0),
            status: Set("pending".into()),
            paid_at: Set(None),
            created_at: Set(now),
            deleted_at: Set(None),
            ..Self::changed(1, now, Change::Update(d))
        }
    }

    fn changed(
        version: i64,
        now: DateTime<Utc>,
        change: Change<CreditDraft>,
    ) -> credit::ActiveModel {
        let mut row = credit::ActiveModel {
            sync_version: Set(version),
            last_synced_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        match change {
            Change::Update(CreditDraft::New { due_date, .. } | CreditDraft::Due(due_date)) => {
                row.due_date = Set(due_date)
            }
            Change::Delete => row.deleted_at = Set(Some(now)),
        }
        row
    }

    async fn check(
        txn: &DatabaseTransaction,
        t: &Target<'_>,
        draft: &CreditDraft,
    ) -> Result<(), AppError> {
        match (t.op, draft) {
            (Op::Create, CreditDraft::New { customer_id, .. }) => {
                let known = customer::Entity::find_by_id(*customer_id)
                    .filter(customer::Column::StoreId.eq(t.actor.store_id))
                    .filter(customer::Column::DeletedAt.is_null())
                    .count(txn)
                    .await
                    .or_internal()?;
                if known == 0 {
                    return Err(AppError::field(
                        "customer_id",
                        "is not a customer of this store",
                    ));
                }
                Ok(())
            }
            (Op::Update, CreditDraft::Due(_)) => Ok(()),
            _ => Err(AppError::field("data", "does not fit this change")),
        }
    }

    /// What was paid stays on record: only an untouched credit is removed.
    async fn check_delete(txn: &DatabaseTransaction, t: &Target<'_>) -> Result<(), AppError> {
        let payments = credit_payment::Entity::find()
            .filter(credit_payment::Column::CreditId.eq(t.id))
            .count(txn)
            .await
            .or_internal()?;
        if payments > 0 {
            return Err(AppError::field(
                "id",
                "payments were made against this credit; it cannot be removed",
            ));
        }
        Ok(())
    }
}

/// Records payment `t.id` against a credit: the payment row, and the
/// credit's paid amount raised in the same statement that checks it is
/// still owed, so two tills taking the last payment at once cannot both
/// succeed.
pub(in crate::server::services) async fn write_credit_payment(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    input: CreditPaymentInput,
) -> Result<Written, AppError> {
    let employee_id = t.actor.employee_id.ok_or_else(AppError::forbidden)?;
    if credit_payment::Entity::find_by_id(t.id)
        .count(txn)
        .await
        .or_internal()?
        > 0
    {
        return Err(id_taken(EntityKind::CreditPayment));
    }
    let current = credit::Entity::find_by_id(input.credit_id)
        .filter(credit::Column::StoreId.eq(t.actor.store_id))
        .filter(credit::Column::DeletedAt.is_null())
        .one(txn)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found(EntityKind::Credit.noun()))?;
    let paid = pay(current.amount_cents, current.paid_cents, input.amount_cents)
        .map_err(|problem| AppError::field("amount_cents", problem))?;
    let settled = paid >= current.amount_cents;
    let mut update = credit::Entity::update_many()
        .col_expr(
            credit::Column::PaidCents,
            Expr::col(credit::Column::PaidCents).add(input.amount_cents),
        )
        .col_expr(
            credit::Column::SyncVersion,
            Expr::col(credit::Column::SyncVersion).add(1),
        )
        .col_expr(credit::Column::LastSyncedAt, Expr::value(t.now))
        .col_expr(credit::Column::UpdatedAt, Expr::value(t.now));
    if settled {
        update = update
            .col_expr(credit::Column::Status, Expr::value("paid"))
            .col_expr(credit::Column::PaidAt, Expr::value(t.now));
    }
    let result = update
        .filter(credit::Column::Id.eq(current.id))
        .filter(credit::Column::PaidCents.eq(current.paid_cents))
        .exec(txn)
        .await
        .or_internal()?;
    if result.rows_affected != 1 {
        return Err(AppError::new(
            crate::domain::error::ErrorCode::Conflict,
            "Another payment on this credit was just recorded. Check what is still owed and try again.",
        ));
    }
    credit_payment::Entity::insert(credit_payment::ActiveModel {
        id: Set(t.id),
        store_id: Set(t.actor.store_id),
        credit_id: Set(current.id),
        employee_id: Set(employee_id),
        method: Set(input.method.as_str().to_string()),
        amount_cents: Set(input.amount_cents),
        created_at: Set(t.now),
    })
    .exec_without_returning(txn)
    .await
    .or_internal()?;
    let version = current.sync_version + 1;
    let before = to_json(Credit::from(current.clone()));
    let after = serde_json::json!({
        "credit_id": current.id,
        "method": input.method,
        "amount_cents": input.amount_cents,
        "paid_cents": paid,
        "outstanding_cents": current.amount_cents - paid,
    });
    Ok(Written {
        before: Some(before),
        after,
        version: 1,
        feed: vec![FeedEntry {
            entity: EntityKind::Credit,
            id: current.id,
            op: FeedOp::Upsert,
            version,
        }],
    })
}
