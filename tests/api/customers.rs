//! Customers over REST: the till adds and corrects them, the back office
//! removes them; search by name, phone and e-mail; store-scoped.

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, spawn_app};
use crate::on_every_backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_backend!(
    cashiers_add_and_correct_customers_and_managers_remove_them,
    customers_are_found_by_name_phone_and_email
);

async fn cashiers_add_and_correct_customers_and_managers_remove_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let till = app.cashier().await;
    let res = till
        .post(app.url("/api/customers"))
        .json(&json!({"name": "Rosa Silva", "phone": "+1 555 0100"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let rosa: Value = res.json().await.unwrap();
    let url = app.url(&format!("/api/customers/{}", rosa["id"].as_str().unwrap()));
    // Totals are the server's to keep: a till sending them changes nothing.
    let edit = json!({"name": "Rosa Silva", "email": "Rosa@Example.com", "total_spent_cents": 999_999, "sync_version": 1});
    let res = till.put(&url).json(&edit).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(
        (
            edited["email"].as_str(),
            edited["total_spent_cents"].as_i64(),
            edited["sync_version"].as_i64()
        ),
        (Some("rosa@example.com"), Some(0), Some(2))
    );

    let res = till
        .post(app.url("/api/customers"))
        .json(&json!({"name": "", "email": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        till.delete(format!("{url}?sync_version=2"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let other = app.signed_in(OTHER_OWNER).await;
    assert_eq!(
        other.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.put(&url).json(&edit).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let manager = app.signed_in(MANAGER).await;
    assert_eq!(
        manager
            .delete(format!("{url}?sync_version=2"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        till.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

async fn customers_are_found_by_name_phone_and_email(backend: Backend) {
    let app = spawn_app(backend).await;
    let till = app.cashier().await;
    for (name, phone, email) in [
        ("Omar Novak", "+1 555 0101", "omar@example.com"),
        ("Mei Okafor", "+1 555 0202", "mei@shop.test"),
    ] {
        let res = till
            .post(app.url("/api/customers"))
            .json(&json!({"name": name, "phone": phone, "email": email}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let find = |q: &'static str| {
        let (till, url) = (till.clone(), app.url("/api/customers"));
        async move {
            let page: Value = till
                .get(url)
                .query(&[("q", q)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("oma").await, ["Omar Novak"]);
    assert_eq!(find("okafor").await, ["Mei Okafor"]);
    assert_eq!(find("0202").await, ["Mei Okafor"]);
    assert_eq!(find("mei").await, ["Mei Okafor"]);
    assert!(find("zzz").await.is_empty());
    let other = app.signed_in(OTHER_OWNER).await;
    let page: Value = other
        .get(app.url("/api/customers"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 0);
}
