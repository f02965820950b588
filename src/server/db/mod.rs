//! The database: connecting, migrating, and the row types. Only services
//! use this module; handlers and server functions never see a row.

pub mod bulk;
pub mod entities;
mod nodelay;
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
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .max_connections(if url.starts_with("sqlite") { 8 } else { 20 })
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
                // A statement's undo (for a constraint it breaks halfway)
                // stays in memory, not a temporary file per statement.
                .pragma("temp_store", "memory")
                .pragma("wal_autocheckpoint", WAL_BACKSTOP_PAGES.to_string())
        })
        .map_sqlx_postgres_pool_opts(|pool| {
            pool.after_connect(|_, _| {
                Box::pin(async {
                    nodelay::on_every_tcp_socket();
                    Ok(())
                })
            })
        });
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
    use super::sqlite_file;

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
