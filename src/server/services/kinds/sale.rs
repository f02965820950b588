//! Sales: written once under the id the till made, never edited. A refund
//! or a void is a new sale pointing at the original. The writers are in
//! `services::sales`; a push writes a run of new sales together
//! (`write_path::apply_sales_in`).

use super::{RecordKind, unsupported};
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::sale_input::{RefundInput, SaleInput};
use crate::server::services::ledger::Ledger;
use crate::server::services::sales;
use crate::server::services::write_path::{Target, Written, to_json};
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use serde_json::Value;
use uuid::Uuid;

pub struct SaleKind;

pub enum SalePayload {
    Sale(SaleInput),
    /// A refund or void of an earlier sale (`refund_of` in its data).
    Refund(RefundInput),
}

/// Whether `m` is a new sale (not a refund): the write path writes a run
/// of these together.
pub(in crate::server::services) fn is_new_sale(m: &Mutation) -> bool {
    m.entity == EntityKind::Sale && m.op == Op::Create && m.data.get("refund_of").is_none()
}

impl RecordKind for SaleKind {
    const KIND: EntityKind = EntityKind::Sale;
    type Payload = SalePayload;

    async fn parse(m: &Mutation) -> Result<SalePayload, AppError> {
        match m.op {
            Op::Create if is_new_sale(m) => SaleInput::parse(&m.data).map(SalePayload::Sale),
            Op::Create => RefundInput::parse(&m.data).map(SalePayload::Refund),
            _ => Err(unsupported(m)),
        }
    }

    async fn write(
        txn: &DatabaseTransaction,
        ledger: &mut Ledger,
        t: &Target<'_>,
        payload: SalePayload,
    ) -> Result<Written, AppError> {
        match payload {
            SalePayload::Sale(input) => sales::write_sale(txn, ledger, t, input).await,
            SalePayload::Refund(input) => sales::write_refund(txn, ledger, t, input).await,
        }
    }

    async fn pulled(
        db: &DatabaseConnection,
        store_id: Uuid,
        ids: Vec<Uuid>,
    ) -> Result<Vec<(Uuid, Value)>, AppError> {
        Ok(sales::by_ids(db, store_id, ids)
            .await?
            .into_iter()
            .map(|s| (s.id, to_json(&s)))
            .collect())
    }
}
