//! A mutation is the one shape every change takes, from a screen, the REST
//! API or (later) a till's outbox. The server applies it in one transaction.

use super::sync::Outcome;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Every kind of record the write path knows. The server describes each
/// once (`server::services::kinds`); here are the facts both sides share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    StoreSettings,
    Note,
}

impl EntityKind {
    pub const ALL: [EntityKind; 12] = [
        EntityKind::Product,
        EntityKind::Category,
        EntityKind::StockMove,
        EntityKind::Employee,
        EntityKind::Customer,
        EntityKind::Sale,
        EntityKind::Credit,
        EntityKind::CreditPayment,
        EntityKind::Shift,
        EntityKind::ClockEvent,
        EntityKind::StoreSettings,
        EntityKind::Note,
    ];

    /// Its wire name, the words for it in messages ("That product was not
    /// found."), and the REST collection that creates, edits and deletes
    /// it (`/api/products`), for the kinds written that way.
    fn names(self) -> (&'static str, &'static str, Option<&'static str>) {
        match self {
            EntityKind::Product => ("product", "product", Some("products")),
            EntityKind::Category => ("category", "category", Some("categories")),
            EntityKind::StockMove => ("stock_move", "stock adjustment", None),
            EntityKind::Employee => ("employee", "employee", Some("employees")),
            EntityKind::Customer => ("customer", "customer", Some("customers")),
            EntityKind::Sale => ("sale", "sale", None),
            EntityKind::Credit => ("credit", "store credit", Some("credits")),
            EntityKind::CreditPayment => ("credit_payment", "payment on store credit", None),
            EntityKind::Shift => ("shift", "shift", Some("shifts")),
            EntityKind::ClockEvent => ("clock_event", "clock-in", None),
            EntityKind::StoreSettings => ("store_settings", "store's settings", None),
            EntityKind::Note => ("note", "note", Some("notes")),
        }
    }

    /// The name on the wire, in the feed and in audit actions.
    pub fn as_str(self) -> &'static str {
        self.names().0
    }

    pub fn noun(self) -> &'static str {
        self.names().1
    }

    /// `products` for `/api/products` and `/api/products/{id}`; `None` for
    /// kinds with routes of their own (sales, stock, payments, the clock,
    /// the store's settings).
    pub fn collection(self) -> Option<&'static str> {
        self.names().2
    }

    /// The kind a wire name names, if any.
    pub fn parse(name: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// What the write path did: the record's new version and state, and the
/// change-feed position it was written at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Applied {
    pub entity: EntityKind,
    pub id: Uuid,
    pub version: i64,
    pub seq: i64,
    pub record: serde_json::Value,
    /// Applied as sent, merged into a newer version, or stored as a
    /// conflict (then `record` is the server's, unchanged).
    pub outcome: Outcome,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_one_name_on_the_wire() {
        for kind in EntityKind::ALL {
            assert_eq!(serde_json::json!(kind), serde_json::json!(kind.as_str()));
            assert_eq!(EntityKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EntityKind::parse("gift_card"), None);
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
