//! Payments a customer makes against store credit, one row each, so what was
//! paid, when, how and to whom stays on record beside the credit's running
//! `paid_cents`.

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE credit_payments (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    credit_id {id} NOT NULL REFERENCES credits(id),
    employee_id {id} NOT NULL REFERENCES employees(id),
    method VARCHAR(16) NOT NULL CHECK (method IN ('cash', 'card')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    created_at {ts} NOT NULL
);
CREATE INDEX credit_payments_store_credit ON credit_payments (store_id, credit_id, created_at);
CREATE INDEX credit_payments_store_created ON credit_payments (store_id, created_at)
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, "DROP TABLE credit_payments").await
    }
}
