//! Every table of docs/ARCHITECTURE.md. Versioned rows carry `sync_version` and
//! `last_synced_at`; soft-deleted rows keep `deleted_at` so a delete can be
//! synced as a tombstone.

use super::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE stores (
    id {id} PRIMARY KEY,
    name VARCHAR(120) NOT NULL,
    currency VARCHAR(3) NOT NULL DEFAULT 'USD',
    prices_include_tax BOOLEAN NOT NULL DEFAULT FALSE,
    change_seq BIGINT NOT NULL DEFAULT 0,
    audit_seq BIGINT NOT NULL DEFAULT 0,
    audit_head VARCHAR(64) NOT NULL DEFAULT '',
    sale_seq BIGINT NOT NULL DEFAULT 0,
    created_at {ts} NOT NULL
);

CREATE TABLE employees (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    name VARCHAR(120) NOT NULL,
    email VARCHAR(254),
    role VARCHAR(16) NOT NULL CHECK (role IN ('cashier', 'manager', 'owner')),
    password_hash TEXT,
    pin_hash TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_pin_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until {ts},
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    deleted_at {ts},
    sync_version BIGINT NOT NULL DEFAULT 1,
    last_synced_at {ts} NOT NULL
);

CREATE TABLE devices (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    name VARCHAR(80) NOT NULL,
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    paired_by {id} NOT NULL REFERENCES employees(id),
    created_at {ts} NOT NULL,
    revoked_at {ts}
);

CREATE TABLE sessions (
    id {id} PRIMARY KEY,
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    store_id {id} NOT NULL REFERENCES stores(id),
    employee_id {id} NOT NULL REFERENCES employees(id),
    device_id {id} REFERENCES devices(id),
    created_at {ts} NOT NULL,
    expires_at {ts} NOT NULL,
    last_seen_at {ts} NOT NULL
);

CREATE TABLE categories (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    name VARCHAR(80) NOT NULL,
    description TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    deleted_at {ts},
    sync_version BIGINT NOT NULL DEFAULT 1,
    last_synced_at {ts} NOT NULL
);

CREATE TABLE products (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    name VARCHAR(120) NOT NULL,
    sku VARCHAR(64) NOT NULL,
    barcode VARCHAR(64),
    category_id {id} REFERENCES categories(id),
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
    cost_cents BIGINT NOT NULL DEFAULT 0 CHECK (cost_cents >= 0),
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    low_stock_threshold BIGINT NOT NULL DEFAULT 5,
    quantity BIGINT NOT NULL DEFAULT 0,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    deleted_at {ts},
    sync_version BIGINT NOT NULL DEFAULT 1,
    last_synced_at {ts} NOT NULL
);

CREATE TABLE customers (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    name VARCHAR(120) NOT NULL,
    phone VARCHAR(32),
    email VARCHAR(254),
    notes TEXT,
    total_spent_cents BIGINT NOT NULL DEFAULT 0,
    total_orders BIGINT NOT NULL DEFAULT 0,
    last_order_at {ts},
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    deleted_at {ts},
    sync_version BIGINT NOT NULL DEFAULT 1,
    last_synced_at {ts} NOT NULL
);

CREATE TABLE shifts (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    employee_id {id} NOT NULL REFERENCES employees(id),
    shift_date {date} NOT NULL,
    start_time {time} NOT NULL,
    end_time {time} NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'in_progress', 'completed', 'cancelled')),
    notes TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    deleted_at {ts},
    sync_version BIGINT NOT NULL DEFAULT 1,
    last_synced_at {ts} NOT NULL
);

CREATE TABLE sales (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    number BIGINT NOT NULL,
    employee_id {id} NOT NULL REFERENCES employees(id),
    customer_id {id} REFERENCES customers(id),
    shift_id {id} REFERENCES shifts(id),
    device_id {id} REFERENCES devices(id),
    original_sale_id {id} REFERENCES sales(id),
    status VARCHAR(16) NOT NULL CHECK (status IN ('completed', 'refunded', 'voided')),
    payment_status VARCHAR(16) NOT NULL CHECK (payment_status IN ('paid', 'partial', 'on_credit')),
    payment_method VARCHAR(16) NOT NULL CHECK (payment_method IN ('cash', 'card', 'credit', 'split')),
    subtotal_cents BIGINT NOT NULL,
    discount_cents BIGINT NOT NULL DEFAULT 0,
    tax_cents BIGINT NOT NULL,
    total_cents BIGINT NOT NULL,
    paid_cents BIGINT NOT NULL,
    change_cents BIGINT NOT NULL DEFAULT 0,
    created_at {ts} NOT NULL,
    received_at {ts} NOT NULL,
    sync_version BIGINT NOT NULL DEFAULT 1,
    last_synced_at {ts} NOT NULL,
    UNIQUE (store_id, number)
);

CREATE TABLE sale_lines (
    id {id} PRIMARY KEY,
    sale_id {id} NOT NULL REFERENCES sales(id),
    store_id {id} NOT NULL REFERENCES stores(id),
    line_no INTEGER NOT NULL,
    product_id {id} NOT NULL REFERENCES products(id),
    name VARCHAR(120) NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price_cents BIGINT NOT NULL,
    discount_cents BIGINT NOT NULL DEFAULT 0,
    tax_rate_bp INTEGER NOT NULL,
    tax_cents BIGINT NOT NULL,
    total_cents BIGINT NOT NULL,
    UNIQUE (sale_id, line_no)
);

CREATE TABLE payments (
    id {id} PRIMARY KEY,
    sale_id {id} NOT NULL REFERENCES sales(id),
    store_id {id} NOT NULL REFERENCES stores(id),
    method VARCHAR(16) NOT NULL CHECK (method IN ('cash', 'card', 'credit')),
    amount_cents BIGINT NOT NULL,
    created_at {ts} NOT NULL
);

CREATE TABLE stock_moves (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    product_id {id} NOT NULL REFERENCES products(id),
    delta BIGINT NOT NULL CHECK (delta <> 0),
    reason VARCHAR(16) NOT NULL,
    sale_id {id} REFERENCES sales(id),
    employee_id {id} REFERENCES employees(id),
    note VARCHAR(200),
    created_at {ts} NOT NULL
);

CREATE TABLE credits (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    customer_id {id} NOT NULL REFERENCES customers(id),
    sale_id {id} REFERENCES sales(id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    paid_cents BIGINT NOT NULL DEFAULT 0,
    status VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'overdue')),
    due_date {date},
    paid_at {ts},
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    deleted_at {ts},
    sync_version BIGINT NOT NULL DEFAULT 1,
    last_synced_at {ts} NOT NULL
);

CREATE TABLE clock_events (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    employee_id {id} NOT NULL REFERENCES employees(id),
    shift_id {id} REFERENCES shifts(id),
    clock_in {ts} NOT NULL,
    clock_out {ts},
    sales_total_cents BIGINT NOT NULL DEFAULT 0,
    sync_version BIGINT NOT NULL DEFAULT 1,
    last_synced_at {ts} NOT NULL
);

CREATE TABLE changes (
    store_id {id} NOT NULL REFERENCES stores(id),
    seq BIGINT NOT NULL,
    entity VARCHAR(32) NOT NULL,
    entity_id {id} NOT NULL,
    op VARCHAR(16) NOT NULL CHECK (op IN ('upsert', 'delete')),
    version BIGINT NOT NULL,
    created_at {ts} NOT NULL,
    PRIMARY KEY (store_id, seq)
);

CREATE TABLE audit_log (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    seq BIGINT NOT NULL,
    action VARCHAR(32) NOT NULL,
    entity_type VARCHAR(32) NOT NULL,
    entity_id {id},
    employee_id {id},
    ip VARCHAR(64),
    user_agent VARCHAR(512),
    request_id VARCHAR(64),
    before_state {json},
    after_state {json},
    created_at {ts} NOT NULL,
    prev_hash VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL,
    UNIQUE (store_id, seq)
);

CREATE TABLE sync_clients (
    client_id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    device_id {id} REFERENCES devices(id),
    last_mutation_id BIGINT NOT NULL DEFAULT 0,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);

CREATE TABLE conflicts (
    id {id} PRIMARY KEY,
    store_id {id} NOT NULL REFERENCES stores(id),
    entity_type VARCHAR(32) NOT NULL,
    entity_id {id} NOT NULL,
    base_state {json},
    server_state {json},
    client_state {json},
    fields {json} NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    created_by {id} REFERENCES employees(id),
    created_at {ts} NOT NULL,
    resolved_by {id} REFERENCES employees(id),
    resolved_at {ts},
    resolution {json}
)
"#;

const DOWN: &str = r#"
DROP TABLE conflicts; DROP TABLE sync_clients; DROP TABLE audit_log; DROP TABLE changes;
DROP TABLE clock_events; DROP TABLE credits; DROP TABLE stock_moves; DROP TABLE payments;
DROP TABLE sale_lines; DROP TABLE sales; DROP TABLE shifts; DROP TABLE customers;
DROP TABLE products; DROP TABLE categories; DROP TABLE sessions; DROP TABLE devices;
DROP TABLE employees; DROP TABLE stores
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
