//! Sales: recorded once per client-made id, never edited. Recording one
//! goes through the write path; a replay of a known id returns the stored
//! sale and changes nothing.

mod effects;
mod read;
mod refund;
mod write;

pub(in crate::server::services) use read::by_ids;
pub use read::{SaleQuery, sale, sales};
pub(in crate::server::services) use refund::write_refund;
pub(in crate::server::services) use write::{Known, SaleBatch, write_sale};

use super::{Actor, Db, write_path};
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::sale_record::Sale;
use serde_json::Value;
use uuid::Uuid;

/// A sale as stored, and whether this request was a replay of it.
#[derive(Debug)]
pub struct Recorded {
    pub sale: Sale,
    pub replayed: bool,
}

/// Refunds (part of) sale `original` as the new record `id`, exactly once:
/// `data` is `{lines?: [{line_no, quantity}], method?: cash|card}`.
pub async fn refund_sale(
    db: &Db,
    actor: &Actor,
    original: Uuid,
    id: Uuid,
    mut data: Value,
) -> Result<Recorded, AppError> {
    if let Some(object) = data.as_object_mut() {
        object.insert("refund_of".into(), Value::String(original.to_string()));
    }
    record_sale(db, actor, id, data).await
}

/// Records the sale `id` from `data`, exactly once: sending the same id
/// again (a till retrying after a lost response) returns the stored sale.
pub async fn record_sale(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    data: Value,
) -> Result<Recorded, AppError> {
    let mutation = Mutation {
        entity: EntityKind::Sale,
        op: Op::Create,
        id,
        base_version: None,
        data,
        base: None,
    };
    match write_path::apply(db, actor, mutation).await {
        Ok(applied) => {
            // A new sale comes back whole from its writer; a refund, or a
            // sale whose names the writer did not know, is read back.
            let written = serde_json::from_value::<Sale>(applied.record)
                .ok()
                .filter(|s| s.customer_id.is_none() && !s.employee_name.is_empty());
            let sale = match written {
                Some(sale) => sale,
                None => read::find(db, actor.store_id, id)
                    .await?
                    .ok_or_else(AppError::internal)?,
            };
            Ok(Recorded {
                sale,
                replayed: false,
            })
        }
        // Already recorded (a retry, or two copies racing): this is it.
        Err(e) => match read::find(db, actor.store_id, id).await? {
            Some(sale) => Ok(Recorded {
                sale,
                replayed: true,
            }),
            None => Err(e),
        },
    }
}
