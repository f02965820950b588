//! The cache of reads: a repeated read is a hit, and no write is ever
//! followed by a stale read — on SQLite with the in-process cache, on
//! PostgreSQL with Redis (CI sets both), and across two instances.

use crate::helpers::{
    Backend, MANAGER, OTHER_OWNER, OWNER, OwnRedis, TestApp, postgres_admin_url, spawn_app,
    spawn_app_with,
};
use crate::on_every_backend;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use tillwise::domain::ids::new_id;

on_every_backend!(
    a_repeated_read_is_a_hit_and_every_write_is_in_the_next_read,
    a_sale_and_its_refund_are_in_the_next_stock_sales_customers_and_report,
    two_stores_never_share_an_answer,
    roles_are_checked_before_the_cache,
    the_figures_and_clearing_are_for_managers_and_owners,
);

/// `GET path` as `client`: the JSON, and what `x-cache` said.
async fn read(app: &TestApp, client: &Client, path: &str) -> (Value, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let source = res
        .headers()
        .get("x-cache")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (res.json().await.unwrap(), source)
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

async fn sent(res: reqwest::RequestBuilder, want: StatusCode) -> Value {
    let res = res.send().await.unwrap();
    assert_eq!(res.status(), want);
    res.json().await.unwrap_or(Value::Null)
}

async fn a_repeated_read_is_a_hit_and_every_write_is_in_the_next_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let product = app.product(&manager, "C-1", "5000000000011").await;
    let id = product["id"].as_str().unwrap();
    let list = "/api/products?limit=50";

    let (first, source) = read(&app, &manager, list).await;
    assert_eq!(source, "miss");
    let (again, source) = read(&app, &manager, list).await;
    assert_eq!(source, "hit");
    assert_eq!(first, again);
    // The same question asked another way is the same entry.
    let (_, source) = read(&app, &manager, "/api/products?limit=50&offset=0&q=").await;
    assert_eq!(source, "hit");

    // An edit.
    let edit = json!({"name": "Renamed", "sku": "C-1", "price_cents": 999, "sync_version": 1});
    let path = app.url(&format!("/api/products/{id}"));
    sent(manager.put(&path).json(&edit), StatusCode::OK).await;
    let (after_edit, source) = read(&app, &manager, list).await;
    assert_eq!(source, "miss");
    assert_eq!(names(&after_edit), ["Renamed"]);
    assert_eq!(after_edit["items"][0]["price_cents"], 999);

    // A stock adjustment.
    let stock = app.url(&format!("/api/products/{id}/stock"));
    let adjust = json!({"delta": 5, "reason": "received"});
    sent(manager.post(&stock).json(&adjust), StatusCode::CREATED).await;
    let (after_stock, _) = read(&app, &manager, list).await;
    assert_eq!(after_stock["items"][0]["quantity"], 5);

    // A delete.
    let gone = format!("{path}?sync_version=2");
    sent(manager.delete(&gone), StatusCode::NO_CONTENT).await;
    let (after_delete, _) = read(&app, &manager, list).await;
    assert_eq!(after_delete["items"], json!([]));

    // Categories, customers and the store's settings likewise.
    read(&app, &manager, "/api/categories").await;
    app.created(&manager, "/api/categories", &json!({"name": "Teas"}))
        .await;
    let (categories, source) = read(&app, &manager, "/api/categories").await;
    assert_eq!(
        (categories[0]["name"].as_str(), source.as_str()),
        (Some("Teas"), "miss")
    );

    read(&app, &manager, "/api/customers").await;
    let customer = app
        .created(&manager, "/api/customers", &json!({"name": "Ada"}))
        .await;
    let (customers, _) = read(&app, &manager, "/api/customers").await;
    assert_eq!(names(&customers), ["Ada"]);
    let cid = customer["id"].as_str().unwrap();
    let rename = json!({"name": "Ada L.", "sync_version": 1});
    let customer_path = app.url(&format!("/api/customers/{cid}"));
    sent(manager.put(&customer_path).json(&rename), StatusCode::OK).await;
    let (customers, _) = read(&app, &manager, "/api/customers?q=ada").await;
    assert_eq!(names(&customers), ["Ada L."]);

    let owner = app.signed_in(OWNER).await;
    let (settings, _) = read(&app, &owner, "/api/store").await;
    let (_, source) = read(&app, &owner, "/api/store").await;
    assert_eq!(source, "hit");
    let change = json!({"name": "Renamed store", "sync_version": settings["sync_version"]});
    sent(
        owner.put(app.url("/api/store")).json(&change),
        StatusCode::OK,
    )
    .await;
    let (settings, _) = read(&app, &manager, "/api/store").await;
    assert_eq!(settings["name"], "Renamed store");
}

async fn a_sale_and_its_refund_are_in_the_next_stock_sales_customers_and_report(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let product = app.product(&manager, "S-1", "5000000000028").await;
    let id = product["id"].as_str().unwrap();
    let stock = app.url(&format!("/api/products/{id}/stock"));
    let adjust = json!({"delta": 10, "reason": "received"});
    sent(manager.post(&stock).json(&adjust), StatusCode::CREATED).await;
    let customer = app
        .created(&manager, "/api/customers", &json!({"name": "Bea"}))
        .await;
    let reads = [
        "/api/products",
        "/api/sales",
        "/api/customers",
        "/api/reports/sales",
    ];
    for path in reads {
        read(&app, &manager, path).await;
        let (_, source) = read(&app, &manager, path).await;
        assert_eq!(source, "hit", "{path}");
    }

    let till = app.cashier().await;
    let sale = json!({
        "id": new_id(),
        "customer_id": customer["id"],
        "lines": [{"product_id": id, "quantity": 3, "unit_price_cents": 250}],
        "payments": [{"method": "cash", "amount_cents": 1000}],
        "created_at": chrono::Utc::now(),
    });
    let sold = sent(
        till.post(app.url("/api/sales")).json(&sale),
        StatusCode::CREATED,
    )
    .await;
    let (products, _) = read(&app, &manager, "/api/products").await;
    assert_eq!(products["items"][0]["quantity"], 7);
    let (sales, _) = read(&app, &manager, "/api/sales").await;
    assert_eq!(sales["total"], 1);
    let (customers, _) = read(&app, &manager, "/api/customers").await;
    assert_eq!(customers["items"][0]["total_orders"], 1);
    let (report, _) = read(&app, &manager, "/api/reports/sales").await;
    assert_eq!(report["sales"], 1);
    assert_eq!(report["net_cents"], sold["total_cents"]);

    let refund = app.url(&format!(
        "/api/sales/{}/refund",
        sold["id"].as_str().unwrap()
    ));
    sent(
        manager.post(&refund).json(&json!({"id": new_id()})),
        StatusCode::CREATED,
    )
    .await;
    let (products, _) = read(&app, &manager, "/api/products").await;
    assert_eq!(products["items"][0]["quantity"], 10);
    let (sales, _) = read(&app, &manager, "/api/sales").await;
    assert_eq!(sales["total"], 2);
    let (report, _) = read(&app, &manager, "/api/reports/sales").await;
    assert_eq!(report["net_cents"], 0);
}

async fn two_stores_never_share_an_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, b) = (app.signed_in(OWNER).await, app.signed_in(OTHER_OWNER).await);
    app.product(&a, "A-1", "5000000000035").await;
    app.product(&b, "B-1", "5000000000042").await;
    for _ in 0..2 {
        let (in_a, _) = read(&app, &a, "/api/products").await;
        let (in_b, _) = read(&app, &b, "/api/products").await;
        assert_eq!(names(&in_a), ["Product A-1"]);
        assert_eq!(names(&in_b), ["Product B-1"]);
    }
    // Clearing one store's cache leaves the other's.
    sent(a.delete(app.url("/api/cache/store")), StatusCode::OK).await;
    let (_, source) = read(&app, &a, "/api/products").await;
    assert_eq!(source, "miss");
    let (_, source) = read(&app, &b, "/api/products").await;
    assert_eq!(source, "hit");
}

async fn roles_are_checked_before_the_cache(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    read(&app, &manager, "/api/reports/sales").await;
    let (_, source) = read(&app, &manager, "/api/reports/sales").await;
    assert_eq!(source, "hit");
    let till = app.cashier().await;
    let res = till
        .get(app.url("/api/reports/sales"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "cached for a manager, still refused"
    );
    // A product list is the same for every role: one entry serves them.
    let (for_manager, _) = read(&app, &manager, "/api/products").await;
    let (for_cashier, source) = read(&app, &till, "/api/products").await;
    assert_eq!((for_manager, source.as_str()), (for_cashier, "hit"));
}

async fn the_figures_and_clearing_are_for_managers_and_owners(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, manager, till) = (
        app.signed_in(OWNER).await,
        app.signed_in(MANAGER).await,
        app.cashier().await,
    );
    for _ in 0..3 {
        read(&app, &till, "/api/products").await;
    }
    let res = till.get(app.url("/api/cache/stats")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for path in ["/api/cache/store", "/api/cache/products"] {
        for who in [&till, &manager] {
            let res = who.delete(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        }
    }
    let stats = app.get_json(&manager, "/api/cache/stats").await;
    let backend_name = if app_uses_redis(backend) {
        "redis"
    } else {
        "memory"
    };
    assert_eq!(stats["backend"], backend_name);
    let products = stats["reads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "products")
        .unwrap()
        .clone();
    assert!(products["hits"].as_u64().unwrap() >= 2, "{products}");
    assert!(products["misses"].as_u64().unwrap() >= 1, "{products}");
    assert!(products["hit_ratio"].as_f64().unwrap() > 0.5, "{products}");
    assert!(products["keys"].as_u64().unwrap() >= 1, "{products}");
    assert_eq!(products["ttl_seconds"], 300);
    assert!(stats["overall"]["hits"].as_u64().unwrap() >= 2);

    let cleared = sent(owner.delete(app.url("/api/cache/products")), StatusCode::OK).await;
    assert_eq!(cleared, json!({"cleared": ["products"]}));
    let (_, source) = read(&app, &till, "/api/products").await;
    assert_eq!(source, "miss");
    let res = owner
        .delete(app.url("/api/cache/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    assert!(
        body["message"].as_str().unwrap().contains("products"),
        "{body}"
    );
    let cleared = sent(owner.delete(app.url("/api/cache/store")), StatusCode::OK).await;
    assert_eq!(cleared["cleared"].as_array().unwrap().len(), 6);
    // Clearing is audited.
    let audited = app.count("audit_log WHERE action = 'cache.clear'").await;
    assert_eq!(audited, 2);
}

fn app_uses_redis(backend: Backend) -> bool {
    backend == Backend::Postgres
        && std::env::var("TEST_REDIS_URL").is_ok_and(|u| !u.trim().is_empty())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_read_switched_off_goes_to_the_database_every_time() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.cache_ttl_seconds.products = 0).await;
    let till = app.cashier().await;
    for _ in 0..2 {
        let (_, source) = read(&app, &till, "/api/products").await;
        assert_eq!(source, "bypass");
    }
    let (_, source) = read(&app, &till, "/api/categories").await;
    assert_eq!(source, "miss");
}

/// Reads `path` on `app` until it answers `want` from the cache, for a
/// few seconds (the instance notices Redis coming back within a second).
async fn until_hit(app: &TestApp, client: &Client, path: &str) -> Value {
    for _ in 0..100 {
        let (body, source) = read(app, client, path).await;
        if source == "hit" {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never came from the cache again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_one_redis_and_outlive_its_outage() {
    if postgres_admin_url().is_none() {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    }
    let mut redis = OwnRedis::start().await;
    let url = redis.url();
    let a = spawn_app_with(Backend::Postgres, |s| s.redis_url = url.clone()).await;
    let b = a.another_instance(|s| s.redis_url = url.clone()).await;
    let on_a = a.signed_in(MANAGER).await;
    let on_b = b.signed_in(MANAGER).await;
    let product = a.product(&on_a, "R-1", "5000000000059").await;
    let id = product["id"].as_str().unwrap().to_string();
    let list = "/api/products";

    // A's answer serves B: one Redis.
    let (_, source) = read(&a, &on_a, list).await;
    assert_eq!(source, "miss");
    let (_, source) = read(&b, &on_b, list).await;
    assert_eq!(source, "hit");

    // A write on A is in B's next read.
    let mut version = 1;
    let mut rename = |name: &str| {
        version += 1;
        (
            json!({"name": name, "sku": "R-1", "price_cents": 250, "sync_version": version - 1}),
            name.to_string(),
        )
    };
    let path = a.url(&format!("/api/products/{id}"));
    let (edit, name) = rename("Written on A");
    sent(on_a.put(&path).json(&edit), StatusCode::OK).await;
    let (seen, _) = read(&b, &on_b, list).await;
    assert_eq!(names(&seen), [name]);

    // Redis stops: writes go on, and every read is the database's.
    redis.stop().await;
    for n in 0..5 {
        let (edit, name) = rename(&format!("While Redis is down {n}"));
        sent(on_a.put(&path).json(&edit), StatusCode::OK).await;
        let (seen, source) = read(&b, &on_b, list).await;
        assert_eq!(names(&seen), [name]);
        assert_ne!(source, "hit");
    }
    let health: Value = reqwest::get(b.url("/api/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert!(
        health["cache"].as_str().unwrap().contains("down"),
        "{health}"
    );

    // Redis is back (empty): hits resume, and nothing stale is served.
    redis.restart().await;
    until_hit(&b, &on_b, list).await;
    let (edit, name) = rename("After the outage");
    sent(on_a.put(&path).json(&edit), StatusCode::OK).await;
    let (seen, _) = read(&b, &on_b, list).await;
    assert_eq!(names(&seen), std::slice::from_ref(&name));
    let seen = until_hit(&b, &on_b, list).await;
    assert_eq!(names(&seen), [name]);
    let stats = b.get_json(&on_b, "/api/cache/stats").await;
    assert!(stats["outages"].as_u64().unwrap() >= 1, "{stats}");
}

/// A Redis that is down when the server starts: the server starts anyway,
/// says Redis is down (not "disabled"), reads go to the database, and once
/// Redis answers the cache is used without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_down_at_start_up_is_retried_and_reported_down() {
    if !std::env::var("TEST_REDIS_URL").is_ok_and(|u| !u.trim().is_empty()) {
        eprintln!("skipped: TEST_REDIS_URL is not set");
        return;
    }
    let mut redis = OwnRedis::start().await;
    redis.stop().await;
    let url = redis.url();
    let app = spawn_app_with(Backend::Sqlite, |s| s.redis_url = url.clone()).await;
    let health = |app: &TestApp| {
        let url = app.url("/api/health");
        async move {
            reqwest::get(url)
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let seen = health(&app).await;
    assert_eq!(seen["status"], "ok", "{seen}");
    assert_eq!(seen["redis"], "down", "{seen}");
    let manager = app.signed_in(MANAGER).await;
    for _ in 0..2 {
        let (_, source) = read(&app, &manager, "/api/products").await;
        assert_eq!(source, "bypass");
    }

    redis.restart().await;
    until_hit(&app, &manager, "/api/products").await;
    assert_eq!(health(&app).await["redis"], "ok");
}

/// Every request's future is moved several times on its way through the
/// router, whole: a cached read must not carry the database query it
/// makes only on a miss (kilobytes of state), nor a session check the
/// query it makes only when the session is not in memory. Each is held
/// against one plain database read's future.
#[tokio::test]
async fn a_cached_read_does_not_carry_its_database_query() {
    use tillwise::server::services::{Actor, auth, catalog};
    let app = spawn_app(Backend::Sqlite).await;
    let actor = Actor {
        role: tillwise::domain::auth::Role::Owner,
        ..Actor::system(app.store)
    };
    let one_read = size_of_val(&catalog::product(&app.db, &actor, new_id()));
    let query = catalog::ProductQuery::default();
    let cached = size_of_val(&catalog::products(&app.db, &actor, &query));
    let session = size_of_val(&auth::session_for_token(&app.db, "token"));
    assert!(
        cached < one_read && session < one_read,
        "cached read {cached} bytes, session check {session}, one database read {one_read}"
    );
}
