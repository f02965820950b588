//! What each pushed mutation came to, kept per client and mutation id, so a
//! till that retries a push (its answer was lost) gets the same results back
//! and nothing is applied twice. Also an index for pulling the latest
//! change of each record.

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE sync_results (
    client_id {id} NOT NULL REFERENCES sync_clients(client_id),
    store_id {id} NOT NULL REFERENCES stores(id),
    mutation_id BIGINT NOT NULL,
    result {json} NOT NULL,
    created_at {ts} NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
);
CREATE INDEX changes_store_entity_seq ON changes (store_id, entity_id, seq)
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(
            manager,
            "DROP INDEX changes_store_entity_seq; DROP TABLE sync_results",
        )
        .await
    }
}
