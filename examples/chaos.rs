//! Exactly-once under faults, against the real server binary: simulated
//! tills push queued sales (their own sync ids, numbered changes, batches
//! of 25) while the server is killed with SIGKILL and restarted, answers
//! are dropped after the server committed them (a proxy between tills and
//! server), batches are sent twice at once and out of order, and Redis is
//! stopped and started under reads. Afterwards every sale must be on the
//! server once, stock = start − Σ sold, and the audit chain must verify.
//!
//! ```sh
//! make chaos                                        # the long form
//! cargo run --features ssr --example chaos -- quick # the bounded form `make test` runs
//! ```
//! The server binary is `$CARGO_TARGET_DIR/debug/tillwise` (`make server`
//! builds it) or `TILLWISE_BIN`; PostgreSQL runs too when
//! `TEST_DATABASE_URL` is set, Redis scenarios when `redis-server` exists.
//! Exits non-zero if any sale was lost or doubled, any stock is off, any
//! read failed while Redis was down, or the audit chain does not verify.

#[allow(dead_code)] // percentile: the benchmarks' part of it.
mod support;

use rand::Rng;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use support::FreshDatabase;
use tillwise::domain::ids::new_id;
use tokio::sync::Mutex;
use uuid::Uuid;

const AUDIT_KEY: &str = "chaos:0c4a1e2f3b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";

#[derive(Clone, Copy)]
struct Size {
    tills: usize,
    sales_per_till: usize,
    /// Changes a push carries.
    batch: usize,
    /// The server is killed after about this many pushes have started.
    kill_every: u64,
}

/// What one scenario did to the server.
#[derive(Default)]
struct Faults {
    kills: AtomicU64,
    dropped_answers: AtomicU64,
    duplicated: AtomicU64,
    reordered: AtomicU64,
    redis_stops: AtomicU64,
    failed_reads: AtomicU64,
    reads: AtomicU64,
    /// Pushes begun, by every till: what the faults are paced by.
    pushes: AtomicU64,
    postgres_restarts: AtomicU64,
    /// Pushes answered 503 (the database away: "try again").
    unavailable: AtomicU64,
    /// Pushes answered with any other 5xx: never acceptable.
    server_errors: AtomicU64,
}

impl Faults {
    fn describe(&self) -> String {
        let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut parts = Vec::new();
        for (count, what) in [
            (n(&self.kills), "SIGKILLs"),
            (n(&self.dropped_answers), "answers dropped"),
            (n(&self.duplicated), "batches sent twice"),
            (n(&self.reordered), "batches reordered"),
            (n(&self.redis_stops), "Redis stops"),
            (n(&self.postgres_restarts), "PostgreSQL restarts"),
            (n(&self.unavailable), "pushes answered 503"),
            (n(&self.server_errors), "pushes answered another 5xx"),
        ] {
            if count > 0 {
                parts.push(format!("{count} {what}"));
            }
        }
        if n(&self.reads) > 0 {
            parts.push(format!(
                "{} of {} reads failed",
                n(&self.failed_reads),
                n(&self.reads)
            ));
        }
        parts.join(", ")
    }
}

/// The server as a child process on a fixed port, so it can be killed and
/// started again where the tills expect it.
struct Server {
    bin: String,
    port: u16,
    env: Vec<(&'static str, String)>,
    log: std::path::PathBuf,
    child: Option<Child>,
}

impl Server {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn start(&mut self) {
        if let Some(dir) = self.log.parent() {
            std::fs::create_dir_all(dir).expect("a folder for the server's log");
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("the server's log");
        let child = Command::new(&self.bin)
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", self.port))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e} (run `make server` first)", self.bin));
        self.child = Some(child);
        let client = Client::new();
        for _ in 0..300 {
            if let Ok(res) = client
                .get(format!("{}/api/health", self.url()))
                .send()
                .await
                && res.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not come up; see {}", self.log.display());
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill(); // SIGKILL: no shutdown, no flush.
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn server_bin() -> String {
    std::env::var("TILLWISE_BIN").unwrap_or_else(|_| {
        let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
        format!("{target}/debug/tillwise")
    })
}

/// A browser: a client with its own cookie jar.
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn ok_json(res: reqwest::Result<reqwest::Response>, what: &str) -> Value {
    let res = res.unwrap_or_else(|e| panic!("{what}: {e}"));
    let status = res.status();
    let body = res.text().await.unwrap_or_default();
    assert!(status.is_success(), "{what}: {status} {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

async fn manager(url: &str) -> Client {
    let client = browser();
    ok_json(
        client
            .post(format!("{url}/api/auth/login"))
            .json(&json!({"email": "manager@demo.test", "password": "demo1234"}))
            .send()
            .await,
        "manager sign-in",
    )
    .await;
    client
}

/// A paired till with Ana switched in.
async fn till(url: &str, n: usize) -> Client {
    let client = manager(url).await;
    ok_json(
        client
            .post(format!("{url}/api/devices/pair"))
            .json(&json!({"name": format!("Chaos till {n}")}))
            .send()
            .await,
        "pairing",
    )
    .await;
    client
        .post(format!("{url}/api/auth/logout"))
        .send()
        .await
        .unwrap();
    let people = ok_json(
        client.get(format!("{url}/api/devices/people")).send().await,
        "people",
    )
    .await;
    let ana = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str().is_some_and(|n| n.starts_with("Ana")))
        .expect("the demo store's Ana")["employee_id"]
        .clone();
    ok_json(
        client
            .post(format!("{url}/api/auth/pin"))
            .json(&json!({"employee_id": ana, "pin": "1111"}))
            .send()
            .await,
        "PIN",
    )
    .await;
    client
}

#[derive(Clone)]
struct Product {
    id: Uuid,
    price_cents: i64,
}

async fn products(client: &Client, url: &str) -> Vec<Product> {
    let page = ok_json(
        client
            .get(format!("{url}/api/products?limit=5"))
            .send()
            .await,
        "products",
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Product {
            id: p["id"].as_str().unwrap().parse().unwrap(),
            price_cents: p["price_cents"].as_i64().unwrap(),
        })
        .collect()
}

async fn stock(client: &Client, url: &str, ids: &[Uuid]) -> BTreeMap<Uuid, i64> {
    let mut levels = BTreeMap::new();
    for id in ids {
        let p = ok_json(
            client.get(format!("{url}/api/products/{id}")).send().await,
            "product",
        )
        .await;
        levels.insert(*id, p["quantity"].as_i64().unwrap());
    }
    levels
}

/// One till's queued sales, as its outbox would push them.
struct Queue {
    client_id: Uuid,
    mutations: Vec<Value>,
    sold: BTreeMap<Uuid, i64>,
    ids: Vec<Uuid>,
}

fn queue(products: &[Product], sales: usize) -> Queue {
    let mut rng = rand::thread_rng();
    let mut sold = BTreeMap::new();
    let mut ids = Vec::new();
    let mutations = (1..=sales)
        .map(|n| {
            let lines: Vec<Value> = (0..rng.gen_range(1..=3))
                .map(|_| {
                    let p = &products[rng.gen_range(0..products.len())];
                    let quantity = rng.gen_range(1..=2);
                    *sold.entry(p.id).or_insert(0) += quantity;
                    json!({"product_id": p.id, "quantity": quantity, "unit_price_cents": p.price_cents})
                })
                .collect();
            let id = new_id();
            ids.push(id);
            json!({
                "mutation_id": n, "entity": "sale", "op": "create", "id": id,
                "data": {
                    "lines": lines,
                    "payments": [{"method": "cash", "amount_cents": 20_000}],
                    "created_at": chrono::Utc::now(),
                },
            })
        })
        .collect();
    Queue {
        client_id: new_id(),
        mutations,
        sold,
        ids,
    }
}

/// How a till misbehaves besides losing answers.
#[derive(Clone, Copy)]
struct Mischief {
    duplicate: bool,
    reorder: bool,
}

/// Pushes `q` until the server has acknowledged all of it, retrying
/// whatever fails; returns how many changes the server refused.
async fn push_until_done(
    client: Client,
    url: String,
    q: Arc<Queue>,
    (batch_size, mischief): (usize, Mischief),
    faults: Arc<Faults>,
) -> u64 {
    let push = |batch: Vec<Value>| {
        let (client, url, client_id) = (client.clone(), url.clone(), q.client_id);
        faults.pushes.fetch_add(1, Ordering::Relaxed);
        let faults = faults.clone();
        async move {
            let res = client
                .post(format!("{url}/api/sync/push"))
                .json(&json!({"client_id": client_id, "mutations": batch}))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = res.status();
            let body = res.text().await.map_err(|e| e.to_string())?;
            if status == StatusCode::SERVICE_UNAVAILABLE {
                faults.unavailable.fetch_add(1, Ordering::Relaxed);
            } else if status.is_server_error() && status != StatusCode::BAD_GATEWAY {
                // 502 is the dropping proxy's own, when the server is away.
                faults.server_errors.fetch_add(1, Ordering::Relaxed);
                eprintln!("{status}: {body}");
            }
            if !status.is_success() {
                return Err(format!("{status} {body}"));
            }
            serde_json::from_str::<Value>(&body).map_err(|e| e.to_string())
        }
    };
    let started = Instant::now();
    let (mut acked, mut refused) = (0usize, 0u64);
    let mut seen_refused = BTreeSet::new();
    while acked < q.mutations.len() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "a till could not send its sales in 5 minutes"
        );
        // A till rings up between pushes.
        let ms = rand::thread_rng().gen_range(5..30);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        let end = (acked + batch_size).min(q.mutations.len());
        let batch = q.mutations[acked..end].to_vec();
        let roll: f64 = rand::thread_rng().r#gen();
        if mischief.reorder && roll < 0.2 && end < q.mutations.len() {
            // The next batch first: the server stops at the gap.
            faults.reordered.fetch_add(1, Ordering::Relaxed);
            let next = q.mutations[end..(end + batch_size).min(q.mutations.len())].to_vec();
            let _ = push(next).await;
        }
        let answer = if mischief.duplicate && roll > 0.8 {
            faults.duplicated.fetch_add(1, Ordering::Relaxed);
            let (a, b) = tokio::join!(push(batch.clone()), push(batch));
            a.or(b)
        } else {
            push(batch).await
        };
        match answer {
            Ok(answer) => {
                for r in answer["results"].as_array().into_iter().flatten() {
                    if r["status"] == "rejected" && seen_refused.insert(r["mutation_id"].as_i64()) {
                        refused += 1;
                        eprintln!("refused: {r}");
                    }
                }
                let last = answer["last_mutation_id"].as_i64().unwrap_or(0) as usize;
                acked = acked.max(last);
            }
            Err(_) => {
                let ms = rand::thread_rng().gen_range(50..250);
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
        }
    }
    refused
}

/// Between tills and server: forwards every request, and drops a fifth of
/// the push answers after the server has sent them (so after it
/// committed): the till sees its connection fail mid-answer.
async fn dropping_proxy(upstream: String, faults: Arc<Faults>) -> String {
    use axum::body::{Body, Bytes};
    use axum::http::{HeaderMap, Method, Uri};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let forward = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let handler = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let (forward, upstream, faults) = (forward.clone(), upstream.clone(), faults.clone());
        async move {
            let mut req = forward.request(method, format!("{upstream}{uri}"));
            for name in ["cookie", "content-type"] {
                if let Some(v) = headers.get(name) {
                    req = req.header(name, v.as_bytes());
                }
            }
            let Ok(res) = req.body(body).send().await else {
                return axum::http::Response::builder()
                    .status(StatusCode::BAD_GATEWAY.as_u16())
                    .body(Body::empty())
                    .unwrap();
            };
            let status = res.status().as_u16();
            let answer = res.bytes().await.unwrap_or_default();
            let drop_it = uri.path() == "/api/sync/push" && rand::thread_rng().gen_bool(0.2);
            let body = if drop_it {
                faults.dropped_answers.fetch_add(1, Ordering::Relaxed);
                let lost: Result<Bytes, std::io::Error> =
                    Err(std::io::Error::other("answer dropped"));
                Body::from_stream(futures_util::stream::once(async move { lost }))
            } else {
                Body::from(answer)
            };
            axum::http::Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(body)
                .unwrap()
        }
    };
    let app = axum::Router::new().fallback(handler);
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

struct OwnRedis {
    port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    fn available() -> bool {
        Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok()
    }

    async fn start(&mut self) {
        self.child = Some(
            Command::new("redis-server")
                .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap(),
        );
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Scenario {
    /// The server SIGKILLed and restarted while tills push.
    Kill,
    /// Answers dropped after commit; batches sent twice and out of order.
    DroppedAnswers,
    /// Redis stopped and started while tills push and managers read.
    RedisFlips,
    /// The PostgreSQL server itself restarted while tills push.
    PostgresRestart,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Kill => "kill -9 and restart",
            Scenario::DroppedAnswers => "answers dropped, batches doubled and reordered",
            Scenario::RedisFlips => "Redis stopped and started",
            Scenario::PostgresRestart => "PostgreSQL restarted",
        }
    }
}

/// Runs one scenario on a fresh database; true if everything held.
async fn run(scenario: Scenario, backend: &str, size: Size) -> bool {
    let database = FreshDatabase::create(backend).await;
    let mut redis = OwnRedis {
        port: free_port(),
        child: None,
    };
    let redis_url = if scenario == Scenario::RedisFlips {
        redis.start().await;
        format!("redis://127.0.0.1:{}", redis.port)
    } else {
        String::new()
    };
    let log = std::path::PathBuf::from("target/chaos-server.log");
    let mut server = Server {
        bin: server_bin(),
        port: free_port(),
        env: vec![
            ("DATABASE_URL", database.url.clone()),
            ("REDIS_URL", redis_url),
            ("TILLWISE_SEED_DEMO", "true".into()),
            ("TILLWISE_AUDIT_KEY", AUDIT_KEY.into()),
            ("RUST_LOG", "warn".into()),
        ],
        log,
        child: None,
    };
    server.start().await;
    let url = server.url();
    let office = manager(&url).await;
    let selling = products(&office, &url).await;
    let product_ids: Vec<Uuid> = selling.iter().map(|p| p.id).collect();
    let before = stock(&office, &url, &product_ids).await;
    let mut tills = Vec::new();
    for n in 0..size.tills {
        tills.push(till(&url, n).await);
    }
    let faults = Arc::new(Faults::default());
    let queues: Vec<Arc<Queue>> = (0..size.tills)
        .map(|_| Arc::new(queue(&selling, size.sales_per_till)))
        .collect();
    let till_url = if scenario == Scenario::DroppedAnswers {
        dropping_proxy(url.clone(), faults.clone()).await
    } else {
        url.clone()
    };
    let mischief = Mischief {
        duplicate: scenario == Scenario::DroppedAnswers,
        reorder: scenario == Scenario::DroppedAnswers,
    };

    let done = Arc::new(AtomicBool::new(false));
    let server = Arc::new(Mutex::new(server));
    let redis = Arc::new(Mutex::new(redis));
    let fault_task = {
        let (done, faults, server, redis, office, url) = (
            done.clone(),
            faults.clone(),
            server.clone(),
            redis.clone(),
            office.clone(),
            url.clone(),
        );
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                match scenario {
                    Scenario::Kill => {
                        // After the next few pushes have started, at a
                        // random moment, so some die mid-request.
                        let next = faults.pushes.load(Ordering::Relaxed) + size.kill_every;
                        while faults.pushes.load(Ordering::Relaxed) < next {
                            if done.load(Ordering::Relaxed) {
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(2)).await;
                        }
                        let ms = rand::thread_rng().gen_range(0..40);
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                        let mut s = server.lock().await;
                        s.kill();
                        faults.kills.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        s.start().await;
                    }
                    Scenario::RedisFlips => {
                        // Reads go on while Redis is away and back.
                        for _ in 0..5 {
                            faults.reads.fetch_add(1, Ordering::Relaxed);
                            let res = office
                                .get(format!("{url}/api/products?limit=50"))
                                .send()
                                .await;
                            if !res.is_ok_and(|r| r.status() == StatusCode::OK) {
                                faults.failed_reads.fetch_add(1, Ordering::Relaxed);
                            }
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                        let mut r = redis.lock().await;
                        if r.child.is_some() {
                            r.stop();
                            faults.redis_stops.fetch_add(1, Ordering::Relaxed);
                        } else {
                            r.start().await;
                        }
                    }
                    Scenario::PostgresRestart => {
                        let next = faults.pushes.load(Ordering::Relaxed) + size.kill_every * 3;
                        while faults.pushes.load(Ordering::Relaxed) < next {
                            if done.load(Ordering::Relaxed) {
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(2)).await;
                        }
                        restart_postgres().await;
                        faults.postgres_restarts.fetch_add(1, Ordering::Relaxed);
                    }
                    Scenario::DroppedAnswers => break,
                }
            }
        })
    };
    let started = Instant::now();
    let pushes: Vec<_> = tills
        .into_iter()
        .zip(&queues)
        .map(|(client, q)| {
            tokio::spawn(push_until_done(
                client,
                till_url.clone(),
                q.clone(),
                (size.batch, mischief),
                faults.clone(),
            ))
        })
        .collect();
    let mut refused = 0;
    for p in pushes {
        refused += p.await.expect("a till's task");
    }
    done.store(true, Ordering::Relaxed);
    fault_task.await.unwrap();
    let took = started.elapsed();

    // The server as it is now, with every fault over.
    let (landed, doubled) = landed(&office, &url, &queues).await;
    let after = stock(&office, &url, &product_ids).await;
    let stock_ok = product_ids.iter().all(|id| {
        let sold: i64 = queues
            .iter()
            .map(|q| q.sold.get(id).copied().unwrap_or(0))
            .sum();
        after[id] == before[id] - sold
    });
    let verify = ok_json(
        office.get(format!("{url}/api/audit/verify")).send().await,
        "audit verify",
    )
    .await;
    let sent = size.tills * size.sales_per_till;
    let chain_ok = verify["valid"] == true;
    let reads_ok = faults.failed_reads.load(Ordering::Relaxed) == 0;
    let no_5xx = faults.server_errors.load(Ordering::Relaxed) == 0;
    let ok = landed == sent
        && doubled == 0
        && refused == 0
        && stock_ok
        && chain_ok
        && reads_ok
        && no_5xx;
    println!(
        "{:<47} {:<9} sent {:>5}  landed {:>5}  doubled {}  refused {}  stock {}  audit {} ({} entries)  {:.1} s  faults: {}  {}",
        scenario.name(),
        backend,
        sent,
        landed,
        doubled,
        refused,
        if stock_ok { "ok" } else { "OFF" },
        if chain_ok { "valid" } else { "INVALID" },
        verify["entries"],
        took.as_secs_f64(),
        faults.describe(),
        if ok { "PASS" } else { "FAIL" },
    );
    server.lock().await.kill();
    redis.lock().await.stop();
    database.drop_it().await;
    ok
}

/// How many of the tills' sales the server holds, and how many it holds
/// more than once.
async fn landed(office: &Client, url: &str, queues: &[Arc<Queue>]) -> (usize, usize) {
    let ours: BTreeSet<Uuid> = queues.iter().flat_map(|q| q.ids.iter().copied()).collect();
    let mut seen: BTreeMap<Uuid, usize> = BTreeMap::new();
    let mut offset = 0;
    loop {
        let page = ok_json(
            office
                .get(format!("{url}/api/sales?limit=200&offset={offset}"))
                .send()
                .await,
            "sales",
        )
        .await;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        for s in &items {
            if let Some(id) = s["id"].as_str().and_then(|i| i.parse::<Uuid>().ok())
                && ours.contains(&id)
            {
                *seen.entry(id).or_insert(0) += 1;
            }
        }
        offset += items.len();
        if items.is_empty() || offset as i64 >= page["total"].as_i64().unwrap_or(0) {
            break;
        }
    }
    let doubled = seen.values().filter(|n| **n > 1).count();
    (seen.len(), doubled)
}

/// This machine's PostgreSQL cluster, as `pg_ctlcluster` names it, when
/// the run may restart it (`CHAOS_RESTART_POSTGRES=1`: it is the machine's
/// own, so nothing else may be using it meanwhile).
fn postgres_cluster() -> Option<String> {
    if std::env::var("CHAOS_RESTART_POSTGRES").ok().as_deref() != Some("1") {
        return None;
    }
    std::fs::read_dir("/etc/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .next()
}

async fn restart_postgres() {
    let Some(version) = postgres_cluster() else {
        return;
    };
    let status = tokio::task::spawn_blocking(move || {
        Command::new("pg_ctlcluster")
            .args([
                "--skip-systemctl-redirect",
                &version,
                "main",
                "restart",
                "-m",
                "fast",
            ])
            .status()
    })
    .await
    .unwrap();
    assert!(
        status.is_ok_and(|s| s.success()),
        "pg_ctlcluster could not restart PostgreSQL"
    );
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().nth(1).is_some_and(|a| a == "quick");
    let size = if quick {
        Size {
            tills: 3,
            sales_per_till: 60,
            batch: 5,
            kill_every: 6,
        }
    } else {
        Size {
            tills: 8,
            sales_per_till: 500,
            batch: 25,
            kill_every: 12,
        }
    };
    let mut backends = vec!["sqlite"];
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.trim().is_empty()) {
        backends.push("postgres");
    }
    println!(
        "chaos ({}): {} tills x {} sales each, batches of {}; server {}",
        if quick { "quick" } else { "long" },
        size.tills,
        size.sales_per_till,
        size.batch,
        server_bin()
    );
    let mut all_ok = true;
    for backend in &backends {
        for scenario in [
            Scenario::Kill,
            Scenario::DroppedAnswers,
            Scenario::RedisFlips,
            Scenario::PostgresRestart,
        ] {
            if scenario == Scenario::RedisFlips && !OwnRedis::available() {
                println!("{}: skipped, no redis-server here", scenario.name());
                continue;
            }
            if scenario == Scenario::PostgresRestart
                && (*backend != "postgres" || postgres_cluster().is_none())
            {
                if *backend == "postgres" {
                    println!(
                        "{}: skipped (CHAOS_RESTART_POSTGRES=1 runs it)",
                        scenario.name()
                    );
                }
                continue;
            }
            all_ok &= run(scenario, backend, size).await;
        }
    }
    if !all_ok {
        eprintln!(
            "chaos: something was lost, doubled or broken (server log: target/chaos-server.log)"
        );
        std::process::exit(1);
    }
}
