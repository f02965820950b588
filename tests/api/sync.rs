//! The sync protocol: pushes apply each mutation once and in order, replays
//! get their stored results, gaps stop a batch, poison is rejected without
//! blocking the queue; pulls page the store's changes, latest state first.

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, TestApp, spawn_app};
use crate::on_every_backend;
use crate::sales::stocked_product;
use reqwest::{Client, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tillwise::domain::ids::new_id;

on_every_backend!(
    a_push_applies_once_in_order_and_poison_never_blocks_the_queue,
    two_tills_pushing_sales_of_one_product_both_count,
    a_chunk_of_sales_is_written_together_with_the_same_effects,
    a_chunk_the_database_refuses_is_applied_one_by_one,
    a_clock_punched_offline_keeps_the_tills_time,
    a_pull_pages_the_latest_state_with_tombstones_for_this_store_only,
    a_different_change_under_an_answered_number_is_not_taken_for_a_replay,
    what_the_database_will_never_store_is_refused_and_the_queue_moves_on,
    a_cashier_pulls_no_staff_directory_and_only_their_own_clock,
);

/// The pull shows what REST shows: a cashier's has no employees (names,
/// e-mails, roles) and no one else's clock events; a manager's has both.
async fn a_cashier_pulls_no_staff_directory_and_only_their_own_clock(backend: Backend) {
    let app = spawn_app(backend).await;
    let till = app.cashier().await;
    let manager = app.signed_in(MANAGER).await;
    for client in [&till, &manager] {
        let res = client
            .post(app.url("/api/clock/in"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
    }
    let kinds = |pull: &Value, kind: &str| -> Vec<Value> {
        pull["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["entity"] == kind)
            .cloned()
            .collect()
    };
    let theirs: Value = app
        .get_json(&till, "/api/sync/pull?cursor=0&limit=1000")
        .await;
    assert!(
        kinds(&theirs, "employee").is_empty(),
        "no staff directory for a cashier"
    );
    let clocks = kinds(&theirs, "clock_event");
    assert_eq!(clocks.len(), 1, "{clocks:?}");
    assert_eq!(clocks[0]["data"]["employee_id"], app.cashier_id.to_string());
    let managers: Value = app
        .get_json(&manager, "/api/sync/pull?cursor=0&limit=1000")
        .await;
    assert!(!kinds(&managers, "employee").is_empty());
    assert_eq!(kinds(&managers, "clock_event").len(), 2);
    assert_eq!(
        theirs["cursor"], managers["cursor"],
        "the cursor passes what is not shown"
    );
}

/// Text with a NUL byte: PostgreSQL refuses to store it (SQLite keeps it).
/// Either way the answer is the caller's (never a 500), and a push goes on
/// past it instead of stopping there on every retry.
async fn what_the_database_will_never_store_is_refused_and_the_queue_moves_on(backend: Backend) {
    let app = spawn_app(backend).await;
    let till = app.cashier().await;
    let res = till
        .post(app.url("/api/customers"))
        .json(&json!({"name": "Ol\u{0}ga"}))
        .send()
        .await
        .unwrap();
    let refused = matches!(backend, Backend::Postgres);
    let expected = if refused {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::CREATED
    };
    assert_eq!(res.status(), expected);

    let client = new_id().to_string();
    let nul = json!({"mutation_id": 1, "entity": "customer", "op": "create", "id": new_id(), "data": {"name": "Nu\u{0}l"}});
    let fine = json!({"mutation_id": 2, "entity": "customer", "op": "create", "id": new_id(), "data": {"name": "Fine Fiona"}});
    let answer = push(&app, &till, &client, vec![nul, fine]).await;
    let first = if refused { "rejected" } else { "applied" };
    assert_eq!(
        statuses(&answer),
        vec![(1, first.into()), (2, "applied".into())],
        "{answer}"
    );
    assert_eq!(answer["last_mutation_id"], 2);
}

/// A tablet cloned from another carries its client id and counter: its own
/// sale number 1 must not be answered with the other's result and dropped.
async fn a_different_change_under_an_answered_number_is_not_taken_for_a_replay(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "CL1", 10).await;
    let (first_tablet, clone) = (app.cashier().await, app.cashier().await);
    let client = new_id().to_string();
    let theirs = sale(1, &product);
    // The same change with its JSON laid out differently is the same.
    let mut relaid: serde_json::Map<String, Value> = serde_json::Map::new();
    for key in [
        "data",
        "base",
        "base_version",
        "id",
        "op",
        "entity",
        "mutation_id",
    ] {
        relaid.insert(key.into(), theirs[key].clone());
    }
    let applied = push(&app, &first_tablet, &client, vec![theirs.clone()]).await;
    assert_eq!(statuses(&applied), vec![(1, "applied".into())]);

    let mine = sale(1, &product);
    let answer = push(&app, &clone, &client, vec![mine.clone()]).await;
    assert_eq!(statuses(&answer), vec![(1, "rejected".into())], "{answer}");
    assert_eq!(
        answer["results"][0]["details"]["reason"],
        "mutation_number_reused"
    );
    assert_eq!(
        app.count("sales").await,
        1,
        "nothing written for it, and it is not taken for the other"
    );

    let replay = push(&app, &first_tablet, &client, vec![Value::Object(relaid)]).await;
    assert_eq!(
        replay["results"], applied["results"],
        "a true replay is still a replay"
    );
    assert_eq!(quantity(&app, &first_tablet, &product).await, 9);
}

fn sale(mutation_id: i64, product: &str) -> Value {
    json!({
        "mutation_id": mutation_id, "entity": "sale", "op": "create", "id": new_id(),
        "base_version": null, "base": null,
        "data": {
            "lines": [{"product_id": product, "quantity": 1, "unit_price_cents": 250}],
            "payments": [{"method": "cash", "amount_cents": 300}],
            "created_at": "2026-11-25T10:00:00Z",
        },
    })
}

pub async fn push(app: &TestApp, till: &Client, client_id: &str, mutations: Vec<Value>) -> Value {
    let res = till
        .post(app.url("/api/sync/push"))
        .json(&json!({"client_id": client_id, "mutations": mutations}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn statuses(response: &Value) -> Vec<(i64, String)> {
    response["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["mutation_id"].as_i64().unwrap(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn quantity(app: &TestApp, client: &Client, product: &str) -> i64 {
    let p: Value = app
        .get_json(client, &format!("/api/products/{product}"))
        .await;
    p["quantity"].as_i64().unwrap()
}

async fn a_push_applies_once_in_order_and_poison_never_blocks_the_queue(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "Y1", 10).await;
    let till = app.cashier().await;
    let client = new_id().to_string();
    let poison = json!({
        "mutation_id": 2, "entity": "sale", "op": "create", "id": new_id(),
        "data": {"lines": [{"product_id": new_id(), "quantity": 1, "unit_price_cents": 1}],
                 "payments": [{"method": "cash", "amount_cents": 1}], "created_at": "2026-11-25T10:00:00Z"},
    });
    let customer = json!({"mutation_id": 3, "entity": "customer", "op": "create", "id": new_id(), "data": {"name": "Offline Olga"}});
    let batch = vec![sale(1, &product), poison, customer];

    let first = push(&app, &till, &client, batch.clone()).await;
    assert_eq!(
        statuses(&first),
        vec![
            (1, "applied".into()),
            (2, "rejected".into()),
            (3, "applied".into())
        ]
    );
    assert_eq!(first["results"][1]["code"], "validation");
    assert_eq!(first["last_mutation_id"], 3);

    // The answer was lost; the till sends the same batch again.
    let again = push(&app, &till, &client, batch).await;
    assert_eq!(again["results"], first["results"]);
    assert_eq!(app.count("sales").await, 1);
    assert_eq!(app.count("customers").await, 1);
    assert_eq!(quantity(&app, &till, &product).await, 9);

    // An empty push tells the till where the server is.
    let position = push(&app, &till, &client, vec![]).await;
    assert_eq!(position["last_mutation_id"], 3);

    // A gap stops the batch; out of order, nothing runs ahead.
    let (m4, m5) = (sale(4, &product), sale(5, &product));
    let gap = push(&app, &till, &client, vec![m5.clone()]).await;
    assert_eq!(
        (
            gap["results"].as_array().unwrap().len(),
            gap["last_mutation_id"].as_i64()
        ),
        (0, Some(3))
    );
    let reordered = push(&app, &till, &client, vec![m5.clone(), m4.clone()]).await;
    assert_eq!(reordered["last_mutation_id"], 3);
    let in_order = push(&app, &till, &client, vec![m4, m5]).await;
    assert_eq!(
        statuses(&in_order),
        vec![(4, "applied".into()), (5, "applied".into())]
    );
    assert_eq!(app.count("sales").await, 3);
    assert_eq!(quantity(&app, &till, &product).await, 7);

    // A sale that reached the server online is the same sale in the outbox.
    let mut online = sale(6, &product);
    let mut body = online["data"].clone();
    body["id"] = online["id"].clone();
    let res = till
        .post(app.url("/api/sales"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    online["mutation_id"] = json!(6);
    let res = push(&app, &till, &client, vec![online]).await;
    assert_eq!(statuses(&res), vec![(6, "applied".into())]);
    assert_eq!(app.count("sales").await, 4);

    // Audited like any other write; another store cannot use this client.
    assert_eq!(app.count("audit_log WHERE action = 'sale.create'").await, 4);
    let other = app.signed_in(OTHER_OWNER).await;
    let res = other
        .post(app.url("/api/sync/push"))
        .json(&json!({"client_id": client, "mutations": [sale(7, &product)]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = till
        .post(app.url("/api/sync/push"))
        .json(&json!({"mutations": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

/// A sale to `customer` of two at 2.50 (+20 % tax: 6.00), 2.50 of it on
/// store credit and the rest in cash.
fn credit_sale(mutation_id: i64, product: &str, customer: &str) -> Value {
    json!({
        "mutation_id": mutation_id, "entity": "sale", "op": "create", "id": new_id(),
        "data": {
            "customer_id": customer,
            "lines": [{"product_id": product, "quantity": 2, "unit_price_cents": 250}],
            "payments": [{"method": "credit", "amount_cents": 250},
                         {"method": "cash", "amount_cents": 1000}],
            "created_at": format!("2026-11-25T10:{:02}:00Z", mutation_id % 60),
        },
    })
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn a_chunk_of_sales_is_written_together_with_the_same_effects(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, b) = (
        stocked_product(&app, "Y3", 1000).await,
        stocked_product(&app, "Y4", 1000).await,
    );
    let till = app.cashier().await;
    let client = new_id().to_string();
    let customer = new_id().to_string();
    // 450 mutations: three chunks, runs of sales broken by other kinds.
    let mut batch = vec![
        json!({"mutation_id": 1, "entity": "customer", "op": "create",
        "id": customer, "data": {"name": "Batch Bea"}}),
    ];
    let twice = sale(2, &a);
    batch.push(twice.clone());
    for id in 3..=450 {
        batch.push(match id {
            // The same sale again in the same push: recorded once.
            7 => json!({"mutation_id": 7, "entity": "sale", "op": "create",
                        "id": twice["id"], "data": twice["data"]}),
            // Poison in the middle of a run: refused alone.
            99 => json!({"mutation_id": 99, "entity": "sale", "op": "create", "id": new_id(),
                        "data": {"lines": [{"product_id": a, "quantity": 1, "unit_price_cents": 250}],
                                 "payments": [{"method": "cash", "amount_cents": 1}],
                                 "created_at": "2026-11-25T10:00:00Z"}}),
            id if id % 50 == 0 => json!({"mutation_id": id, "entity": "customer", "op": "create",
                        "id": new_id(), "data": {"name": format!("Walk-in {id}")}}),
            id if id % 10 == 0 => credit_sale(id, &b, &customer),
            id => sale(id, &a),
        });
    }
    let res = push(&app, &till, &client, batch).await;
    assert_eq!(res["last_mutation_id"], 450);
    let refused: Vec<i64> = statuses(&res)
        .into_iter()
        .filter(|(_, s)| s != "applied")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(refused, vec![99]);
    assert_eq!(
        res["results"][98]["details"]["fields"]["payments"]
            .as_str()
            .map(|m| m.contains("short")),
        Some(true)
    );

    // 450 − 10 customers (1, and 50, 100 … 450) − the repeat − the poison.
    let credit_sales = (10..=450).filter(|i| i % 10 == 0 && i % 50 != 0).count() as i64;
    let cash_sales = 450 - 10 - 2 - credit_sales;
    assert_eq!(app.count("sales").await, cash_sales + credit_sales);
    // Numbered 1…n with no gap, in the order the till rang them up.
    assert_eq!(
        one(&app, "SELECT CAST(MAX(number) AS BIGINT) AS n FROM sales").await,
        cash_sales + credit_sales
    );
    let first: Value = app
        .get_json(
            &till,
            &format!("/api/sales/{}", twice["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(first["number"], 1);
    assert_eq!(quantity(&app, &till, &a).await, 1000 - cash_sales);
    assert_eq!(quantity(&app, &till, &b).await, 1000 - 2 * credit_sales);
    assert_eq!(
        app.count("stock_moves WHERE reason = 'sale'").await,
        cash_sales + credit_sales
    );
    let bea: Value = app
        .get_json(&till, &format!("/api/customers/{customer}"))
        .await;
    assert_eq!(bea["total_orders"], credit_sales);
    assert_eq!(bea["total_spent_cents"], 600 * credit_sales);
    assert_eq!(
        one(
            &app,
            "SELECT CAST(SUM(amount_cents) AS BIGINT) AS n FROM credits"
        )
        .await,
        250 * credit_sales
    );
    assert_eq!(
        app.count("audit_log WHERE action = 'sale.create'").await,
        cash_sales + credit_sales
    );
    let manager = app.signed_in(MANAGER).await;
    let chain: Value = app.get_json(&manager, "/api/audit/verify").await;
    assert_eq!(chain["valid"], true);
    // The feed holds every sale; a till pulling sees the stock it left.
    assert_eq!(
        app.count("changes WHERE entity = 'sale'").await,
        cash_sales + credit_sales
    );
}

async fn a_chunk_the_database_refuses_is_applied_one_by_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "Y5", 100).await;
    let till = app.cashier().await;
    // The database itself refuses one sale's line (a trigger standing in
    // for a fault the server's checks cannot foresee).
    let quantity_seven = match backend {
        Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_seven BEFORE INSERT ON sale_lines WHEN NEW.quantity = 7 \
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
        Backend::Postgres => vec![
            "CREATE FUNCTION refuse_seven() RETURNS trigger AS $$ BEGIN \
             IF NEW.quantity = 7 THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_seven BEFORE INSERT ON sale_lines FOR EACH ROW EXECUTE FUNCTION refuse_seven()",
        ],
    };
    for sql in quantity_seven {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    let client = new_id().to_string();
    let mut batch: Vec<Value> = (1..=5).map(|i| sale(i, &product)).collect();
    batch[3]["data"]["lines"][0]["quantity"] = json!(7);
    batch[3]["data"]["payments"][0]["amount_cents"] = json!(5000);
    let res = till
        .post(app.url("/api/sync/push"))
        .json(&json!({"client_id": client, "mutations": batch}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res: Value = res.json().await.unwrap();
    // The three before it are kept; the push stops at it, to be retried.
    assert_eq!(res["last_mutation_id"], 3);
    assert_eq!(statuses(&res).len(), 3);
    assert_eq!(app.count("sales").await, 3);
    assert_eq!(quantity(&app, &till, &product).await, 97);
}

async fn a_clock_punched_offline_keeps_the_tills_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let till = app.cashier().await;
    let client = new_id().to_string();
    let event = new_id();
    let (clock_in, clock_out) = (
        chrono::Utc::now() - chrono::Duration::hours(3),
        chrono::Utc::now() - chrono::Duration::hours(1),
    );
    let future = chrono::Utc::now() + chrono::Duration::hours(1);
    let res = push(&app, &till, &client, vec![
        json!({"mutation_id": 1, "entity": "clock_event", "op": "create", "id": event,
               "data": {"at": clock_in.to_rfc3339()}}),
        // Out before in: refused, the clock-in stays open.
        json!({"mutation_id": 2, "entity": "clock_event", "op": "update", "id": event,
               "base_version": 1, "data": {"at": (clock_in - chrono::Duration::minutes(1)).to_rfc3339()}}),
        json!({"mutation_id": 3, "entity": "clock_event", "op": "update", "id": event,
               "base_version": 1, "data": {"at": future.to_rfc3339()}}),
        json!({"mutation_id": 4, "entity": "clock_event", "op": "update", "id": event,
               "base_version": 1, "data": {"at": clock_out.to_rfc3339()}}),
    ])
    .await;
    assert_eq!(
        statuses(&res),
        vec![
            (1, "applied".into()),
            (2, "rejected".into()),
            (3, "rejected".into()),
            (4, "applied".into())
        ]
    );
    assert!(
        res["results"][2]["details"]["fields"]["at"].is_string(),
        "{res}"
    );
    let state: Value = app.get_json(&till, "/api/clock").await;
    assert!(state["current"].is_null(), "{state}");
    let recent = &state["recent"][0];
    let at = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    };
    assert_eq!(at(&recent["clock_in"]).timestamp(), clock_in.timestamp());
    assert_eq!(at(&recent["clock_out"]).timestamp(), clock_out.timestamp());
}

async fn two_tills_pushing_sales_of_one_product_both_count(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "Y2", 5).await;
    let (a, b) = (app.cashier().await, app.cashier().await);
    // Each sold 10 offline: more than there was. Both count; stock goes negative.
    let batch = |_: ()| (1..=10).map(|i| sale(i, &product)).collect::<Vec<_>>();
    let (ca, cb) = (new_id().to_string(), new_id().to_string());
    let (ra, rb) = tokio::join!(
        push(&app, &a, &ca, batch(())),
        push(&app, &b, &cb, batch(()))
    );
    assert_eq!(
        (
            ra["last_mutation_id"].as_i64(),
            rb["last_mutation_id"].as_i64()
        ),
        (Some(10), Some(10))
    );
    assert_eq!(app.count("sales").await, 20);
    assert_eq!(quantity(&app, &a, &product).await, -15);
}

async fn a_pull_pages_the_latest_state_with_tombstones_for_this_store_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let product = app.product(&manager, "PULL1", "5550001").await;
    let url = app.url(&format!(
        "/api/products/{}",
        product["id"].as_str().unwrap()
    ));
    for (version, price) in [(1, 300), (2, 350)] {
        let res = manager
            .put(&url)
            .json(&json!({"name": "Pulled", "sku": "PULL1", "price_cents": price, "tax_rate_bp": 2000, "sync_version": version}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let category: Value = manager
        .post(app.url("/api/categories"))
        .json(&json!({"name": "Gone"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = manager
        .delete(app.url(&format!(
            "/api/categories/{}?sync_version=1",
            category["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let till = app.cashier().await;
    let (mut cursor, mut pages, mut seen) = (0, 0, Vec::new());
    let mut heads = Vec::new();
    loop {
        let page: Value = app
            .get_json(&till, &format!("/api/sync/pull?cursor={cursor}&limit=2"))
            .await;
        let next = page["cursor"].as_i64().unwrap();
        assert!(next >= cursor);
        cursor = next;
        pages += 1;
        seen.extend(page["changes"].as_array().unwrap().iter().cloned());
        if !page["has_more"].as_bool().unwrap() {
            // The last page says nothing of how far there is to go.
            assert!(page.get("head").is_none(), "{page}");
            break;
        }
        // A page with more after it says where the store's feed stands,
        // for the till's download progress.
        heads.push(page["head"].as_i64().expect("head while there is more"));
    }
    assert!(heads.windows(2).all(|w| w[0] == w[1]), "{heads:?}");
    assert!(heads.iter().all(|h| *h >= cursor), "{heads:?} vs {cursor}");
    assert!(pages >= 2, "paged");
    let of = |id: &Value| {
        seen.iter()
            .filter(|c| &c["id"] == id)
            .cloned()
            .collect::<Vec<_>>()
    };
    let p = of(&product["id"]);
    assert_eq!(p.len(), 1, "each record once, in its latest state: {p:?}");
    assert_eq!(
        (
            p[0]["version"].as_i64(),
            p[0]["data"]["price_cents"].as_i64()
        ),
        (Some(3), Some(350))
    );
    let gone = of(&category["id"]);
    assert_eq!(
        (gone[0]["op"].as_str(), gone[0]["data"].is_null()),
        (Some("delete"), true)
    );
    // Nothing new: an empty page at the same cursor.
    let empty: Value = app
        .get_json(&till, &format!("/api/sync/pull?cursor={cursor}"))
        .await;
    assert_eq!(
        (
            empty["changes"].as_array().unwrap().len(),
            empty["cursor"].as_i64()
        ),
        (0, Some(cursor))
    );

    let other = app.signed_in(OTHER_OWNER).await;
    let theirs: Value = app.get_json(&other, "/api/sync/pull?cursor=0").await;
    assert!(
        theirs["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != product["id"])
    );
}

crate::on_postgres!(reading_more_records_runs_no_statement_text_not_seen_before);

/// A push's replays, a pull (its records and their latest feed numbers)
/// and a page of sales name their records' ids as one parameter on
/// PostgreSQL (`db::bulk::one_of`): with more records of each the same
/// texts run, so none is parsed and planned again for a new count.
async fn reading_more_records_runs_no_statement_text_not_seen_before() {
    let app = spawn_app(Backend::Postgres).await;
    let till = app.cashier().await;
    let client = new_id().to_string();
    let mut products = Vec::new();
    let mut sent = Vec::new();
    let mut seen = None;
    for more in [1, 3] {
        // A product more each round, so the pull reads more products too.
        products.push(stocked_product(&app, &format!("ONE{more}"), 100).await);
        for n in 0..more {
            let product = &products[n % products.len()];
            sent.push(sale(sent.len() as i64 + 1, product));
        }
        let first = push(&app, &till, &client, sent.clone()).await;
        // Every mutation sent again: each gets its stored result.
        let again = push(&app, &till, &client, sent.clone()).await;
        assert_eq!(statuses(&again).len(), sent.len(), "{again}");
        assert_eq!(again["results"], first["results"], "a replay is a replay");
        let pulled = app.get_json(&till, "/api/sync/pull?cursor=0").await;
        let pulled_products = pulled["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["entity"] == "product")
            .count();
        assert_eq!(pulled_products, products.len(), "{pulled}");
        let page = app.get_json(&till, "/api/sales").await;
        assert_eq!(
            page["items"].as_array().unwrap().len(),
            sent.len(),
            "{page}"
        );
        match &seen {
            None => seen = Some(app.statement_texts()),
            Some(seen) => {
                let new: Vec<String> = app.statement_texts().difference(seen).cloned().collect();
                assert!(new.is_empty(), "texts run for the first time: {new:#?}");
            }
        }
    }
}
