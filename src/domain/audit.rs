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

/// The outcome of walking a store's chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChainReport {
    pub entries: u64,
    pub valid: bool,
    /// The first entry whose hash or link is wrong, or where one is missing.
    pub first_bad_seq: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::action_matches;

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
