//! A sale's stock UPDATE without rewriting every product index.
//!
//! Each online group updates the on-hand quantity of every product it sold.
//! `products` has ten indexes (two of them trigram GIN on PostgreSQL), and
//! the low-stock one, `(store_id, active, quantity)`, named `quantity`: an
//! update of an indexed column cannot be a heap-only tuple (HOT) update, so
//! every stock change wrote a new entry into all ten indexes. The low-stock
//! index now names `low_stock`, a flag the database derives from the
//! quantity and the threshold. A sale changes the flag only when it takes a
//! product to its threshold; every other sale (stock to spare, or a product
//! already low and still selling) changes no indexed value, so PostgreSQL
//! updates the row in place. `fillfactor` leaves room in each page for
//! those versions; the column's rewrite of the table applies it to existing
//! rows. (A column holding the quantity only while low was tried first: in
//! the checkout benchmark every demo product soon sells below its
//! threshold, and then each sale changed it again.)
//!
//! SQLite has no HOT and cannot add a stored column: a virtual one, same
//! index, so both backends answer the low-stock query from one text.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let postgres = conn.get_database_backend() == DbBackend::Postgres;
        let (kind, kept) = if postgres {
            ("BOOLEAN", "STORED")
        } else {
            ("INTEGER", "VIRTUAL")
        };
        if postgres {
            conn.execute_unprepared("ALTER TABLE products SET (fillfactor = 85)")
                .await?;
        }
        for sql in [
            format!(
                "ALTER TABLE products ADD COLUMN low_stock {kind} \
                 GENERATED ALWAYS AS (quantity <= low_stock_threshold) {kept}"
            ),
            "DROP INDEX products_store_active_quantity".into(),
            "CREATE INDEX products_store_active_low_stock ON products (store_id, active, low_stock)"
                .into(),
        ] {
            conn.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        for sql in [
            "DROP INDEX products_store_active_low_stock",
            "ALTER TABLE products DROP COLUMN low_stock",
            "CREATE INDEX products_store_active_quantity ON products (store_id, active, quantity)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        if conn.get_database_backend() == DbBackend::Postgres {
            conn.execute_unprepared("ALTER TABLE products RESET (fillfactor)")
                .await?;
        }
        Ok(())
    }
}
