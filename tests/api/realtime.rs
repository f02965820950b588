//! The store's socket (`GET /api/ws`): who may open one, what it hears,
//! that it never hears another store, and how it ends.

use crate::helpers::{
    Backend, Browser, MANAGER, OTHER_OWNER, OWNER, OwnRedis, TestApp, spawn_app, spawn_app_with,
};
use crate::on_every_backend;
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tillwise::domain::event::{Notice, SocketMessage, StoreEvent, close};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Long enough for anything on a loaded CI machine; a test that passes
/// never waits this long.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl TestApp {
    /// Opens the store's socket as `browser` (with its cookies); the HTTP
    /// status when the server refuses.
    pub async fn open_socket(&self, browser: Option<&Browser>) -> Result<Socket, u16> {
        let url = self.url("/api/ws").replacen("http://", "ws://", 1);
        let mut request = url.into_client_request().unwrap();
        if let Some(cookies) = browser.and_then(|b| b.cookies(&self.address)) {
            request
                .headers_mut()
                .insert("cookie", HeaderValue::from_str(&cookies).unwrap());
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => {
                let mut socket = Socket { stream };
                match socket.message().await {
                    SocketMessage::Notice(Notice::Hello { .. }) => Ok(socket),
                    other => panic!("a socket starts with hello, not {other:?}"),
                }
            }
            Err(WsError::Http(response)) => Err(response.status().as_u16()),
            Err(e) => panic!("socket: {e}"),
        }
    }
}

impl Socket {
    /// The next message the server sent (answering pings as a browser does).
    pub async fn message(&mut self) -> SocketMessage {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.stream.next())
                .await
                .expect("a message in time")
                .expect("the socket is open")
                .expect("a readable message");
            match frame {
                Message::Text(text) => return serde_json::from_str(&text).unwrap(),
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => {}
            }
        }
    }

    /// The next event, past notices.
    pub async fn event(&mut self) -> StoreEvent {
        let next = async {
            loop {
                if let SocketMessage::Event(e) = self.message().await {
                    return e;
                }
            }
        };
        tokio::time::timeout(PATIENCE, next)
            .await
            .expect("an event in time")
    }

    /// The next event named `name` (e.g. "product:updated"), past others.
    pub async fn event_named(&mut self, name: &str) -> StoreEvent {
        let mut passed = Vec::new();
        let next = async {
            loop {
                let e = self.event().await;
                if e.name.to_string() == name {
                    return e;
                }
                passed.push(e.name.to_string());
            }
        };
        match tokio::time::timeout(PATIENCE, next).await {
            Ok(e) => e,
            Err(_) => panic!("no {name} in time; heard {passed:?}"),
        }
    }

    /// Reads until the server closes the socket; its close code.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            match tokio::time::timeout(PATIENCE, self.stream.next())
                .await
                .expect("closed in time")
            {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| f.code.into()),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return None,
            }
        }
    }

    pub async fn say(&mut self, text: &str) {
        self.stream.send(Message::text(text)).await.unwrap();
    }
}

on_every_backend!(
    no_socket_without_a_live_session,
    a_change_reaches_every_socket_of_its_store_with_the_feeds_seq,
    a_sale_tells_the_other_tills_the_new_stock,
    signing_out_closes_the_socket,
);

async fn no_socket_without_a_live_session(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(app.open_socket(None).await.err(), Some(401));

    let owner = app.signed_in(OWNER).await;
    let res = owner
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.open_socket(Some(&owner)).await.err(), Some(401));

    // Without an upgrade, the same answer and the API's error body.
    let res = reqwest::get(app.url("/api/ws")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "unauthenticated");
}

async fn a_change_reaches_every_socket_of_its_store_with_the_feeds_seq(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let till = app.cashier().await;
    let other = app.signed_in(OTHER_OWNER).await;
    let mut managers = app.open_socket(Some(&manager)).await.unwrap();
    let mut cashiers = app.open_socket(Some(&till)).await.unwrap();
    let mut others = app.open_socket(Some(&other)).await.unwrap();

    let product = app.product(&manager, "RT-1", "4006381333931").await;
    let id = product["id"].as_str().unwrap();

    let heard = managers.event().await;
    assert_eq!(heard.name.to_string(), "product:created");
    assert_eq!(heard.id.to_string(), id);
    assert_eq!(heard.version, 1);
    assert_eq!(heard.data.as_ref().unwrap()["name"], "Product RT-1");
    // The event's seq is the feed's: a pull from just before it starts there.
    let pulled = app
        .get_json(
            &manager,
            &format!("/api/sync/pull?cursor={}&limit=1", heard.seq - 1),
        )
        .await;
    assert_eq!(pulled["changes"][0]["seq"], heard.seq);
    assert_eq!(pulled["changes"][0]["id"], id);
    assert_eq!(pulled["changes"][0]["data"], *heard.data.as_ref().unwrap());
    // Managers hear the audit entry; the cashier the same change, no audit.
    let audit = managers.event().await;
    assert_eq!(audit.name.to_string(), "audit:created");
    assert_eq!(audit.data.as_ref().unwrap()["action"], "product.create");
    assert_eq!(cashiers.event().await, heard);

    let edit = manager
        .put(app.url(&format!("/api/products/{id}")))
        .json(&json!({"name": "Renamed", "sku": "RT-1", "price_cents": 300, "tax_rate_bp": 2000, "sync_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), StatusCode::OK);
    let updated = cashiers.event().await;
    assert_eq!(
        updated.name.to_string(),
        "product:updated",
        "no audit entry between"
    );
    assert_eq!((updated.seq, updated.version), (heard.seq + 1, 2));
    assert_eq!(updated.data.as_ref().unwrap()["price_cents"], 300);

    // The other store's socket heard none of it: its first event is its own.
    let theirs = app.product(&other, "RT-B", "4006381333948").await;
    let first = others.event().await;
    assert_eq!(first.id.to_string(), theirs["id"].as_str().unwrap());
}

async fn a_sale_tells_the_other_tills_the_new_stock(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let product = app.product(&manager, "RT-S", "4006381333955").await;
    let id = product["id"].as_str().unwrap().to_string();
    let stocked = manager
        .post(app.url(&format!("/api/products/{id}/stock")))
        .json(&json!({"delta": 10, "reason": "received"}))
        .send()
        .await
        .unwrap();
    assert!(stocked.status().is_success(), "{}", stocked.status());
    let other_till = app.cashier().await;
    let mut listening = app.open_socket(Some(&other_till)).await.unwrap();

    let till = app.cashier().await;
    let customer = app
        .created(&manager, "/api/customers", &json!({"name": "Regular"}))
        .await;
    let sale = json!({
        "id": tillwise::domain::ids::new_id(),
        "customer_id": customer["id"],
        "lines": [{"product_id": id, "quantity": 3, "unit_price_cents": 250}],
        "payments": [{"method": "cash", "amount_cents": 1000}],
        "created_at": chrono::Utc::now(),
    });
    let res = till
        .post(app.url("/api/sales"))
        .json(&sale)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    let sold = listening.event_named("sale:created").await;
    assert_eq!(sold.id.to_string(), sale["id"].as_str().unwrap());
    // What the writer carried is what a pull reads back.
    let pulled = app
        .get_json(
            &other_till,
            &format!("/api/sync/pull?cursor={}&limit=1", sold.seq - 1),
        )
        .await;
    // (The sale as stored names its customer, which the writer's summary
    // did not: what is not the pull's shape is not carried.)
    assert_eq!(pulled["changes"][0]["data"], *sold.data.as_ref().unwrap());
    assert_eq!(sold.data.as_ref().unwrap()["customer_name"], "Regular");
    let stock = listening.event_named("product:updated").await;
    assert_eq!(stock.id.to_string(), id);
    assert_eq!(stock.data.as_ref().unwrap()["quantity"], 7);
}

async fn signing_out_closes_the_socket(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    let mut socket = app.open_socket(Some(&owner)).await.unwrap();
    let res = owner
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(socket.closed().await, Some(close::SESSION_ENDED));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_socket_that_answers_no_ping_is_dropped() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.socket_ping_seconds = 1).await;
    let owner = app.signed_in(OWNER).await;
    let mut socket = app.open_socket(Some(&owner)).await.unwrap();
    // Not reading means not answering: the server gives up on it.
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    assert_eq!(socket.closed().await, Some(close::SILENT));

    // One that answers stays.
    let mut socket = app.open_socket(Some(&owner)).await.unwrap();
    for _ in 0..4 {
        match socket.message().await {
            SocketMessage::Notice(Notice::Ping) => socket.say(r#"{"type":"pong"}"#).await,
            other => panic!("{other:?}"),
        }
    }
}

/// What the instance's health says of realtime's fan-out, once it says
/// `want` (it notices Redis going and coming within seconds).
async fn fan_out_becomes(app: &TestApp, want: &str) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let health: Value = reqwest::get(app.url("/api/health"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if health["realtime"]["fan_out"] == want {
            assert_eq!(health["status"], "ok", "Redis never fails the app");
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "fan-out still {}, not {want}",
            health["realtime"]["fan_out"]
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_hear_each_other_through_redis_and_outlive_its_outage() {
    if crate::helpers::postgres_admin_url().is_none() || std::env::var("TEST_REDIS_URL").is_err() {
        eprintln!("skipped: needs TEST_DATABASE_URL and TEST_REDIS_URL");
        return;
    }
    let mut redis = OwnRedis::start().await;
    let prefix = format!("tw-test-{}", tillwise::domain::ids::new_id().simple());
    let on_redis = |s: &mut tillwise::server::settings::Settings| {
        s.redis_url = redis.url();
        s.redis_prefix = prefix.clone();
    };
    let a = spawn_app_with(Backend::Postgres, on_redis).await;
    let b = a.another_instance(on_redis).await;
    fan_out_becomes(&a, "redis").await;
    fan_out_becomes(&b, "redis").await;
    let manager_on_a = a.signed_in(MANAGER).await;
    let owner_on_b = b.signed_in(OWNER).await;
    let mut socket_on_b = b.open_socket(Some(&owner_on_b)).await.unwrap();

    let made = a.product(&manager_on_a, "RT-R1", "4006381333962").await;
    let heard = socket_on_b.event_named("product:created").await;
    assert_eq!(heard.id.to_string(), made["id"].as_str().unwrap());
    assert_eq!(
        heard.data.unwrap()["sku"],
        "RT-R1",
        "B read it as its pull would"
    );

    redis.stop().await;
    fan_out_becomes(&a, "redis down: this instance only").await;
    // Writes never wait for Redis; B's tills catch up by pulling.
    let during = a.product(&manager_on_a, "RT-R2", "4006381333979").await;

    redis.restart().await;
    fan_out_becomes(&a, "redis").await;
    fan_out_becomes(&b, "redis").await;
    let after = a.product(&manager_on_a, "RT-R3", "4006381333986").await;
    // B's socket is told to pull what it may have missed (what A sent
    // during the outage may also arrive late), then hears new changes.
    let after_id = after["id"].as_str().unwrap();
    let mut resync = false;
    let heard = loop {
        match socket_on_b.message().await {
            SocketMessage::Notice(Notice::Resync) => resync = true,
            SocketMessage::Event(e) if e.id.to_string() == after_id => break e,
            _ => {}
        }
    };
    assert!(resync, "B's sockets pull after Redis came back");
    assert_eq!(heard.name.to_string(), "product:created");
    let pulled = b
        .get_json(
            &owner_on_b,
            &format!("/api/sync/pull?cursor={}", heard.seq - 3),
        )
        .await;
    let ids: Vec<&str> = pulled["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(ids.contains(&during["id"].as_str().unwrap()), "{ids:?}");
}

impl TestApp {
    /// The store's socket over a connection whose receive buffer is tiny,
    /// read by nobody until the test says: a till on a choked network.
    async fn open_choked_socket(&self, browser: &Browser) -> Socket {
        let port = self.address.rsplit(':').next().unwrap().parse().unwrap();
        let tcp = tokio::net::TcpSocket::new_v4().unwrap();
        tcp.set_recv_buffer_size(2048).unwrap();
        let stream = tcp
            .connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .unwrap();
        let url = self.url("/api/ws").replacen("http://", "ws://", 1);
        let mut request = url.into_client_request().unwrap();
        let cookies = browser.cookies(&self.address).unwrap();
        request
            .headers_mut()
            .insert("cookie", HeaderValue::from_str(&cookies).unwrap());
        let (stream, _) = tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
            .await
            .unwrap();
        Socket { stream }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_socket_that_cannot_keep_up_is_told_to_pull_or_dropped_never_buffered_for() {
    let app = spawn_app(Backend::Sqlite).await;
    let owner = app.signed_in(OWNER).await;
    let mut choked = app.open_choked_socket(&owner).await;

    // A till comes back with two thousand customers made offline, each with
    // long notes: four thousand events, some 9 MB, for an owner (each
    // change and its audit entry), far more than a choked network holds.
    const MADE: usize = 2_000;
    let till = app.cashier().await;
    let client_id = tillwise::domain::ids::new_id().to_string();
    // (Pushed 200 at a time: a push body is at most 1 MiB.)
    for batch in (1..=MADE).collect::<Vec<_>>().chunks(200) {
        let mutations: Vec<Value> = batch
            .iter()
            .map(|i| {
                json!({"mutation_id": i, "entity": "customer", "op": "create",
                       "id": tillwise::domain::ids::new_id(),
                       "data": {"name": format!("Customer {i} {}", "ü".repeat(100)), "notes": "🧾".repeat(1_000)}})
            })
            .collect();
        let pushed = crate::sync::push(&app, &till, &client_id, mutations).await;
        assert_eq!(pushed["last_mutation_id"], *batch.last().unwrap() as i64);
    }

    // Past the server's patience with a socket that takes nothing.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let (mut events, mut told_to_pull) = (0, false);
    let ended = loop {
        match tokio::time::timeout(Duration::from_secs(3), choked.stream.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => match serde_json::from_str(&text).unwrap() {
                SocketMessage::Event(_) => events += 1,
                SocketMessage::Notice(Notice::Resync) => told_to_pull = true,
                SocketMessage::Notice(_) => {}
            },
            Ok(Some(Ok(Message::Close(frame)))) => break frame.map(|f| u16::from(f.code)),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_)) | None) => break None,
            // Quiet: whatever the server was going to send has arrived.
            Err(_) => break Some(0),
        }
    };
    assert!(
        told_to_pull || matches!(ended, None | Some(close::TOO_SLOW)),
        "a choked socket is told to pull or dropped (ended {ended:?}, {events} events)"
    );
    assert!(
        events < 2 * MADE,
        "the server kept nothing back for it: {events} events"
    );

    // The store goes on: a socket opened now hears the next change.
    let mut healthy = app.open_socket(Some(&owner)).await.unwrap();
    let mut later = None;
    let name = app.product(&owner, "RT-AFTER", "4006381333993").await;
    while later.is_none() {
        if let SocketMessage::Event(e) = healthy.message().await
            && e.name.to_string() == "product:created"
        {
            later = Some(e);
        }
    }
    assert_eq!(later.unwrap().id.to_string(), name["id"].as_str().unwrap());
}

on_every_backend!(
    managers_hear_conflicts_stored_and_resolved_and_cashiers_do_not,
    a_socket_closes_when_its_session_expires,
);

async fn managers_hear_conflicts_stored_and_resolved_and_cashiers_do_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let till = app.cashier().await;
    let product = app.product(&manager, "RT-C", "4006381334006").await;
    let path = format!("/api/products/{}", product["id"].as_str().unwrap());
    let mut managers = app.open_socket(Some(&manager)).await.unwrap();
    let mut cashiers = app.open_socket(Some(&till)).await.unwrap();
    let edit = |price: i64| json!({"name": "Product RT-C", "sku": "RT-C", "price_cents": price, "tax_rate_bp": 2000, "sync_version": 1});

    let first = manager
        .put(app.url(&path))
        .json(&edit(300))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let clash = manager
        .put(app.url(&path))
        .json(&edit(400))
        .send()
        .await
        .unwrap();
    assert_eq!(clash.status(), StatusCode::CONFLICT);
    let clash: Value = clash.json().await.unwrap();
    let stored = managers.event_named("conflict:created").await;
    assert_eq!(
        stored.id.to_string(),
        clash["conflict_id"].as_str().unwrap()
    );
    assert_eq!(stored.data.as_ref().unwrap()["entity_id"], product["id"]);

    let resolved = manager
        .post(app.url("/api/conflicts/resolve"))
        .json(&json!({"conflict_id": clash["conflict_id"], "strategy": "client"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resolved.status(), StatusCode::OK);
    let settled = managers.event_named("conflict:resolved").await;
    assert_eq!(settled.id, stored.id);

    // The cashier heard the two versions of the product, nothing else.
    let heard: Vec<String> = [cashiers.event().await, cashiers.event().await]
        .iter()
        .map(|e| format!("{} {}", e.name, e.data.as_ref().unwrap()["price_cents"]))
        .collect();
    assert_eq!(heard, ["product:updated 300", "product:updated 400"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_socket_closes_when_its_person_is_switched_off_or_changes_role() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.socket_ping_seconds = 1).await;
    let manager = app.signed_in(MANAGER).await;
    let mut socket = app.open_socket(Some(&manager)).await.unwrap();
    // Behind the write path's back, as a sign-out heard by no instance
    // (Redis down) would be: the socket finds out at its next ping.
    let sql = format!("UPDATE employees SET role = 'cashier' WHERE email = '{MANAGER}'");
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, &sql)
        .await
        .unwrap();
    assert_eq!(socket.closed().await, Some(close::SESSION_ENDED));

    let owner = app.signed_in(OWNER).await;
    let mut socket = app.open_socket(Some(&owner)).await.unwrap();
    let sql = format!("UPDATE employees SET active = false WHERE email = '{OWNER}'");
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, &sql)
        .await
        .unwrap();
    assert_eq!(socket.closed().await, Some(close::SESSION_ENDED));
}

async fn a_socket_closes_when_its_session_expires(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    // The session ends in two seconds (as a 12-hour one would at its end).
    let ends = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let sql = format!("UPDATE sessions SET expires_at = '{ends}'");
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, &sql)
        .await
        .unwrap();
    let mut socket = app.open_socket(Some(&owner)).await.unwrap();
    assert_eq!(socket.closed().await, Some(close::SESSION_ENDED));
    assert_eq!(app.open_socket(Some(&owner)).await.err(), Some(401));
}
