//! Health, errors and the pages themselves.

use crate::helpers::{Backend, OWNER, browser, spawn_app, spawn_app_with};
use crate::on_every_backend;
use reqwest::StatusCode;
use serde_json::Value;

on_every_backend!(
    health_reports_the_database_and_redis,
    errors_are_json_with_a_request_id,
    a_body_over_the_limit_is_413_and_changes_nothing,
    a_page_past_every_row_is_empty_at_any_offset,
    the_login_page_is_served,
    a_guarded_page_reads_its_data_once_when_the_server_renders_it,
    a_post_from_another_site_is_refused_before_it_does_anything,
    a_new_deployment_opens_with_its_first_owner_and_no_demo,
    a_server_function_given_arguments_it_cannot_read_says_400
);

/// Arguments a server function cannot read (wrong shape, one missing, not
/// JSON at all) are the caller's mistake: 400 `validation`, not a 500.
async fn a_server_function_given_arguments_it_cannot_read_says_400(backend: Backend) {
    use leptos::server_fn::ServerFn;
    let app = spawn_app(backend).await;
    let owner = app.signed_in(crate::helpers::OWNER).await;
    let json_fn = app.url(tillwise::api::store::SaveStoreSettings::PATH);
    let form_fn = app.url(tillwise::api::sales::VoidSale::PATH);
    let sends = [
        owner
            .post(&json_fn)
            .json(&serde_json::json!({"edit": 5, "sync_version": "x"})),
        owner
            .post(&json_fn)
            .header("content-type", "application/json")
            .body("{not json"),
        owner
            .post(&form_fn)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("original=not-a-uuid"),
    ];
    for send in sends {
        let res = send.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["code"], "validation", "{body}");
    }
}

/// No demo accounts in a deployment: the shipped settings seed none, and
/// the first store and owner come from the environment.
async fn a_new_deployment_opens_with_its_first_owner_and_no_demo(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.seed_demo = false;
        s.first_owner = Some(tillwise::server::settings::FirstOwner {
            store_name: "Corner Shop".into(),
            name: "Fay".into(),
            email: "fay@corner.test".into(),
            password: "a long password".into(),
        });
    })
    .await;
    let res = browser()
        .post(app.url("/api/auth/login"))
        .json(&serde_json::json!({"email": "fay@corner.test", "password": "a long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (
            body["session"]["store_name"].as_str(),
            body["session"]["role"].as_str()
        ),
        (Some("Corner Shop"), Some("owner"))
    );
    let demo = browser()
        .post(app.url("/api/auth/login"))
        .json(&serde_json::json!({"email": "owner@demo.test", "password": "demo1234"}))
        .send()
        .await
        .unwrap();
    assert_eq!(demo.status(), StatusCode::UNAUTHORIZED);
}

/// Login CSRF and cross-site form posts: a sign-in, a server function and
/// a REST write sent as another site's page would send them are refused
/// (403) and change nothing; the same from this site passes.
async fn a_post_from_another_site_is_refused_before_it_does_anything(backend: Backend) {
    use leptos::server_fn::ServerFn;
    let app = spawn_app(backend).await;
    let here = app.url("");
    let here = here.trim_end_matches('/');
    let owner = app.signed_in(crate::helpers::OWNER).await;
    let customers = app.count("customers").await;
    let sessions = app.count("sessions").await;
    for (name, value) in [
        ("origin", "http://evil.test"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let login = browser()
            .post(app.url("/api/auth/login"))
            .header(name, value)
            .json(&serde_json::json!({"email": crate::helpers::OWNER, "password": crate::helpers::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::FORBIDDEN, "{name}");
        let rpc = owner
            .post(app.url(tillwise::api::store::SaveStoreSettings::PATH))
            .header(name, value)
            .json(&serde_json::json!({"edit": {"name": "Renamed by evil.test"}, "sync_version": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(rpc.status(), StatusCode::FORBIDDEN, "{name}");
        let rest = owner
            .post(app.url("/api/customers"))
            .header(name, value)
            .json(&serde_json::json!({"name": "Forged Fred"}))
            .send()
            .await
            .unwrap();
        assert_eq!(rest.status(), StatusCode::FORBIDDEN, "{name}");
    }
    assert_eq!(app.count("customers").await, customers);
    let store: Value = app.get_json(&owner, "/api/store").await;
    assert_ne!(store["name"], "Renamed by evil.test");
    assert_eq!(app.count("sessions").await, sessions);
    let same = owner
        .post(app.url("/api/customers"))
        .header("origin", here)
        .header("sec-fetch-site", "same-origin")
        .json(&serde_json::json!({"name": "Real Rita"}))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::CREATED);
}

async fn health_reports_the_database_and_redis(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.heartbeat_seconds = 7).await;
    let res = browser().get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["db"], "ok");
    // SQLite tests run without Redis; PostgreSQL ones with it when CI has it.
    let with_redis = backend == Backend::Postgres
        && std::env::var("TEST_REDIS_URL").is_ok_and(|u| !u.is_empty());
    let (redis, cache) = if with_redis {
        ("ok", "redis")
    } else {
        ("disabled", "memory")
    };
    assert_eq!(body["redis"], redis);
    assert_eq!(body["cache"], cache);
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    // Tills take their heartbeat from the setting.
    assert_eq!(body["heartbeat_seconds"], 7);
}

async fn errors_are_json_with_a_request_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = browser()
        .get(app.url("/api/products"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let header_id = res
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "unauthenticated");
    assert!(!body["message"].as_str().unwrap().is_empty());
    assert_eq!(body["request_id"], header_id.as_str());

    let res = browser()
        .get(app.url("/api/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "not_found");
}

/// A signed-in screen's panels load their data once per page the server
/// renders. Leptos walks a screen's view more than once before it streams
/// it; a panel created on each walk fetched its data each time, and when
/// the answers differed (the System page's slow statements grow while the
/// page renders) the HTML came from one answer and the browser hydrated
/// with another: a dead page.
async fn a_guarded_page_reads_its_data_once_when_the_server_renders_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    // The statement that lists the database's indexes.
    let listing = |sql: &str| sql.contains("FROM dbstat") || sql.contains("AS tbl, i.relname");
    let runs = || -> u64 {
        app.db
            .statements()
            .all()
            .iter()
            .filter(|s| listing(&s.sql))
            .map(|s| s.runs)
            .sum()
    };
    // The page's two panels that list indexes, read once each by the API.
    let before = runs();
    for path in ["/api/indexes/stats", "/api/indexes/slow-queries/analysis"] {
        let res = owner.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let one_read = runs() - before;
    assert!(one_read > 0);

    let before = runs();
    let res = owner.get(app.url("/system")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("products_store_sku"),
        "the index panel rendered its data"
    );
    assert_eq!(
        runs() - before,
        one_read,
        "the panels read the indexes once each"
    );
}

async fn the_login_page_is_served(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = browser().get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Sign in"), "{html}");
    assert!(html.contains("/pkg/tillwise"), "the page loads the client");
}

/// A push or a sale too big to take is refused in so many words (413, a
/// JSON error the till can act on), not as a malformed body, and nothing
/// of it lands.
async fn a_body_over_the_limit_is_413_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let till = app.cashier().await;
    let filler = "x".repeat(tillwise::server::http::MAX_BODY_BYTES);
    for path in ["/api/sales", "/api/sync/push"] {
        let res = till
            .post(app.url(path))
            .header("content-type", "application/json")
            .body(format!(r#"{{"note": "{filler}"}}"#))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "too_large", "{path}");
        assert!(
            body["message"].as_str().unwrap().contains("too big"),
            "{body}"
        );
        assert_eq!(
            body["details"]["limit_bytes"],
            tillwise::server::http::MAX_BODY_BYTES
        );
    }
    assert_eq!(app.count("sales").await, 0);
}

/// Found by the API fuzzer: an offset over i64::MAX panicked in the SQL
/// driver and the connection dropped without an answer.
async fn a_page_past_every_row_is_empty_at_any_offset(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(crate::helpers::OWNER).await;
    for list in [
        "products",
        "customers",
        "sales",
        "credits",
        "shifts",
        "audit",
        "conflicts",
    ] {
        for offset in [
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
        ] {
            let res = owner
                .get(app.url(&format!("/api/{list}?offset={offset}")))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{list} at {offset}: no answer: {e}"));
            assert_eq!(res.status(), StatusCode::OK, "{list} at {offset}");
            let page: Value = res.json().await.unwrap();
            assert_eq!(page["items"], serde_json::json!([]), "{list} at {offset}");
        }
    }
}
