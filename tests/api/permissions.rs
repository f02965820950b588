//! The permission table (`domain::permissions`) walked against every REST
//! route and every server function, for each role and for nobody signed
//! in: what the table allows is never refused as forbidden, what it does
//! not is refused before anything else is looked at, and what nobody may
//! do says why. A route or server function missing from the list below
//! fails the test, so a new one cannot skip its line in the table.

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, OWNER, TestApp, browser, spawn_app};
use crate::on_every_backend;
use crate::sales::{sale, stocked_product};
use leptos::server_fn::ServerFn;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tillwise::api;
use tillwise::domain::auth::Role;
use tillwise::domain::catalog::ProductForm;
use tillwise::domain::conflict::{Resolution, Strategy};
use tillwise::domain::ids::new_id;
use tillwise::domain::mutation::EntityKind as K;
use tillwise::domain::permissions::{Action, Subject, may, why_not};
use uuid::Uuid;

on_every_backend!(
    every_route_and_server_function_asks_the_permission_table,
    another_stores_owner_gets_nothing_of_this_store_from_any_route,
);

/// What an endpoint needs of its caller.
#[derive(Clone, Copy, Debug)]
enum Needs {
    /// Anyone, signed in or not (signing in, a till's PIN pad, health).
    Public,
    /// Anyone signed in, whatever their role.
    SignedIn,
    /// A browser a manager paired as a till (the PIN pad), whoever is
    /// signed in on it: a device's right, not a role's.
    Till,
    /// What the table says of this subject and action.
    Table(Subject, Action),
}

enum Body {
    None,
    Json(Value),
    /// A server function's arguments, URL-encoded.
    Form(String),
}

struct Call {
    method: Method,
    /// The route as the router (or the server-function registry) names it.
    route: String,
    /// The route with real ids in it.
    path: String,
    body: Body,
    needs: Needs,
}

fn call(method: Method, route: &str, path: impl Into<String>, body: Body, needs: Needs) -> Call {
    Call {
        method,
        route: format!("/api{route}"),
        path: format!("/api{}", path.into()),
        body,
        needs,
    }
}

fn rpc<F: ServerFn + serde::Serialize>(args: F, needs: Needs) -> Call {
    Call {
        method: Method::POST,
        route: F::PATH.to_string(),
        path: F::PATH.to_string(),
        body: Body::Form(serde_qs::to_string(&args).unwrap()),
        needs,
    }
}

fn rpc_json<F: ServerFn + serde::Serialize>(args: F, needs: Needs) -> Call {
    Call {
        body: Body::Json(serde_json::to_value(&args).unwrap()),
        ..rpc(args, needs)
    }
}

fn on(kind: K, action: Action) -> Needs {
    Needs::Table(Subject::Record(kind), action)
}

/// Records of store A to aim the calls at.
struct Fixtures {
    product: String,
    category: String,
    customer: String,
    credit: String,
    employee: String,
    shift: String,
    note: String,
    sale: String,
    /// An open conflict over an employee (managers resolve those).
    conflict: Uuid,
    /// A till nobody uses in the walk (unpairing it signs nobody out).
    till: Uuid,
}

async fn fixtures(app: &TestApp) -> Fixtures {
    let owner = app.signed_in(OWNER).await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    let product = stocked_product(app, "P1", 50).await;
    // Paired from a browser of its own, so no walking client holds its cookie.
    let spare = app.signed_in(OWNER).await;
    let till = app
        .created(&spare, "/api/devices/pair", &json!({"name": "Spare till"}))
        .await["device_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let category = id(&app
        .created(&owner, "/api/categories", &json!({"name": "Walked"}))
        .await);
    let customer = id(&app
        .created(&owner, "/api/customers", &json!({"name": "Walker"}))
        .await);
    let credit = id(&app
        .created(
            &owner,
            "/api/credits",
            &json!({"customer_id": customer, "amount_cents": 500}),
        )
        .await);
    let employee = id(&app
        .created(
            &owner,
            "/api/employees",
            &json!({"name": "Eli", "role": "cashier", "pin": "4321"}),
        )
        .await);
    let shift = id(&app
        .created(
            &owner,
            "/api/shifts",
            &json!({"employee_id": app.cashier_id, "shift_date": "2099-01-05", "start_time": "09:00", "end_time": "17:00"}),
        )
        .await);
    let note = id(&app
        .created(&owner, "/api/notes", &json!({"title": "Walk"}))
        .await);
    let sale = id(&app
        .created(
            &owner,
            "/api/sales",
            &sale(
                &product,
                1,
                json!([{"method": "cash", "amount_cents": 500}]),
            ),
        )
        .await);
    // Two edits of one employee from version 1: the second clashes.
    let url = app.url(&format!("/api/employees/{employee}"));
    for name in ["Eli One", "Eli Two"] {
        owner
            .put(&url)
            .json(&json!({"name": name, "role": "cashier", "sync_version": 1}))
            .send()
            .await
            .unwrap();
    }
    let open: Value = app.get_json(&owner, "/api/conflicts").await;
    let conflict = open["items"][0]["conflict_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    Fixtures {
        product,
        category,
        customer,
        credit,
        employee,
        shift,
        note,
        sale,
        conflict,
        till,
    }
}

fn rest_calls(f: &Fixtures) -> Vec<Call> {
    use Body::{Json as J, None as Nothing};
    use Method as M;
    use Needs::{Public, SignedIn};
    let product_form = json!({"name": "Walked product", "sku": format!("W-{}", new_id().simple()), "price_cents": 100});
    let mut calls = vec![
        call(M::GET, "/health", "/health", Nothing, Public),
        call(M::GET, "/openapi.json", "/openapi.json", Nothing, Public),
        call(M::GET, "/reference", "/reference", Nothing, Public),
        call(
            M::POST,
            "/auth/login",
            "/auth/login",
            J(json!({"email": "nobody@a.test", "password": "wrong password"})),
            Public,
        ),
        call(
            M::POST,
            "/auth/pin",
            "/auth/pin",
            J(json!({"employee_id": new_id(), "pin": "0000"})),
            Needs::Till,
        ),
        call(M::GET, "/auth/me", "/auth/me", Nothing, SignedIn),
        call(
            M::POST,
            "/devices/pair",
            "/devices/pair",
            J(json!({"name": "Walked till"})),
            Needs::Table(Subject::Tills, Action::Pair),
        ),
        call(
            M::GET,
            "/devices/people",
            "/devices/people",
            Nothing,
            Needs::Till,
        ),
        call(
            M::GET,
            "/devices",
            "/devices",
            Nothing,
            Needs::Table(Subject::Tills, Action::Read),
        ),
        call(
            M::DELETE,
            "/devices/{id}",
            format!("/devices/{}", f.till),
            Nothing,
            Needs::Table(Subject::Tills, Action::Delete),
        ),
        call(
            M::GET,
            "/products",
            "/products",
            Nothing,
            on(K::Product, Action::Read),
        ),
        call(
            M::GET,
            "/products/barcode/{code}",
            "/products/barcode/77P1",
            Nothing,
            on(K::Product, Action::Read),
        ),
        call(
            M::GET,
            "/products/{id}",
            format!("/products/{}", f.product),
            Nothing,
            on(K::Product, Action::Read),
        ),
        call(
            M::POST,
            "/products/{id}/stock",
            format!("/products/{}/stock", f.product),
            J(json!({"delta": 1, "reason": "received"})),
            on(K::StockMove, Action::Create),
        ),
        call(
            M::GET,
            "/categories",
            "/categories",
            Nothing,
            on(K::Category, Action::Read),
        ),
        call(
            M::GET,
            "/categories/{id}",
            format!("/categories/{}", f.category),
            Nothing,
            on(K::Category, Action::Read),
        ),
        call(
            M::GET,
            "/customers",
            "/customers",
            Nothing,
            on(K::Customer, Action::Read),
        ),
        call(
            M::GET,
            "/customers/{id}",
            format!("/customers/{}", f.customer),
            Nothing,
            on(K::Customer, Action::Read),
        ),
        call(
            M::GET,
            "/credits",
            "/credits",
            Nothing,
            on(K::Credit, Action::Read),
        ),
        call(
            M::GET,
            "/credits/{id}",
            format!("/credits/{}", f.credit),
            Nothing,
            on(K::Credit, Action::Read),
        ),
        call(
            M::POST,
            "/credits/{id}/payments",
            format!("/credits/{}/payments", f.credit),
            J(json!({"amount_cents": 1, "method": "cash"})),
            on(K::CreditPayment, Action::Create),
        ),
        call(
            M::GET,
            "/employees",
            "/employees",
            Nothing,
            on(K::Employee, Action::Read),
        ),
        call(
            M::GET,
            "/employees/{id}",
            format!("/employees/{}", f.employee),
            Nothing,
            on(K::Employee, Action::Read),
        ),
        call(
            M::GET,
            "/shifts",
            "/shifts",
            Nothing,
            on(K::Shift, Action::Read),
        ),
        call(
            M::GET,
            "/shifts/{id}",
            format!("/shifts/{}", f.shift),
            Nothing,
            on(K::Shift, Action::Read),
        ),
        call(
            M::GET,
            "/notes",
            "/notes",
            Nothing,
            on(K::Note, Action::Read),
        ),
        call(
            M::GET,
            "/notes/{id}",
            format!("/notes/{}", f.note),
            Nothing,
            on(K::Note, Action::Read),
        ),
        call(
            M::GET,
            "/sales",
            "/sales",
            Nothing,
            on(K::Sale, Action::Read),
        ),
        call(
            M::POST,
            "/sales",
            "/sales",
            J(sale(
                &f.product,
                1,
                json!([{"method": "cash", "amount_cents": 500}]),
            )),
            on(K::Sale, Action::Create),
        ),
        call(
            M::GET,
            "/sales/{id}",
            format!("/sales/{}", f.sale),
            Nothing,
            on(K::Sale, Action::Read),
        ),
        call(
            M::POST,
            "/sales/{id}/refund",
            format!("/sales/{}/refund", f.sale),
            J(json!({"id": new_id(), "lines": [{"line_no": 1, "quantity": 1}]})),
            on(K::Sale, Action::Refund),
        ),
        call(
            M::POST,
            "/sales/{id}/void",
            format!("/sales/{}/void", f.sale),
            J(json!({"id": new_id()})),
            on(K::Sale, Action::Void),
        ),
        call(
            M::GET,
            "/clock",
            "/clock",
            Nothing,
            on(K::ClockEvent, Action::Read),
        ),
        call(
            M::POST,
            "/clock/in",
            "/clock/in",
            Nothing,
            on(K::ClockEvent, Action::Create),
        ),
        call(
            M::POST,
            "/clock/out",
            "/clock/out",
            Nothing,
            on(K::ClockEvent, Action::Update),
        ),
        call(
            M::GET,
            "/audit",
            "/audit",
            Nothing,
            Needs::Table(Subject::AuditLog, Action::Read),
        ),
        call(
            M::GET,
            "/audit/verify",
            "/audit/verify",
            Nothing,
            Needs::Table(Subject::AuditLog, Action::Read),
        ),
        call(
            M::GET,
            "/audit/entity/{entity_type}/{id}",
            format!("/audit/entity/product/{}", f.product),
            Nothing,
            Needs::Table(Subject::AuditLog, Action::Read),
        ),
        call(
            M::GET,
            "/audit/{id}",
            format!("/audit/{}", new_id()),
            Nothing,
            Needs::Table(Subject::AuditLog, Action::Read),
        ),
        call(
            M::GET,
            "/conflicts",
            "/conflicts",
            Nothing,
            Needs::Table(Subject::ConflictList, Action::Read),
        ),
        call(
            M::POST,
            "/conflicts/resolve",
            "/conflicts/resolve",
            J(json!({"conflict_id": f.conflict, "strategy": "server"})),
            on(K::Employee, Action::Resolve),
        ),
        call(
            M::GET,
            "/conflicts/{entity_type}/{id}",
            format!("/conflicts/employee/{}", f.employee),
            Nothing,
            on(K::Employee, Action::Resolve),
        ),
        call(
            M::POST,
            "/sync/push",
            "/sync/push",
            J(json!({"client_id": new_id(), "mutations": []})),
            SignedIn,
        ),
        call(M::GET, "/sync/pull", "/sync/pull", Nothing, SignedIn),
        // Without an upgrade a signed-in GET is refused as not a socket
        // (426), never as forbidden; what the socket hears is by role.
        call(M::GET, "/ws", "/ws", Nothing, SignedIn),
        call(
            M::GET,
            "/reports/sales",
            "/reports/sales",
            Nothing,
            Needs::Table(Subject::Reports, Action::Read),
        ),
        call(
            M::GET,
            "/cache/stats",
            "/cache/stats",
            Nothing,
            Needs::Table(Subject::Cache, Action::Read),
        ),
        call(
            M::DELETE,
            "/cache/store",
            "/cache/store",
            Nothing,
            Needs::Table(Subject::Cache, Action::Delete),
        ),
        call(
            M::DELETE,
            "/cache/{entity_type}",
            "/cache/products",
            Nothing,
            Needs::Table(Subject::Cache, Action::Delete),
        ),
        call(
            M::GET,
            "/indexes/stats",
            "/indexes/stats",
            Nothing,
            Needs::Table(Subject::Indexes, Action::Read),
        ),
        call(
            M::GET,
            "/indexes/slow-queries/analysis",
            "/indexes/slow-queries/analysis",
            Nothing,
            Needs::Table(Subject::Indexes, Action::Read),
        ),
        call(
            M::GET,
            "/indexes/{table}",
            "/indexes/products",
            Nothing,
            Needs::Table(Subject::Indexes, Action::Read),
        ),
        call(
            M::POST,
            "/indexes/rebuild/{table}",
            "/indexes/rebuild/notes",
            Nothing,
            Needs::Table(Subject::Indexes, Action::Update),
        ),
        call(
            M::GET,
            "/store",
            "/store",
            Nothing,
            on(K::StoreSettings, Action::Read),
        ),
        call(
            M::PUT,
            "/store",
            "/store",
            J(json!({"name": "Walked store", "sync_version": 1})),
            on(K::StoreSettings, Action::Update),
        ),
    ];
    // Every kind with a REST collection: create, edit, remove.
    let mut records = vec![
        (K::Product, "products", f.product.clone(), product_form),
        (
            K::Category,
            "categories",
            f.category.clone(),
            json!({"name": format!("C {}", new_id().simple())}),
        ),
        (
            K::Customer,
            "customers",
            f.customer.clone(),
            json!({"name": "Newcomer"}),
        ),
        (
            K::Credit,
            "credits",
            f.credit.clone(),
            json!({"customer_id": f.customer, "amount_cents": 100}),
        ),
        (
            K::Employee,
            "employees",
            f.employee.clone(),
            json!({"name": "Hire", "role": "cashier", "pin": "9876"}),
        ),
        (
            K::Shift,
            "shifts",
            f.shift.clone(),
            json!({"employee_id": f.employee, "shift_date": "2099-02-01", "start_time": "09:00", "end_time": "12:00"}),
        ),
        (
            K::Note,
            "notes",
            f.note.clone(),
            json!({"title": "Another"}),
        ),
    ];
    for kind in K::ALL {
        if kind.collection().is_some() {
            assert!(records.iter().any(|r| r.0 == kind), "{kind:?} is walked");
        }
    }
    for (kind, collection, id, create) in records.drain(..) {
        let mut edit = create.clone();
        edit["sync_version"] = json!(1);
        calls.push(call(
            Method::POST,
            &format!("/{collection}"),
            format!("/{collection}"),
            Body::Json(create),
            on(kind, Action::Create),
        ));
        calls.push(call(
            Method::PUT,
            &format!("/{collection}/{{id}}"),
            format!("/{collection}/{id}"),
            Body::Json(edit),
            on(kind, Action::Update),
        ));
        calls.push(call(
            Method::DELETE,
            &format!("/{collection}/{{id}}"),
            format!("/{collection}/{id}?sync_version=1"),
            Body::None,
            on(kind, Action::Delete),
        ));
    }
    calls.push(call(
        Method::POST,
        "/auth/logout",
        "/auth/logout",
        Body::None,
        Public,
    ));
    calls
}

fn rpc_calls(f: &Fixtures) -> Vec<Call> {
    use Needs::Public;
    let uuid = |s: &str| Uuid::parse_str(s).unwrap();
    let form = ProductForm {
        name: "Walked by rpc".into(),
        sku: format!("R-{}", new_id().simple()),
        barcode: String::new(),
        category_id: String::new(),
        price: "1.00".into(),
        cost: "0.50".into(),
        tax_percent: "0".into(),
        low_stock_threshold: "0".into(),
        active: true,
    };
    vec![
        rpc(api::auth::CurrentSession {}, Public),
        rpc(api::system::ServerHealth {}, Needs::SignedIn),
        rpc(
            api::auth::SignIn {
                email: "nobody@a.test".into(),
                password: "wrong password".into(),
            },
            Public,
        ),
        rpc(
            api::auth::PairTill {
                name: "Walked till".into(),
            },
            Needs::Table(Subject::Tills, Action::Pair),
        ),
        rpc(api::auth::TillPeople {}, Needs::Till),
        rpc(
            api::auth::PairedTills {},
            Needs::Table(Subject::Tills, Action::Read),
        ),
        rpc(
            api::auth::UnpairTill { device_id: f.till },
            Needs::Table(Subject::Tills, Action::Delete),
        ),
        rpc_json(
            api::auth::ApprovePrice {
                request: tillwise::domain::auth::PriceApprovalRequest {
                    manager_id: new_id(),
                    pin: "0000".into(),
                    sale_id: new_id(),
                    product_id: new_id(),
                    name: "Walked".into(),
                    shelf_price_cents: 100,
                    price_cents: 50,
                },
            },
            Needs::Till,
        ),
        rpc(
            api::auth::SwitchIn {
                employee_id: new_id(),
                pin: "0000".into(),
            },
            Needs::Till,
        ),
        rpc(
            api::catalog::ListProducts {
                q: String::new(),
                category_id: None,
                include_inactive: false,
                offset: 0,
            },
            on(K::Product, Action::Read),
        ),
        rpc(
            api::catalog::FindBarcode {
                code: "77P1".into(),
            },
            on(K::Product, Action::Read),
        ),
        rpc(
            api::catalog::SaveProduct {
                id: None,
                sync_version: None,
                form,
            },
            on(K::Product, Action::Create),
        ),
        rpc(
            api::catalog::DeleteProduct {
                id: uuid(&f.product),
                sync_version: 1,
            },
            on(K::Product, Action::Delete),
        ),
        rpc(
            api::catalog::AdjustStock {
                product_id: uuid(&f.product),
                delta: "1".into(),
                reason: "received".into(),
                note: String::new(),
            },
            on(K::StockMove, Action::Create),
        ),
        rpc(
            api::catalog::ListCategories {},
            on(K::Category, Action::Read),
        ),
        rpc(
            api::catalog::SaveCategory {
                id: None,
                sync_version: None,
                name: format!("R {}", new_id().simple()),
                description: String::new(),
                sort_order: "0".into(),
            },
            on(K::Category, Action::Create),
        ),
        rpc(
            api::catalog::DeleteCategory {
                id: uuid(&f.category),
                sync_version: 1,
            },
            on(K::Category, Action::Delete),
        ),
        rpc(
            api::conflicts::OpenConflicts { offset: 0 },
            Needs::Table(Subject::ConflictList, Action::Read),
        ),
        rpc(
            api::conflicts::ResolveConflict {
                choice: Resolution {
                    conflict_id: f.conflict,
                    strategy: Strategy::Server,
                    fields: Default::default(),
                },
            },
            on(K::Employee, Action::Resolve),
        ),
        rpc(
            api::customers::CustomerSales {
                customer_id: uuid(&f.customer),
            },
            on(K::Sale, Action::Read),
        ),
        rpc(
            api::reports::ReportForDays {
                from: None,
                to: None,
            },
            Needs::Table(Subject::Reports, Action::Read),
        ),
        rpc(
            api::sales::ListSales {
                from: None,
                to: None,
                offset: 0,
            },
            on(K::Sale, Action::Read),
        ),
        rpc_json(
            api::sales::RefundSale {
                original: uuid(&f.sale),
                id: new_id(),
                lines: vec![(1, 1)],
                method: "cash".into(),
            },
            on(K::Sale, Action::Refund),
        ),
        rpc(
            api::sales::VoidSale {
                original: uuid(&f.sale),
                id: new_id(),
            },
            on(K::Sale, Action::Void),
        ),
        rpc_json(
            api::audit::AuditEntries {
                filter: Default::default(),
                offset: 0,
            },
            Needs::Table(Subject::AuditLog, Action::Read),
        ),
        rpc(
            api::audit::VerifyAudit {},
            Needs::Table(Subject::AuditLog, Action::Read),
        ),
        rpc(
            api::cache::CacheFigures {},
            Needs::Table(Subject::Cache, Action::Read),
        ),
        rpc(
            api::cache::ClearCache {
                which: Some("products".into()),
            },
            Needs::Table(Subject::Cache, Action::Delete),
        ),
        rpc(
            api::indexes::DatabaseIndexes {},
            Needs::Table(Subject::Indexes, Action::Read),
        ),
        rpc(
            api::indexes::SlowStatements {},
            Needs::Table(Subject::Indexes, Action::Read),
        ),
        rpc(
            api::indexes::RebuildIndexes {
                table: "notes".into(),
            },
            Needs::Table(Subject::Indexes, Action::Update),
        ),
        rpc(api::staff::ListEmployees {}, on(K::Employee, Action::Read)),
        rpc_json(
            api::staff::SaveEmployee {
                id: None,
                sync_version: None,
                data: json!({"name": "Rpc hire", "role": "cashier", "pin": "5678"}),
            },
            on(K::Employee, Action::Create),
        ),
        rpc(
            api::staff::ListShifts {
                from: chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap(),
            },
            on(K::Shift, Action::Read),
        ),
        rpc_json(
            api::staff::SaveShift {
                id: None,
                sync_version: None,
                data: json!({"employee_id": f.employee, "shift_date": "2099-03-01", "start_time": "09:00", "end_time": "12:00"}),
            },
            on(K::Shift, Action::Create),
        ),
        rpc(
            api::staff::DeleteShift {
                id: uuid(&f.shift),
                sync_version: 1,
            },
            on(K::Shift, Action::Delete),
        ),
        rpc(
            api::store::CurrentStoreSettings {},
            on(K::StoreSettings, Action::Read),
        ),
        rpc_json(
            api::store::SaveStoreSettings {
                edit: tillwise::domain::store::SettingsEdit {
                    name: Some("Walked by rpc".into()),
                    ..Default::default()
                },
                sync_version: 1,
            },
            on(K::StoreSettings, Action::Update),
        ),
        rpc(api::auth::SignOut {}, Public),
    ]
}

async fn send(app: &TestApp, client: &Client, c: &Call) -> (StatusCode, String) {
    let mut req = client.request(c.method.clone(), app.url(&c.path));
    req = match &c.body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Form(f) => req
            .header("content-type", "application/x-www-form-urlencoded")
            .body(f.clone()),
    };
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap_or_default())
}

/// What `role` (`None`: nobody signed in) must get from `c`.
async fn check(app: &TestApp, client: &Client, role: Option<Role>, c: &Call) {
    let (status, body) = send(app, client, c).await;
    let what = format!(
        "{:?} {} {} ({role:?}): {status} {body}",
        c.needs, c.method, c.path
    );
    match (role, c.needs) {
        (_, Needs::Public) => assert_ne!(status, StatusCode::FORBIDDEN, "{what}"),
        (None, Needs::Till) => assert_eq!(status, StatusCode::FORBIDDEN, "{what}"),
        (Some(_), Needs::Till) => {}
        (None, _) => assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}"),
        (Some(_), Needs::SignedIn) => {
            assert!(
                ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status),
                "{what}"
            )
        }
        (Some(role), Needs::Table(subject, action)) if may(role, subject, action) => {
            assert!(
                ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status),
                "{what}"
            )
        }
        (Some(_), Needs::Table(subject, action)) => match why_not(subject, action) {
            Some(why) => {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{what}");
                assert!(body.contains(why), "the table's reason: {what}");
            }
            None => assert_eq!(status, StatusCode::FORBIDDEN, "{what}"),
        },
    }
}

async fn every_route_and_server_function_asks_the_permission_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = fixtures(&app).await;

    // The walk covers every route the router has, and every server
    // function the app registers.
    let routed: BTreeSet<(String, String)> = tillwise::server::http::api_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    let walked: BTreeSet<(String, String)> = rest_calls(&f)
        .iter()
        .map(|c| (c.method.to_string(), c.route.clone()))
        .collect();
    assert_eq!(walked, routed, "every REST route has its line here");
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let walked: BTreeSet<String> = rpc_calls(&f).iter().map(|c| c.route.clone()).collect();
    assert_eq!(
        walked, registered,
        "every server function has its line here"
    );

    let till = app.cashier().await;
    let manager = app.signed_in(MANAGER).await;
    let owner = app.signed_in(OWNER).await;
    let nobody = browser();
    for (role, client) in [
        (None, &nobody),
        (Some(Role::Cashier), &till),
        (Some(Role::Manager), &manager),
        (Some(Role::Owner), &owner),
    ] {
        // Signing out ends the caller's session, so it goes last.
        let (outs, calls): (Vec<Call>, Vec<Call>) = rest_calls(&f)
            .into_iter()
            .chain(rpc_calls(&f))
            .partition(|c| c.route.ends_with("/logout") || c.route.contains("sign_out"));
        for c in calls.iter().chain(&outs) {
            check(&app, client, role, c).await;
        }
    }
}

impl Fixtures {
    /// Every id of store A the calls aim at, and the store's own.
    fn ids(&self, app: &TestApp) -> Vec<String> {
        [
            &self.product,
            &self.category,
            &self.customer,
            &self.credit,
            &self.employee,
            &self.shift,
            &self.note,
            &self.sale,
        ]
        .into_iter()
        .cloned()
        .chain([self.conflict, self.till, app.store, app.cashier_id].map(|id| id.to_string()))
        .collect()
    }
}

fn request_text(c: &Call) -> String {
    let body = match &c.body {
        Body::None => String::new(),
        Body::Json(v) => v.to_string(),
        Body::Form(f) => f.clone(),
    };
    format!("{} {body}", c.path)
}

/// The walk again, as the owner of store B aiming at store A's records:
/// every route and server function (the walk covers them all). No answer
/// carries anything of store A beyond the ids the caller sent, no success
/// repeats one of those ids except answers about the request itself (a
/// push's per-change answers, a record's empty history), and store A's
/// ledger (audit, feed, sale numbers, name) has not moved.
async fn another_stores_owner_gets_nothing_of_this_store_from_any_route(backend: Backend) {
    use sea_orm::EntityTrait;
    use tillwise::server::db::entities::store;
    let app = spawn_app(backend).await;
    let f = fixtures(&app).await;
    let ids = f.ids(&app);
    let ledger = |app: &TestApp| {
        let db = app.db.clone();
        let id = app.store;
        async move {
            let s = store::Entity::find_by_id(id)
                .one(db.conn())
                .await
                .unwrap()
                .unwrap();
            (s.audit_seq, s.change_seq, s.sale_seq, s.name)
        }
    };
    let before = ledger(&app).await;
    // Answers about what the caller sent, scoped to the caller's store.
    let about_what_was_sent = [
        "/api/sync/push",
        "/api/audit/entity/{entity_type}/{id}",
        "/api/conflicts/{entity_type}/{id}",
    ];
    let intruder = app.signed_in(OTHER_OWNER).await;
    let (outs, calls): (Vec<Call>, Vec<Call>) = rest_calls(&f)
        .into_iter()
        .chain(rpc_calls(&f))
        .partition(|c| c.route.ends_with("/logout") || c.route.contains("sign_out"));
    for c in calls.iter().chain(&outs) {
        let (status, body) = send(&app, &intruder, c).await;
        let what = format!(
            "{} {} as store B's owner: {status} {body}",
            c.method, c.path
        );
        assert!(!status.is_server_error(), "{what}");
        let sent = request_text(c);
        let leaked: Vec<&String> = ids
            .iter()
            .filter(|id| !sent.contains(id.as_str()) && body.contains(id.as_str()))
            .collect();
        assert!(leaked.is_empty(), "store A's {leaked:?} in {what}");
        assert!(!body.contains("Store A"), "{what}");
        // A success naming one of store A's records says nothing of it
        // (an empty list filtered by it), unless it answers about the
        // caller's own request.
        let echoed = ids
            .iter()
            .any(|id| sent.contains(id.as_str()) && body.contains(id.as_str()));
        if echoed && status.is_success() {
            assert!(about_what_was_sent.contains(&c.route.as_str()), "{what}");
        }
    }
    assert_eq!(ledger(&app).await, before, "store A wrote nothing");
}
