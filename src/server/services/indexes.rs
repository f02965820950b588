//! Index admin for owners: the database's indexes (size; scans on
//! PostgreSQL; which of the app's statements use each), rebuilding a
//! table's indexes, and the statements that ran slow with their plans and
//! hints. The database is shared by every store on the server, so this is
//! the owner's alone, and a rebuild is audited in the owner's store.
//!
//! "The app's statements" are those this instance ran since it started
//! (`db::statements`), explained with the values of their last run.

use super::audit::{self, AuditDraft};
use super::write_path::begin;
use super::{Actor, Db};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::indexes::{Hint, Index, IndexStats, Rebuilt, SlowAnalysis, SlowStatement};
use crate::domain::permissions::{Action, Subject};
use crate::server::db::statements::{self, Seen};
use crate::server::error::DbResultExt;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};
use std::collections::HashMap;

/// Slow statements explained per answer, at most.
const EXPLAINED_AT_MOST: usize = 50;
/// A table with more live rows than this read whole is worth a hint.
const BIG_TABLE_ROWS: i64 = 10_000;
/// Below this share of reads from memory, PostgreSQL wants more of it.
const GOOD_CACHE_HIT_RATIO: f64 = 0.99;

/// Every index, or those of `table` (unknown table: 404).
pub async fn stats(db: &Db, actor: &Actor, table: Option<&str>) -> Result<IndexStats, AppError> {
    actor.must(Subject::Indexes, Action::Read)?;
    if let Some(table) = table {
        known_table(db, table).await?;
    }
    let (indexes, statements_seen) = indexes_in_use(db, table).await?;
    Ok(IndexStats {
        backend: backend_name(db).into(),
        indexes,
        statements_seen,
    })
}

/// The indexes (of `table`, or all), from the backend's catalogue.
async fn indexes(db: &Db, table: Option<&str>) -> Result<Vec<Index>, AppError> {
    match backend(db) {
        DbBackend::Postgres => postgres_indexes(db, table).await,
        _ => sqlite_indexes(db, table).await,
    }
}

/// The indexes with `used_by` filled from the plans of the statements this
/// instance ran, and how many statements that was.
async fn indexes_in_use(db: &Db, table: Option<&str>) -> Result<(Vec<Index>, usize), AppError> {
    let mut indexes = indexes(db, table).await?;
    let seen = db.statements().all();
    let plans = explain_all(db, &seen).await;
    for index in &mut indexes {
        index.used_by = plans
            .iter()
            .filter(|(_, plan)| plan.iter().any(|line| names(line, &index.name)))
            .map(|(sql, _)| short(sql))
            .collect();
    }
    Ok((indexes, seen.len()))
}

/// Rebuilds `table`'s indexes: `REINDEX` on SQLite; `REINDEX TABLE
/// CONCURRENTLY` on PostgreSQL (outside a transaction, so the till keeps
/// selling), dropping any invalid index a failed rebuild leaves behind.
pub async fn rebuild(db: &Db, actor: &Actor, table: &str) -> Result<Rebuilt, AppError> {
    actor.must(Subject::Indexes, Action::Update)?;
    known_table(db, table).await?;
    let indexes: Vec<String> = indexes(db, Some(table))
        .await?
        .into_iter()
        .map(|i| i.name)
        .collect();
    // The name was found in the catalogue, so quoting it is enough.
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let how = match backend(db) {
        DbBackend::Postgres => "REINDEX TABLE CONCURRENTLY",
        _ => "REINDEX",
    };
    let started = std::time::Instant::now();
    let result = db
        .conn()
        .execute_unprepared(&format!("{how} {quoted}"))
        .await;
    let took_ms = started.elapsed().as_secs_f64() * 1e3;
    let dropped_invalid = match backend(db) {
        DbBackend::Postgres => drop_invalid(db, table).await?,
        _ => Vec::new(),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, table, "an index rebuild failed");
        return Err(AppError {
            details: serde_json::json!({ "table": table, "dropped_invalid": dropped_invalid }),
            ..AppError::new(
                ErrorCode::Unavailable,
                format!(
                    "The indexes of {table} could not be rebuilt ({e}). The old ones are still in use; try again later."
                ),
            )
        });
    }
    let rebuilt = Rebuilt {
        table: table.to_string(),
        how: how.into(),
        indexes,
        took_ms,
        dropped_invalid,
    };
    let now = audit::audit_time(Utc::now());
    let txn = begin(db).await.or_internal()?;
    let draft = AuditDraft {
        action: "indexes.rebuild".into(),
        entity_type: "table".into(),
        entity_id: None,
        before: None,
        after: Some(serde_json::to_value(&rebuilt).unwrap_or_default()),
    };
    audit::append_and_commit(db, txn, actor, draft, now)
        .await
        .or_internal()?;
    Ok(rebuilt)
}

/// The statements that ran at or over the threshold, with plans, and hints.
pub async fn slow(db: &Db, actor: &Actor) -> Result<SlowAnalysis, AppError> {
    actor.must(Subject::Indexes, Action::Read)?;
    let threshold = db.statements().threshold();
    let mut statements = Vec::new();
    for seen in db.statements().slow().iter().take(EXPLAINED_AT_MOST) {
        let plan = match explain(db, seen).await {
            Some(Ok(plan)) => plan,
            Some(Err(why)) => vec![format!("not explained: {why}")],
            None => vec!["not explained: its values were too many to keep".into()],
        };
        statements.push(SlowStatement {
            statement: seen.sql.clone(),
            source: "this instance".into(),
            runs: seen.runs,
            slow_runs: seen.slow_runs,
            mean_ms: seen.total.as_secs_f64() * 1e3 / seen.runs.max(1) as f64,
            max_ms: seen.longest.as_secs_f64() * 1e3,
            last_run: Some(seen.last_run),
            plan,
        });
    }
    let tables = tables(db).await?;
    let mut hints: Vec<Hint> = statements
        .iter()
        .filter_map(|s| {
            let scan = s
                .plan
                .iter()
                .filter_map(|line| reads_whole_table(line))
                .find(|t| tables.contains(t))?;
            Some(Hint {
                kind: "sequential_scan".into(),
                message: format!(
                    "A slow statement reads every row of {scan}: an index on the columns it filters by would help. ({})",
                    short(&s.statement)
                ),
            })
        })
        .collect();
    let (pg_stat_statements, cache_hit_ratio) = match backend(db) {
        DbBackend::Postgres => {
            let present = has_pg_stat_statements(db).await?;
            if present {
                statements.extend(pg_stat_statements_slow(db, threshold).await?);
            }
            let ratio = postgres_hints(db, &mut hints).await?;
            (Some(present), ratio)
        }
        _ => {
            sqlite_hints(db, &mut hints).await?;
            (None, None)
        }
    };
    Ok(SlowAnalysis {
        backend: backend_name(db).into(),
        threshold_ms: u64::try_from(threshold.as_millis()).unwrap_or(u64::MAX),
        statements,
        pg_stat_statements,
        cache_hit_ratio,
        hints,
    })
}

fn backend(db: &Db) -> DbBackend {
    db.get_database_backend()
}

fn backend_name(db: &Db) -> &'static str {
    match backend(db) {
        DbBackend::Postgres => "postgres",
        _ => "sqlite",
    }
}

async fn rows(db: &Db, sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>, AppError> {
    db.query_all_raw(Statement::from_sql_and_values(backend(db), sql, values))
        .await
        .or_internal()
}

fn text(row: &QueryResult, column: &str) -> Option<String> {
    row.try_get::<Option<String>>("", column).ok().flatten()
}

fn number(row: &QueryResult, column: &str) -> Option<i64> {
    row.try_get::<Option<i64>>("", column).ok().flatten()
}

/// The app's tables (not the migrator's own).
async fn tables(db: &Db) -> Result<Vec<String>, AppError> {
    let sql = match backend(db) {
        DbBackend::Postgres => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() \
             AND tablename <> 'seaql_migrations' ORDER BY 1"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> 'seaql_migrations' ORDER BY 1"
        }
    };
    Ok(rows(db, sql, vec![])
        .await?
        .iter()
        .filter_map(|r| text(r, "name"))
        .collect())
}

async fn known_table(db: &Db, table: &str) -> Result<(), AppError> {
    if tables(db).await?.iter().any(|t| t == table) {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorCode::NotFound,
            format!("There is no table called \"{table}\"."),
        ))
    }
}

async fn sqlite_indexes(db: &Db, table: Option<&str>) -> Result<Vec<Index>, AppError> {
    // dbstat is compiled into the bundled SQLite; without it, no sizes.
    let sizes: HashMap<String, i64> = rows(
        db,
        "SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name",
        vec![],
    )
    .await
    .unwrap_or_default()
    .iter()
    .filter_map(|r| Some((text(r, "name")?, number(r, "bytes")?)))
    .collect();
    let mut indexes = Vec::new();
    for table in match table {
        Some(t) => vec![t.to_string()],
        None => tables(db).await?,
    } {
        let listed = rows(
            db,
            "SELECT name, \"unique\" AS is_unique FROM pragma_index_list(?) ORDER BY name",
            vec![table.clone().into()],
        )
        .await?;
        for row in listed {
            let Some(name) = text(&row, "name") else {
                continue;
            };
            let columns = rows(
                db,
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno",
                vec![name.clone().into()],
            )
            .await?
            .iter()
            .map(|c| text(c, "name").unwrap_or_else(|| "(expression)".into()))
            .collect();
            indexes.push(Index {
                table: table.clone(),
                size_bytes: sizes.get(&name).copied(),
                unique: number(&row, "is_unique") == Some(1),
                name,
                columns,
                scans: None,
                tuples_read: None,
                used_by: Vec::new(),
            });
        }
    }
    Ok(indexes)
}

async fn postgres_indexes(db: &Db, table: Option<&str>) -> Result<Vec<Index>, AppError> {
    let sql = "SELECT t.relname::text AS tbl, i.relname::text AS name, ix.indisunique AS is_unique, \
               pg_relation_size(i.oid) AS bytes, s.idx_scan AS scans, s.idx_tup_read AS tuples_read, \
               (SELECT string_agg(pg_get_indexdef(i.oid, k + 1, true), E'\\n' ORDER BY k) \
                  FROM generate_subscripts(ix.indkey, 1) AS k) AS columns \
               FROM pg_index ix \
               JOIN pg_class i ON i.oid = ix.indexrelid \
               JOIN pg_class t ON t.oid = ix.indrelid \
               JOIN pg_namespace n ON n.oid = t.relnamespace \
               LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.oid \
               WHERE n.nspname = current_schema() AND t.relname <> 'seaql_migrations' \
               AND ($1::text IS NULL OR t.relname = $1) \
               ORDER BY t.relname, i.relname";
    Ok(rows(db, sql, vec![table.map(str::to_string).into()])
        .await?
        .iter()
        .map(|r| Index {
            table: text(r, "tbl").unwrap_or_default(),
            name: text(r, "name").unwrap_or_default(),
            columns: text(r, "columns")
                .map(|c| c.lines().map(str::to_string).collect())
                .unwrap_or_default(),
            unique: r.try_get::<bool>("", "is_unique").unwrap_or(false),
            size_bytes: number(r, "bytes"),
            scans: number(r, "scans"),
            tuples_read: number(r, "tuples_read"),
            used_by: Vec::new(),
        })
        .collect())
}

/// Drops the invalid indexes of `table` (what a failed `REINDEX …
/// CONCURRENTLY` leaves), naming them.
async fn drop_invalid(db: &Db, table: &str) -> Result<Vec<String>, AppError> {
    let invalid: Vec<String> = rows(
        db,
        "SELECT i.relname::text AS name FROM pg_index ix \
         JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE NOT ix.indisvalid AND n.nspname = current_schema() AND t.relname = $1",
        vec![table.into()],
    )
    .await?
    .iter()
    .filter_map(|r| text(r, "name"))
    .collect();
    for name in &invalid {
        let quoted = name.replace('"', "\"\"");
        db.conn()
            .execute_unprepared(&format!("DROP INDEX CONCURRENTLY IF EXISTS \"{quoted}\""))
            .await
            .or_internal()?;
        tracing::warn!(index = %name, "dropped an invalid index a failed rebuild left");
    }
    Ok(invalid)
}

/// The plan of a statement as last run; `None` when its values were not
/// kept (it cannot be run again as it was).
async fn explain(db: &Db, seen: &Seen) -> Option<Result<Vec<String>, String>> {
    let values = seen.values.clone()?;
    let (sql, column) = match backend(db) {
        DbBackend::Postgres => (format!("EXPLAIN {}", seen.sql), "QUERY PLAN"),
        _ => (format!("EXPLAIN QUERY PLAN {}", seen.sql), "detail"),
    };
    let statement = Statement {
        sql,
        values: Some(values),
        db_backend: backend(db),
    };
    Some(match db.query_all_raw(statement).await {
        Ok(rows) => Ok(rows.iter().filter_map(|r| text(r, column)).collect()),
        Err(e) => Err(e.to_string()),
    })
}

/// The plans of the statements that read (and so may use an index).
async fn explain_all(db: &Db, seen: &[Seen]) -> Vec<(String, Vec<String>)> {
    let mut plans = Vec::new();
    for s in seen {
        if !statements::finds_rows(&s.sql) {
            continue;
        }
        if let Some(Ok(plan)) = explain(db, s).await {
            plans.push((s.sql.clone(), plan));
        }
    }
    plans
}

/// Whether plan `line` names index `name` (as a whole word).
fn names(line: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(name).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// The table a plan line reads whole, if it does (`SCAN t` on SQLite
/// without an index; `Seq Scan on t` on PostgreSQL).
fn reads_whole_table(line: &str) -> Option<String> {
    let line = line.trim().trim_start_matches("->").trim();
    let rest = line.strip_prefix("Seq Scan on ").or_else(|| {
        line.strip_prefix("SCAN ")
            .filter(|r| !r.contains(" USING "))
    })?;
    // SQLite also "scans" a CTE or a subquery: the caller keeps real tables.
    rest.split_whitespace().next().map(str::to_string)
}

/// A statement shortened for a list.
fn short(sql: &str) -> String {
    let flat: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat,
    }
}

async fn has_pg_stat_statements(db: &Db) -> Result<bool, AppError> {
    Ok(!rows(
        db,
        "SELECT 1 AS present FROM pg_extension WHERE extname = 'pg_stat_statements'",
        vec![],
    )
    .await?
    .is_empty())
}

/// The slowest statements `pg_stat_statements` knows, above the threshold.
async fn pg_stat_statements_slow(
    db: &Db,
    threshold: std::time::Duration,
) -> Result<Vec<SlowStatement>, AppError> {
    let sql = "SELECT query, calls, mean_exec_time AS mean_ms, max_exec_time AS max_ms \
               FROM pg_stat_statements \
               WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
               AND max_exec_time >= $1 ORDER BY mean_exec_time DESC LIMIT 20";
    let found = match rows(db, sql, vec![(threshold.as_secs_f64() * 1e3).into()]).await {
        Ok(found) => found,
        // Installed but not loaded (shared_preload_libraries): nothing to add.
        Err(_) => return Ok(Vec::new()),
    };
    Ok(found
        .iter()
        .map(|r| SlowStatement {
            statement: text(r, "query").unwrap_or_default(),
            source: "pg_stat_statements".into(),
            runs: number(r, "calls")
                .and_then(|c| u64::try_from(c).ok())
                .unwrap_or(0),
            slow_runs: 0,
            mean_ms: r.try_get::<f64>("", "mean_ms").unwrap_or(0.0),
            max_ms: r.try_get::<f64>("", "max_ms").unwrap_or(0.0),
            last_run: None,
            plan: vec!["not explained: pg_stat_statements keeps no values".into()],
        })
        .collect())
}

/// pghero's kind of advice: unused indexes, big tables read whole, and the
/// share of reads served from memory (returned).
async fn postgres_hints(db: &Db, hints: &mut Vec<Hint>) -> Result<Option<f64>, AppError> {
    for index in postgres_indexes(db, None).await? {
        if index.scans == Some(0) && !index.unique {
            hints.push(Hint {
                kind: "unused_index".into(),
                message: format!(
                    "{} on {} has not been used since statistics were reset ({} bytes). If nothing needs it, it only slows writes.",
                    index.name,
                    index.table,
                    index.size_bytes.unwrap_or(0)
                ),
            });
        }
    }
    let big = rows(
        db,
        "SELECT relname::text AS tbl, seq_scan, COALESCE(idx_scan, 0) AS idx_scan, n_live_tup \
         FROM pg_stat_user_tables WHERE schemaname = current_schema() \
         AND n_live_tup >= $1 AND seq_scan > COALESCE(idx_scan, 0) ORDER BY seq_scan DESC",
        vec![BIG_TABLE_ROWS.into()],
    )
    .await?;
    for row in big {
        hints.push(Hint {
            kind: "sequential_scan".into(),
            message: format!(
                "{} ({} rows) was read whole {} times and through an index {} times.",
                text(&row, "tbl").unwrap_or_default(),
                number(&row, "n_live_tup").unwrap_or(0),
                number(&row, "seq_scan").unwrap_or(0),
                number(&row, "idx_scan").unwrap_or(0),
            ),
        });
    }
    let ratio = rows(
        db,
        "SELECT (SUM(heap_blks_hit)::float8 / NULLIF((SUM(heap_blks_hit) + SUM(heap_blks_read))::float8, 0)) AS ratio \
         FROM pg_statio_user_tables",
        vec![],
    )
    .await?
    .first()
    .and_then(|r| r.try_get::<Option<f64>>("", "ratio").ok().flatten());
    if let Some(ratio) = ratio.filter(|r| *r < GOOD_CACHE_HIT_RATIO) {
        hints.push(Hint {
            kind: "cache_hit_ratio".into(),
            message: format!(
                "{:.1} % of table reads came from memory (aim for 99 %): give PostgreSQL more shared_buffers, or the machine more memory.",
                ratio * 100.0
            ),
        });
    }
    Ok(ratio)
}

/// SQLite keeps no scan counts: an index no statement this instance ran
/// uses is worth a look (once it has run a few).
async fn sqlite_hints(db: &Db, hints: &mut Vec<Hint>) -> Result<(), AppError> {
    let (indexes, seen) = indexes_in_use(db, None).await?;
    if seen < 20 {
        return Ok(());
    }
    for index in indexes {
        if index.used_by.is_empty() && !index.unique {
            hints.push(Hint {
                kind: "unused_index".into(),
                message: format!(
                    "{} on {} is used by none of the {seen} statements this instance has run.",
                    index.name, index.table
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_is_named_as_a_whole_word() {
        let line = "SEARCH products USING INDEX products_store_sku (store_id=? AND sku=?)";
        assert!(names(line, "products_store_sku"));
        assert!(!names(line, "products_store"));
        assert!(names(
            "Index Scan using products_store_sku on products",
            "products_store_sku"
        ));
    }

    #[test]
    fn a_whole_table_read_is_told_from_an_index_search() {
        assert_eq!(reads_whole_table("SCAN products"), Some("products".into()));
        assert_eq!(
            reads_whole_table("SCAN products USING INDEX products_store_sku"),
            None
        );
        assert_eq!(
            reads_whole_table("  ->  Seq Scan on sales  (cost=0.00..1.01 rows=1 width=8)"),
            Some("sales".into())
        );
        assert_eq!(reads_whole_table("SCAN c"), Some("c".into()));
        assert_eq!(reads_whole_table("SEARCH sales USING INDEX x (id=?)"), None);
    }

    #[test]
    fn long_statements_are_shortened_on_one_line() {
        let long = format!("SELECT\n  {}", "a, ".repeat(100));
        let s = short(&long);
        assert!(s.starts_with("SELECT a, a,"));
        assert!(s.ends_with('…'));
        assert_eq!(s.chars().count(), 161);
    }
}
