//! Customers: versioned master data cashiers add and correct at the till.
//! Their totals (spent, orders, last order) are moved only by sales.

use crate::domain::customer::{Customer, CustomerDraft};
use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::server::db::entities::customer;
use crate::server::services::versioned::{Row, Versioned};
use sea_orm::ActiveValue::Set;

pub struct CustomerKind;

impl Versioned for CustomerKind {
    const KIND: EntityKind = EntityKind::Customer;
    type Entity = customer::Entity;
    type Draft = CustomerDraft;
    type Wire = Customer;

    async fn parse(m: &Mutation) -> Result<CustomerDraft, AppError> {
        CustomerDraft::parse(&m.data)
    }

    fn fill(row: &mut Row<Self>, d: CustomerDraft) {
        row.name = Set(d.name);
        row.phone = Set(d.phone);
        row.email = Set(d.email);
        row.notes = Set(d.notes);
    }

    /// Totals start at zero; only sales move them.
    fn fresh(row: &mut Row<Self>) {
        row.total_spent_cents = Set(0);
        row.total_orders = Set(0);
        row.last_order_at = Set(None);
    }
}
