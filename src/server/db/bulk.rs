//! Many rows of one table in one statement.
//!
//! A multi-row `INSERT … VALUES ($1, …), …` has a different text for every
//! row count, so on PostgreSQL each group of sales or push chunk of a new
//! size is parsed, described and planned again (with hundreds of
//! parameters), and the per-connection statement cache churns. On
//! PostgreSQL the rows go as one JSON parameter instead, `INSERT … SELECT
//! … FROM jsonb_to_recordset($1)`: one text per table, prepared once per
//! connection, whatever the count. SQLite prepares quickly and keeps the
//! multi-row INSERT.
//!
//! Several tables' rows (a group of sales: the sales, their lines,
//! payments and stock moves, then the ledger's feed rows and audit
//! entries) go the same way in one statement on PostgreSQL (`Together`):
//! each table an `INSERT … SELECT` in a `WITH`, with any other part a
//! caller adds (the stock `UPDATE … ` of the products sold) and a last
//! statement (the store's counters), one round trip instead of one a
//! table. The foreign keys are checked at the end of the statement, when
//! every table's rows are in. On SQLite the tables' multi-row INSERTs and
//! the last statement run as one multi-statement execution, in the order
//! added: each execution is a hop to the connection's worker thread and
//! back, a good part of a group's time on two busy cores.
//!
//! Every read of a varying list of ids names them the same way
//! (`one_of`): one JSON parameter on PostgreSQL, whatever their number.

use sea_orm::sea_query::{Expr, SimpleExpr, Value};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait,
    IdenStatic, Iterable, QueryTrait, Statement,
};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use uuid::Uuid;

/// Rows per multi-row INSERT on SQLite: the widest row written in bulk (a
/// sale, 21 columns) times this stays under its 32,766 binds.
const ROWS_PER_INSERT: usize = 500;

/// Inserts `rows` (every one setting the same columns).
pub async fn insert_rows<A, C>(conn: &C, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    if rows.is_empty() {
        return Ok(());
    }
    if conn.get_database_backend() != DbBackend::Postgres {
        // An import can be large: one INSERT at a time, not one text of all.
        for insert in insert_statements(rows) {
            conn.execute_raw(insert).await?;
        }
        return Ok(());
    }
    let mut one = Together::new();
    one.rows(conn, rows).await?;
    one.write(conn, None).await
}

/// Rows of several tables, written in one statement on PostgreSQL and one
/// multi-statement execution on SQLite.
///
/// Every part of the statement sees the database as it was before it, so
/// each table may appear once, and the statement after the rows (`write`'s
/// `then`) must not read or change the rows added. Nothing is written until
/// `write`, on either database. It holds no connection, so what one step of
/// a transaction adds can wait for the step that ends it (a group of
/// sales is written with the ledger's rows when the ledger closes).
#[must_use = "nothing reaches the database until `write`"]
#[derive(Default)]
pub struct Together {
    /// PostgreSQL: each part's statement and its one value, `$n` the nth.
    parts: Vec<(String, Value)>,
    /// SQLite: the INSERTs and other statements, in the order added (their
    /// `?` bind in that order).
    inserts: Vec<Statement>,
}

impl Together {
    pub fn new() -> Self {
        Together::default()
    }

    /// Adds `rows` (every one setting the same columns) of one table.
    pub async fn rows<A, C>(&mut self, conn: &C, rows: Vec<A>) -> Result<(), DbErr>
    where
        A: ActiveModelTrait + Send,
        C: ConnectionTrait,
    {
        if rows.is_empty() {
            return Ok(());
        }
        if conn.get_database_backend() != DbBackend::Postgres {
            self.inserts.extend(insert_statements(rows));
            return Ok(());
        }
        let part = json_insert(conn, rows, self.parts.len() + 1).await?;
        self.parts.push(part);
        Ok(())
    }

    /// Adds a PostgreSQL statement whose one value is `value`, written
    /// `$1` in `sql` (an `UPDATE … FROM jsonb_to_recordset($1::jsonb)`).
    /// The caller runs its own statement on SQLite instead.
    pub fn part(&mut self, sql: &str, value: Value) {
        let sql = renumbered(sql, self.parts.len());
        self.parts.push((sql, value));
    }

    /// Adds a SQLite statement, run in its turn among the rows' INSERTs
    /// (`part` is PostgreSQL's).
    pub fn statement(&mut self, statement: Statement) {
        debug_assert_eq!(statement.db_backend, DbBackend::Sqlite);
        self.inserts.push(statement);
    }

    /// Writes what was added, and `then` after it (its placeholders
    /// numbered from `$1` as the query builder makes them): one statement
    /// on PostgreSQL, one execution of several on SQLite.
    pub async fn write<C: ConnectionTrait>(
        self,
        conn: &C,
        then: Option<Statement>,
    ) -> Result<(), DbErr> {
        if conn.get_database_backend() != DbBackend::Postgres {
            return match one_execution(self.inserts.into_iter().chain(then)) {
                Some(all) => conn.execute_raw(all).await.map(|_| ()),
                None => Ok(()),
            };
        }
        let n = self.parts.len();
        let (mut steps, mut values): (Vec<String>, Vec<Value>) = self.parts.into_iter().unzip();
        if let Some(then) = then {
            steps.push(renumbered(&then.sql, n));
            values.extend(then.values.map(|v| v.0).unwrap_or_default());
        }
        let Some(last) = steps.pop() else {
            return Ok(());
        };
        let sql = if steps.is_empty() {
            last
        } else {
            let with: Vec<String> = steps
                .iter()
                .enumerate()
                .map(|(i, step)| format!("w{i} AS ({step})"))
                .collect();
            format!("WITH {} {last}", with.join(", "))
        };
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
        Ok(())
    }
}

/// `column` is one of `ids`, in one text whatever their number: on
/// PostgreSQL the ids go as one JSON parameter (`= ANY(…)`), as the rows
/// do above, so a read of a varying count of records (a group's products,
/// a page's lines, a push's replays) is not parsed and planned again for
/// each count; SQLite keeps `IN (…)`.
pub fn one_of<T: ListedId>(
    backend: DbBackend,
    column: impl ColumnTrait,
    ids: impl IntoIterator<Item = T>,
) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => {
            let list: Json = ids.into_iter().map(|id| id.json()).collect();
            Expr::cust_with_exprs(
                format!(
                    "$1 = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::{}))",
                    T::POSTGRES_TYPE
                ),
                [
                    Expr::col(column.as_column_ref()),
                    Expr::val(list.to_string()),
                ],
            )
        }
        _ => column.is_in(ids),
    }
}

/// A key `one_of` can list: its PostgreSQL type and its JSON form.
pub trait ListedId: Into<Value> {
    const POSTGRES_TYPE: &'static str;
    fn json(&self) -> Json;
}

impl ListedId for Uuid {
    const POSTGRES_TYPE: &'static str = "uuid";
    fn json(&self) -> Json {
        Json::String(self.to_string())
    }
}

impl ListedId for i64 {
    const POSTGRES_TYPE: &'static str = "bigint";
    fn json(&self) -> Json {
        Json::from(*self)
    }
}

/// `rows` as multi-row INSERTs of at most `ROWS_PER_INSERT` (SQLite), to
/// run later.
fn insert_statements<A: ActiveModelTrait>(mut rows: Vec<A>) -> Vec<Statement> {
    let mut statements = Vec::with_capacity(rows.len().div_ceil(ROWS_PER_INSERT));
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(ROWS_PER_INSERT));
        let chunk = std::mem::replace(&mut rows, rest);
        statements.push(<A::Entity as EntityTrait>::insert_many(chunk).build(DbBackend::Sqlite));
    }
    statements
}

/// SQLite statements as one text: each binds its own `?` in turn from the
/// joined values (sqlx numbers a multi-statement's `?` across statements).
fn one_execution(statements: impl Iterator<Item = Statement>) -> Option<Statement> {
    let mut sql = String::new();
    let mut values = Vec::new();
    for statement in statements {
        if !sql.is_empty() {
            sql.push_str(";\n");
        }
        sql.push_str(&statement.sql);
        values.extend(statement.values.map(|v| v.0).unwrap_or_default());
    }
    (!sql.is_empty()).then(|| Statement::from_sql_and_values(DbBackend::Sqlite, sql, values))
}

/// `sql` with each placeholder `$k` made `$(k + by)`: for statements the
/// query builder made, which bind every value (a `$1` inside a quoted
/// literal would be shifted too).
fn renumbered(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(k) => out.push_str(&(k + by).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

/// `rows` as `INSERT … SELECT … FROM jsonb_to_recordset($param)` and the
/// JSON array that parameter carries, as text (PostgreSQL parses it the
/// same way either way, and writing it straight from the values spares
/// building, and then dropping, a map per row).
async fn json_insert<A, C>(conn: &C, rows: Vec<A>, param: usize) -> Result<(String, Value), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let columns: Vec<_> = <A::Entity as EntityTrait>::Column::iter()
        .filter(|c| !rows[0].get(*c).is_not_set())
        .collect();
    let names: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
    let mut records = Vec::with_capacity(rows.len() * columns.len() * 24);
    records.push(b'[');
    for (i, mut row) in rows.into_iter().enumerate() {
        records.extend_from_slice(if i == 0 { b"{" } else { b",{" });
        for (j, (column, name)) in columns.iter().zip(&names).enumerate() {
            let value = row
                .take(*column)
                .into_value()
                .ok_or_else(|| DbErr::Custom(format!("a bulk row leaves column {name} out")))?;
            if j > 0 {
                records.push(b',');
            }
            // Column names are plain identifiers: nothing to escape.
            records.push(b'"');
            records.extend_from_slice(name.as_bytes());
            records.extend_from_slice(b"\":");
            let written = match value {
                Value::Json(Some(json)) => serde_json::to_writer(&mut records, &*json),
                other => serde_json::to_writer(&mut records, &to_json(other)?),
            };
            written.map_err(|e| DbErr::Custom(format!("column {name}: {e}")))?;
        }
        records.push(b'}');
    }
    records.push(b']');
    let records = String::from_utf8(records).map_err(|e| DbErr::Custom(e.to_string()))?;
    let table = A::Entity::default().table_name().to_string();
    let types = column_types(conn, &table).await?;
    let mut defs = Vec::with_capacity(names.len());
    for name in &names {
        let ty = types
            .get(*name)
            .ok_or_else(|| DbErr::Custom(format!("{table} has no column {name}")))?;
        defs.push(format!("\"{name}\" {ty}"));
    }
    let quoted = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO \"{table}\" ({quoted}) SELECT {quoted} FROM jsonb_to_recordset(${param}::jsonb) AS r({})",
        defs.join(", ")
    );
    Ok((sql, Value::String(Some(records))))
}

/// A column's value as `jsonb_to_recordset` reads it back to its type.
fn to_json(value: Value) -> Result<Json, DbErr> {
    Ok(match value {
        Value::Bool(v) => v.map_or(Json::Null, Json::from),
        Value::TinyInt(v) => v.map_or(Json::Null, Json::from),
        Value::SmallInt(v) => v.map_or(Json::Null, Json::from),
        Value::Int(v) => v.map_or(Json::Null, Json::from),
        Value::BigInt(v) => v.map_or(Json::Null, Json::from),
        Value::String(v) => v.map_or(Json::Null, Json::from),
        Value::Uuid(v) => v.map_or(Json::Null, |id| Json::from(id.to_string())),
        Value::ChronoDateTimeUtc(v) => v.map_or(Json::Null, |at| {
            Json::from(at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        }),
        Value::ChronoDate(v) => {
            v.map_or(Json::Null, |d| Json::from(d.format("%Y-%m-%d").to_string()))
        }
        Value::ChronoDateTime(v) => v.map_or(Json::Null, |at| {
            Json::from(at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string())
        }),
        Value::Double(v) => v.map_or(Json::Null, Json::from),
        Value::Json(v) => v.map_or(Json::Null, |j| *j),
        other => {
            return Err(DbErr::Custom(format!(
                "no bulk insert for a value like {other:?}"
            )));
        }
    })
}

/// A table's column types as PostgreSQL names them, asked once per
/// process (the schema changes only by migration, before serving).
async fn column_types<C: ConnectionTrait>(
    conn: &C,
    table: &str,
) -> Result<HashMap<String, String>, DbErr> {
    static KNOWN: Mutex<Option<HashMap<String, HashMap<String, String>>>> = Mutex::new(None);
    if let Some(types) = KNOWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .and_then(|k| k.get(table))
    {
        return Ok(types.clone());
    }
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT attname::text AS name, format_type(atttypid, atttypmod) AS ty \
             FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
            [Value::String(Some(format!("\"{table}\"")))],
        ))
        .await?;
    let mut types = HashMap::new();
    for row in rows {
        types.insert(
            row.try_get::<String>("", "name")?,
            row.try_get::<String>("", "ty")?,
        );
    }
    KNOWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_insert_with(HashMap::new)
        .insert(table.to_string(), types.clone());
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn every_kind_of_value_the_entities_hold_reads_back_as_postgresql_parses_it() {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 9, 5, 7).unwrap()
            + chrono::Duration::microseconds(42);
        let cases = [
            (Value::Bool(Some(true)), serde_json::json!(true)),
            (Value::Int(Some(-3)), serde_json::json!(-3)),
            (Value::BigInt(Some(i64::MAX)), serde_json::json!(i64::MAX)),
            (
                Value::String(Some("Tea \"x\"".into())),
                serde_json::json!("Tea \"x\""),
            ),
            (
                Value::Uuid(Some(uuid::Uuid::nil())),
                serde_json::json!("00000000-0000-0000-0000-000000000000"),
            ),
            (
                Value::ChronoDateTimeUtc(Some(at)),
                serde_json::json!("2026-12-03T09:05:07.000042Z"),
            ),
            (
                Value::ChronoDate(Some(NaiveDate::from_ymd_opt(2027, 1, 2).unwrap())),
                serde_json::json!("2027-01-02"),
            ),
            (
                Value::Json(Some(Box::new(serde_json::json!({"a": [1]})))),
                serde_json::json!({"a": [1]}),
            ),
            (Value::Uuid(None), Json::Null),
            (Value::ChronoDate(None), Json::Null),
        ];
        for (value, json) in cases {
            assert_eq!(to_json(value).unwrap(), json);
        }
        assert!(to_json(Value::Bytes(Some(vec![1]))).is_err());
    }

    #[test]
    fn statements_run_as_one_bind_their_values_in_turn() {
        let first = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO a (x, y) VALUES (?, ?)",
            [1.into(), 2.into()],
        );
        let second =
            Statement::from_sql_and_values(DbBackend::Sqlite, "UPDATE b SET z = ?", [3.into()]);
        let last = Statement::from_string(DbBackend::Sqlite, "UPDATE c SET n = n + 1");
        let all = one_execution([first, second, last].into_iter()).unwrap();
        assert_eq!(
            all.sql,
            "INSERT INTO a (x, y) VALUES (?, ?);\nUPDATE b SET z = ?;\nUPDATE c SET n = n + 1"
        );
        assert_eq!(
            all.values.unwrap().0,
            vec![Value::from(1), Value::from(2), Value::from(3)]
        );
        assert!(one_execution(std::iter::empty()).is_none());
    }

    #[test]
    fn a_statement_after_others_takes_the_placeholders_after_theirs() {
        assert_eq!(
            renumbered("UPDATE s SET a = $1, b = $2 WHERE id = $10", 3),
            "UPDATE s SET a = $4, b = $5 WHERE id = $13"
        );
        assert_eq!(renumbered("SELECT '$' || $1", 2), "SELECT '$' || $3");
    }
}
