//! Schema migrations, run at start-up. A shipped migration is never edited:
//! a change to the schema is a new file here.
//!
//! Tables are written once as SQL with a few type placeholders, so SQLite and
//! PostgreSQL get the same columns and constraints from one text.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

mod m20261125_000001_tables;
mod m20261125_000002_indexes;
mod m20261125_000003_text_search;
mod m20261125_000004_credit_payments;
mod m20261125_000005_sync_results;
mod m20261126_000006_conflicts;
mod m20261202_000007_settings_and_notes;
mod m20261203_000008_sign_in_failures;
mod m20261204_000009_receipt_settings;
mod m20261204_000010_replay_identity;
mod m20261204_000011_till_pairing_expiry;
mod m20261204_000012_audit_seal;
mod m20261205_000013_hot_stock;
mod m20261206_000014_same_store_references;
mod m20261206_000015_ledger_rows_under_the_claim;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_tables::Migration),
            Box::new(m20261125_000002_indexes::Migration),
            Box::new(m20261125_000003_text_search::Migration),
            Box::new(m20261125_000004_credit_payments::Migration),
            Box::new(m20261125_000005_sync_results::Migration),
            Box::new(m20261126_000006_conflicts::Migration),
            Box::new(m20261202_000007_settings_and_notes::Migration),
            Box::new(m20261203_000008_sign_in_failures::Migration),
            Box::new(m20261204_000009_receipt_settings::Migration),
            Box::new(m20261204_000010_replay_identity::Migration),
            Box::new(m20261204_000011_till_pairing_expiry::Migration),
            Box::new(m20261204_000012_audit_seal::Migration),
            Box::new(m20261205_000013_hot_stock::Migration),
            Box::new(m20261206_000014_same_store_references::Migration),
            Box::new(m20261206_000015_ledger_rows_under_the_claim::Migration),
        ]
    }
}

/// Replaces the type placeholders with each backend's type:
/// `{id}` a UUID, `{ts}` a UTC timestamp, `{json}` a JSON document.
fn dialect(backend: DbBackend, sql: &str) -> String {
    let (id, ts, json, date, time) = match backend {
        DbBackend::Postgres => ("UUID", "TIMESTAMPTZ", "JSONB", "DATE", "TIME"),
        _ => ("BLOB", "TEXT", "TEXT", "TEXT", "TEXT"),
    };
    sql.replace("{id}", id)
        .replace("{ts}", ts)
        .replace("{json}", json)
        .replace("{date}", date)
        .replace("{time}", time)
}

/// Runs each `;`-separated statement of `sql` in order.
async fn run_all(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    let sql = dialect(conn.get_database_backend(), sql);
    for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        conn.execute_unprepared(statement).await?;
    }
    Ok(())
}

/// Runs `steps` in order on PostgreSQL; nothing on SQLite (for changes of
/// keys, which SQLite cannot make without copying a table).
async fn on_postgres(manager: &SchemaManager<'_>, steps: &[&str]) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for sql in steps {
        conn.execute_unprepared(sql).await?;
    }
    Ok(())
}
