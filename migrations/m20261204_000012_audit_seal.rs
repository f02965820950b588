//! Each store's audit head carries a seal: an HMAC of the head made with a
//! key kept outside the database (src/server/audit_keys.rs). Heads written
//! before this have none ('') and are sealed at the server's next start,
//! with an audit entry saying so.

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE stores ADD COLUMN audit_seal VARCHAR(120) NOT NULL DEFAULT ''
"#;

const DOWN: &str = r#"
ALTER TABLE stores DROP COLUMN audit_seal
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
