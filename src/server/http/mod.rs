//! The public REST API under `/api` (docs/ARCHITECTURE.md, "HTTP surface"). Handlers
//! parse the request, call one service, and shape the answer; nothing more.
//! The record kinds' writes are mounted from their descriptions.

mod audit;
mod auth;
pub mod body;
mod cache;
mod catalog;
mod conflicts;
mod credits;
mod customers;
pub mod extract;
mod health;
mod indexes;
mod notes;
pub mod openapi;
mod records;
mod reports;
pub mod rpc_status;
mod sales;
pub mod same_origin;
mod staff;
mod store;
mod sync;
mod ws;

use crate::domain::mutation::EntityKind;
use crate::server::startup::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;

/// Bodies above this are refused before they are read.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn api_router() -> Router<AppState> {
    api().router
}

/// Every REST route under `/api`, as its method and path: what the
/// permission test walks for each role, and what an API document lists.
pub fn api_routes() -> Vec<(Method, String)> {
    api().listed
}

/// The router, and the list of what it routes, built together so the two
/// cannot differ.
struct Api {
    router: Router<AppState>,
    listed: Vec<(Method, String)>,
}

impl Api {
    fn route(mut self, method: Method, path: &str, route: MethodRouter<AppState>) -> Self {
        self.listed.push((method, format!("/api{path}")));
        self.router = self.router.route(path, route);
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.route(Method::GET, path, axum::routing::get(handler))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.route(Method::POST, path, axum::routing::post(handler))
    }

    fn put<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.route(Method::PUT, path, axum::routing::put(handler))
    }

    fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.route(Method::DELETE, path, axum::routing::delete(handler))
    }

    /// POST, PUT and DELETE of every kind with a REST collection, over the
    /// write path (which answers what nobody may do with the reason).
    fn record_kinds(mut self) -> Self {
        for kind in EntityKind::ALL {
            let Some(collection) = kind.collection() else {
                continue;
            };
            let (list, item) = (format!("/{collection}"), format!("/{collection}/{{id}}"));
            self = self
                .route(Method::POST, &list, records::create_route(kind))
                .route(Method::PUT, &item, records::update_route(kind))
                .route(Method::DELETE, &item, records::delete_route(kind));
        }
        self
    }
}

fn api() -> Api {
    let api = Api {
        router: Router::new(),
        listed: Vec::new(),
    };
    let api = api
        .get("/health", health::health)
        .get("/openapi.json", openapi::document)
        .get("/reference", openapi::reference)
        .post("/auth/login", auth::login)
        .post("/auth/pin", auth::pin)
        .post("/auth/logout", auth::logout)
        .get("/auth/me", auth::me)
        .post("/devices/pair", auth::pair)
        .get("/devices/people", auth::till_people)
        .get("/devices", auth::tills)
        .delete("/devices/{id}", auth::unpair)
        // Reads of the record kinds; their writes are `record_kinds`.
        .get("/products", catalog::list_products)
        .get("/products/barcode/{code}", catalog::product_by_barcode)
        .get("/products/{id}", catalog::get_product)
        .post("/products/{id}/stock", catalog::adjust_stock)
        .get("/categories", catalog::list_categories)
        .get("/categories/{id}", catalog::get_category)
        .get("/customers", customers::list_customers)
        .get("/customers/{id}", customers::get_customer)
        .get("/credits", credits::list_credits)
        .get("/credits/{id}", credits::get_credit)
        .post("/credits/{id}/payments", credits::pay_credit)
        .get("/employees", staff::list_employees)
        .get("/employees/{id}", staff::get_employee)
        .get("/shifts", staff::list_shifts)
        .get("/shifts/{id}", staff::get_shift)
        .get("/notes", notes::list_notes)
        .get("/notes/{id}", notes::get_note)
        .record_kinds()
        .get("/sales", sales::list_sales)
        .post("/sales", sales::record_sale)
        .get("/sales/{id}", sales::get_sale)
        .post("/sales/{id}/refund", sales::refund_sale)
        .post("/sales/{id}/void", sales::void_sale)
        .get("/clock", staff::clock_state)
        .post("/clock/in", staff::clock_in)
        .post("/clock/out", staff::clock_out)
        .get("/audit", audit::list)
        .get("/audit/verify", audit::verify)
        .get("/audit/entity/{entity_type}/{id}", audit::history)
        .get("/audit/{id}", audit::one)
        .get("/conflicts", conflicts::open)
        .post("/conflicts/resolve", conflicts::resolve)
        .get("/conflicts/{entity_type}/{id}", conflicts::for_record)
        .post("/sync/push", sync::push)
        .get("/sync/pull", sync::pull)
        .get("/ws", ws::socket)
        .get("/reports/sales", reports::sales_report)
        .get("/store", store::get_settings)
        .put("/store", store::put_settings)
        .get("/cache/stats", cache::stats)
        .delete("/cache/store", cache::clear_store)
        .delete("/cache/{entity_type}", cache::clear_one)
        .get("/indexes/stats", indexes::stats)
        .get("/indexes/slow-queries/analysis", indexes::slow_queries)
        .get("/indexes/{table}", indexes::of_table)
        .post("/indexes/rebuild/{table}", indexes::rebuild);
    Api {
        router: api
            .router
            .fallback(|| async { crate::domain::error::AppError::not_found("API endpoint") }),
        ..api
    }
}
