//! The public REST API under `/api` (DESIGN.md "HTTP surface"). Handlers
//! parse the request, call one service, and shape the answer; nothing more.

mod audit;
mod auth;
pub mod body;
mod catalog;
mod conflicts;
mod credits;
mod customers;
pub mod extract;
mod health;
mod records;
mod reports;
mod sales;
mod staff;
mod store;
mod sync;

use crate::domain::mutation::EntityKind;
use crate::server::startup::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Bodies above this are refused before they are read.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn api_router() -> Router<AppState> {
    use records::{create_route, item_routes};
    Router::new()
        .route("/health", get(health::health))
        .route("/auth/login", post(auth::login))
        .route("/auth/pin", post(auth::pin))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/devices/pair", post(auth::pair))
        .route("/devices/people", get(auth::till_people))
        .route(
            "/products",
            get(catalog::list_products).merge(create_route(EntityKind::Product)),
        )
        .route("/products/barcode/{code}", get(catalog::product_by_barcode))
        .route(
            "/products/{id}",
            get(catalog::get_product).merge(item_routes(EntityKind::Product)),
        )
        .route("/products/{id}/stock", post(catalog::adjust_stock))
        .route(
            "/categories",
            get(catalog::list_categories).merge(create_route(EntityKind::Category)),
        )
        .route(
            "/categories/{id}",
            get(catalog::get_category).merge(item_routes(EntityKind::Category)),
        )
        .route(
            "/customers",
            get(customers::list_customers).merge(create_route(EntityKind::Customer)),
        )
        .route(
            "/customers/{id}",
            get(customers::get_customer).merge(item_routes(EntityKind::Customer)),
        )
        .route(
            "/credits",
            get(credits::list_credits).merge(create_route(EntityKind::Credit)),
        )
        .route(
            "/credits/{id}",
            get(credits::get_credit).merge(item_routes(EntityKind::Credit)),
        )
        .route("/credits/{id}/payments", post(credits::pay_credit))
        .route("/sales", get(sales::list_sales).post(sales::record_sale))
        .route("/sales/{id}", get(sales::get_sale))
        .route("/sales/{id}/refund", post(sales::refund_sale))
        .route("/sales/{id}/void", post(sales::void_sale))
        .route(
            "/employees",
            get(staff::list_employees).merge(create_route(EntityKind::Employee)),
        )
        .route(
            "/employees/{id}",
            get(staff::get_employee).merge(item_routes(EntityKind::Employee)),
        )
        .route(
            "/shifts",
            get(staff::list_shifts).merge(create_route(EntityKind::Shift)),
        )
        .route(
            "/shifts/{id}",
            get(staff::get_shift).merge(item_routes(EntityKind::Shift)),
        )
        .route("/clock", get(staff::clock_state))
        .route("/clock/in", post(staff::clock_in))
        .route("/clock/out", post(staff::clock_out))
        .route("/audit", get(audit::list))
        .route("/audit/verify", get(audit::verify))
        .route("/audit/entity/{entity_type}/{id}", get(audit::history))
        .route("/audit/{id}", get(audit::one))
        .route("/conflicts", get(conflicts::open))
        .route("/conflicts/resolve", post(conflicts::resolve))
        .route("/conflicts/{entity_type}/{id}", get(conflicts::for_record))
        .route("/sync/push", post(sync::push))
        .route("/sync/pull", get(sync::pull))
        .route("/reports/sales", get(reports::sales_report))
        .route("/store", get(store::get_settings).put(store::put_settings))
        .fallback(|| async { crate::domain::error::AppError::not_found("API endpoint") })
}
