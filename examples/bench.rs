//! Benchmarks that report, never fail: online checkout with many tills at
//! once, and barcode lookups over a large catalog. The real app is started
//! on a random port over a fresh database and driven over HTTP, as tills
//! drive it.
//!
//!   cargo run --release --features ssr --example bench -- [sqlite|postgres] [tills] [sales-per-till] [products]
//!
//! PostgreSQL needs `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) naming a
//! server whose user may create databases; a database of its own is made
//! and dropped.

use reqwest::Client;
use sea_orm::{ActiveValue::Set, ConnectionTrait, Database, EntityTrait};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tillwise::domain::ids::new_id;
use tillwise::domain::mutation::{EntityKind, Mutation};
use tillwise::server::db::entities::product;
use tillwise::server::services::{Actor, stores, write_path};
use tillwise::server::settings::Settings;
use tillwise::server::startup::Application;

const PASSWORD: &str = "bench password";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(name: &str, mut samples: Vec<Duration>, wall: Duration) {
    samples.sort();
    println!(
        "{name}: {n} requests in {wall:.2} s = {rate:.0}/s; p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms",
        n = samples.len(),
        wall = wall.as_secs_f64(),
        rate = samples.len() as f64 / wall.as_secs_f64(),
        p50 = percentile(&samples, 0.50),
        p99 = percentile(&samples, 0.99),
        max = percentile(&samples, 1.0),
    );
}

/// A fresh database URL for `backend`, and how to drop it afterwards.
async fn fresh_database(backend: &str) -> (String, Option<(String, String)>) {
    if backend == "postgres" {
        let admin = std::env::var("BENCH_DATABASE_URL")
            .or_else(|_| std::env::var("TEST_DATABASE_URL"))
            .expect("set BENCH_DATABASE_URL to a PostgreSQL server");
        let name = format!("tw_bench_{}", new_id().simple());
        let conn = Database::connect(&admin).await.expect("PostgreSQL answers");
        conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let (base, _) = admin.rsplit_once('/').expect("a database URL");
        (format!("{base}/{name}"), Some((admin, name)))
    } else {
        let dir = std::env::temp_dir().join(format!("tillwise-bench-{}", new_id().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        (
            format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
            None,
        )
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = args.first().map_or("sqlite", String::as_str).to_string();
    let tills: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let per_till: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(40);
    let catalog: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(100_000);

    let (url, cleanup) = fresh_database(&backend).await;
    let settings = Settings::load()
        .expect("Leptos.toml")
        .with_env(|name| match name {
            "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".into()),
            "DATABASE_URL" => Some(url.clone()),
            "REDIS_URL" => Some(String::new()),
            "TILLWISE_SEED_DEMO" => Some("false".into()),
            _ => None,
        })
        .unwrap();
    let app = Application::build(settings).await.expect("app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.state.db.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    let store = new_id();
    stores::create_store(&db, store, "Bench Store")
        .await
        .unwrap();
    let apply = |actor: Actor, entity, data| {
        let db = db.clone();
        async move {
            write_path::apply(&db, &actor, Mutation::create(entity, data))
                .await
                .unwrap()
                .id
        }
    };
    let owner = apply(
        Actor::system(store),
        EntityKind::Employee,
        json!({"name": "Owner", "role": "owner", "email": "bench@a.test", "password": PASSWORD}),
    )
    .await;
    let owner = Actor {
        employee_id: Some(owner),
        ..Actor::system(store)
    };

    // The catalog is a fixture, bulk-inserted: what is measured is reading
    // it. (Products made through the write path cost one audited
    // transaction each; the checkout figures below measure that path.)
    let started = Instant::now();
    let now = chrono::Utc::now();
    for chunk in (0..catalog).collect::<Vec<_>>().chunks(2_000) {
        let rows = chunk.iter().map(|n| product::ActiveModel {
            id: Set(new_id()),
            store_id: Set(store),
            name: Set(format!("Bench product {n}")),
            sku: Set(format!("B{n:07}")),
            barcode: Set(Some(format!("{:013}", 2_000_000_000_000u64 + *n as u64))),
            category_id: Set(None),
            price_cents: Set(100 + (*n as i64 % 900)),
            cost_cents: Set(50),
            tax_rate_bp: Set(2000),
            active: Set(true),
            low_stock_threshold: Set(5),
            quantity: Set(1_000_000),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            sync_version: Set(1),
            last_synced_at: Set(now),
        });
        product::Entity::insert_many(rows)
            .exec_without_returning(&db)
            .await
            .unwrap();
    }
    println!(
        "backend {backend}: {catalog} products loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Three products every till sells, through the write path.
    let mut selling = Vec::new();
    for n in 0..3 {
        selling.push(
            apply(
                owner.clone(),
                EntityKind::Product,
                json!({"name": format!("Sold {n}"), "sku": format!("SOLD{n}"), "price_cents": 250 + n, "tax_rate_bp": 2000}),
            )
            .await,
        );
    }

    let client = Client::builder().cookie_store(true).build().unwrap();
    let res = client
        .post(format!("{address}/api/auth/login"))
        .json(&json!({"email": "bench@a.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "bench sign-in failed");

    // Barcode lookups, one at a time: the latency a scan waits for.
    let lookups = 5_000;
    let mut samples = Vec::with_capacity(lookups);
    let started = Instant::now();
    for i in 0..lookups {
        let code = 2_000_000_000_000u64 + ((i * 7919) % catalog) as u64;
        let t = Instant::now();
        let res = client
            .get(format!("{address}/api/products/barcode/{code:013}"))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
        res.bytes().await.unwrap();
        samples.push(t.elapsed());
    }
    report(
        &format!("barcode lookup over {catalog} products"),
        samples,
        started.elapsed(),
    );

    // Checkout: `tills` tills each ring up `per_till` sales of three lines
    // as fast as the server answers.
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tills {
        let (client, address, selling) = (client.clone(), address.clone(), selling.clone());
        handles.push(tokio::spawn(async move {
            let mut samples = Vec::with_capacity(per_till);
            for _ in 0..per_till {
                let body: Value = json!({
                    "id": new_id(),
                    "lines": selling.iter().map(|p| json!({"product_id": p, "quantity": 1, "unit_price_cents": 250})).collect::<Vec<_>>(),
                    "payments": [{"method": "card", "amount_cents": 900}],
                    "created_at": chrono::Utc::now(),
                });
                let t = Instant::now();
                let res = client
                    .post(format!("{address}/api/sales"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap_or_default());
                samples.push(t.elapsed());
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for h in handles {
        samples.extend(h.await.unwrap());
    }
    report(
        &format!("checkout, {tills} tills × {per_till} sales"),
        samples,
        started.elapsed(),
    );
    let sold = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM sales".to_string(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    println!("sales recorded: {sold} (expected {})", tills * per_till);

    let _ = stop.send(());
    let _ = server.await;
    drop(db);
    if let Some((admin, name)) = cleanup {
        let conn = Database::connect(&admin).await.unwrap();
        let _ = conn
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}
