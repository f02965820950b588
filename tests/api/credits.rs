//! Store credit: opened by a sale, paid off in parts at the till, overdue
//! once its due day has passed, private to its store.

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, spawn_app};
use crate::on_every_backend;
use crate::sales::{sale, stocked_product};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tillwise::domain::ids::new_id;

on_every_backend!(
    a_credit_from_a_sale_is_paid_off_in_parts_exactly_once,
    overdue_credits_are_listed_and_redated_by_managers,
    a_void_undoes_a_credit_sale_as_it_was_paid,
);

async fn a_credit_from_a_sale_is_paid_off_in_parts_exactly_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "C1", 10).await;
    let till = app.cashier().await;
    let customer: Value = till
        .post(app.url("/api/customers"))
        .json(&json!({"name": "Rosa"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut body = sale(
        &product,
        5,
        json!([{"method": "cash", "amount_cents": 1000}, {"method": "credit", "amount_cents": 500}]),
    );
    body["customer_id"] = customer["id"].clone();
    let res = till
        .post(app.url("/api/sales"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    let open: Value = till
        .get(app.url("/api/credits?status=open"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(open["total"], 1, "{open}");
    let credit = &open["items"][0];
    assert_eq!(
        (
            credit["customer_name"].as_str(),
            credit["amount_cents"].as_i64(),
            credit["status"].as_str()
        ),
        (Some("Rosa"), Some(500), Some("pending"))
    );
    let url = app.url(&format!(
        "/api/credits/{}/payments",
        credit["id"].as_str().unwrap()
    ));

    // More than is owed is refused and changes nothing.
    let res = till
        .post(&url)
        .json(&json!({"amount_cents": 600}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let first = new_id();
    let res = till
        .post(&url)
        .json(&json!({"id": first, "amount_cents": 200, "method": "cash"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let after: Value = res.json().await.unwrap();
    assert_eq!(
        (after["paid_cents"].as_i64(), after["status"].as_str()),
        (Some(200), Some("pending"))
    );
    // A retry of the same payment is not counted twice.
    let res = till
        .post(&url)
        .json(&json!({"id": first, "amount_cents": 200, "method": "cash"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Another store cannot see or pay it.
    let other = app.signed_in(OTHER_OWNER).await;
    let res = other
        .post(&url)
        .json(&json!({"amount_cents": 300}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = other
        .get(app.url(&format!("/api/credits/{}", credit["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = till
        .post(&url)
        .json(&json!({"amount_cents": 300, "method": "card"}))
        .send()
        .await
        .unwrap();
    let paid: Value = res.json().await.unwrap();
    assert_eq!(
        (paid["paid_cents"].as_i64(), paid["status"].as_str()),
        (Some(500), Some("paid"))
    );
    assert!(paid["paid_at"].is_string());
    assert_eq!(paid["payments"].as_array().unwrap().len(), 2);
    let res = till
        .post(&url)
        .json(&json!({"amount_cents": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("credit_payments").await, 2);
    assert_eq!(
        app.count("audit_log WHERE entity_type = 'credit_payment'")
            .await,
        2
    );
}

async fn overdue_credits_are_listed_and_redated_by_managers(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let customer: Value = manager
        .post(app.url("/api/customers"))
        .json(&json!({"name": "Tom"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tab =
        json!({"customer_id": customer["id"], "amount_cents": 1000, "due_date": "2026-01-01"});
    let till = app.cashier().await;
    let res = till
        .post(app.url("/api/credits"))
        .json(&tab)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = manager
        .post(app.url("/api/credits"))
        .json(&json!({"amount_cents": 0, "due_date": "soon"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let fields: Value = res.json().await.unwrap();
    for f in ["customer_id", "amount_cents", "due_date"] {
        assert!(fields["details"]["fields"][f].is_string(), "{fields}");
    }
    let res = manager
        .post(app.url("/api/credits"))
        .json(&tab)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let overdue = |m: &reqwest::Client, status: &'static str| {
        let m = m.clone();
        let url = app.url(&format!("/api/credits?status={status}"));
        async move {
            m.get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let list = overdue(&manager, "overdue").await;
    assert_eq!(
        (list["total"].as_i64(), list["items"][0]["status"].as_str()),
        (Some(1), Some("overdue"))
    );

    let url = app.url(&format!("/api/credits/{id}"));
    let res = manager
        .put(&url)
        .json(&json!({"due_date": "2099-01-01", "sync_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(overdue(&manager, "overdue").await["total"], 0);
    assert_eq!(overdue(&manager, "pending").await["total"], 1);
    let res = manager
        .put(&url)
        .json(&json!({"due_date": "2098-01-01", "sync_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = manager
        .get(app.url("/api/credits?status=late"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = manager
        .delete(format!("{url}?sync_version=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(overdue(&manager, "open").await["total"], 0);
}

async fn a_void_undoes_a_credit_sale_as_it_was_paid(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "V1", 10).await;
    let till = app.cashier().await;
    let customer: Value = till
        .post(app.url("/api/customers"))
        .json(&json!({"name": "Vera"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // 4 × 2.50 + 20 % = 12.00: 5.00 tendered in cash (0.00 change), 7.00 on credit.
    let mut body = sale(
        &product,
        4,
        json!([{"method": "cash", "amount_cents": 500}, {"method": "credit", "amount_cents": 700}]),
    );
    body["customer_id"] = customer["id"].clone();
    let sold: Value = till
        .post(app.url("/api/sales"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sold["total_cents"], 1200);
    let id = sold["id"].as_str().unwrap();
    let refund = app.url(&format!("/api/sales/{id}/refund"));
    let void = app.url(&format!("/api/sales/{id}/void"));
    let manager = app.signed_in(MANAGER).await;
    let res = manager
        .post(&refund)
        .json(&json!({"id": new_id()}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "credit sales are voided, not refunded"
    );
    let res = till
        .post(&void)
        .json(&json!({"id": new_id()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let void_id = new_id();
    let res = manager
        .post(&void)
        .json(&json!({"id": void_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let undone: Value = res.json().await.unwrap();
    assert_eq!(
        (undone["status"].as_str(), undone["total_cents"].as_i64()),
        (Some("voided"), Some(-1200))
    );
    let paid: Vec<(String, i64)> = undone["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["method"].as_str().unwrap().to_string(),
                p["amount_cents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        paid.contains(&("cash".into(), -500)) && paid.contains(&("credit".into(), -700)),
        "{paid:?}"
    );
    // Replaying the void changes nothing; voiding again is refused.
    let res = manager
        .post(&void)
        .json(&json!({"id": void_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = manager
        .post(&void)
        .json(&json!({"id": new_id()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let p: Value = till
        .get(app.url(&format!("/api/products/{product}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p["quantity"], 10, "every unit is back");
    assert_eq!(
        app.count("customers WHERE total_spent_cents = 0 AND total_orders = 0")
            .await,
        1
    );
    let open: Value = manager
        .get(app.url("/api/credits?status=open"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(open["total"], 0, "the voided sale's credit is owed no more");
}
