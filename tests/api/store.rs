//! A store's settings: anyone signed in reads them, only its owner changes
//! them, through the write path (versioned, on the feed, audited), and a
//! change decides how the next sale is taxed, on every till.

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, OWNER, spawn_app};
use crate::on_every_backend;
use crate::sales::{sale, stocked_product};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_backend!(the_owner_decides_whether_prices_include_tax);
on_every_backend!(the_receipt_lines_clock_and_currency_are_the_owners_to_set);

async fn the_receipt_lines_clock_and_currency_are_the_owners_to_set(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    let put = |body: Value| {
        let owner = owner.clone();
        let url = app.url("/api/store");
        async move { owner.put(url).json(&body).send().await.unwrap() }
    };
    let res =
        put(json!({"time_zone": "Mars/Olympus_Mons", "currency": "XXX", "sync_version": 1})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(body["details"]["fields"]["currency"].is_string(), "{body}");
    let res = put(json!({"time_zone": "Mars/Olympus_Mons", "sync_version": 1})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a zone nobody keeps");
    let body: Value = res.json().await.unwrap();
    assert!(body["details"]["fields"]["time_zone"].is_string(), "{body}");

    // Before the first sale the currency may still change.
    let res = put(json!({
        "address": "1 High Street\nTown", "tax_number": "GB 123 4567 89",
        "receipt_footer": "Returns within 30 days with this receipt.",
        "time_zone": "Europe/London", "currency": "gbp", "sync_version": 1
    }))
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let till = app.cashier().await;
    let seen: Value = app.get_json(&till, "/api/store").await;
    assert_eq!(
        (
            seen["address"].as_str(),
            seen["tax_number"].as_str(),
            seen["time_zone"].as_str(),
            seen["currency"].as_str(),
            seen["sync_version"].as_i64()
        ),
        (
            Some("1 High Street\nTown"),
            Some("GB 123 4567 89"),
            Some("Europe/London"),
            Some("GBP"),
            Some(2)
        )
    );
    assert_eq!(
        seen["receipt_footer"],
        "Returns within 30 days with this receipt."
    );

    // Once there is a sale, its amounts are in that currency for good.
    let product = stocked_product(&app, "GB1", 5).await;
    let sold = till
        .post(app.url("/api/sales"))
        .json(&sale(
            &product,
            1,
            json!([{"method": "cash", "amount_cents": 500}]),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(sold.status(), StatusCode::CREATED);
    let res = put(json!({"currency": "EUR", "sync_version": 2})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = put(json!({"tax_number": "", "sync_version": 2})).await;
    assert_eq!(res.status(), StatusCode::OK, "blank clears a receipt line");
    let seen: Value = res.json().await.unwrap();
    assert_eq!(
        (seen["tax_number"].as_str(), seen["currency"].as_str()),
        (Some(""), Some("GBP"))
    );
}

async fn the_owner_decides_whether_prices_include_tax(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "T1", 10).await;
    let till = app.cashier().await;
    let settings: Value = till
        .get(app.url("/api/store"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["prices_include_tax"], false);
    let cash = || json!([{"method": "cash", "amount_cents": 1000}]);
    let first: Value = till
        .post(app.url("/api/sales"))
        .json(&sale(&product, 1, cash()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // 2.50 plus 20 % tax on top.
    assert_eq!(
        (first["total_cents"].as_i64(), first["tax_cents"].as_i64()),
        (Some(300), Some(50))
    );

    assert_eq!(settings["sync_version"], 1);
    let change = json!({"prices_include_tax": true, "sync_version": 1});
    for (who, client) in [
        ("cashier", &till),
        ("manager", &app.signed_in(MANAGER).await),
    ] {
        let res = client
            .put(app.url("/api/store"))
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let owner = app.signed_in(OWNER).await;
    let res = owner
        .put(app.url("/api/store"))
        .json(&json!({"name": "", "prices_include_tax": 1, "sync_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "validation");
    assert!(
        body["details"]["fields"]["name"].is_string()
            && body["details"]["fields"]["prices_include_tax"].is_string(),
        "{body}"
    );

    let unversioned = owner
        .put(app.url("/api/store"))
        .json(&json!({"prices_include_tax": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(unversioned.status(), StatusCode::BAD_REQUEST);
    let body: Value = unversioned.json().await.unwrap();
    assert!(
        body["details"]["fields"]["sync_version"].is_string(),
        "{body}"
    );

    let res = owner
        .put(app.url("/api/store"))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(
        (
            saved["prices_include_tax"].as_bool(),
            saved["name"].as_str(),
            saved["sync_version"].as_i64()
        ),
        (Some(true), settings["name"].as_str(), Some(2))
    );

    // A till learns of it from the change feed, as of every other record:
    // the store's settings at their new version.
    let pulled: Value = app.get_json(&till, "/api/sync/pull?cursor=0").await;
    let settings_change = pulled["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == "store_settings")
        .unwrap_or_else(|| panic!("the settings are on the feed: {pulled}"));
    assert_eq!(settings_change["id"], settings["id"]);
    assert_eq!(settings_change["version"], 2);
    assert_eq!(settings_change["data"]["prices_include_tax"], true);

    // An edit of the version before, of another field, is merged.
    let renamed: Value = owner
        .put(app.url("/api/store"))
        .json(&json!({"name": "Corner Deli", "sync_version": 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            renamed["name"].as_str(),
            renamed["prices_include_tax"].as_bool(),
            renamed["sync_version"].as_i64()
        ),
        (Some("Corner Deli"), Some(true), Some(3))
    );

    // The same shelf price now has its tax inside it.
    let second: Value = till
        .post(app.url("/api/sales"))
        .json(&sale(&product, 1, cash()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (second["total_cents"].as_i64(), second["tax_cents"].as_i64()),
        (Some(250), Some(42))
    );

    // Another store's owner sees and changes only their own store.
    let other = app.signed_in(OTHER_OWNER).await;
    let theirs: Value = other
        .get(app.url("/api/store"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["prices_include_tax"], false);
    assert_ne!(theirs["id"], settings["id"]);

    // The change is in the audit log, with what it was before.
    let log: Value = owner
        .get(app.url("/api/audit?action=store_settings.update"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry = &log["items"][0];
    assert_eq!(entry["before"]["prices_include_tax"], false, "{log}");
    assert_eq!(entry["after"]["prices_include_tax"], true);
}
