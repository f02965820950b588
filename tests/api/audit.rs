//! Managers read the audit log over REST: filtered, per record, and a walk
//! of the hash chain; cashiers and other stores cannot.

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, spawn_app};
use crate::on_every_backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_backend!(managers_read_the_audit_log_and_verify_its_chain);

async fn managers_read_the_audit_log_and_verify_its_chain(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let product = app.product(&manager, "AU1", "6660001").await;
    let id = product["id"].as_str().unwrap();
    let res = manager
        .put(app.url(&format!("/api/products/{id}")))
        .json(&json!({"name": "Audited", "sku": "AU1", "price_cents": 999, "sync_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let get = |url: String| {
        let client = manager.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    let page: Value = get(app.url("/api/audit?action=product"))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["product.update", "product.create"],
        "newest first, products only"
    );
    assert_eq!(page["items"][0]["employee_name"], "Mia");
    assert!(page["items"][0]["request_id"].is_string());

    // The screen's "history of this record": the list, filtered to it.
    let other = app.product(&manager, "AU2", "6660002").await;
    let filtered: Value = get(app.url(&format!("/api/audit?entity_id={id}")))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&Value> = filtered["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["entity_id"])
        .collect();
    assert_eq!(ids.len(), 2, "{filtered}");
    assert!(
        ids.iter().all(|e| e.as_str() == Some(id)),
        "not {}",
        other["id"]
    );

    let history: Value = get(app.url(&format!("/api/audit/entity/product/{id}")))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[0]["before"]["price_cents"], 250);
    assert_eq!(history[0]["after"]["price_cents"], 999);
    let entry_url = app.url(&format!(
        "/api/audit/{}",
        history[0]["id"].as_str().unwrap()
    ));
    assert_eq!(get(entry_url.clone()).await.status(), StatusCode::OK);
    let chain: Value = get(app.url("/api/audit/verify"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(chain["valid"], true);
    assert!(chain["entries"].as_u64().unwrap() >= 3);

    let till = app.cashier().await;
    assert_eq!(
        till.get(app.url("/api/audit"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let other = app.signed_in(OTHER_OWNER).await;
    assert_eq!(
        other.get(&entry_url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let theirs: Value = other
        .get(app.url("/api/audit?action=product"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["total"], 0);
}
