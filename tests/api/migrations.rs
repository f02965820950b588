//! The schema: every table and index, on each backend, idempotently.

use crate::helpers::{Backend, TestDatabase, settings};
use crate::on_every_backend;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use tillwise::server::db::connect_and_migrate;
use tillwise::server::services::{Db, seed};

on_every_backend!(
    migrations_create_every_table_and_index_and_rerun_cleanly,
    the_demo_seed_fills_an_empty_database_once
);

const TABLES: [&str; 21] = [
    "stores",
    "employees",
    "sessions",
    "devices",
    "categories",
    "products",
    "customers",
    "sales",
    "sale_lines",
    "payments",
    "stock_moves",
    "credits",
    "credit_payments",
    "shifts",
    "clock_events",
    "changes",
    "audit_log",
    "sync_clients",
    "sync_results",
    "conflicts",
    "notes",
];

async fn names(db: &sea_orm::DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect()
}

async fn migrations_create_every_table_and_index_and_rerun_cleanly(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let db = connect_and_migrate(&database.url).await.unwrap();
    let (tables, indexes) = match db.get_database_backend() {
        DbBackend::Postgres => (
            names(
                &db,
                "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
            )
            .await,
            names(
                &db,
                "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'",
            )
            .await,
        ),
        _ => (
            names(&db, "SELECT name FROM sqlite_master WHERE type = 'table'").await,
            names(&db, "SELECT name FROM sqlite_master WHERE type = 'index'").await,
        ),
    };
    for table in TABLES {
        assert!(tables.iter().any(|t| t == table), "missing table {table}");
        let columns = names(
            &db,
            &match db.get_database_backend() {
                DbBackend::Postgres => format!("SELECT column_name::text AS name FROM information_schema.columns WHERE table_name = '{table}'"),
                _ => format!("SELECT name FROM pragma_table_info('{table}')"),
            },
        )
        .await;
        assert!(
            table == "stores" || columns.iter().any(|c| c == "store_id"),
            "{table} is store-scoped"
        );
    }
    // Every reference lookup has its index (a sample from each table).
    for index in [
        "products_store_barcode",
        "products_store_sku",
        "products_store_active_low_stock",
        "products_store_sync",
        "sales_store_created",
        "sales_store_total_created",
        "customers_store_total_spent",
        "employees_store_email",
        "credits_store_status_due",
        "clock_events_store_sales_total",
        "shifts_store_status_date_start",
        "audit_store_entity",
    ] {
        assert!(indexes.iter().any(|i| i == index), "missing index {index}");
    }
    let search = if backend == Backend::Postgres {
        "products_search_name"
    } else {
        "products_fts"
    };
    assert!(
        indexes.iter().chain(tables.iter()).any(|i| i == search),
        "missing text search {search}"
    );
    // Versioned tables carry the sync fields.
    for table in [
        "products",
        "categories",
        "customers",
        "employees",
        "credits",
        "shifts",
        "sales",
    ] {
        let sql = format!("SELECT sync_version, last_synced_at FROM {table} WHERE 1 = 0");
        db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
    }
    // Running the migrations again is a no-op.
    db.close().await.unwrap();
    connect_and_migrate(&database.url).await.unwrap();
}

async fn the_demo_seed_fills_an_empty_database_once(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let db = Db::connect(&settings(&database.url)).await.unwrap();
    assert!(seed::seed_if_empty(&db).await.unwrap());
    assert!(
        !seed::seed_if_empty(&db).await.unwrap(),
        "a second start seeds nothing"
    );
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) AS n FROM stores").await, 2);
    assert!(count("SELECT COUNT(*) AS n FROM products p JOIN stores s ON s.id = p.store_id WHERE s.name = 'Demo Store' AND p.barcode IS NOT NULL").await >= 200);
    assert_eq!(count("SELECT COUNT(DISTINCT category_id) AS n FROM products p JOIN stores s ON s.id = p.store_id WHERE s.name = 'Demo Store'").await, 10);
    assert_eq!(count("SELECT COUNT(*) AS n FROM customers").await, 50);
    assert!(
        count("SELECT COUNT(*) AS n FROM products WHERE quantity > 0").await > 100,
        "products have stock"
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM employees WHERE role = 'cashier'").await,
        2
    );
}
