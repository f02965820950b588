//! The audit log as managers read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

/// The outcome of walking a store's chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainReport {
    pub entries: u64,
    pub valid: bool,
    /// The first entry whose hash or link is wrong, or where one is missing.
    pub first_bad_seq: Option<i64>,
}
