//! Stores are tenants: another store's records are "not found" on every
//! catalog endpoint, read or write, and nothing of theirs changes.

use crate::helpers::{Backend, OTHER_OWNER, OWNER, spawn_app};
use crate::on_every_backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_backend!(another_store_gets_404_on_every_catalog_endpoint);

async fn another_store_gets_404_on_every_catalog_endpoint(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.signed_in(OWNER).await;
    let b = app.signed_in(OTHER_OWNER).await;
    let res = a
        .post(app.url("/api/categories"))
        .json(&json!({"name": "Secret"}))
        .send()
        .await
        .unwrap();
    let category: Value = res.json().await.unwrap();
    let cid = category["id"].as_str().unwrap().to_string();
    let res = a
        .post(app.url("/api/products"))
        .json(&json!({"name": "Secret sauce", "sku": "SS", "barcode": "777", "price_cents": 999, "category_id": cid}))
        .send()
        .await
        .unwrap();
    let product: Value = res.json().await.unwrap();
    let pid = product["id"].as_str().unwrap().to_string();
    let before = (app.count("changes").await, app.count("audit_log").await);

    let edit_p = json!({"name": "Mine now", "sku": "SS", "price_cents": 1, "sync_version": 1});
    let edit_c = json!({"name": "Mine now", "sync_version": 1});
    let attempts = [
        b.get(app.url(&format!("/api/products/{pid}"))),
        b.put(app.url(&format!("/api/products/{pid}")))
            .json(&edit_p),
        b.delete(app.url(&format!("/api/products/{pid}?sync_version=1"))),
        b.post(app.url(&format!("/api/products/{pid}/stock")))
            .json(&json!({"delta": -5, "reason": "other"})),
        b.get(app.url("/api/products/barcode/777")),
        b.get(app.url(&format!("/api/categories/{cid}"))),
        b.put(app.url(&format!("/api/categories/{cid}")))
            .json(&edit_c),
        b.delete(app.url(&format!("/api/categories/{cid}?sync_version=1"))),
    ];
    for request in attempts {
        let res = request.send().await.unwrap();
        let url = res.url().to_string();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{url}");
        assert_eq!(
            res.json::<Value>().await.unwrap()["code"],
            "not_found",
            "{url}"
        );
    }
    // Lists and searches show only the caller's store.
    let list: Value = b
        .get(app.url("/api/products?q=secret"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    let cats: Value = b
        .get(app.url("/api/categories"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cats.as_array().unwrap().len(), 0);
    // Pointing at another store's category, or reusing its product id, is refused.
    let res = b
        .post(app.url("/api/products"))
        .json(&json!({"name": "X", "sku": "X", "price_cents": 1, "category_id": cid}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = b
        .post(app.url("/api/products"))
        .json(&json!({"id": pid, "name": "X", "sku": "X", "price_cents": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);

    assert_eq!(
        (app.count("changes").await, app.count("audit_log").await),
        before,
        "nothing was written"
    );
    let mine: Value = a
        .get(app.url(&format!("/api/products/{pid}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["name"], "Secret sauce");
    assert_eq!(mine["quantity"], 0);
}
