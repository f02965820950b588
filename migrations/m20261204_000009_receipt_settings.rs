//! What a receipt and the screens need to know about a store beyond its
//! name: where it is (address, tax number), what it promises (the footer,
//! e.g. a returns policy) and its time zone, so times show as the shop's
//! clock says them while storage and the wire stay UTC.

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE stores ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC';
ALTER TABLE stores ADD COLUMN address VARCHAR(300) NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN tax_number VARCHAR(40) NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN receipt_footer VARCHAR(300) NOT NULL DEFAULT ''
"#;

const DOWN: &str = r#"
ALTER TABLE stores DROP COLUMN receipt_footer;
ALTER TABLE stores DROP COLUMN tax_number;
ALTER TABLE stores DROP COLUMN address;
ALTER TABLE stores DROP COLUMN time_zone
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
