//! Text search over products (name, SKU, barcode) and customers (name,
//! phone, e-mail): FTS5 on SQLite, trigram GIN indexes on PostgreSQL. The
//! catalog service writes the matching query for each backend.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE products_fts USING fts5(name, sku, barcode, content='products', content_rowid='rowid', tokenize='unicode61')",
    "CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
        INSERT INTO products_fts(rowid, name, sku, barcode) VALUES (new.rowid, new.name, new.sku, new.barcode);
     END",
    "CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, sku, barcode) VALUES ('delete', old.rowid, old.name, old.sku, old.barcode);
     END",
    "CREATE TRIGGER products_fts_update AFTER UPDATE OF name, sku, barcode ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, sku, barcode) VALUES ('delete', old.rowid, old.name, old.sku, old.barcode);
        INSERT INTO products_fts(rowid, name, sku, barcode) VALUES (new.rowid, new.name, new.sku, new.barcode);
     END",
    "CREATE VIRTUAL TABLE customers_fts USING fts5(name, phone, email, content='customers', content_rowid='rowid', tokenize='unicode61')",
    "CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
        INSERT INTO customers_fts(rowid, name, phone, email) VALUES (new.rowid, new.name, new.phone, new.email);
     END",
    "CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
        INSERT INTO customers_fts(customers_fts, rowid, name, phone, email) VALUES ('delete', old.rowid, old.name, old.phone, old.email);
     END",
    "CREATE TRIGGER customers_fts_update AFTER UPDATE OF name, phone, email ON customers BEGIN
        INSERT INTO customers_fts(customers_fts, rowid, name, phone, email) VALUES ('delete', old.rowid, old.name, old.phone, old.email);
        INSERT INTO customers_fts(rowid, name, phone, email) VALUES (new.rowid, new.name, new.phone, new.email);
     END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TABLE customers_fts",
    "DROP TABLE products_fts",
    "DROP TRIGGER IF EXISTS products_fts_insert",
    "DROP TRIGGER IF EXISTS products_fts_delete",
    "DROP TRIGGER IF EXISTS products_fts_update",
    "DROP TRIGGER IF EXISTS customers_fts_insert",
    "DROP TRIGGER IF EXISTS customers_fts_delete",
    "DROP TRIGGER IF EXISTS customers_fts_update",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX products_search_name ON products USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX products_search_sku ON products USING gin (lower(sku) gin_trgm_ops)",
    "CREATE INDEX customers_search_name ON customers USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX customers_search_phone ON customers USING gin (lower(phone) gin_trgm_ops)",
    "CREATE INDEX customers_search_email ON customers USING gin (lower(email) gin_trgm_ops)",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX products_search_name",
    "DROP INDEX products_search_sku",
    "DROP INDEX customers_search_name",
    "DROP INDEX customers_search_phone",
    "DROP INDEX customers_search_email",
];

async fn run(manager: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    let statements = match conn.get_database_backend() {
        DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    for s in statements {
        conn.execute_unprepared(s).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_DOWN, POSTGRES_DOWN).await
    }
}
