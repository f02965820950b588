//! One index for every lookup the app makes (docs/ARCHITECTURE.md,
//! "Database"), plus the unique rules of the domain. Both backends read the same statements.
//!
//! Departures from the reference list, and why:
//! - "PIN authentication {storeId, pin}": PINs are stored as Argon2 hashes,
//!   which cannot be looked up; a PIN sign-in names the employee, found by
//!   primary key, and `employees_store_active_name` lists the till's people.
//! - Uniques on barcode, SKU, e-mail and category name skip soft-deleted
//!   rows, so a deleted product's barcode can be used again.

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE UNIQUE INDEX products_store_barcode ON products (store_id, barcode) WHERE deleted_at IS NULL AND barcode IS NOT NULL;
CREATE UNIQUE INDEX products_store_sku ON products (store_id, sku) WHERE deleted_at IS NULL;
CREATE INDEX products_store_category ON products (store_id, category_id);
CREATE INDEX products_store_active_name ON products (store_id, active, name);
CREATE INDEX products_store_active_quantity ON products (store_id, active, quantity);
CREATE INDEX products_store_price ON products (store_id, price_cents);
CREATE INDEX products_store_sync ON products (store_id, sync_version, last_synced_at);

CREATE UNIQUE INDEX categories_store_name ON categories (store_id, name) WHERE deleted_at IS NULL;
CREATE INDEX categories_store_sync ON categories (store_id, sync_version, last_synced_at);

CREATE INDEX sales_store_created ON sales (store_id, created_at);
CREATE INDEX sales_store_employee_created ON sales (store_id, employee_id, created_at);
CREATE INDEX sales_store_customer_created ON sales (store_id, customer_id, created_at);
CREATE INDEX sales_store_method_created ON sales (store_id, payment_method, created_at);
CREATE INDEX sales_store_payment_status_created ON sales (store_id, payment_status, created_at);
CREATE INDEX sales_store_status_created ON sales (store_id, status, created_at);
CREATE INDEX sales_store_shift_created ON sales (store_id, shift_id, created_at);
CREATE INDEX sales_store_total_created ON sales (store_id, total_cents, created_at);
CREATE INDEX sales_store_sync ON sales (store_id, sync_version, last_synced_at);
CREATE INDEX sales_original ON sales (original_sale_id);
CREATE INDEX sale_lines_sale ON sale_lines (sale_id);
CREATE INDEX sale_lines_store_product ON sale_lines (store_id, product_id);
CREATE INDEX payments_sale ON payments (sale_id);

CREATE INDEX customers_store_phone ON customers (store_id, phone);
CREATE INDEX customers_store_email ON customers (store_id, email);
CREATE INDEX customers_store_total_spent ON customers (store_id, total_spent_cents);
CREATE INDEX customers_store_total_orders ON customers (store_id, total_orders);
CREATE INDEX customers_store_last_order ON customers (store_id, last_order_at);
CREATE INDEX customers_store_sync ON customers (store_id, sync_version, last_synced_at);

CREATE INDEX employees_store_active_name ON employees (store_id, active, name);
CREATE UNIQUE INDEX employees_store_email ON employees (store_id, email) WHERE deleted_at IS NULL AND email IS NOT NULL;
CREATE INDEX employees_email ON employees (email);
CREATE INDEX employees_store_role ON employees (store_id, role);
CREATE INDEX employees_store_sync ON employees (store_id, sync_version, last_synced_at);

CREATE INDEX credits_store_status_due ON credits (store_id, status, due_date);
CREATE INDEX credits_store_customer_created ON credits (store_id, customer_id, created_at);
CREATE INDEX credits_store_sale ON credits (store_id, sale_id);
CREATE INDEX credits_store_status_amount ON credits (store_id, status, amount_cents);
CREATE INDEX credits_store_paid_at ON credits (store_id, paid_at);
CREATE INDEX credits_store_sync ON credits (store_id, sync_version, last_synced_at);

CREATE INDEX clock_events_store_clock_out ON clock_events (store_id, clock_out);
CREATE INDEX clock_events_store_employee_clock_out ON clock_events (store_id, employee_id, clock_out);
CREATE INDEX clock_events_store_clock_in ON clock_events (store_id, clock_in);
CREATE INDEX clock_events_store_shift ON clock_events (store_id, shift_id);
CREATE INDEX clock_events_store_employee_clock_in ON clock_events (store_id, employee_id, clock_in);
CREATE INDEX clock_events_store_sales_total ON clock_events (store_id, sales_total_cents, clock_in);

CREATE INDEX shifts_store_date_start ON shifts (store_id, shift_date, start_time);
CREATE INDEX shifts_store_employee_date ON shifts (store_id, employee_id, shift_date);
CREATE INDEX shifts_store_status_date ON shifts (store_id, status, shift_date);
CREATE INDEX shifts_store_status_date_start ON shifts (store_id, status, shift_date, start_time);
CREATE INDEX shifts_store_sync ON shifts (store_id, sync_version, last_synced_at);

CREATE INDEX stock_moves_store_product_created ON stock_moves (store_id, product_id, created_at);
CREATE INDEX stock_moves_sale ON stock_moves (sale_id);

CREATE INDEX audit_store_created ON audit_log (store_id, created_at);
CREATE INDEX audit_store_entity ON audit_log (store_id, entity_type, entity_id);
CREATE INDEX audit_store_employee_created ON audit_log (store_id, employee_id, created_at);
CREATE INDEX audit_store_action_created ON audit_log (store_id, action, created_at);

CREATE INDEX sessions_employee ON sessions (employee_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX devices_store ON devices (store_id);
CREATE INDEX sync_clients_store ON sync_clients (store_id);
CREATE INDEX conflicts_store_entity ON conflicts (store_id, entity_type, entity_id);
CREATE INDEX conflicts_store_status_created ON conflicts (store_id, status, created_at)
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let names: Vec<&str> = UP
            .lines()
            .filter_map(|l| l.split_whitespace().skip_while(|w| *w != "INDEX").nth(1))
            .collect();
        let drops: String = names.iter().map(|n| format!("DROP INDEX {n};")).collect();
        run_all(manager, &drops).await
    }
}
