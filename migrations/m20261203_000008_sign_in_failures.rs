//! Wrong passwords, one row each, per account and per client address, so
//! the sign-in limit holds across restarts and across instances that share
//! only the database. Rows older than the limit's window are deleted as new
//! ones arrive.

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE sign_in_failures (
    id {id} PRIMARY KEY,
    subject VARCHAR(320) NOT NULL,
    failed_at {ts} NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, failed_at);
CREATE INDEX sign_in_failures_failed_at ON sign_in_failures (failed_at)
"#;

const DOWN: &str = r#"
DROP INDEX sign_in_failures_failed_at;
DROP INDEX sign_in_failures_subject;
DROP TABLE sign_in_failures
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
