//! A mutation is the one shape every change takes, from a screen, the REST
//! API or (later) a till's outbox. The server applies it in one transaction.

use super::auth::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Product,
    Category,
    StockMove,
    Employee,
    Customer,
    Sale,
    Credit,
    CreditPayment,
    Shift,
    ClockEvent,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Product => "product",
            EntityKind::Category => "category",
            EntityKind::StockMove => "stock_move",
            EntityKind::Employee => "employee",
            EntityKind::Customer => "customer",
            EntityKind::Sale => "sale",
            EntityKind::Credit => "credit",
            EntityKind::CreditPayment => "credit_payment",
            EntityKind::Shift => "shift",
            EntityKind::ClockEvent => "clock_event",
        }
    }

    /// Words for messages: "That product was not found."
    pub fn noun(self) -> &'static str {
        match self {
            EntityKind::Product => "product",
            EntityKind::Category => "category",
            EntityKind::StockMove => "stock adjustment",
            EntityKind::Employee => "employee",
            EntityKind::Customer => "customer",
            EntityKind::Sale => "sale",
            EntityKind::Credit => "store credit",
            EntityKind::CreditPayment => "payment on store credit",
            EntityKind::Shift => "shift",
            EntityKind::ClockEvent => "clock-in",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Create,
    Update,
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

/// One change to apply. `base_version` is the `sync_version` the edit
/// started from; it is required for updates and deletes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub entity: EntityKind,
    pub op: Op,
    pub id: Uuid,
    pub base_version: Option<i64>,
    #[serde(default)]
    pub data: serde_json::Value,
    /// The record as the edit started from it, when the client kept it
    /// (a till's push); otherwise the server finds it in the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<serde_json::Value>,
}

impl Mutation {
    /// A new record with a fresh UUIDv7.
    pub fn create(entity: EntityKind, data: serde_json::Value) -> Mutation {
        Mutation {
            entity,
            op: Op::Create,
            id: super::ids::new_id(),
            base_version: None,
            data,
            base: None,
        }
    }

    /// What a form's Save means: create when there is no id yet, else
    /// update the version the form was opened at.
    pub fn save(
        entity: EntityKind,
        id: Option<Uuid>,
        base_version: Option<i64>,
        data: serde_json::Value,
    ) -> Mutation {
        match id {
            Some(id) => Mutation {
                entity,
                op: Op::Update,
                id,
                base_version,
                data,
                base: None,
            },
            None => Mutation::create(entity, data),
        }
    }

    pub fn delete(entity: EntityKind, id: Uuid, base_version: i64) -> Mutation {
        Mutation {
            entity,
            op: Op::Delete,
            id,
            base_version: Some(base_version),
            data: serde_json::Value::Null,
            base: None,
        }
    }
}

/// Who may make which change. Checked by the write path before anything
/// else; the UI's hidden buttons are a courtesy, this is the rule.
pub fn may_apply(role: Role, entity: EntityKind, op: Op) -> bool {
    match (entity, op) {
        (EntityKind::Product | EntityKind::Category | EntityKind::StockMove, _) => {
            role.is_manager()
        }
        (EntityKind::Employee, _) => role.is_manager(),
        // Cashiers add and correct customers at the till; removing one is
        // back office.
        (EntityKind::Customer, Op::Create | Op::Update) => true,
        (EntityKind::Customer, Op::Delete) => role.is_manager(),
        // Everyone on the till sells. Sales are never edited: the write path
        // refuses updates and deletes of them whoever asks.
        (EntityKind::Sale, _) => true,
        (EntityKind::Credit, _) => role.is_manager(),
        // A customer pays off their credit at any till.
        (EntityKind::CreditPayment, Op::Create) => true,
        (EntityKind::CreditPayment, _) => false,
        (EntityKind::Shift, _) => role.is_manager(),
        // Everyone clocks themselves in and out; the writer checks whose
        // clock it is.
        (EntityKind::ClockEvent, Op::Create | Op::Update) => true,
        (EntityKind::ClockEvent, Op::Delete) => false,
    }
}

/// What the write path did: the record's new version and state, and the
/// change-feed position it was written at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    pub entity: EntityKind,
    pub id: Uuid,
    pub version: i64,
    pub seq: i64,
    pub record: serde_json::Value,
    #[serde(default)]
    pub how: How,
}

/// How an edit landed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// As sent, on the version it started from.
    #[default]
    Applied,
    /// It started from an older version; the fields it changed were merged
    /// into the newer one without a clash.
    Merged,
    /// It clashed with another edit and is stored as a conflict; the
    /// record is unchanged (`version` is the server's).
    Conflict(Box<super::conflict::ConflictReport>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cashiers_cannot_change_the_catalog() {
        for op in [Op::Create, Op::Update, Op::Delete] {
            for e in [
                EntityKind::Product,
                EntityKind::Category,
                EntityKind::StockMove,
            ] {
                assert!(!may_apply(Role::Cashier, e, op));
                assert!(may_apply(Role::Manager, e, op));
                assert!(may_apply(Role::Owner, e, op));
            }
        }
    }

    #[test]
    fn the_wire_form_uses_snake_case_names() {
        let m: Mutation = serde_json::from_value(serde_json::json!({
            "entity": "stock_move", "op": "create",
            "id": "0190a0b0-0000-7000-8000-000000000000", "base_version": null
        }))
        .unwrap();
        assert_eq!(m.entity, EntityKind::StockMove);
        assert!(m.data.is_null());
    }
}
