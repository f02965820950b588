//! A paired till's pairing ends: `expires_at` on each device. Tills paired
//! before this get a year from their pairing, as the cookie they were
//! given said.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let (add, backfill) = match conn.get_database_backend() {
            DbBackend::Postgres => (
                "ALTER TABLE devices ADD COLUMN expires_at TIMESTAMPTZ",
                "UPDATE devices SET expires_at = created_at + INTERVAL '365 days'",
            ),
            // Timestamps are RFC 3339 text here, as sqlx writes them.
            _ => (
                "ALTER TABLE devices ADD COLUMN expires_at TEXT",
                "UPDATE devices SET expires_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', created_at, '+365 days')",
            ),
        };
        conn.execute_unprepared(add).await?;
        conn.execute_unprepared(backfill).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE devices DROP COLUMN expires_at")
            .await?;
        Ok(())
    }
}
