//! A payment against store credit, taken at any till. Its id is the
//! till's, so a retry records it once; the credit's paid amount is raised
//! in the same statement that checks it is still owed.

use super::{RecordKind, pulled_rows, unsupported};
use crate::domain::credit::{Credit, CreditPayment, CreditPaymentInput, pay};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::server::db::entities::{credit, credit_payment};
use crate::server::error::DbResultExt;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::ledger::Ledger;
use crate::server::services::versioned::id_taken;
use crate::server::services::write_path::{Target, Written, to_json};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use serde_json::Value;
use uuid::Uuid;

pub struct CreditPaymentKind;

impl RecordKind for CreditPaymentKind {
    const KIND: EntityKind = EntityKind::CreditPayment;
    type Payload = CreditPaymentInput;

    async fn parse(m: &Mutation) -> Result<CreditPaymentInput, AppError> {
        match m.op {
            Op::Create => CreditPaymentInput::parse(&m.data),
            _ => Err(unsupported(m)),
        }
    }

    /// The payment row, and the credit's paid amount raised only if it
    /// still is what was read, so two tills taking the last payment at
    /// once cannot both succeed. The credit, not the payment, goes on the
    /// feed: tills keep credits with what is paid on them.
    async fn write(
        txn: &DatabaseTransaction,
        _ledger: &mut Ledger,
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
        let paid_off = paid >= current.amount_cents;
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
        if paid_off {
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
                ErrorCode::Conflict,
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
            carried: None,
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

    async fn pulled(
        db: &DatabaseConnection,
        store_id: Uuid,
        ids: Vec<Uuid>,
    ) -> Result<Vec<(Uuid, Value)>, AppError> {
        pulled_rows::<credit_payment::Entity, CreditPayment>(db, "store_id", store_id, ids).await
    }
}
