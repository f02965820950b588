//! The change feed's and the audit log's rows are not checked against
//! `stores` one by one (PostgreSQL).
//!
//! Only a store's ledger writes them (`services/ledger.rs`), in the
//! transaction that claimed that store's row (an UPDATE … RETURNING that
//! found it), and a store is never deleted: the check cannot fail. It was
//! run once per row all the same: 3.1 feed rows and 1 audit row per sale
//! of the checkout benchmark, each a lookup on `stores` with a row lock,
//! inside the one statement that writes a group of sales while the store's
//! other sales wait for it (BENCHMARKS.md, "Checkout").
//!
//! SQLite keeps its keys: it cannot drop one without copying the table,
//! and checks a key with an index probe that costs next to nothing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: [&str; 2] = [
    "ALTER TABLE changes DROP CONSTRAINT changes_store_id_fkey",
    "ALTER TABLE audit_log DROP CONSTRAINT audit_log_store_id_fkey",
];

const DOWN: [&str; 2] = [
    "ALTER TABLE audit_log ADD CONSTRAINT audit_log_store_id_fkey \
       FOREIGN KEY (store_id) REFERENCES stores (id)",
    "ALTER TABLE changes ADD CONSTRAINT changes_store_id_fkey \
       FOREIGN KEY (store_id) REFERENCES stores (id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::on_postgres(manager, &UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::on_postgres(manager, &DOWN).await
    }
}
