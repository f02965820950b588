//! Group commit: online sales of one store sent at once are written in
//! groups, yet each is answered as if alone: exactly one sale per id, exact
//! stock, a gapless feed and sale numbers, a valid audit chain; a refused
//! sale is refused alone and a replay is a replay, also across instances.

use crate::helpers::{Backend, MANAGER, TestApp, rows_on, spawn_app};
use crate::sales::{sale, stocked_product};
use crate::{on_every_backend, on_postgres};
use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use tillwise::domain::ids::new_id;

on_every_backend!(
    busy_tills_are_written_in_groups_and_answered_one_by_one,
    a_sales_rows_stock_feed_audit_and_counters_are_written_in_one_execution
);

/// SQLite copies its log back into the database file after commits, in the
/// background (`services::checkpoints`): a few sales are nowhere near the
/// commits' own threshold, yet their pages are soon all copied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_copies_its_log_back_beside_the_writers() {
    let app = spawn_app(Backend::Sqlite).await;
    let product = stocked_product(&app, "WAL", 10).await;
    let till = app.cashier().await;
    for _ in 0..3 {
        let body = sale(
            &product,
            1,
            json!([{"method": "card", "amount_cents": 300}]),
        );
        let answers = send_all(&app, &till, &[(body, Expect::Recorded)]).await;
        assert_eq!(answers[0].0, StatusCode::CREATED, "{}", answers[0].1);
    }
    // The wal-index (SQLite's walformat.html): the log's last frame at
    // byte 16 of its header, the frames copied back at byte 96.
    let shm = app.sqlite_file().unwrap().with_extension("db-shm");
    let log = || {
        let bytes = std::fs::read(&shm).unwrap();
        let word = |at: usize| u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap());
        (word(16), word(96))
    };
    assert!(log().0 > 0, "the sales are in the log");
    wait_until(
        || {
            let (frames, copied) = log();
            frames == copied
        },
        "every frame of the log copied back",
    )
    .await;
    assert!(app.db.checkpoints().done() > 0);
}

/// SQLite writes the groups on a connection of their own, whose page cache
/// no other connection's write empties, set up as the pool's are (keys
/// checked, statement undo in memory, the log's backstop) with room for a
/// group's pages.
#[tokio::test]
async fn sqlite_writes_groups_on_a_connection_of_their_own() {
    let app = spawn_app(Backend::Sqlite).await;
    let pragma = |conn: &sea_orm::DatabaseConnection, name: &'static str| {
        let conn = conn.clone();
        async move {
            rows_on(&conn, &format!("PRAGMA {name}")).await[0]
                .try_get_by_index::<i64>(0)
                .unwrap()
        }
    };
    let writer = app.db.group_writer();
    let pool = app.db.conn();
    let cache = -i64::from(tillwise::server::db::GROUP_WRITER_PAGE_CACHE_KIB);
    assert_eq!(pragma(writer, "cache_size").await, cache);
    assert_ne!(pragma(pool, "cache_size").await, cache, "not the pool");
    for conn in [writer, pool] {
        assert_eq!(pragma(conn, "foreign_keys").await, 1);
        assert_eq!(pragma(conn, "temp_store").await, 2, "memory");
        assert_eq!(
            pragma(conn, "wal_autocheckpoint").await,
            i64::from(tillwise::server::db::WAL_BACKSTOP_PAGES)
        );
    }
    assert!(pragma(writer, "busy_timeout").await > 0);
}

on_postgres!(
    two_instances_selling_to_one_store_keep_every_guarantee,
    a_young_database_is_analysed_as_it_grows,
    selling_rewrites_no_product_index_unless_stock_turns_low,
    a_sales_rows_cannot_name_another_stores_sale_or_product,
    the_stock_update_of_a_group_reads_only_the_products_sold,
    a_group_of_another_size_runs_no_statement_text_not_seen_before,
);

/// What one sent sale should come to.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Recorded,
    /// Refused for this field of its own.
    Refused(&'static str),
    /// The same id as another sale sent at the same moment.
    Twin,
}

async fn busy_tills_are_written_in_groups_and_answered_one_by_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "GRP", 1000).await;
    let till = app.cashier().await;
    let before = app.db.groups().figures();

    // Four rounds of 30 sales at once: most good, some underpaid, some for
    // a product of no store, and pairs sharing one id.
    let mut sent = 0;
    let mut sold = 0;
    for _ in 0..4 {
        let mut bodies = Vec::new();
        for i in 0..30 {
            let mut body = sale(
                &product,
                1,
                json!([{"method": "card", "amount_cents": 300}]),
            );
            let expect = match i % 10 {
                3 => {
                    body["payments"] = json!([{"method": "card", "amount_cents": 100}]);
                    Expect::Refused("payments")
                }
                6 => {
                    body["lines"][0]["product_id"] = json!(new_id());
                    Expect::Refused("lines[0].product_id")
                }
                _ => Expect::Recorded,
            };
            if i % 15 == 9 {
                bodies.push((body.clone(), Expect::Twin));
            }
            bodies.push((body, expect));
        }
        let answers = send_all(&app, &till, &bodies).await;
        let mut twins: Vec<(StatusCode, Value)> = Vec::new();
        for ((body, expect), (status, answer)) in bodies.iter().zip(answers) {
            sent += 1;
            match expect {
                Expect::Recorded => {
                    assert!(
                        status == StatusCode::CREATED || status == StatusCode::OK,
                        "{status}: {answer}"
                    );
                    assert_eq!(answer["id"], body["id"]);
                    if status == StatusCode::CREATED {
                        sold += 1;
                    }
                }
                Expect::Refused(field) => {
                    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
                    let fields = answer["details"]["fields"].as_object().unwrap();
                    assert_eq!(fields.keys().collect::<Vec<_>>(), [field], "{answer}");
                }
                Expect::Twin => twins.push((status, answer)),
            }
        }
        // Each twin and its original: one recorded, one a replay of it.
        for (status, answer) in twins {
            assert!(
                status == StatusCode::CREATED || status == StatusCode::OK,
                "{status}: {answer}"
            );
            if status == StatusCode::CREATED {
                sold += 1;
            }
        }
    }
    assert_eq!(sent, 4 * 32);
    let recorded = 4 * (30 - 6);
    assert_eq!(sold, recorded, "one 201 per sale, the twin is a replay");
    assert_eq!(app.count("sales").await, recorded as i64);
    assert_eq!(
        quantity(&app, &till, &product).await,
        1000 - recorded as i64
    );

    let after = app.db.groups().figures();
    let sales = after.sales - before.sales;
    let groups = after.groups - before.groups;
    assert_eq!(sales, 4 * 32, "every online sale went through a group");
    assert!(
        groups < sales,
        "{sales} sales sent at once were written in {groups} groups"
    );

    gapless_and_chained(&app, recorded).await;
    // A sale sent again later is a replay and changes nothing.
    let again = sale(
        &product,
        1,
        json!([{"method": "card", "amount_cents": 300}]),
    );
    let first = send_all(&app, &till, &[(again.clone(), Expect::Recorded)]).await;
    let replay = send_all(&app, &till, &[(again, Expect::Recorded)]).await;
    assert_eq!(first[0].0, StatusCode::CREATED);
    assert_eq!(replay[0].0, StatusCode::OK);
    assert_eq!(replay[0].1["number"], first[0].1["number"]);
}

/// Everything a group of sales writes goes to the database at once: on
/// PostgreSQL one statement, on SQLite one execution of several (each
/// execution is a hop to SQLite's worker thread and back, and the group
/// holds the write lock meanwhile). Before, SQLite ran six: the sales, the
/// lines, the payments, the stock moves, the stock and the ledger's rows.
async fn a_sales_rows_stock_feed_audit_and_counters_are_written_in_one_execution(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "ONE", 10).await;
    let till = app.cashier().await;
    let runs = || -> std::collections::HashMap<String, u64> {
        app.db
            .statements()
            .all()
            .into_iter()
            .map(|s| (s.sql, s.runs))
            .collect()
    };
    let before = runs();
    let body = sale(
        &product,
        1,
        json!([{"method": "card", "amount_cents": 300}]),
    );
    let answers = send_all(&app, &till, &[(body, Expect::Recorded)]).await;
    assert_eq!(answers[0].0, StatusCode::CREATED, "{}", answers[0].1);

    let ran: Vec<String> = runs()
        .into_iter()
        .filter(|(sql, n)| before.get(sql) != Some(n))
        .map(|(sql, _)| sql)
        .collect();
    let writes: Vec<&String> = ran
        .iter()
        .filter(|sql| sql.contains("INSERT INTO") || sql.starts_with(r#"UPDATE "products""#))
        .collect();
    assert_eq!(
        writes.len(),
        1,
        "one execution writes the sale: {writes:#?}"
    );
    assert!(writes[0].contains(r#"INSERT INTO "sales""#), "{writes:#?}");
    assert_eq!(quantity(&app, &till, &product).await, 9);
    gapless_and_chained(&app, 1).await;
}

/// Two instances on one PostgreSQL sell to one store at once: each writes
/// its own groups, and they take turns on the store row.
async fn two_instances_selling_to_one_store_keep_every_guarantee() {
    let a = spawn_app(Backend::Postgres).await;
    let b = a.another_instance(|_| {}).await;
    let product = stocked_product(&a, "TWO", 1000).await;
    let (till_a, till_b) = (a.cashier().await, b.cashier().await);
    let mut tills = Vec::new();
    for (app, till) in [(&a, &till_a), (&b, &till_b)] {
        tills.extend((0..10).map(|_| (Client::clone(till), app.url("/api/sales"))));
    }
    tills_selling(tills, 10, &product).await;
    assert_eq!(a.count("sales").await, 200);
    assert_eq!(quantity(&b, &till_b, &product).await, 800);
    let figures = [a.db.groups().figures(), b.db.groups().figures()];
    assert_eq!(figures[0].sales + figures[1].sales, 200, "{figures:?}");
    gapless_and_chained(&a, 200).await;
}

/// Each till (a client and where it posts) sells `each` sales of one unit
/// of `product`, all tills at once; every sale answered 201.
async fn tills_selling(tills: Vec<(Client, String)>, each: usize, product: &str) {
    let tasks: Vec<_> = tills
        .into_iter()
        .map(|(till, url)| {
            let product = product.to_string();
            tokio::spawn(async move {
                for _ in 0..each {
                    let body = sale(
                        &product,
                        1,
                        json!([{"method": "card", "amount_cents": 300}]),
                    );
                    let res = till.post(&url).json(&body).send().await.unwrap();
                    assert_eq!(res.status(), StatusCode::CREATED);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

/// Sends every body at once; the answers in the same order.
async fn send_all(
    app: &TestApp,
    till: &Client,
    bodies: &[(Value, Expect)],
) -> Vec<(StatusCode, Value)> {
    let tasks: Vec<_> = bodies
        .iter()
        .map(|(body, _)| {
            let (till, url, body) = (till.clone(), app.url("/api/sales"), body.clone());
            tokio::spawn(async move {
                let res = till.post(&url).json(&body).send().await.unwrap();
                let status = res.status();
                (status, res.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    answers
}

async fn quantity(app: &TestApp, client: &Client, product: &str) -> i64 {
    app.get_json(client, &format!("/api/products/{product}"))
        .await["quantity"]
        .as_i64()
        .unwrap()
}

/// Sale numbers 1..=`sales` each once; every store's feed and audit log
/// numbered 1..=n without a gap; the audit chain valid.
async fn gapless_and_chained(app: &TestApp, sales: usize) {
    assert_eq!(
        app.count(&format!("sales WHERE number BETWEEN 1 AND {sales}"))
            .await,
        sales as i64
    );
    for table in ["changes", "audit_log"] {
        let broken = app
            .count(&format!(
                "(SELECT COUNT(*) AS n, MIN(seq) AS low, MAX(seq) AS top FROM {table} \
                 GROUP BY store_id) per_store WHERE low <> 1 OR top <> n"
            ))
            .await;
        assert_eq!(broken, 0, "{table} has a gap");
    }
    let manager = app.signed_in(MANAGER).await;
    let chain = app.get_json(&manager, "/api/audit/verify").await;
    assert_eq!(chain["valid"], true, "{chain}");
}

/// A new PostgreSQL database is analysed at start-up and again as its
/// young tables grow, so its plans are not those of empty tables.
async fn a_young_database_is_analysed_as_it_grows() {
    let app = spawn_app(Backend::Postgres).await;
    let statistics = app.db.statistics().clone();
    let analysed = || statistics.analysed();
    wait_until(|| analysed() >= 1, "the ANALYZE at start-up").await;
    let mut seen = 0;
    for _ in 0..40 {
        seen = app
            .count("pg_stat_user_tables WHERE relname = 'sales' AND last_analyze IS NOT NULL")
            .await;
        if seen == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, 1, "PostgreSQL has statistics of sales");
    let at_start = analysed();
    let product = stocked_product(&app, "YNG", 1000).await;
    let till = app.cashier().await;
    let tills = (0..20).map(|_| (till.clone(), app.url("/api/sales")));
    tills_selling(tills.collect(), 30, &product).await;
    wait_until(|| analysed() > at_start, "an ANALYZE after 600 sales").await;
    // A quick look, not a full survey: 600 distinct sale ids, and at
    // most 11 histogram bounds (a full ANALYZE keeps up to 101). Unless
    // autovacuum analysed the table meanwhile, with its full target.
    if app
        .count("pg_stat_user_tables WHERE relname = 'sales' AND last_autoanalyze IS NOT NULL")
        .await
        == 0
    {
        let bounds = app
            .count(
                "pg_stats, unnest(histogram_bounds::text::text[]) \
                 WHERE tablename = 'sales' AND attname = 'id'",
            )
            .await;
        assert!((2..=11).contains(&bounds), "{bounds} histogram bounds");
    }
}

/// A sale changes no indexed column of `products` unless it takes the
/// product to its low-stock threshold, so PostgreSQL updates the row in
/// place (a HOT update) and writes none of the table's ten index entries
/// again (migration 13): for a product with stock to spare, and for one
/// already low that goes on selling (the checkout benchmark's demo stock).
async fn selling_rewrites_no_product_index_unless_stock_turns_low() {
    let app = spawn_app(Backend::Postgres).await;
    let plenty = stocked_product(&app, "HOT", 1000).await;
    let low = stocked_product(&app, "LOW", 3).await;
    let turning = stocked_product(&app, "TRN", 6).await;
    // A connection's statistics reach the view when it goes idle, or up to
    // 10 s later if it reported less than a second before: wait for the
    // stock deliveries' updates before taking the baseline.
    let (updated, in_place_before) = product_updates(&app, 3).await;
    let till = app.cashier().await;
    for product in [&plenty, &low, &turning] {
        tills_selling(vec![(till.clone(), app.url("/api/sales"))], 10, product).await;
    }
    let (after, in_place) = product_updates(&app, updated + 30).await;
    assert_eq!(
        (after - updated, in_place - in_place_before),
        (30, 29),
        "every stock update of a sale is in place but the one from 6 to 5"
    );
}

/// Updates of `products` and how many of them were HOT, once at least
/// `at_least` updates are counted (15 s at most: a connection holds back
/// counts for up to 10 s after it last reported) and a little later, so
/// that nothing still on its way is missed. It reads through the app's own
/// pool, whose connections each run a statement and report as it polls.
async fn product_updates(app: &TestApp, at_least: i64) -> (i64, i64) {
    let sql = "SELECT n_tup_upd AS updated, n_tup_hot_upd AS in_place \
               FROM pg_stat_user_tables WHERE relname = 'products'";
    let read = || async {
        let rows = app.rows(sql).await;
        (
            rows[0].try_get::<i64>("", "updated").unwrap(),
            rows[0].try_get::<i64>("", "in_place").unwrap(),
        )
    };
    let mut seen = (0, 0);
    for _ in 0..300 {
        seen = read().await;
        if seen.0 >= at_least {
            // A connection reports at most once a second.
            tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
            return read().await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("waited 15 s for {at_least} updates of products; saw {seen:?}");
}

async fn wait_until(done: impl Fn() -> bool, what: &str) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("waited 5 s for {what}");
}

/// On PostgreSQL a sale's lines, payments and stock moves name their sale
/// and product together with their store (migration 14, which made each
/// row's key checks fewer): a row that names a sale or a product of
/// another store is refused by the database itself. The same rows with
/// their own store go in, so the refusals are the keys'.
async fn a_sales_rows_cannot_name_another_stores_sale_or_product() {
    let app = spawn_app(Backend::Postgres).await;
    let product = stocked_product(&app, "XST", 10).await;
    let till = app.cashier().await;
    tills_selling(vec![(till.clone(), app.url("/api/sales"))], 1, &product).await;
    let app = &app;
    let one = move |sql: String| async move {
        app.rows(&sql).await[0]
            .try_get::<uuid::Uuid>("", "id")
            .unwrap()
    };
    let sale = one(format!(
        "SELECT sale_id AS id FROM sale_lines WHERE product_id = '{product}'"
    ))
    .await;
    let own = one(format!(
        "SELECT store_id AS id FROM sales WHERE id = '{sale}'"
    ))
    .await;
    let other = one(format!("SELECT id FROM stores WHERE id <> '{own}' LIMIT 1")).await;

    let rows = |store: uuid::Uuid| {
        [
            format!(
                "INSERT INTO sale_lines (id, sale_id, store_id, line_no, product_id, name, \
                 quantity, unit_price_cents, tax_rate_bp, tax_cents, total_cents) \
                 VALUES (gen_random_uuid(), '{sale}', '{store}', 99, '{product}', 'x', 1, 1, 0, 0, 1)"
            ),
            format!(
                "INSERT INTO payments (id, sale_id, store_id, method, amount_cents, created_at) \
                 VALUES (gen_random_uuid(), '{sale}', '{store}', 'cash', 1, now())"
            ),
            format!(
                "INSERT INTO stock_moves (id, store_id, product_id, delta, reason, created_at) \
                 VALUES (gen_random_uuid(), '{store}', '{product}', 1, 'count', now())"
            ),
        ]
    };
    for (sql, own_sql) in rows(other).into_iter().zip(rows(own)) {
        let txn = app.db.conn().begin().await.unwrap();
        let refused = txn
            .execute_unprepared(&sql)
            .await
            .expect_err("a row naming another store's sale or product is refused");
        assert!(
            refused.to_string().contains("foreign key"),
            "{sql}: {refused}"
        );
        txn.rollback().await.unwrap();
        let txn = app.db.conn().begin().await.unwrap();
        txn.execute_unprepared(&own_sql)
            .await
            .unwrap_or_else(|e| panic!("{own_sql}: {e}"));
        txn.rollback().await.unwrap();
    }
}

/// A group's stock update finds its products by their key whatever the
/// size of the catalog: as a join with the group's JSON rows (whose number
/// PostgreSQL cannot know) it read every product of a catalog of 5,000.
async fn the_stock_update_of_a_group_reads_only_the_products_sold() {
    let app = spawn_app(Backend::Postgres).await;
    let product = stocked_product(&app, "BIG", 10).await;
    app.rows(&format!(
        "INSERT INTO products (id, store_id, name, sku, barcode, price_cents, cost_cents, \
         tax_rate_bp, quantity, low_stock_threshold, active, created_at, updated_at, \
         sync_version, last_synced_at) \
         SELECT gen_random_uuid(), store_id, 'Bulk ' || g, 'BULK-' || g, 'BULKB' || g, 100, 50, 0, \
         1000, 5, true, now(), now(), 1, now() \
         FROM products, generate_series(1, 5000) AS g WHERE id = '{product}'"
    ))
    .await;
    app.rows("ANALYZE products").await;
    let sold: Value = app
        .rows(
            "SELECT jsonb_object_agg(id, -1)::text AS v FROM \
             (SELECT id FROM products WHERE sku LIKE 'BULK-%' LIMIT 40) AS s",
        )
        .await[0]
        .try_get::<String>("", "v")
        .unwrap()
        .parse()
        .unwrap();
    let sql = tillwise::server::services::stock::STOCK_BY_ID.replace("$1", &format!("'{sold}'"));
    let plan = app.rows(&format!("EXPLAIN {sql}")).await;
    let plan: Vec<String> = plan
        .iter()
        .map(|r| r.try_get::<String>("", "QUERY PLAN").unwrap())
        .collect();
    assert!(
        !plan.iter().any(|l| l.contains("Seq Scan on products")),
        "{}",
        plan.join("\n")
    );
}

/// PostgreSQL parses, describes and plans a statement the first time a
/// connection sees its text. A read under a group written as `IN ($1, …)`
/// had a new text for every count of products or sales, so nearly every
/// group paid for a parse and a round trip more (927 parses in a 5 s run
/// of the peer's driver). The ids go as one parameter now: a sale with
/// more products than the last runs no text the last did not.
async fn a_group_of_another_size_runs_no_statement_text_not_seen_before() {
    let app = spawn_app(Backend::Postgres).await;
    let (one, two) = (
        stocked_product(&app, "P1", 10).await,
        stocked_product(&app, "P2", 10).await,
    );
    let till = app.cashier().await;
    let first = sale(&one, 1, json!([{"method": "card", "amount_cents": 300}]));
    let answers = send_all(&app, &till, &[(first, Expect::Recorded)]).await;
    assert_eq!(answers[0].0, StatusCode::CREATED, "{}", answers[0].1);
    let seen = app.statement_texts();

    let mut bigger = sale(&one, 1, json!([{"method": "card", "amount_cents": 600}]));
    bigger["lines"]
        .as_array_mut()
        .unwrap()
        .push(json!({"product_id": two, "quantity": 1, "unit_price_cents": 250}));
    let answers = send_all(&app, &till, &[(bigger, Expect::Recorded)]).await;
    assert_eq!(answers[0].0, StatusCode::CREATED, "{}", answers[0].1);
    let new: Vec<String> = app.statement_texts().difference(&seen).cloned().collect();
    assert!(new.is_empty(), "texts run for the first time: {new:#?}");
    assert_eq!(quantity(&app, &till, &two).await, 9);
}
