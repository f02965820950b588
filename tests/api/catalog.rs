//! Products, categories and stock through the REST API.

use crate::helpers::{Backend, MANAGER, OWNER, spawn_app};
use crate::on_every_backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_backend!(
    a_manager_creates_finds_updates_and_deletes_a_product,
    bad_input_is_400_with_field_errors_and_writes_nothing,
    a_stale_update_is_409_with_the_server_version,
    barcodes_and_skus_are_unique_per_store,
    stock_adjustments_add_up_and_are_moves,
    the_low_stock_list_follows_every_stock_change,
    search_finds_products_by_name_and_sku,
    categories_in_use_cannot_be_deleted,
);

async fn a_manager_creates_finds_updates_and_deletes_a_product(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.signed_in(MANAGER).await;
    let created = app.product(&client, "TEA-1", "4006381333931").await;
    assert_eq!(created["sync_version"], 1);
    assert_eq!(created["quantity"], 0);
    let id = created["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7);

    let found: Value = client
        .get(app.url("/api/products/barcode/4006381333931"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["id"], id);

    let res = client
        .put(app.url(&format!("/api/products/{id}")))
        .json(&json!({"name": "Green tea", "sku": "TEA-1", "barcode": "4006381333931", "price_cents": 399, "sync_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["sync_version"], 2);
    assert_eq!(updated["price_cents"], 399);

    let res = client
        .delete(app.url(&format!("/api/products/{id}?sync_version=2")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = client
        .get(app.url(&format!("/api/products/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Soft delete: the row stays for the tombstone, the feed says "delete".
    assert_eq!(app.count("products").await, 1);
    assert_eq!(app.count("changes WHERE op = 'delete'").await, 1);
    assert_eq!(
        app.count("audit_log WHERE action LIKE 'product.%'").await,
        3
    );
}

async fn bad_input_is_400_with_field_errors_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.signed_in(OWNER).await;
    let (changes, audits) = (app.count("changes").await, app.count("audit_log").await);

    let res = client
        .post(app.url("/api/products"))
        .json(&json!({"name": "", "sku": "has space", "price_cents": -5, "tax_rate_bp": "20", "category_id": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "validation");
    let fields = body["details"]["fields"].as_object().unwrap();
    for f in ["name", "sku", "price_cents", "tax_rate_bp", "category_id"] {
        assert!(fields.contains_key(f), "{f} missing: {fields:?}");
    }
    let res = client
        .post(app.url("/api/products"))
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "validation");

    assert_eq!(app.count("products").await, 0);
    assert_eq!(app.count("changes").await, changes);
    assert_eq!(app.count("audit_log").await, audits);
}

async fn a_stale_update_is_409_with_the_server_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.signed_in(OWNER).await;
    let second = app.signed_in(MANAGER).await;
    let product = app.product(&first, "P-1", "111").await;
    let url = app.url(&format!(
        "/api/products/{}",
        product["id"].as_str().unwrap()
    ));

    let edit = |name: &str| json!({"name": name, "sku": "P-1", "barcode": "111", "price_cents": 250, "sync_version": 1});
    assert_eq!(
        first
            .put(&url)
            .json(&edit("First"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let res = second.put(&url).json(&edit("Second")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "conflict");
    assert_eq!(body["server"]["name"], "First");
    assert_eq!(body["server"]["sync_version"], 2);
    assert_eq!(body["base"]["name"], "Product P-1");
    assert_eq!(body["client"]["name"], "Second");
    assert_eq!(body["fields"], json!(["name"]));
    assert!(body["conflict_id"].is_string());
    let res = second
        .delete(format!("{url}?sync_version=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let now: Value = first.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(now["name"], "First");
    assert_eq!(now["sync_version"], 2);
}

async fn barcodes_and_skus_are_unique_per_store(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.signed_in(OWNER).await;
    app.product(&a, "SAME", "123").await;
    let res = a
        .post(app.url("/api/products"))
        .json(&json!({"name": "Dup", "sku": "SAME", "barcode": "123", "price_cents": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let fields = res.json::<Value>().await.unwrap()["details"]["fields"].clone();
    assert!(
        fields["sku"].is_string() && fields["barcode"].is_string(),
        "{fields}"
    );
    // Another store may use the same codes.
    let b = app.signed_in(crate::helpers::OTHER_OWNER).await;
    app.product(&b, "SAME", "123").await;
}

async fn stock_adjustments_add_up_and_are_moves(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.signed_in(MANAGER).await;
    let product = app.product(&client, "S-1", "222").await;
    let url = app.url(&format!(
        "/api/products/{}/stock",
        product["id"].as_str().unwrap()
    ));

    // Twenty tills adjusting at once: every delta counts.
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({"delta": 5, "reason": "received"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    let res = client
        .post(&url)
        .json(&json!({"delta": -3, "reason": "damaged", "note": "dropped"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.json::<Value>().await.unwrap()["quantity"], 97);
    assert_eq!(app.count("stock_moves").await, 21);
    // A stock move does not bump the product's version: edits are not made stale by sales.
    let p: Value = client
        .get(app.url(&format!(
            "/api/products/{}",
            product["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p["sync_version"], 1);

    let res = client
        .post(&url)
        .json(&json!({"delta": 0, "reason": "sale"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

async fn search_finds_products_by_name_and_sku(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.signed_in(OWNER).await;
    for (name, sku, code) in [
        ("Green Tea", "TEA-G", "1"),
        ("Black Tea", "TEA-B", "2"),
        ("Coffee Beans", "COF-1", "3"),
    ] {
        let res = client
            .post(app.url("/api/products"))
            .json(&json!({"name": name, "sku": sku, "barcode": code, "price_cents": 100}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let names = |v: Value| -> Vec<String> {
        let mut n: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        n.sort();
        n
    };
    let find = |q: &str| {
        client
            .get(app.url("/api/products"))
            .query(&[("q", q)])
            .send()
    };
    assert_eq!(
        names(find("tea").await.unwrap().json().await.unwrap()),
        ["Black Tea", "Green Tea"]
    );
    assert_eq!(
        names(find("gre").await.unwrap().json().await.unwrap()),
        ["Green Tea"]
    );
    assert_eq!(
        names(find("cof").await.unwrap().json().await.unwrap()),
        ["Coffee Beans"]
    );
    assert_eq!(
        names(find("3").await.unwrap().json().await.unwrap()),
        ["Coffee Beans"]
    );
    assert_eq!(
        names(find("\"%_ *").await.unwrap().json().await.unwrap()),
        Vec::<String>::new()
    );
    let page: Value = client
        .get(app.url("/api/products?limit=2&offset=0"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
}

async fn categories_in_use_cannot_be_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.signed_in(OWNER).await;
    let res = client
        .post(app.url("/api/categories"))
        .json(&json!({"name": "Drinks"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let category: Value = res.json().await.unwrap();
    let cid = category["id"].as_str().unwrap();
    let res = client
        .post(app.url("/api/products"))
        .json(&json!({"name": "Cola", "sku": "C", "price_cents": 100, "category_id": cid}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let product: Value = res.json().await.unwrap();

    let res = client
        .delete(app.url(&format!("/api/categories/{cid}?sync_version=1")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = client
        .post(app.url("/api/categories"))
        .json(&json!({"name": "Drinks"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "names are unique per store"
    );

    let pid = product["id"].as_str().unwrap();
    assert_eq!(
        client
            .delete(app.url(&format!("/api/products/{pid}?sync_version=1")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        client
            .delete(app.url(&format!("/api/categories/{cid}?sync_version=1")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    let list: Value = client
        .get(app.url("/api/categories"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);
}

/// `?low_stock=true` lists the products at or below their threshold (5 by
/// default), read from a column the database derives from the quantity:
/// it follows every stock change, both ways.
async fn the_low_stock_list_follows_every_stock_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.signed_in(MANAGER).await;
    let empty = app.product(&client, "LOW-0", "9001").await;
    let stocked = app.product(&client, "LOW-10", "9002").await;
    let (app, client) = (&app, &client);
    let adjust = |product: &Value, delta: i64| {
        let path = format!("/api/products/{}/stock", product["id"].as_str().unwrap());
        let body = json!({"delta": delta, "reason": "count"});
        async move { app.created(client, &path, &body).await }
    };
    let low = || async {
        let page = app.get_json(client, "/api/products?low_stock=true").await;
        let mut skus: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["sku"].as_str().unwrap().to_string())
            .collect();
        skus.sort();
        skus
    };
    adjust(&stocked, 10).await;
    assert_eq!(low().await, ["LOW-0"]);
    adjust(&stocked, -5).await;
    assert_eq!(low().await, ["LOW-0", "LOW-10"], "5 is at the threshold");
    adjust(&empty, 6).await;
    assert_eq!(low().await, ["LOW-10"]);
}
