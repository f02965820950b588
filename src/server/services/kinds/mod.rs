//! Every kind of record, described once. The write path, conflicts and the
//! pull know nothing of any particular kind: they ask its [`RecordKind`],
//! found by [`with_kind!`], the one list of kinds. Adding a kind is a
//! variant of `EntityKind` (with its names), a file here, a line in
//! `with_kind!` and its lines in `domain::permissions` (the steps are in
//! docs/ARCHITECTURE.md, "Adding a record kind").
//!
//! Versioned master data (products, customers, …) implements
//! [`Versioned`](super::versioned::Versioned) instead, which gives it the
//! generic create / update-at-version / soft-delete writer, merging and
//! the pull for free.

pub mod category;
pub mod clock_event;
pub mod credit;
pub mod credit_payment;
pub mod customer;
pub mod employee;
pub mod note;
pub mod product;
pub mod sale;
pub mod shift;
pub mod stock_move;
pub mod store_settings;

use super::ledger::Ledger;
use super::write_path::{Target, Written};
use crate::domain::conflict::Fields;
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation};
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait};
use serde_json::Value;
use std::future::Future;
use uuid::Uuid;

/// A record as it is on the server, deleted or not: what a stale edit is
/// merged against.
pub(in crate::server::services) struct Current {
    /// Its wire form; `null` when deleted.
    pub wire: Value,
    pub version: i64,
    pub deleted: bool,
}

/// What the write path, conflicts and the pull need to know of a kind.
pub(in crate::server::services) trait RecordKind:
    Sized + 'static
{
    const KIND: EntityKind;
    /// Whether a stale edit of this kind is merged field by field (master
    /// data) rather than refused.
    const MERGES: bool = false;
    /// A mutation's data, checked: parsed before any transaction opens,
    /// so bad input never starts one.
    type Payload: Send + Sync;

    /// Reads a mutation's data; an operation the kind does not have is a
    /// field error.
    fn parse(m: &Mutation) -> impl Future<Output = Result<Self::Payload, AppError>> + Send;

    /// The fields an edit sets, named as on the wire, for merging it into
    /// a newer version (`None`: a delete, or a kind that never merges).
    /// Secrets (a new PIN or password) are left out: they are never
    /// compared nor stored in a conflict.
    fn edited(_payload: &Self::Payload) -> Option<Fields> {
        None
    }

    /// The record as it is now, locked for the transaction, for kinds
    /// that merge.
    fn current(
        _txn: &DatabaseTransaction,
        _store_id: Uuid,
        _id: Uuid,
    ) -> impl Future<Output = Result<Option<Current>, AppError>> + Send {
        async { Ok(None) }
    }

    /// Writes the record (and what it moves: stock, totals) inside the
    /// write path's transaction; the write path adds the feed and audit.
    fn write(
        txn: &DatabaseTransaction,
        ledger: &mut Ledger,
        t: &Target<'_>,
        payload: Self::Payload,
    ) -> impl Future<Output = Result<Written, AppError>> + Send;

    /// The records `ids` of the store as the pull sends them.
    fn pulled(
        db: &DatabaseConnection,
        store_id: Uuid,
        ids: Vec<Uuid>,
    ) -> impl Future<Output = Result<Vec<(Uuid, Value)>, AppError>> + Send;
}

/// Runs `$body` with `$K` naming the [`RecordKind`] of `$kind`. The one
/// list of kinds: a kind missing here is a compile error (the match is
/// exhaustive).
macro_rules! with_kind {
    ($kind:expr, $K:ident => $body:expr) => {{
        use $crate::domain::mutation::EntityKind as E;
        use $crate::server::services::kinds as k;
        match $kind {
            E::Product => {
                type $K = k::product::ProductKind;
                $body
            }
            E::Category => {
                type $K = k::category::CategoryKind;
                $body
            }
            E::StockMove => {
                type $K = k::stock_move::StockMoveKind;
                $body
            }
            E::Employee => {
                type $K = k::employee::EmployeeKind;
                $body
            }
            E::Customer => {
                type $K = k::customer::CustomerKind;
                $body
            }
            E::Sale => {
                type $K = k::sale::SaleKind;
                $body
            }
            E::Credit => {
                type $K = k::credit::CreditKind;
                $body
            }
            E::CreditPayment => {
                type $K = k::credit_payment::CreditPaymentKind;
                $body
            }
            E::Shift => {
                type $K = k::shift::ShiftKind;
                $body
            }
            E::ClockEvent => {
                type $K = k::clock_event::ClockEventKind;
                $body
            }
            E::StoreSettings => {
                type $K = k::store_settings::StoreSettingsKind;
                $body
            }
            E::Note => {
                type $K = k::note::NoteKind;
                $body
            }
        }
    }};
}
pub(in crate::server::services) use with_kind;

/// The rows `ids` of the store (scoped by `store_column`) in their wire
/// form `W`: what most kinds' `pulled` is. Tables have an `id` column.
pub(in crate::server::services) async fn pulled_rows<E, W>(
    db: &DatabaseConnection,
    store_column: &str,
    store_id: Uuid,
    ids: Vec<Uuid>,
) -> Result<Vec<(Uuid, Value)>, AppError>
where
    E: EntityTrait<Column: std::str::FromStr>,
    W: serde::Serialize + From<E::Model>,
{
    use crate::server::db::bulk::one_of;
    use crate::server::error::DbResultExt;
    use sea_orm::{ColumnTrait, ModelTrait, QueryFilter, Value as Sql};
    use std::str::FromStr;
    let column = |name: &str| {
        E::Column::from_str(name).map_err(|_| {
            crate::server::error::internal(format!("a pulled table without a {name} column"))
        })
    };
    let (id, store) = (column("id")?, column(store_column)?);
    let rows = E::find()
        .filter(store.eq(store_id))
        .filter(one_of(db.get_database_backend(), id, ids))
        .all(db)
        .await
        .or_internal()?;
    Ok(rows
        .into_iter()
        .filter_map(|m| match m.get(id) {
            Sql::Uuid(Some(key)) => Some((key, super::write_path::to_json(W::from(m)))),
            _ => None,
        })
        .collect())
}

/// Whether stale edits of `kind` are merged.
pub(in crate::server::services) fn merges(kind: EntityKind) -> bool {
    with_kind!(kind, K => K::MERGES)
}

/// The field error for an operation a kind does not have.
pub(in crate::server::services) fn unsupported(m: &Mutation) -> AppError {
    AppError::new(
        crate::domain::error::ErrorCode::Validation,
        format!(
            "A {} cannot be {}d this way.",
            m.entity.noun(),
            m.op.as_str()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_described_by_its_own_description() {
        for kind in EntityKind::ALL {
            assert_eq!(with_kind!(kind, K => K::KIND), kind);
        }
    }
}
