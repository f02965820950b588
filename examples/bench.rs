//! Benchmarks that report, never fail: online checkout with many tills at
//! once, and barcode lookups over a large catalog. The real app is started
//! on a random port over a fresh database and driven over HTTP, as tills
//! drive it.
//!
//!   cargo run --release --features ssr --example bench -- [sqlite|postgres] [tills] [sales-per-till] [products]
//!   cargo run --release --features ssr --example bench -- [sqlite|postgres] sync [sales] [products]
//!
//!   cargo run --release --features ssr --example bench -- [sqlite|postgres] stores [stores] [tills] [sales-per-till]
//!
//! The stores mode spreads `tills` (default 50) over `stores` (default 10)
//! stores, each with its own owner and three products, every till selling
//! back to back, then again at one sale a second per till.
//!
//! The sync mode pushes `sales` queued sales (default 10,000) in batches of
//! 1,000 on the fresh database and then again, beside a raw batched INSERT
//! of the same rows, and pulls a new device's snapshot of `products`
//! (default 50,000).
//!
//! PostgreSQL needs `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) naming a
//! server whose user may create databases; a database of its own is made
//! and dropped.

/// The server's own allocator (src/main.rs), so the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use reqwest::Client;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tillwise::domain::ids::new_id;
use tillwise::domain::mutation::{EntityKind, Mutation};
use tillwise::server::db::entities::{
    audit_entry, change, payment, product, sale, sale_line, stock_move, store, sync_client,
    sync_result,
};
use tillwise::server::services::{Actor, stores, write_path};
use tillwise::server::settings::Settings;
use tillwise::server::startup::Application;

mod support;
use support::{FreshDatabase, percentile};

const PASSWORD: &str = "bench password";

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

#[tokio::main]
async fn main() {
    // As the server does (src/main.rs), before any database is opened.
    use tillwise::server::db::sqlite_memory;
    if !sqlite_memory::use_the_server_allocator() {
        eprintln!("note: {}", sqlite_memory::KEPT_ITS_OWN);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = args.first().map_or("sqlite", String::as_str).to_string();
    let sync_mode = args.get(1).is_some_and(|a| a == "sync");
    let stores_mode = args.get(1).is_some_and(|a| a == "stores");
    let rest: Vec<&String> = args
        .iter()
        .skip(if sync_mode || stores_mode { 2 } else { 1 })
        .collect();
    let number =
        |i: usize, default: usize| rest.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (tills, per_till, catalog) = if sync_mode {
        (0, number(0, 10_000), number(1, 50_000))
    } else {
        (number(0, 50), number(1, 40), number(2, 100_000))
    };

    let database = FreshDatabase::create(&backend).await;
    let url = database.url.clone();
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

    if stores_mode {
        stores_bench(&db, &address, number(0, 10), number(1, 50), number(2, 40)).await;
        let _ = stop.send(());
        let _ = server.await;
        drop(db);
        database.drop_it().await;
        return;
    }

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
    let seq_base = store::Entity::find_by_id(store)
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .change_seq;
    // SQLite allows 32,766 variables a statement: 1,000 rows of 17 columns.
    for chunk in (0..catalog).collect::<Vec<_>>().chunks(1_000) {
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
        let rows: Vec<product::ActiveModel> = rows.collect();
        let feed: Vec<change::ActiveModel> = rows
            .iter()
            .zip(chunk)
            .map(|(p, n)| change::ActiveModel {
                store_id: Set(store),
                seq: Set(seq_base + *n as i64 + 1),
                entity: Set("product".into()),
                entity_id: p.id.clone(),
                op: Set("upsert".into()),
                version: Set(1),
                created_at: Set(now),
            })
            .collect();
        product::Entity::insert_many(rows)
            .exec_without_returning(&db)
            .await
            .unwrap();
        change::Entity::insert_many(feed)
            .exec_without_returning(&db)
            .await
            .unwrap();
    }
    store::Entity::update_many()
        .col_expr(
            store::Column::ChangeSeq,
            Expr::value(seq_base + catalog as i64),
        )
        .filter(store::Column::Id.eq(store))
        .exec(&db)
        .await
        .unwrap();
    // As after any bulk import (autovacuum would, a little later): fresh
    // statistics, so the planner knows the catalog is big.
    db.execute_unprepared("ANALYZE").await.unwrap();
    println!(
        "backend {backend}: {catalog} products loaded and analyzed in {:.1} s",
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

    if sync_mode {
        sync_bench(&db, &client, &address, store, &selling, per_till).await;
    } else {
        checkout_bench(&client, &address, catalog, tills, per_till, &selling).await;
    }
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
    println!("sales recorded: {sold}");

    let _ = stop.send(());
    let _ = server.await;
    drop(db);
    database.drop_it().await;
}

async fn checkout_bench(
    client: &Client,
    address: &str,
    catalog: usize,
    tills: usize,
    per_till: usize,
    selling: &[uuid::Uuid],
) {
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

    // Checkout at saturation: every till rings up its next sale the moment
    // the last one is answered. This finds the throughput; the latency it
    // shows is mostly queueing behind the one writer.
    let started = Instant::now();
    let samples = tills_selling(client, address, selling, tills, per_till, None).await;
    report(
        &format!("checkout at saturation, {tills} tills × {per_till} sales"),
        samples,
        started.elapsed(),
    );
    // Checkout at a shop's pace: each till one sale a second (a busy
    // till), 50 tills together: the latency a cashier sees.
    let started = Instant::now();
    let samples = tills_selling(
        client,
        address,
        selling,
        tills,
        per_till,
        Some(Duration::from_secs(1)),
    )
    .await;
    report(
        &format!("checkout at one sale a second per till, {tills} tills × {per_till} sales"),
        samples,
        started.elapsed(),
    );
}

/// A store of its own with an owner signed in from a new client, and the
/// three products its tills sell.
async fn bench_store(
    db: &tillwise::server::services::Db,
    address: &str,
    n: usize,
) -> (Client, Vec<uuid::Uuid>) {
    let store = new_id();
    stores::create_store(db, store, &format!("Bench Store {n}"))
        .await
        .unwrap();
    let apply = |actor: Actor, entity, data| async move {
        write_path::apply(db, &actor, Mutation::create(entity, data))
            .await
            .unwrap()
            .id
    };
    let email = format!("bench{n}@a.test");
    let owner = apply(
        Actor::system(store),
        EntityKind::Employee,
        json!({"name": "Owner", "role": "owner", "email": email, "password": PASSWORD}),
    )
    .await;
    let owner = Actor {
        employee_id: Some(owner),
        ..Actor::system(store)
    };
    let mut selling = Vec::new();
    for p in 0..3 {
        selling.push(
            apply(
                owner.clone(),
                EntityKind::Product,
                json!({"name": format!("Sold {p}"), "sku": format!("SOLD{p}"), "price_cents": 250 + p, "tax_rate_bp": 2000}),
            )
            .await,
        );
    }
    let client = Client::builder().cookie_store(true).build().unwrap();
    let res = client
        .post(format!("{address}/api/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "bench sign-in failed");
    (client, selling)
}

/// `tills` tills spread over `stores` stores, back to back and then paced;
/// with the CPU this process (server and client together) used.
async fn stores_bench(
    db: &tillwise::server::services::Db,
    address: &str,
    stores: usize,
    tills: usize,
    per_till: usize,
) {
    let mut shops = Vec::new();
    for n in 0..stores {
        shops.push(bench_store(db, address, n).await);
    }
    for pace in [None, Some(Duration::from_secs(1))] {
        let cpu = cpu_seconds();
        let started = Instant::now();
        let runs: Vec<_> = shops
            .iter()
            .enumerate()
            .map(|(n, (client, selling))| {
                // The tills left over go to the first stores.
                let here = tills / stores + usize::from(n < tills % stores);
                let (client, address, selling) =
                    (client.clone(), address.to_string(), selling.clone());
                tokio::spawn(async move {
                    // Each store's tills start in its own slice of the
                    // second, so the stores' tills are not in step.
                    if let Some(pace) = pace {
                        tokio::time::sleep(pace.mul_f64(n as f64 / tills as f64)).await;
                    }
                    tills_selling(&client, &address, &selling, here, per_till, pace).await
                })
            })
            .collect();
        let mut samples = Vec::new();
        for run in runs {
            samples.extend(run.await.unwrap());
        }
        let wall = started.elapsed();
        let cpu = (cpu_seconds() - cpu) / wall.as_secs_f64() * 100.0;
        let how = if pace.is_some() {
            "one sale a second per till"
        } else {
            "back to back"
        };
        report(
            &format!(
                "checkout, {tills} tills over {stores} stores, {how}, {per_till} sales each (process CPU {cpu:.0} %)"
            ),
            samples,
            wall,
        );
    }
    let figures = db.groups().figures();
    println!(
        "online sales written in {} groups ({:.1} a group)",
        figures.groups,
        figures.sales as f64 / figures.groups.max(1) as f64
    );
}

/// `tills` tills each ring up `per_till` sales of three lines, one every
/// `pace` (or back to back), and the time each sale took to be recorded.
async fn tills_selling(
    client: &Client,
    address: &str,
    selling: &[uuid::Uuid],
    tills: usize,
    per_till: usize,
    pace: Option<Duration>,
) -> Vec<Duration> {
    let mut handles = Vec::new();
    for till in 0..tills {
        let (client, address, selling) = (client.clone(), address.to_string(), selling.to_vec());
        handles.push(tokio::spawn(async move {
            // Tills do not start in step.
            if let Some(pace) = pace {
                tokio::time::sleep(pace.mul_f64(till as f64 / tills as f64)).await;
            }
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
                let took = t.elapsed();
                samples.push(took);
                if let Some(pace) = pace {
                    tokio::time::sleep(pace.saturating_sub(took)).await;
                }
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for h in handles {
        samples.extend(h.await.unwrap());
    }
    samples
}

/// Writes `sales` sales' rows in one transaction, 1,000 per INSERT, as
/// the push would have written them; `everything`: with their feed, audit
/// and result rows too.
async fn raw_insert(
    db: &sea_orm::DatabaseConnection,
    store: uuid::Uuid,
    employee: uuid::Uuid,
    product: uuid::Uuid,
    template: &audit_entry::Model,
    sales: usize,
    everything: bool,
) -> Duration {
    let client_id = new_id();
    let now = chrono::Utc::now();
    sync_client::Entity::insert(sync_client::ActiveModel {
        client_id: Set(client_id),
        store_id: Set(store),
        device_id: Set(None),
        last_mutation_id: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    let offset = if everything { 20_000_000 } else { 10_000_000 };
    let started = Instant::now();
    let txn = db.begin().await.unwrap();
    for chunk in 0..sales.div_ceil(1_000) {
        let ids: Vec<uuid::Uuid> = (0..1_000.min(sales - chunk * 1_000))
            .map(|_| new_id())
            .collect();
        let number = |i: usize| offset + (chunk * 1_000 + i) as i64;
        sale::Entity::insert_many(ids.iter().enumerate().map(|(i, id)| sale::ActiveModel {
            id: Set(*id),
            store_id: Set(store),
            number: Set(number(i)),
            employee_id: Set(employee),
            customer_id: Set(None),
            shift_id: Set(None),
            device_id: Set(None),
            original_sale_id: Set(None),
            status: Set("completed".into()),
            payment_status: Set("paid".into()),
            payment_method: Set("cash".into()),
            subtotal_cents: Set(250),
            discount_cents: Set(0),
            tax_cents: Set(50),
            total_cents: Set(300),
            paid_cents: Set(300),
            change_cents: Set(0),
            created_at: Set(now),
            received_at: Set(now),
            sync_version: Set(1),
            last_synced_at: Set(now),
        }))
        .exec_without_returning(&txn)
        .await
        .unwrap();
        sale_line::Entity::insert_many(ids.iter().map(|id| sale_line::ActiveModel {
            id: Set(new_id()),
            sale_id: Set(*id),
            store_id: Set(store),
            line_no: Set(1),
            product_id: Set(product),
            name: Set("Sold 0".into()),
            quantity: Set(1),
            unit_price_cents: Set(250),
            discount_cents: Set(0),
            tax_rate_bp: Set(2000),
            tax_cents: Set(50),
            total_cents: Set(300),
        }))
        .exec_without_returning(&txn)
        .await
        .unwrap();
        payment::Entity::insert_many(ids.iter().map(|id| payment::ActiveModel {
            id: Set(new_id()),
            sale_id: Set(*id),
            store_id: Set(store),
            method: Set("cash".into()),
            amount_cents: Set(300),
            created_at: Set(now),
        }))
        .exec_without_returning(&txn)
        .await
        .unwrap();
        stock_move::Entity::insert_many(ids.iter().map(|id| stock_move::ActiveModel {
            id: Set(new_id()),
            store_id: Set(store),
            product_id: Set(product),
            delta: Set(-1),
            reason: Set("sale".into()),
            sale_id: Set(Some(*id)),
            employee_id: Set(Some(employee)),
            note: Set(None),
            created_at: Set(now),
        }))
        .exec_without_returning(&txn)
        .await
        .unwrap();
        if everything {
            let seq = |i: usize| offset + (chunk * 1_000 + i) as i64;
            change::Entity::insert_many(ids.iter().enumerate().map(|(i, id)| {
                change::ActiveModel {
                    store_id: Set(store),
                    seq: Set(seq(i)),
                    entity: Set("sale".into()),
                    entity_id: Set(*id),
                    op: Set("upsert".into()),
                    version: Set(1),
                    created_at: Set(now),
                }
            }))
            .exec_without_returning(&txn)
            .await
            .unwrap();
            audit_entry::Entity::insert_many(ids.iter().enumerate().map(|(i, id)| {
                audit_entry::ActiveModel {
                    id: Set(new_id()),
                    store_id: Set(store),
                    seq: Set(seq(i)),
                    action: Set("sale.create".into()),
                    entity_type: Set("sale".into()),
                    entity_id: Set(Some(*id)),
                    employee_id: Set(Some(employee)),
                    ip: Set(template.ip.clone()),
                    user_agent: Set(template.user_agent.clone()),
                    request_id: Set(template.request_id.clone()),
                    before_state: Set(None),
                    after_state: Set(template.after_state.clone()),
                    created_at: Set(now),
                    prev_hash: Set(template.prev_hash.clone()),
                    hash: Set(template.hash.clone()),
                }
            }))
            .exec_without_returning(&txn)
            .await
            .unwrap();
            sync_result::Entity::insert_many(ids.iter().enumerate().map(|(i, _)| {
                sync_result::ActiveModel {
                    client_id: Set(client_id),
                    mutation_id: Set(seq(i)),
                    store_id: Set(store),
                    result: Set(json!({"status": "applied", "version": 1})),
                    created_at: Set(now),
                    // Rows from before digests were kept: they match any replay.
                    mutation_hash: Set(String::new()),
                }
            }))
            .exec_without_returning(&txn)
            .await
            .unwrap();
        }
    }
    txn.commit().await.unwrap();
    started.elapsed()
}

/// Pushes `sales` queued sales from one new till, 1,000 per push.
async fn push_sales(client: &Client, address: &str, selling: &[uuid::Uuid], sales: usize) {
    let client_id = new_id();
    let mut mutation_id = 0i64;
    for _ in 0..sales.div_ceil(1_000) {
        let batch: Vec<Value> = (0..1_000.min(sales - mutation_id as usize))
            .map(|_| {
                mutation_id += 1;
                json!({
                    "mutation_id": mutation_id, "entity": "sale", "op": "create", "id": new_id(),
                    "data": {
                        "lines": [{"product_id": selling[0], "quantity": 1, "unit_price_cents": 250}],
                        "payments": [{"method": "cash", "amount_cents": 300}],
                        "created_at": chrono::Utc::now(),
                    },
                })
            })
            .collect();
        let res = client
            .post(format!("{address}/api/sync/push"))
            .json(&json!({"client_id": client_id, "mutations": batch}))
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "{}",
            res.text().await.unwrap_or_default()
        );
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["last_mutation_id"], mutation_id);
    }
}

/// A till back online pushes `sales` queued sales, 1,000 per push; beside
/// it, the same rows written by one batched INSERT per table. Then a new
/// device pulls the whole catalog snapshot.
async fn sync_bench(
    db: &sea_orm::DatabaseConnection,
    client: &Client,
    address: &str,
    store: uuid::Uuid,
    selling: &[uuid::Uuid],
    sales: usize,
) {
    // First on the fresh database, as a new store's first day: no warm-up
    // and no ANALYZE but the server's own (its tables were last looked at
    // empty). Then the same again, as a store that has been trading.
    // The raw INSERTs below are set beside the second.
    let mut pushed = Duration::ZERO;
    for when in ["on a fresh database", "again, after it"] {
        let started = Instant::now();
        push_sales(client, address, selling, sales).await;
        pushed = started.elapsed();
        println!(
            "push {when}: {sales} queued sales in {:.2} s = {:.0} sales/s (each: sale, line, payment, stock move, feed, audit, result)",
            pushed.as_secs_f64(),
            sales as f64 / pushed.as_secs_f64()
        );
    }

    // A new device pulls everything from cursor 0.
    let started = Instant::now();
    let (mut cursor, mut bytes, mut changes) = (0i64, 0usize, 0usize);
    loop {
        let body = client
            .get(format!(
                "{address}/api/sync/pull?cursor={cursor}&limit=1000"
            ))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        bytes += body.len();
        let page: Value = serde_json::from_slice(&body).unwrap();
        changes += page["changes"].as_array().unwrap().len();
        cursor = page["cursor"].as_i64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    println!(
        "initial pull: {changes} records in {:.2} s, {:.1} MB of JSON ({} bytes)",
        started.elapsed().as_secs_f64(),
        bytes as f64 / 1e6,
        bytes
    );

    // The same rows, raw: the sale's own rows, then also the feed, audit
    // and result rows the push writes beside them (a copy of one of the
    // push's audit entries, so as many bytes). After the pull, so these
    // feed rows are not in it.
    let employee: uuid::Uuid = tillwise::server::db::entities::employee::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let template = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("sale.create"))
        .one(db)
        .await
        .unwrap()
        .expect("the push wrote audit entries");
    for (everything, rows) in [
        (false, "sale, line, payment and stock-move rows"),
        (true, "rows and their feed, audit and result rows"),
    ] {
        let raw = raw_insert(
            db, store, employee, selling[0], &template, sales, everything,
        )
        .await;
        println!(
            "raw batched INSERT of the same {rows}: {:.2} s = {:.0} sales/s; push runs at {:.0} % of the raw rate",
            raw.as_secs_f64(),
            sales as f64 / raw.as_secs_f64(),
            100.0 * raw.as_secs_f64() / pushed.as_secs_f64()
        );
    }
}

/// CPU seconds this process has used (user and system), from /proc.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<f64>().ok())
        .sum();
    // USER_HZ is 100 on Linux.
    ticks / 100.0
}
