//! A store's settings become a versioned record like the rest of the
//! master data (kind `store_settings`, id = the store's id): they get
//! `sync_version`, `last_synced_at` and `updated_at`, and each store's
//! settings are put on its change feed once, so a till pulling from the
//! start learns them. And the `notes` table: short notes managers leave
//! for the floor ("card terminal 2 is down, cash only").

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE stores ADD COLUMN sync_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE stores ADD COLUMN updated_at {ts} NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
ALTER TABLE stores ADD COLUMN last_synced_at {ts} NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
UPDATE stores SET updated_at = created_at, last_synced_at = created_at;
INSERT INTO changes (store_id, seq, entity, entity_id, op, version, created_at)
    SELECT id, change_seq + 1, 'store_settings', id, 'upsert', sync_version, created_at FROM stores;
UPDATE stores SET change_seq = change_seq + 1;
CREATE TABLE notes (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    title VARCHAR(120) NOT NULL,
    body VARCHAR(2000) NOT NULL,
    pinned BOOLEAN NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    deleted_at {ts},
    sync_version BIGINT NOT NULL,
    last_synced_at {ts} NOT NULL
);
CREATE INDEX notes_store_pinned ON notes (store_id, pinned, updated_at)
"#;

const DOWN: &str = r#"
DROP INDEX notes_store_pinned;
DROP TABLE notes;
DELETE FROM changes WHERE entity = 'store_settings';
ALTER TABLE stores DROP COLUMN last_synced_at;
ALTER TABLE stores DROP COLUMN updated_at;
ALTER TABLE stores DROP COLUMN sync_version
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction: the feed rows and the counters they bump land
    /// together or not at all.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, DOWN).await
    }
}
