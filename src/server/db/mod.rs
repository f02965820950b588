//! The database: connecting, migrating, and the row types. Only services
//! use this module; handlers and server functions never see a row.

pub mod bulk;
pub mod entities;
mod nodelay;
pub mod sqlite_memory;
pub mod statements;

use crate::server::migrations::Migrator;
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// Log pages at which a SQLite commit checkpoints the log itself. The
/// log is copied back in the background (`services::checkpoints`); this
/// only bounds it (to about 32 MiB) should that fall behind.
pub const WAL_BACKSTOP_PAGES: u32 = 8000;

/// Connects to `url` (sqlite:… or postgres:…) and brings the schema up to
/// date. A SQLite file's folder is created if missing, and the file runs in
/// WAL mode so readers never wait for the writer.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file(url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
    }
    let options = options(url, SQLITE_PAGE_CACHE_KIB);
    // Migrations run on a connection of their own, closed before the app's
    // pool opens: a SQLite connection that prepared statements against the
    // old schema keeps their old columns (a new column "is missing").
    let mut migrating = options.clone();
    migrating.min_connections(1).max_connections(1);
    let migrator = Database::connect(migrating).await?;
    Migrator::up(&migrator, None).await?;
    migrator.close().await?;
    Database::connect(options).await
}

/// How long a pooled connection may sit idle before it is tried with a
/// ping on checkout.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

/// SQLite's own page cache of a connection (its default).
const SQLITE_PAGE_CACHE_KIB: u32 = 2000;

/// The group writer's page cache: room for the pages a group of checkout
/// sales reads and writes (about a thousand of 4 KiB).
pub const GROUP_WRITER_PAGE_CACHE_KIB: u32 = 32 * 1024;

/// How the app connects to `url`, with a page cache of `page_cache_kib`
/// on SQLite.
fn options(url: &str, page_cache_kib: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .max_connections(if url.starts_with("sqlite") { 8 } else { 20 })
        // sqlx pings a connection on every checkout by default: a round
        // trip to PostgreSQL (a hop to SQLite's worker thread) before each
        // transaction, a group of sales too. Only a connection idle long
        // enough to have been dropped by the server or a proxy is tried.
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
        .map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
                // A statement's undo (for a constraint it breaks halfway)
                // stays in memory, not a temporary file per statement.
                .pragma("temp_store", "memory")
                .pragma("wal_autocheckpoint", WAL_BACKSTOP_PAGES.to_string())
                .pragma("cache_size", format!("-{page_cache_kib}"))
        })
        .map_sqlx_postgres_pool_opts(|pool| {
            pool.after_connect(|_, _| {
                Box::pin(async {
                    nodelay::on_every_tcp_socket();
                    Ok(())
                })
            })
        });
    options
}

/// On SQLite, one connection that writes the groups of sales and nothing
/// else (`services::group_commit`). SQLite throws away a connection's page
/// cache whenever another connection has written since its last
/// transaction; a pool hands out its connections in turn, so each group
/// read its pages in again. On a connection of its own the pages of the
/// last group are still there. `None` on PostgreSQL (and for a SQLite
/// database in memory, which a second pool would not share).
pub async fn connect_group_writer(url: &str) -> Result<Option<DatabaseConnection>, DbErr> {
    if sqlite_file(url).is_none() {
        return Ok(None);
    }
    let mut writing = options(url, GROUP_WRITER_PAGE_CACHE_KIB);
    writing.min_connections(1).max_connections(1);
    Database::connect(writing).await.map(Some)
}

fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

pub fn is_sqlite(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

#[cfg(test)]
mod tests {
    use super::{PING_IF_IDLE_FOR, options, sqlite_file};

    #[test]
    fn pings_only_connections_that_sat_idle() {
        for url in ["sqlite://data/tillwise.db", "postgres://localhost/x"] {
            let options = options(url, 2000);
            assert!(!options.get_test_before_acquire(), "{url}");
            assert_eq!(
                options.get_test_before_acquire_if_idle_for(),
                Some(PING_IF_IDLE_FOR),
                "{url}"
            );
        }
    }

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite://data/tillwise.db?mode=rwc"),
            Some("data/tillwise.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/x"), None);
    }
}
