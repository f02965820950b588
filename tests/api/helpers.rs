//! Spawning the app for a test, and the people who use it.

use reqwest::cookie::{CookieStore, Jar};
use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use tillwise::domain::ids::new_id;
use tillwise::domain::mutation::{EntityKind, Mutation};
use tillwise::server::services::{Actor, Db, stores, write_path};
use tillwise::server::settings::Settings;
use tillwise::server::startup::Application;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse";
pub const OWNER: &str = "owner@a.test";
pub const MANAGER: &str = "manager@a.test";
pub const OTHER_OWNER: &str = "owner@b.test";
pub const CASHIER_PIN: &str = "1111";
/// The audit seal's key in tests (a real deployment's is its own secret).
pub const TEST_AUDIT_KEY: &str =
    "test:5e1d0a4b7c2f9e8d3a6b1c0f4e7d2a9b8c5f3e0d1a4b7c2f9e8d3a6b1c0f4e7d";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body once per backend: `on_every_backend!(name, …)` makes
/// `name::sqlite` and `name::postgres` from `async fn name(Backend)`.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if $crate::helpers::postgres_admin_url().is_none() {
                    eprintln!("skipped: TEST_DATABASE_URL is not set");
                    return;
                }
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    )*};
}

/// A test body that needs PostgreSQL: `on_postgres!(name, …)` makes
/// `name::postgres` from `async fn name()`, skipped without one.
#[macro_export]
macro_rules! on_postgres {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if $crate::helpers::postgres_admin_url().is_none() {
                    eprintln!("skipped: TEST_DATABASE_URL is not set");
                    return;
                }
                super::$name().await
            }
        }
    )*};
}

pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// A database of the test's own, removed when the test ends.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("tillwise-test-{}", new_id().simple()));
                std::fs::create_dir_all(&dir).unwrap();
                let url = format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
                TestDatabase {
                    url,
                    cleanup: Cleanup::Dir(dir),
                }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url().expect("TEST_DATABASE_URL");
                let name = format!("tw_test_{}", new_id().simple());
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                admin.close().await.ok();
                let url = with_database(&admin_url, &name);
                TestDatabase {
                    url,
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
        }
    }
}

/// `postgres://u@h:5432/x?opts` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[authority_end..]
        .find('/')
        .map(|i| i + authority_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs outside async: use a runtime of its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub db: Db,
    /// Store A: owner, manager and cashier Ana.
    pub store: Uuid,
    /// Store B: another tenant, with its own owner.
    pub other_store: Uuid,
    pub cashier_id: Uuid,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    // Dropped with the last instance on it: no server uses it by then.
    database: Arc<TestDatabase>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The app's settings for a test database: on PostgreSQL with the shared
/// Redis when `TEST_REDIS_URL` is set, on SQLite without (so both the
/// Redis and the in-process cache and realtime are tested).
pub fn settings(database_url: &str) -> Settings {
    let redis = if database_url.starts_with("sqlite") {
        String::new()
    } else {
        std::env::var("TEST_REDIS_URL").unwrap_or_default()
    };
    Settings::load()
        .expect("Leptos.toml")
        .with_env(|name| match name {
            "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".into()),
            "DATABASE_URL" => Some(database_url.into()),
            "REDIS_URL" => Some(redis.clone()),
            "TILLWISE_SEED_DEMO" => Some("false".into()),
            "TILLWISE_AUDIT_KEY" => Some(TEST_AUDIT_KEY.into()),
            _ => None,
        })
        .unwrap()
}

/// Starts the app on a random port with a fresh database and two stores.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// An instance of the app serving on a random port until `shutdown`.
struct Serving {
    address: String,
    db: Db,
    shutdown: tokio::sync::oneshot::Sender<()>,
}

async fn serve(settings: Settings) -> Serving {
    // TEST_LOG=1 shows the server's logs while debugging a test.
    if std::env::var("TEST_LOG").is_ok() {
        tillwise::server::telemetry::init(&settings);
    }
    let app = Application::build(settings).await.expect("app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.state.db.clone();
    let (shutdown, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    Serving {
        address,
        db,
        shutdown,
    }
}

/// `spawn_app` with some settings changed first.
pub async fn spawn_app_with(backend: Backend, change: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::create(backend).await;
    let mut settings = settings(&database.url);
    change(&mut settings);
    let Serving {
        address,
        db,
        shutdown: tx,
    } = serve(settings).await;

    let store = new_id();
    stores::create_store(&db, store, "Store A").await.unwrap();
    let owner = create(
        &db,
        &Actor::system(store),
        EntityKind::Employee,
        json!({"name": "Olga", "role": "owner", "email": OWNER, "password": PASSWORD}),
    )
    .await;
    let owner = Actor {
        employee_id: Some(owner),
        ..Actor::system(store)
    };
    create(
        &db,
        &owner,
        EntityKind::Employee,
        json!({"name": "Mia", "role": "manager", "email": MANAGER, "password": PASSWORD}),
    )
    .await;
    let cashier_id = create(
        &db,
        &owner,
        EntityKind::Employee,
        json!({"name": "Ana", "role": "cashier", "pin": CASHIER_PIN}),
    )
    .await;

    let other_store = new_id();
    stores::create_store(&db, other_store, "Store B")
        .await
        .unwrap();
    create(
        &db,
        &Actor::system(other_store),
        EntityKind::Employee,
        json!({"name": "Bo", "role": "owner", "email": OTHER_OWNER, "password": PASSWORD}),
    )
    .await;

    TestApp {
        address,
        db,
        store,
        other_store,
        cashier_id,
        shutdown: Some(tx),
        database: Arc::new(database),
    }
}

pub async fn create(db: &Db, actor: &Actor, entity: EntityKind, data: Value) -> Uuid {
    write_path::apply(db, actor, Mutation::create(entity, data))
        .await
        .unwrap_or_else(|e| panic!("seeding {entity:?}: {e:?}"))
        .id
}

/// A browser: an HTTP client with a cookie jar of its own, whose cookies
/// a test can also hand to the store's socket.
pub struct Browser {
    client: Client,
    jar: Arc<Jar>,
}

impl std::ops::Deref for Browser {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Browser {
    /// The `Cookie` header this browser sends to `base`.
    pub fn cookies(&self, base: &str) -> Option<String> {
        let url = base.parse().ok()?;
        let header = self.jar.cookies(&url)?;
        header.to_str().ok().map(str::to_string)
    }
}

pub fn browser() -> Browser {
    let jar = Arc::new(Jar::default());
    Browser {
        client: Client::builder()
            .cookie_provider(jar.clone())
            .build()
            .unwrap(),
        jar,
    }
}

impl TestApp {
    /// Another instance of the app over this one's database (its stores
    /// and people too), with some settings changed first.
    pub async fn another_instance(&self, change: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = settings(&self.database.url);
        change(&mut settings);
        let serving = serve(settings).await;
        TestApp {
            address: serving.address,
            db: serving.db,
            store: self.store,
            other_store: self.other_store,
            cashier_id: self.cashier_id,
            shutdown: Some(serving.shutdown),
            database: self.database.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A browser signed in with e-mail and password.
    pub async fn signed_in(&self, email: &str) -> Browser {
        let client = browser();
        let res = client
            .post(self.url("/api/auth/login"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "login as {email}: {}",
            res.text().await.unwrap_or_default()
        );
        client
    }

    /// A browser a manager paired as a till, not yet switched in.
    pub async fn paired_till(&self) -> Browser {
        let client = self.signed_in(MANAGER).await;
        let res = client
            .post(self.url("/api/devices/pair"))
            .json(&json!({"name": "Till 1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        client
            .post(self.url("/api/auth/logout"))
            .send()
            .await
            .unwrap();
        client
    }

    /// A paired till with cashier Ana switched in.
    pub async fn cashier(&self) -> Browser {
        let client = self.paired_till().await;
        let res = self.pin(&client, self.cashier_id, CASHIER_PIN).await;
        assert_eq!(res.status(), StatusCode::OK);
        client
    }

    pub async fn pin(&self, client: &Client, employee_id: Uuid, pin: &str) -> reqwest::Response {
        client
            .post(self.url("/api/auth/pin"))
            .json(&json!({"employee_id": employee_id, "pin": pin}))
            .send()
            .await
            .unwrap()
    }

    /// Creates a product through the REST API and returns its JSON.
    pub async fn product(&self, client: &Client, sku: &str, barcode: &str) -> Value {
        let res = client
            .post(self.url("/api/products"))
            .json(&json!({"name": format!("Product {sku}"), "sku": sku, "barcode": barcode, "price_cents": 250, "tax_rate_bp": 2000}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json().await.unwrap()
    }

    /// `POST path` with `body` as `client`, answered 201: the record made.
    pub async fn created(&self, client: &Client, path: &str, body: &Value) -> Value {
        let res = client.post(self.url(path)).json(body).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "POST {path}");
        res.json().await.unwrap()
    }

    /// `GET path` as `client`, answered 200 with JSON: the JSON.
    pub async fn get_json(&self, client: &Client, path: &str) -> Value {
        let res = client.get(self.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.unwrap()
    }

    /// How many rows `from` has: a table, optionally with a WHERE clause.
    pub async fn count(&self, from: &str) -> i64 {
        let rows = self
            .rows(&format!("SELECT COUNT(*) AS n FROM {from}"))
            .await;
        rows[0].try_get::<i64>("", "n").unwrap()
    }

    /// The rows `sql` answers, read through the app's own pool (a test's
    /// look at the database behind the API).
    pub async fn rows(&self, sql: &str) -> Vec<sea_orm::QueryResult> {
        rows_on(self.db.conn(), sql).await
    }

    /// Every statement text the app has run since it started.
    pub fn statement_texts(&self) -> std::collections::HashSet<String> {
        self.db
            .statements()
            .all()
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    /// The SQLite database file, on SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match &self.database.cleanup {
            Cleanup::Dir(dir) => Some(dir.join("test.db")),
            Cleanup::Postgres { .. } => None,
        }
    }
}

/// The rows `sql` answers on one connection of the app's.
pub async fn rows_on(conn: &sea_orm::DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    conn.query_all_raw(sea_orm::Statement::from_string(
        conn.get_database_backend(),
        sql,
    ))
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[test]
fn replaces_the_database_of_a_url() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}

/// A Redis server of the test's own, on a free port, that the test can
/// stop and start again (the shared one must not be stopped).
pub struct OwnRedis {
    port: u16,
    process: Option<std::process::Child>,
}

impl OwnRedis {
    pub async fn start() -> OwnRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut redis = OwnRedis {
            port,
            process: None,
        };
        redis.restart().await;
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub async fn restart(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed where TEST_REDIS_URL is set");
        self.process = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start");
    }

    pub async fn stop(&mut self) {
        if let Some(mut child) = self.process.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
