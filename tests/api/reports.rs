//! Reports add up the store's own sales, and only a manager reads them.

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, spawn_app};
use crate::on_every_backend;
use crate::sales::{sale, stocked_product};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_backend!(reports_add_up_sales_refunds_and_methods);

async fn reports_add_up_sales_refunds_and_methods(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "P1", 6).await;
    let till = app.cashier().await;
    let mut totals = 0;
    for (qty, method, paid) in [(2, "cash", 1000), (1, "card", 300)] {
        let res = till
            .post(app.url("/api/sales"))
            .json(&sale(
                &product,
                qty,
                json!([{"method": method, "amount_cents": paid}]),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        totals += res.json::<Value>().await.unwrap()["total_cents"]
            .as_i64()
            .unwrap();
    }
    assert_eq!(totals, 900);
    let url = app.url("/api/reports/sales?from=2026-11-20&to=2026-11-26");
    assert_eq!(
        till.get(&url).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    let manager = app.signed_in(MANAGER).await;
    let report: Value = manager
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (report["sales"].as_i64(), report["net_cents"].as_i64()),
        (Some(2), Some(900))
    );
    let days = report["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let day = days.iter().find(|d| d["day"] == "2026-11-25").unwrap();
    assert_eq!(
        (day["sales"].as_i64(), day["net_cents"].as_i64()),
        (Some(2), Some(900))
    );
    assert_eq!(report["employees"][0]["name"], "Ana");
    let methods = report["methods"].as_array().unwrap();
    let amount = |m: &str| {
        methods
            .iter()
            .find(|x| x["method"] == m)
            .map(|x| x["amount_cents"].as_i64().unwrap())
    };
    // Cash is what stayed in the drawer: 10.00 tendered, 4.00 change.
    assert_eq!((amount("cash"), amount("card")), (Some(600), Some(300)));
    // 6 − 3 sold = 3, under the default alert level of 5.
    let low = report["low_stock"].as_array().unwrap();
    assert_eq!((low.len(), low[0]["quantity"].as_i64()), (1, Some(3)));

    let top = &report["top_products"][0];
    assert_eq!(
        (
            top["name"].as_str(),
            top["quantity"].as_i64(),
            top["net_cents"].as_i64()
        ),
        (Some("Product P1"), Some(3), Some(900)),
        "{report}"
    );
    assert_eq!(report["hours"][10]["sales"], 2, "10:00 UTC, a UTC store");

    // The same sales (10:00 UTC on the 25th) on the clock of a store
    // fourteen hours ahead fall at midnight starting its 26th.
    let owner = app.signed_in(crate::helpers::OWNER).await;
    let zone = owner
        .put(app.url("/api/store"))
        .json(&json!({"time_zone": "Pacific/Kiritimati", "sync_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(zone.status(), StatusCode::OK);
    let local: Value = manager
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let day_of = |d: &str| {
        local["days"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["day"] == d)
            .map(|x| x["sales"].as_i64().unwrap())
    };
    assert_eq!(
        (day_of("2026-11-25"), day_of("2026-11-26")),
        (Some(0), Some(2)),
        "{local}"
    );
    assert_eq!(local["hours"][0]["sales"], 2);
    assert_eq!(local["time_zone"], "Pacific/Kiritimati");

    let res = manager
        .get(app.url("/api/reports/sales?from=2026-11-26&to=2026-11-25"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let other = app.signed_in(OTHER_OWNER).await;
    let theirs: Value = other.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (
            theirs["sales"].as_i64(),
            theirs["low_stock"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
}
