//! The owner's index admin on both databases: every index with its size
//! and use, one table's, a rebuild, and a statement made slow on purpose
//! caught with its plan. Managers and cashiers are refused.

use crate::helpers::{Backend, MANAGER, OWNER, TestApp, spawn_app_with};
use crate::on_every_backend;
use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::Value;

on_every_backend!(
    the_owner_sees_every_index_with_its_size_and_use,
    a_table_is_rebuilt_and_the_rebuild_is_audited,
    a_slow_statement_is_caught_with_its_plan,
    only_owners_reach_the_index_admin,
);

async fn get(app: &TestApp, client: &Client, path: &str, want: StatusCode) -> Value {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), want, "GET {path}");
    res.json().await.unwrap()
}

fn index<'a>(stats: &'a Value, name: &str) -> &'a Value {
    stats["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no index {name} in {stats}"))
}

async fn spawn(backend: Backend) -> TestApp {
    // 5 ms: the statement the test makes slow takes far longer on any
    // machine; the app's own quick ones stay under it.
    spawn_app_with(backend, |s| s.slow_query_ms = 5).await
}

async fn the_owner_sees_every_index_with_its_size_and_use(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.signed_in(OWNER).await;
    app.product(&owner, "IX-1", "5000000000028").await;
    let found = get(
        &app,
        &owner,
        "/api/products/barcode/5000000000028",
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["sku"], "IX-1");

    let stats = get(&app, &owner, "/api/indexes/stats", StatusCode::OK).await;
    assert_eq!(
        stats["backend"],
        if backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    let barcode = index(&stats, "products_store_barcode");
    assert_eq!(barcode["table"], "products");
    assert_eq!(
        barcode["columns"],
        serde_json::json!(["store_id", "barcode"])
    );
    assert_eq!(barcode["unique"], true);
    assert!(barcode["size_bytes"].as_i64().unwrap() > 0, "{barcode}");
    let used_by = barcode["used_by"].as_array().unwrap();
    if backend == Backend::Sqlite {
        assert!(
            used_by
                .iter()
                .any(|s| s.as_str().unwrap().contains("barcode")),
            "the barcode lookup this instance ran uses it: {barcode}"
        );
    } else {
        // PostgreSQL reads a table of one product whole, whatever the
        // index: what is asked for here is that the plan was read and the
        // scan counts are there.
        assert!(barcode["scans"].as_i64().is_some(), "{barcode}");
        assert!(stats["statements_seen"].as_u64().unwrap() > 0, "{stats}");
    }
    let tables: std::collections::BTreeSet<&str> = stats["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["table"].as_str().unwrap())
        .collect();
    assert!(
        tables.contains("sales") && tables.contains("audit_log"),
        "{tables:?}"
    );

    let products = get(&app, &owner, "/api/indexes/products", StatusCode::OK).await;
    assert!(
        products["indexes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["table"] == "products")
    );
    let missing = get(
        &app,
        &owner,
        "/api/indexes/no_such_table",
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(missing["code"], "not_found");
}

async fn a_table_is_rebuilt_and_the_rebuild_is_audited(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.signed_in(OWNER).await;
    app.product(&owner, "IX-2", "5000000000035").await;
    let res = owner
        .post(app.url("/api/indexes/rebuild/products"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let rebuilt: Value = res.json().await.unwrap();
    assert_eq!(rebuilt["table"], "products");
    assert_eq!(
        rebuilt["how"],
        if backend == Backend::Sqlite {
            "REINDEX"
        } else {
            "REINDEX TABLE CONCURRENTLY"
        }
    );
    assert!(
        rebuilt["indexes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == "products_store_sku"),
        "{rebuilt}"
    );
    assert_eq!(rebuilt["dropped_invalid"], serde_json::json!([]));
    // The rebuilt indexes still answer.
    let found = get(
        &app,
        &owner,
        "/api/products/barcode/5000000000035",
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["sku"], "IX-2");
    assert_eq!(
        app.count("audit_log WHERE action = 'indexes.rebuild'")
            .await,
        1
    );
    let res = owner
        .post(app.url("/api/indexes/rebuild/no_such_table"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn a_slow_statement_is_caught_with_its_plan(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.signed_in(OWNER).await;
    let sql = match backend {
        Backend::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) \
             SELECT count(*) AS n FROM c"
        }
        Backend::Postgres => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $1) \
             SELECT count(*) AS n FROM c"
        }
    };
    let db_backend = match backend {
        Backend::Sqlite => DbBackend::Sqlite,
        Backend::Postgres => DbBackend::Postgres,
    };
    // Through the app's own connection, as any service's statement goes.
    app.db
        .query_all_raw(Statement::from_sql_and_values(
            db_backend,
            sql,
            [2_000_000i64.into()],
        ))
        .await
        .unwrap();

    let analysis = get(
        &app,
        &owner,
        "/api/indexes/slow-queries/analysis",
        StatusCode::OK,
    )
    .await;
    assert_eq!(analysis["threshold_ms"], 5);
    let caught = analysis["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["statement"]
                .as_str()
                .unwrap()
                .contains("WITH RECURSIVE c(x)")
        })
        .unwrap_or_else(|| panic!("not caught: {analysis}"));
    assert_eq!(caught["source"], "this instance");
    assert_eq!(caught["runs"], 1);
    assert!(caught["max_ms"].as_f64().unwrap() >= 5.0, "{caught}");
    let plan: Vec<&str> = caught["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        !plan.is_empty() && !plan[0].starts_with("not explained"),
        "{plan:?}"
    );
    assert!(
        plan.iter()
            .any(|l| l.contains("SCAN") || l.contains("Scan")),
        "{plan:?}"
    );
    if backend == Backend::Postgres {
        assert!(analysis["pg_stat_statements"].is_boolean(), "{analysis}");
        assert!(analysis["cache_hit_ratio"].is_number(), "{analysis}");
    }
}

async fn only_owners_reach_the_index_admin(backend: Backend) {
    let app = spawn(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let cashier = app.cashier().await;
    for client in [&manager, &cashier] {
        for path in [
            "/api/indexes/stats",
            "/api/indexes/products",
            "/api/indexes/slow-queries/analysis",
        ] {
            let refused = get(&app, client, path, StatusCode::FORBIDDEN).await;
            assert_eq!(refused["code"], "forbidden");
        }
        let res = client
            .post(app.url("/api/indexes/rebuild/products"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.count("audit_log WHERE action = 'indexes.rebuild'")
            .await,
        0
    );
}
