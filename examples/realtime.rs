//! The realtime benchmark: reports, never fails. The server runs as a
//! separate process (this program started again with `serve`), on
//! 127.0.0.1; this process is the load: tills' sockets and the writes
//! whose events they wait for.
//!
//!   realtime [sqlite|postgres] latency [sockets=20] [writes=500]
//!       (a) write -> event at `sockets` sockets of one store
//!   realtime [sqlite|postgres] idle [sockets=10000]
//!       (b) the server's memory per idle socket
//!   realtime [sqlite|postgres] fanout [sockets=10000] [stores=100] [events-per-second=1000] [seconds=20] [per-write=1]
//!       (c) delivery under load, sockets spread over stores; with
//!       per-write > 1 each write is a till's push of that many changes
//!   realtime postgres redis [sockets=20] [writes=500]
//!       (d) as (a), written on one instance, heard on another through Redis
//!
//! Each write is a new customer made by a cashier over the REST API (or,
//! in fanout with per-write > 1, a push of several); its name carries when
//! the request was sent, so every socket that hears `customer:created`
//! knows how long it took (request sent -> event read). At most 64 writes
//! are in flight: a database that cannot keep up shows as a lower rate.
//! Sockets are cashiers' (one session per store), who hear each change
//! once and no audit entries. PostgreSQL needs `BENCH_DATABASE_URL` (or
//! `TEST_DATABASE_URL`); Redis `BENCH_REDIS_URL` (or `TEST_REDIS_URL`,
//! default redis://127.0.0.1:6379).

mod support;

use futures_util::StreamExt;
use reqwest::Client;
use serde::Deserialize;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::num::NonZeroU16;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{FreshDatabase, percentile};
use tillwise::domain::auth::Role;
use tillwise::domain::ids::new_id;
use tillwise::domain::mutation::{EntityKind, Mutation};
use tillwise::server::request::RequestMeta;
use tillwise::server::services::{Actor, Db, auth, stores, write_path};
use tillwise::server::settings::Settings;
use tillwise::server::startup::Application;
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        return serve().await;
    }
    let backend = args.first().map_or("sqlite", String::as_str).to_string();
    let mode = args.get(1).map_or("latency", String::as_str).to_string();
    let number = |i: usize, default: usize| {
        args.get(i + 2)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let database = FreshDatabase::create(&backend).await;
    println!("realtime {mode} on {backend}");
    match mode.as_str() {
        "latency" => latency(&database.url, None, number(0, 20), number(1, 500)).await,
        "redis" => {
            let redis = std::env::var("BENCH_REDIS_URL")
                .or_else(|_| std::env::var("TEST_REDIS_URL"))
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
            latency(&database.url, Some(&redis), number(0, 20), number(1, 500)).await
        }
        "idle" => idle(&database.url, number(0, 10_000)).await,
        "fanout" => {
            fanout(
                &database.url,
                number(0, 10_000),
                number(1, 100),
                number(2, 1_000),
                number(3, 20),
                number(4, 1),
            )
            .await
        }
        other => eprintln!("unknown mode {other}: latency, idle, fanout or redis"),
    }
    database.drop_it().await;
}

/// The server: the real app over `DATABASE_URL` (and `REDIS_URL`), on a
/// free port it prints, until its standard input closes.
async fn serve() {
    let settings = Settings::load()
        .expect("Leptos.toml")
        .with_env(|name| match name {
            "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".into()),
            "TILLWISE_SEED_DEMO" => Some("false".into()),
            other => std::env::var(other).ok(),
        })
        .unwrap();
    let app = Application::build(settings).await.expect("app starts");
    println!("PORT {}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        let _ = stop.send(());
    });
    let _ = app
        .run_until(async {
            let _ = stopped.await;
        })
        .await;
}

/// A server process and where it listens.
struct Server {
    process: Child,
    address: String,
}

impl Server {
    fn start(database_url: &str, redis: Option<(&str, &str)>) -> Server {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", "warn")
            .env("REDIS_URL", redis.map_or("", |r| r.0))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if let Some((_, prefix)) = redis {
            command.env("TILLWISE_REDIS_PREFIX", prefix);
        }
        let mut process = command.spawn().expect("the server starts");
        let stdout = process.stdout.take().unwrap();
        let mut server = Server {
            process,
            address: String::new(),
        };
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        while server.address.is_empty() {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                panic!("the server stopped before it listened");
            }
            if let Some(port) = line.trim().strip_prefix("PORT ") {
                server.address = format!("127.0.0.1:{port}");
            }
        }
        server
    }

    /// Its resident memory, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    async fn health(&self) -> serde_json::Value {
        reqwest::get(format!("http://{}/api/health", self.address))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.process.stdin.take());
        let _ = self.process.wait();
    }
}

/// A store with a paired till and a cashier switched in on it: the
/// cookie of the cashier's session.
struct Till {
    cookie: String,
}

/// Makes `count` stores, each with a till and a signed-in cashier, in the
/// database directly (the fixture), before any server runs.
async fn tills(database_url: &str, count: usize) -> Vec<Till> {
    let settings = Settings::load()
        .expect("Leptos.toml")
        .with_env(|name| match name {
            "DATABASE_URL" => Some(database_url.into()),
            "REDIS_URL" => Some(String::new()),
            _ => None,
        })
        .unwrap();
    let db = Db::connect(&settings).await.expect("the database");
    let started = Instant::now();
    let mut tills = Vec::with_capacity(count);
    // Two at a time: each store costs three Argon2 hashes.
    for chunk in (0..count).collect::<Vec<_>>().chunks(2) {
        let made = futures_util::future::join_all(chunk.iter().map(|i| till(&db, *i))).await;
        tills.extend(made);
    }
    println!(
        "fixture: {count} stores with a till and a cashier each in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    tills
}

async fn till(db: &Db, i: usize) -> Till {
    let store = new_id();
    stores::create_store(db, store, &format!("Bench Store {i}"))
        .await
        .unwrap();
    let create = |actor: Actor, data| async move {
        write_path::apply(db, &actor, Mutation::create(EntityKind::Employee, data))
            .await
            .unwrap()
            .id
    };
    let manager = create(
        Actor::system(store),
        json!({"name": "Manager", "role": "manager", "email": format!("m{i}@bench.test"), "password": "bench password"}),
    )
    .await;
    let cashier = create(
        Actor::system(store),
        json!({"name": "Cashier", "role": "cashier", "pin": "1111"}),
    )
    .await;
    let manager = Actor {
        employee_id: Some(manager),
        role: Role::Manager,
        ..Actor::system(store)
    };
    let (device, device_token) = auth::pair_device(db, &manager, "Bench till", NonZeroU16::MIN)
        .await
        .unwrap();
    let signed = auth::pin_switch(db, 12, &device, cashier, "1111", &RequestMeta::default())
        .await
        .unwrap();
    Till {
        // A PIN session counts only beside its till's device cookie.
        cookie: format!("tw_session={}; tw_device={device_token}", signed.token),
    }
}

/// Tells every socket task to finish (seen whenever it next waits).
type Stop = tokio::sync::watch::Receiver<()>;

/// One socket: it waits for hello, then reads events until `stop`,
/// keeping how long each `customer:created` took to arrive (request sent
/// -> read here), in microseconds from `epoch`.
async fn listen(
    address: String,
    cookie: String,
    epoch: Instant,
    ready: Arc<Semaphore>,
    opening: Arc<Semaphore>,
    mut stop: Stop,
) -> Vec<Heard> {
    let mut request = format!("ws://{address}/api/ws")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", HeaderValue::from_str(&cookie).unwrap());
    let mut socket = {
        // Not all at once: the server's accept queue is finite.
        let _turn = opening.acquire().await.unwrap();
        let mut tries = 0;
        loop {
            match tokio_tungstenite::connect_async(request.clone()).await {
                Ok((socket, _)) => break socket,
                Err(e) if tries < 5 => {
                    tries += 1;
                    eprintln!("socket did not open ({e}); trying again");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("the socket does not open: {e}"),
            }
        }
    };
    let mut heard = Vec::new();
    let mut hello = false;
    loop {
        let frame = tokio::select! {
            f = socket.next() => f,
            _ = stop.changed() => break,
        };
        let Some(Ok(Message::Text(text))) = frame else {
            match frame {
                Some(Ok(_)) => continue,
                _ => break,
            }
        };
        let read_at = epoch.elapsed().as_micros() as u64;
        if !hello {
            hello = true;
            ready.add_permits(1);
            continue;
        }
        #[derive(Deserialize)]
        struct Frame<'a> {
            #[serde(rename = "type", borrow)]
            kind: &'a str,
            #[serde(borrow)]
            data: Option<Data<'a>>,
        }
        #[derive(Deserialize)]
        struct Data<'a> {
            #[serde(borrow)]
            name: Option<&'a str>,
        }
        let Ok(frame) = serde_json::from_str::<Frame>(&text) else {
            continue;
        };
        if frame.kind != "customer:created" {
            continue;
        }
        if let Some(sent) = frame
            .data
            .and_then(|d| d.name)
            .and_then(|n| n.strip_prefix("sent "))
            .and_then(|t| t.parse::<u64>().ok())
        {
            heard.push(Heard {
                sent,
                took: Duration::from_micros(read_at.saturating_sub(sent)),
            });
        }
    }
    heard
}

/// Opens `per_till` sockets on each till's store; waits until every one
/// has said hello.
fn open_sockets(
    address: &str,
    tills: &[Till],
    per_till: usize,
    epoch: Instant,
    stop: &Stop,
) -> (
    Vec<tokio::task::JoinHandle<Vec<Heard>>>,
    Arc<Semaphore>,
    usize,
) {
    let ready = Arc::new(Semaphore::new(0));
    let opening = Arc::new(Semaphore::new(256));
    let mut sockets = Vec::new();
    for till in tills {
        for _ in 0..per_till {
            sockets.push(tokio::spawn(listen(
                address.to_string(),
                till.cookie.clone(),
                epoch,
                ready.clone(),
                opening.clone(),
                stop.clone(),
            )));
        }
    }
    let count = sockets.len();
    (sockets, ready, count)
}

async fn all_ready(ready: &Semaphore, count: usize) {
    let all = ready.acquire_many(count as u32);
    match tokio::time::timeout(Duration::from_secs(120), all).await {
        Ok(permits) => drop(permits.unwrap()),
        Err(_) => panic!(
            "only {} of {count} sockets said hello in two minutes",
            ready.available_permits()
        ),
    }
}

/// An event a socket read: when its write was sent (microseconds from
/// the epoch) and how long after that it was read.
struct Heard {
    sent: u64,
    took: Duration,
}

/// A write: when it was sent, and how long its answer took.
struct Written {
    sent: u64,
    took: Duration,
}

/// A new customer made by the till's cashier, named after when it was sent.
async fn write(client: &Client, address: &str, till: &Till, epoch: Instant) -> Written {
    write_many(client, address, till, epoch, 1).await
}

/// `count` new customers in one write: one made over REST, or several in
/// one push (one transaction), as a till sends what it queued.
async fn write_many(
    client: &Client,
    address: &str,
    till: &Till,
    epoch: Instant,
    count: usize,
) -> Written {
    let sent = epoch.elapsed();
    let name = format!("sent {}", sent.as_micros());
    let request = if count == 1 {
        client
            .post(format!("http://{address}/api/customers"))
            .json(&json!({"id": new_id(), "name": name}))
    } else {
        let mutations: Vec<_> = (1..=count)
            .map(|i| {
                json!({"mutation_id": i, "entity": "customer", "op": "create",
                            "id": new_id(), "data": {"name": name}})
            })
            .collect();
        client
            .post(format!("http://{address}/api/sync/push"))
            .json(&json!({"client_id": new_id(), "mutations": mutations}))
    };
    let res = request
        .header("cookie", &till.cookie)
        .send()
        .await
        .expect("the write is answered");
    assert!(
        res.status().is_success(),
        "{}",
        res.text().await.unwrap_or_default()
    );
    Written {
        sent: sent.as_micros() as u64,
        took: epoch.elapsed() - sent,
    }
}

fn took(heard: &[Heard]) -> Vec<Duration> {
    let mut d: Vec<Duration> = heard.iter().map(|h| h.took).collect();
    d.sort();
    d
}

/// How much later than its write's answer each event was read (zero when
/// it came first), and how many came first.
fn after_answer(heard: &[Heard], written: &[Written]) -> (Vec<Duration>, usize) {
    let answered: std::collections::HashMap<u64, Duration> =
        written.iter().map(|w| (w.sent, w.took)).collect();
    let mut later = Vec::with_capacity(heard.len());
    let mut first = 0;
    for h in heard {
        if let Some(answer) = answered.get(&h.sent) {
            match h.took.checked_sub(*answer) {
                Some(d) => later.push(d),
                None => {
                    first += 1;
                    later.push(Duration::ZERO);
                }
            }
        }
    }
    later.sort();
    (later, first)
}

fn summary(name: &str, sorted: &[Duration]) {
    println!(
        "{name}: n={} p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        sorted.len(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        percentile(sorted, 1.0)
    );
}

async fn collect(sockets: Vec<tokio::task::JoinHandle<Vec<Heard>>>) -> Vec<Heard> {
    let mut all = Vec::new();
    for s in sockets {
        all.extend(s.await.unwrap_or_default());
    }
    all
}

/// (a), and (d) with `redis`: one store, `sockets` cashier sockets, one
/// write every 20 ms, each waited for.
async fn latency(database_url: &str, redis: Option<&str>, sockets: usize, writes: usize) {
    let tills = tills(database_url, 1).await;
    let prefix = format!("tw-bench-{}", new_id().simple());
    let written_on = Server::start(database_url, redis.map(|r| (r, prefix.as_str())));
    let heard_on = redis.map(|r| Server::start(database_url, Some((r, &prefix))));
    if let Some(b) = &heard_on {
        for server in [&written_on, b] {
            while server.health().await["realtime"]["fan_out"] != "redis" {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        println!("two instances, one Redis (prefix {prefix}): writes on A, sockets on B");
    }
    let listening = heard_on.as_ref().unwrap_or(&written_on).address.clone();
    let epoch = Instant::now();
    let (stopping, stop) = tokio::sync::watch::channel(());
    let (handles, ready, count) = open_sockets(&listening, &tills, sockets, epoch, &stop);
    all_ready(&ready, count).await;
    let client = Client::new();
    // Warm the connection and the server's first statements.
    for _ in 0..20 {
        write(&client, &written_on.address, &tills[0], epoch).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut interval = tokio::time::interval(Duration::from_millis(20));
    let mut write_times = Vec::with_capacity(writes);
    for _ in 0..writes {
        interval.tick().await;
        write_times.push(write(&client, &written_on.address, &tills[0], epoch).await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stopping.send_replace(());
    let heard = collect(handles).await;
    let expected = (writes + 20) * sockets;
    println!("{count} sockets heard {} of {expected} events", heard.len());
    let mut answers: Vec<Duration> = write_times.iter().map(|w| w.took).collect();
    answers.sort();
    summary("write (request -> response)", &answers);
    summary(
        "write -> event (request sent -> event read, every socket)",
        &took(&heard),
    );
    let (later, first) = after_answer(&heard, &write_times);
    summary(
        &format!("event after its write's own answer ({first} read before it)"),
        &later,
    );
}

/// (b): the server's resident memory before and after `sockets` idle
/// sockets (spread over ten stores) are open.
async fn idle(database_url: &str, sockets: usize) {
    let tills = tills(database_url, 10).await;
    let server = Server::start(database_url, None);
    let epoch = Instant::now();
    // Warm up: a few sockets and writes, so what is measured is sockets.
    {
        let (stopping, stop) = tokio::sync::watch::channel(());
        let (handles, ready, count) = open_sockets(&server.address, &tills, 10, epoch, &stop);
        all_ready(&ready, count).await;
        let client = Client::new();
        for till in &tills {
            write(&client, &server.address, till, epoch).await;
        }
        stopping.send_replace(());
        collect(handles).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = server.rss_kib();
    let (stopping, stop) = tokio::sync::watch::channel(());
    let opened = Instant::now();
    let (handles, ready, count) =
        open_sockets(&server.address, &tills, sockets / tills.len(), epoch, &stop);
    all_ready(&ready, count).await;
    let open_time = opened.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = server.rss_kib();
    let health = server.health().await;
    println!(
        "{count} idle sockets opened in {:.1} s; the server says {} open",
        open_time.as_secs_f64(),
        health["realtime"]["sockets"]
    );
    println!(
        "server RSS {:.1} MiB before, {:.1} MiB after: {:.1} KiB per socket",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / count as f64
    );
    stopping.send_replace(());
    collect(handles).await;
}

/// (c): `sockets` over `stores` stores, `rate` writes a second spread
/// over the stores for `seconds`, not waiting for each other.
/// Writes in flight at most: past it, the offered rate is not reached
/// and the figures say so.
const IN_FLIGHT: usize = 64;

async fn fanout(
    database_url: &str,
    sockets: usize,
    stores: usize,
    rate: usize,
    seconds: usize,
    per_write: usize,
) {
    let tills = Arc::new(tills(database_url, stores).await);
    let server = Server::start(database_url, None);
    let epoch = Instant::now();
    let (stopping, stop) = tokio::sync::watch::channel(());
    let (handles, ready, count) =
        open_sockets(&server.address, &tills, sockets / stores, epoch, &stop);
    let opened = Instant::now();
    all_ready(&ready, count).await;
    println!(
        "{count} sockets over {stores} stores opened in {:.1} s",
        opened.elapsed().as_secs_f64()
    );
    let rss_open = server.rss_kib();
    let client = Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let per_write = per_write.max(1);
    let writes = rate * seconds / per_write;
    let started = Instant::now();
    let mut interval =
        tokio::time::interval(Duration::from_secs_f64(per_write as f64 / rate as f64));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut pending = Vec::with_capacity(writes);
    for i in 0..writes {
        interval.tick().await;
        let turn = in_flight.clone().acquire_owned().await.unwrap();
        let (client, tills, address) = (client.clone(), tills.clone(), server.address.clone());
        pending.push(tokio::spawn(async move {
            let till = &tills[i % tills.len()];
            let written = write_many(&client, &address, till, epoch, per_write).await;
            drop(turn);
            written
        }));
    }
    let mut write_times = Vec::with_capacity(writes);
    for p in pending {
        write_times.push(p.await.unwrap());
    }
    let wall = started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_end = server.rss_kib();
    let health = server.health().await;
    stopping.send_replace(());
    let heard = collect(handles).await;
    let expected = writes * per_write * (sockets / stores);
    println!(
        "{writes} writes of {per_write} in {:.1} s: {:.0} events/s; {} of {expected} deliveries heard; dropped announcements: {}",
        wall.as_secs_f64(),
        (writes * per_write) as f64 / wall.as_secs_f64(),
        heard.len(),
        health["realtime"]["dropped"]
    );
    println!(
        "server RSS {:.1} MiB with the sockets open, {:.1} MiB after the load",
        rss_open as f64 / 1024.0,
        rss_end as f64 / 1024.0
    );
    let mut answers: Vec<Duration> = write_times.iter().map(|w| w.took).collect();
    answers.sort();
    summary("write (request -> response)", &answers);
    summary(
        "delivery (request sent -> event read, every socket)",
        &took(&heard),
    );
    let (later, first) = after_answer(&heard, &write_times);
    summary(
        &format!("delivery after its write's own answer ({first} read before it)"),
        &later,
    );
}
