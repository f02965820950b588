//! Store credit a manager enters by hand (a tab from before) or re-dates.
//! Credits from sales are opened by the sale's writer; payments against a
//! credit are their own kind (`credit_payment`).

use crate::domain::credit::{Credit, CreditDraft};
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::server::db::entities::{credit, credit_payment, customer};
use crate::server::error::DbResultExt;
use crate::server::services::versioned::{Row, Versioned};
use crate::server::services::write_path::Target;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};

pub struct CreditKind;

impl Versioned for CreditKind {
    const KIND: EntityKind = EntityKind::Credit;
    type Entity = credit::Entity;
    type Draft = CreditDraft;
    type Wire = Credit;

    /// A new credit names its customer and amount; an edit only re-dates.
    async fn parse(m: &Mutation) -> Result<CreditDraft, AppError> {
        match m.op {
            Op::Create => CreditDraft::parse_new(&m.data),
            _ => CreditDraft::parse_due(&m.data),
        }
    }

    fn fill(row: &mut Row<Self>, d: CreditDraft) {
        match d {
            CreditDraft::New {
                customer_id,
                amount_cents,
                due_date,
            } => {
                row.customer_id = Set(customer_id);
                row.amount_cents = Set(amount_cents);
                row.due_date = Set(due_date);
            }
            CreditDraft::Due(due_date) => row.due_date = Set(due_date),
        }
    }

    /// Nothing paid yet, and no sale behind it.
    fn fresh(row: &mut Row<Self>) {
        row.sale_id = Set(None);
        row.paid_cents = Set(0);
        row.status = Set("pending".into());
        row.paid_at = Set(None);
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
