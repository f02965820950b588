//! The statements this instance has run, timed (sea-orm's metric callback):
//! how often each ran, its mean and longest time, and the values of its
//! last run so it can be explained later. Bounded: the least recently run
//! statement makes room for a new one. The index admin reads it for slow
//! statements and for which indexes the app's own queries use.

use chrono::{DateTime, Utc};
use sea_orm::{Statement, Values};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Distinct statements kept at most.
pub const KEPT: usize = 300;
/// A statement's text is kept up to this many bytes (a long multi-row
/// INSERT is named by its start).
const TEXT_AT_MOST: usize = 1_000;
/// Values kept to explain a statement with, at most.
const VALUES_AT_MOST: usize = 32;
/// A kept text value's length at most.
const VALUE_BYTES_AT_MOST: usize = 256;

#[derive(Clone)]
pub struct Statements {
    inner: Arc<Mutex<HashMap<String, Seen>>>,
    slow: Duration,
}

/// One statement as seen so far.
#[derive(Clone, Debug)]
pub struct Seen {
    pub sql: String,
    pub runs: u64,
    /// Runs that took `slow` or longer.
    pub slow_runs: u64,
    pub total: Duration,
    pub longest: Duration,
    pub last_run: DateTime<Utc>,
    /// The values of the last run, when there were few enough to keep.
    pub values: Option<Values>,
}

impl Statements {
    pub fn new(slow: Duration) -> Statements {
        Statements {
            inner: Arc::default(),
            slow,
        }
    }

    /// What counts as slow.
    pub fn threshold(&self) -> Duration {
        self.slow
    }

    /// Counts one run (called by the connection after every statement).
    pub fn record(&self, statement: &Statement, took: Duration) {
        // The admin's own EXPLAINs are not the app's statements.
        if statement.sql.starts_with("EXPLAIN ") {
            return;
        }
        let key = name(&statement.sql);
        let values = statement
            .values
            .as_ref()
            .filter(|v| worth_keeping(&statement.sql, v))
            .cloned();
        let now = Utc::now();
        let mut seen = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        // Looked up by `&str`: the key is copied only for a new statement,
        // not on every run.
        if !seen.contains_key(key) {
            if seen.len() >= KEPT {
                let oldest = seen
                    .iter()
                    .min_by_key(|(_, s)| s.last_run)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    seen.remove(&oldest);
                }
            }
            seen.insert(
                key.to_string(),
                Seen {
                    sql: key.to_string(),
                    runs: 0,
                    slow_runs: 0,
                    total: Duration::ZERO,
                    longest: Duration::ZERO,
                    last_run: now,
                    values: None,
                },
            );
        }
        let Some(entry) = seen.get_mut(key) else {
            return;
        };
        entry.runs += 1;
        entry.slow_runs += u64::from(took >= self.slow);
        entry.total += took;
        entry.longest = entry.longest.max(took);
        entry.last_run = now;
        // A multi-row INSERT cut short cannot be run again with its values.
        entry.values = if key.len() == statement.sql.len() {
            values
        } else {
            None
        };
    }

    /// Every statement kept, the slowest first.
    pub fn all(&self) -> Vec<Seen> {
        let mut all: Vec<Seen> = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        all.sort_by_key(|s| std::cmp::Reverse(s.longest));
        all
    }

    /// The statements that took `threshold` or longer at least once.
    pub fn slow(&self) -> Vec<Seen> {
        let mut slow = self.all();
        slow.retain(|s| s.slow_runs > 0);
        slow
    }
}

/// Values are kept to explain a statement again: only for those that read
/// (an INSERT's plan says nothing), and only when they are few and small,
/// so a bulk write's JSON is never copied.
fn worth_keeping(sql: &str, values: &Values) -> bool {
    use sea_orm::Value;
    finds_rows(sql)
        && values.0.len() <= VALUES_AT_MOST
        && values.0.iter().all(|v| match v {
            Value::String(Some(s)) => s.len() <= VALUE_BYTES_AT_MOST,
            Value::Json(_) | Value::Bytes(_) => false,
            _ => true,
        })
}

/// Whether a statement looks rows up (and so has a plan worth reading):
/// a SELECT, UPDATE, DELETE or WITH.
pub fn finds_rows(sql: &str) -> bool {
    let sql = sql.trim_start();
    ["SELECT", "UPDATE", "DELETE", "WITH "].iter().any(|verb| {
        sql.get(..verb.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(verb))
    })
}

/// A statement's name: its text, cut at a character boundary.
fn name(sql: &str) -> &str {
    if sql.len() <= TEXT_AT_MOST {
        return sql;
    }
    let mut end = TEXT_AT_MOST;
    while !sql.is_char_boundary(end) {
        end -= 1;
    }
    &sql[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::DbBackend;

    fn statement(sql: &str, values: Vec<sea_orm::Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
    }

    #[test]
    fn counts_runs_and_keeps_the_slow_ones_apart() {
        let kept = Statements::new(Duration::from_millis(50));
        let fast = statement("SELECT 1 WHERE ? = ?", vec![1.into(), 2.into()]);
        let slow = statement("SELECT 2", vec![]);
        kept.record(&fast, Duration::from_millis(1));
        kept.record(&fast, Duration::from_millis(3));
        kept.record(&slow, Duration::from_millis(80));
        kept.record(&slow, Duration::from_millis(20));
        let all = kept.all();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].sql, "SELECT 2", "the slowest first");
        assert_eq!((all[0].runs, all[0].slow_runs), (2, 1));
        assert_eq!(all[0].total, Duration::from_millis(100));
        assert_eq!(all[0].longest, Duration::from_millis(80));
        assert_eq!(all[1].values.as_ref().map(|v| v.0.len()), Some(2));
        let slow = kept.slow();
        assert_eq!(slow.len(), 1);
        assert_eq!(slow[0].sql, "SELECT 2");
    }

    #[test]
    fn keeps_a_bounded_number_and_drops_the_least_recent() {
        let kept = Statements::new(Duration::from_millis(50));
        for i in 0..=KEPT {
            kept.record(&statement(&format!("SELECT {i}"), vec![]), Duration::ZERO);
            std::thread::sleep(Duration::from_micros(1));
        }
        let all = kept.all();
        assert_eq!(all.len(), KEPT);
        assert!(!all.iter().any(|s| s.sql == "SELECT 0"), "the oldest went");
    }

    #[test]
    fn a_long_statement_is_named_by_its_start_and_not_replayed() {
        let kept = Statements::new(Duration::from_millis(50));
        let long = format!("INSERT INTO t VALUES {}", "(?), ".repeat(500));
        kept.record(&statement(&long, vec![1.into()]), Duration::ZERO);
        let all = kept.all();
        assert_eq!(all[0].sql.len(), TEXT_AT_MOST);
        assert!(all[0].values.is_none());
    }
}
