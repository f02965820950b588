//! A pushed mutation's answer keeps a digest of the change it answered, so
//! a push that reuses a till's client id and mutation number for a
//! different change (a cloned tablet, another device) is told so instead
//! of being answered as a replay of the first, which would drop it.
//! Answers stored before this have no digest ('') and match anything.

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE sync_results ADD COLUMN mutation_hash VARCHAR(64) NOT NULL DEFAULT ''
"#;

const DOWN: &str = r#"
ALTER TABLE sync_results DROP COLUMN mutation_hash
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, DOWN).await
    }
}
