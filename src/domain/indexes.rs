//! What the owner's index admin answers: the database's indexes with their
//! size and use, a rebuild's outcome, and the statements that ran slow with
//! their plans and hints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IndexStats {
    /// `sqlite` or `postgres`.
    pub backend: String,
    pub indexes: Vec<Index>,
    /// The statements this instance has run since it started and was asked
    /// about (`used_by` names them by number in this list's order).
    pub statements_seen: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Index {
    pub table: String,
    pub name: String,
    /// Columns in order; an expression shows as its text.
    pub columns: Vec<String>,
    pub unique: bool,
    /// Bytes on disk (SQLite: from `dbstat`; PostgreSQL: `pg_relation_size`).
    pub size_bytes: Option<i64>,
    /// PostgreSQL: scans of the index and entries they read, since the
    /// statistics were last reset.
    pub scans: Option<i64>,
    pub tuples_read: Option<i64>,
    /// The app's statements (those this instance has run) whose plan uses
    /// this index, shortened.
    pub used_by: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rebuilt {
    pub table: String,
    /// `REINDEX` (SQLite) or `REINDEX TABLE CONCURRENTLY` (PostgreSQL).
    pub how: String,
    pub indexes: Vec<String>,
    pub took_ms: f64,
    /// Invalid indexes a failed concurrent rebuild left behind, dropped.
    pub dropped_invalid: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlowAnalysis {
    pub backend: String,
    pub threshold_ms: u64,
    /// Slow statements this instance ran, the slowest first.
    pub statements: Vec<SlowStatement>,
    /// PostgreSQL: whether `pg_stat_statements` is installed; its slowest
    /// statements are in `statements` when it is (source
    /// `pg_stat_statements`).
    pub pg_stat_statements: Option<bool>,
    /// PostgreSQL: share of table reads served from shared buffers.
    pub cache_hit_ratio: Option<f64>,
    pub hints: Vec<Hint>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlowStatement {
    pub statement: String,
    /// `this instance` or `pg_stat_statements`.
    pub source: String,
    pub runs: u64,
    pub slow_runs: u64,
    pub mean_ms: f64,
    pub max_ms: f64,
    pub last_run: Option<DateTime<Utc>>,
    /// `EXPLAIN` (PostgreSQL) or `EXPLAIN QUERY PLAN` (SQLite) lines, or
    /// why there is none.
    pub plan: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Hint {
    /// `unused_index`, `sequential_scan`, `cache_hit_ratio`, `slow_statement`.
    pub kind: String,
    pub message: String,
}
