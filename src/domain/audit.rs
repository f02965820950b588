//! The audit log as managers read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: Uuid,
    /// Position in the store's chain, from 1.
    pub seq: i64,
    /// "product.update", "auth.login", …
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    pub employee_id: Option<Uuid>,
    /// Who did it, by name; empty for the system (demo data).
    pub employee_name: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub hash: String,
}

/// Whether an entry's `action` ("sale.create") is what a filter asks for:
/// everything (empty), that exact action, or every action of that kind of
/// record ("sale"). The server's query (services::audit::entries) says
/// the same in SQL.
pub fn action_matches(filter: &str, action: &str) -> bool {
    let filter = filter.trim();
    if filter.is_empty() {
        true
    } else if filter.contains('.') {
        action == filter
    } else {
        action
            .strip_prefix(filter)
            .is_some_and(|rest| rest.starts_with('.'))
    }
}

/// The filters of the audit screen: all optional, all together.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// An action or its kind part (`action_matches`).
    #[serde(default)]
    pub action: String,
    pub employee_id: Option<Uuid>,
    /// One of the store's own days.
    pub day: Option<chrono::NaiveDate>,
    /// One record's history.
    pub entity_id: Option<Uuid>,
}

/// One field an entry changed: what it was, what it became (`Null` for
/// "not there").
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// Fields every write moves, which say nothing about what was changed.
const BOOKKEEPING: [&str; 5] = [
    "sync_version",
    "last_synced_at",
    "updated_at",
    "created_at",
    "id",
];

/// What an entry changed, field by field, in name order: the fields whose
/// value differs between `before` and `after` (a creation lists every
/// field it set; a removal every field it had). Bookkeeping is left out.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let fields = |v: Option<&Value>| v.and_then(Value::as_object).unwrap_or(&empty).clone();
    let (was, now) = (fields(before), fields(after));
    let mut names: Vec<&String> = was.keys().chain(now.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| !BOOKKEEPING.contains(&n.as_str()))
        .filter_map(|n| {
            let (b, a) = (
                was.get(n).cloned().unwrap_or(Value::Null),
                now.get(n).cloned().unwrap_or(Value::Null),
            );
            (b != a).then(|| FieldChange {
                field: n.clone(),
                before: b,
                after: a,
            })
        })
        .collect()
}

/// An action as a manager reads it: "sale.create" → "Sale recorded",
/// "auth.pin_switch" → "Auth pin switch".
pub fn describe(action: &str) -> String {
    let (kind, verb) = action.split_once('.').unwrap_or((action, ""));
    let kind = match kind {
        "auth" => "Sign-in",
        "store_settings" => "Store settings",
        "device" => "Till",
        other => other,
    };
    let verb = match verb {
        "create" if kind == "sale" => "recorded",
        "create" => "added",
        "update" => "changed",
        "delete" => "removed",
        "void" => "voided",
        "refund" => "refunded",
        "resolve" => "resolved",
        "merge" => "merged with an edit made meanwhile",
        "conflict" => "edit clashed with another",
        "login" => "with a password",
        "pin" => "with a PIN",
        "pin_failed" => "failed: wrong PIN",
        "pin_locked" => "refused: PIN locked",
        "pair" => "paired",
        "unpair" => "unpaired",
        other => other,
    };
    let text = format!("{kind} {verb}").replace('_', " ");
    let mut chars = text.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The name of the record an entry is about, when it has one.
pub fn record_name(entry: &AuditEntry) -> Option<String> {
    [&entry.after, &entry.before]
        .into_iter()
        .flatten()
        .find_map(|v| v.get("name").and_then(Value::as_str).map(str::to_string))
}

/// The outcome of walking a store's chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChainReport {
    pub entries: u64,
    pub valid: bool,
    /// The first entry whose hash or link is wrong, or where one is missing.
    pub first_bad_seq: Option<i64>,
    /// What is wrong, in words, when something is.
    #[serde(default)]
    pub problem: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_read_as_words() {
        assert_eq!(describe("sale.create"), "Sale recorded");
        assert_eq!(describe("product.update"), "Product changed");
        assert_eq!(describe("stock_move.create"), "Stock move added");
        assert_eq!(describe("store_settings.update"), "Store settings changed");
        assert_eq!(describe("auth.pin"), "Sign-in with a PIN");
        assert_eq!(describe("device.unpair"), "Till unpaired");
        assert_eq!(describe("odd"), "Odd");
    }

    #[test]
    fn changes_are_the_fields_that_moved_without_the_bookkeeping() {
        let before = json!({"name": "Tea", "price_cents": 250, "sync_version": 3, "tags": ["a"]});
        let after = json!({"name": "Tea", "price_cents": 275, "sync_version": 4, "barcode": "123"});
        let c = changes(Some(&before), Some(&after));
        let fields: Vec<&str> = c.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["barcode", "price_cents", "tags"]);
        assert_eq!(
            (c[1].before.clone(), c[1].after.clone()),
            (json!(250), json!(275))
        );
        assert_eq!(c[0].before, Value::Null, "new field: nothing before");
        let created = changes(None, Some(&after));
        assert_eq!(created.len(), 3, "a creation shows what it set");
        assert!(changes(Some(&json!("not an object")), None).is_empty());
    }

    #[test]
    fn a_filter_names_an_action_or_every_action_of_a_kind() {
        assert!(action_matches("", "sale.create"));
        assert!(action_matches("sale", "sale.create"));
        assert!(action_matches(" sale ", "sale.void"));
        assert!(!action_matches("sale", "sales.create"));
        assert!(!action_matches("sale", "stock_move.create"));
        assert!(action_matches("sale.create", "sale.create"));
        assert!(!action_matches("sale.create", "sale.void"));
    }
}
