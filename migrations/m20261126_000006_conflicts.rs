//! Conflicts (docs/ARCHITECTURE.md, "Conflicts"): an edit that clashed with another
//! made meanwhile, kept with the three versions a person needs to settle
//! it (the one both started from, the server's, the client's) until one
//! does. `sync_version` counts its changes: 1 open, 2 resolved.
//!
//! The first schema had a placeholder `conflicts` table that nothing ever
//! wrote, so it is replaced rather than altered (SQLite cannot add NOT NULL
//! columns without defaults).

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
DROP INDEX conflicts_store_entity;
DROP INDEX conflicts_store_status_created;
DROP TABLE conflicts;
CREATE TABLE conflicts (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    entity_type VARCHAR(32) NOT NULL,
    entity_id {id} NOT NULL,
    op VARCHAR(16) NOT NULL,
    fields {json} NOT NULL,
    base_state {json},
    server_state {json},
    client_state {json},
    base_version BIGINT,
    server_version BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL CHECK (status IN ('open', 'resolved')),
    created_by {id} REFERENCES employees(id),
    created_at {ts} NOT NULL,
    resolved_by {id} REFERENCES employees(id),
    resolved_at {ts},
    resolution {json},
    sync_version BIGINT NOT NULL,
    last_synced_at {ts} NOT NULL
);
CREATE INDEX conflicts_store_entity ON conflicts (store_id, entity_type, entity_id, created_at);
CREATE INDEX conflicts_store_status_created ON conflicts (store_id, status, created_at)
"#;

/// Back to the first schema's placeholder.
const DOWN: &str = r#"
DROP INDEX conflicts_store_status_created;
DROP INDEX conflicts_store_entity;
DROP TABLE conflicts;
CREATE TABLE conflicts (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    entity_type VARCHAR(32) NOT NULL,
    entity_id {id} NOT NULL,
    base_state {json},
    server_state {json},
    client_state {json},
    fields {json} NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    created_by {id} REFERENCES employees(id),
    created_at {ts} NOT NULL,
    resolved_by {id} REFERENCES employees(id),
    resolved_at {ts},
    resolution {json}
);
CREATE INDEX conflicts_store_entity ON conflicts (store_id, entity_type, entity_id);
CREATE INDEX conflicts_store_status_created ON conflicts (store_id, status, created_at)
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on every backend: it drops and recreates names, and
    /// on SQLite's pool another connection's cached schema would still
    /// hold the old ones.
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
