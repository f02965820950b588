//! Sales: recorded exactly once, priced by the server, stock moved by
//! deltas, customers' totals derived, and never two-for-one under load.

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, TestApp, create, spawn_app};
use crate::on_every_backend;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tillwise::domain::auth::Role;
use tillwise::domain::ids::new_id;
use tillwise::domain::mutation::{EntityKind, Mutation};
use tillwise::server::services::{Actor, write_path};

on_every_backend!(
    a_sale_is_recorded_once_and_a_replay_changes_nothing,
    an_underpaid_sale_is_refused_and_moves_no_stock,
    a_customer_sale_on_credit_updates_totals_and_opens_a_credit,
    twenty_tills_selling_at_once_leave_exact_stock,
    sales_are_private_to_their_store_and_never_edited,
    a_refund_reverses_stock_and_spending_exactly,
    a_receipt_made_on_the_till_has_the_totals_the_server_records,
    absurd_payments_and_dates_are_refused_and_the_report_stays_whole,
);

/// Cash of i64::MAX/4 for a 3.00 sale, a sale dated 1970 or 2099: refused
/// with the field named, nothing written, and the report (which once
/// overflowed on such change) still adds up.
async fn absurd_payments_and_dates_are_refused_and_the_report_stays_whole(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "AB1", 10).await;
    let till = app.cashier().await;
    let cash = |c: i64| json!([{"method": "cash", "amount_cents": c}]);
    for (body, field) in [
        (
            sale(&product, 1, cash(i64::MAX / 4)),
            "payments[0].amount_cents",
        ),
        (sale(&product, 1, cash(300 + 100_001)), "payments"),
        (
            {
                let mut b = sale(&product, 1, cash(300));
                b["created_at"] = json!("1970-01-01T00:00:00Z");
                b
            },
            "created_at",
        ),
        (
            {
                let mut b = sale(&product, 1, cash(300));
                b["created_at"] = json!("2099-01-01T00:00:00Z");
                b
            },
            "created_at",
        ),
    ] {
        let res = till
            .post(app.url("/api/sales"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{field}");
        let text = res.text().await.unwrap();
        assert!(text.contains(field), "{field}: {text}");
    }
    assert_eq!(app.count("sales").await, 0);
    for _ in 0..5 {
        let res = till
            .post(app.url("/api/sales"))
            .json(&sale(&product, 1, cash(100_300)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let manager = app.signed_in(MANAGER).await;
    let report: Value = app
        .get_json(&manager, "/api/reports/sales?from=2026-11-25&to=2026-11-25")
        .await;
    assert_eq!(report["sales"], 5, "{report}");
}

/// A product priced 2.50 + 20 % tax with `stock` units on hand.
pub(crate) async fn stocked_product(app: &TestApp, sku: &str, stock: i64) -> String {
    let manager = app.signed_in(MANAGER).await;
    let product = app.product(&manager, sku, &format!("77{sku}")).await;
    let id = product["id"].as_str().unwrap().to_string();
    let res = manager
        .post(app.url(&format!("/api/products/{id}/stock")))
        .json(&json!({"delta": stock, "reason": "received"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    id
}

async fn quantity(app: &TestApp, client: &Client, product: &str) -> i64 {
    let p: Value = client
        .get(app.url(&format!("/api/products/{product}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    p["quantity"].as_i64().unwrap()
}

pub(crate) fn sale(product: &str, quantity: i64, payments: Value) -> Value {
    json!({
        "id": new_id(),
        "lines": [{"product_id": product, "quantity": quantity, "unit_price_cents": 250}],
        "payments": payments,
        "created_at": "2026-11-25T10:00:00Z",
    })
}

async fn a_sale_is_recorded_once_and_a_replay_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "S1", 10).await;
    let till = app.cashier().await;
    let body = sale(
        &product,
        2,
        json!([{"method": "cash", "amount_cents": 1000}]),
    );

    let res = till
        .post(app.url("/api/sales"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let first: Value = res.json().await.unwrap();
    // 2 × 2.50 = 5.00, + 20 % tax = 6.00; 10.00 in cash gives 4.00 change.
    assert_eq!(
        (
            first["subtotal_cents"].as_i64(),
            first["tax_cents"].as_i64(),
            first["total_cents"].as_i64()
        ),
        (Some(500), Some(100), Some(600))
    );
    assert_eq!(first["change_cents"], 400);
    assert_eq!(first["payment_status"], "paid");
    assert_eq!(first["employee_id"], app.cashier_id.to_string());
    assert_eq!(first["lines"][0]["name"], "Product S1");

    // The response was lost; the till sends the same sale again.
    let res = till
        .post(app.url("/api/sales"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let again: Value = res.json().await.unwrap();
    assert_eq!(again, first);

    assert_eq!(app.count("sales").await, 1);
    assert_eq!(app.count("stock_moves WHERE reason = 'sale'").await, 1);
    assert_eq!(app.count("audit_log WHERE action = 'sale.create'").await, 1);
    assert_eq!(quantity(&app, &till, &product).await, 8);
}

async fn an_underpaid_sale_is_refused_and_moves_no_stock(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "S2", 10).await;
    let till = app.cashier().await;
    let (sales, changes) = (app.count("sales").await, app.count("changes").await);

    let res = till
        .post(app.url("/api/sales"))
        .json(&sale(
            &product,
            2,
            json!([{"method": "card", "amount_cents": 599}]),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["details"]["fields"]["payments"],
        "the payments are 0.01 short of the total"
    );
    // Card cannot be over the total (no change from a card), and credit needs a customer.
    for payments in [
        json!([{"method": "card", "amount_cents": 601}]),
        json!([{"method": "credit", "amount_cents": 600}]),
    ] {
        let res = till
            .post(app.url("/api/sales"))
            .json(&sale(&product, 2, payments))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        (app.count("sales").await, app.count("changes").await),
        (sales, changes)
    );
    assert_eq!(quantity(&app, &till, &product).await, 10);
}

async fn a_customer_sale_on_credit_updates_totals_and_opens_a_credit(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "S3", 10).await;
    let owner = Actor {
        role: Role::Owner,
        ..Actor::system(app.store)
    };
    let customer = create(
        &app.db,
        &owner,
        EntityKind::Customer,
        json!({"name": "Rosa"}),
    )
    .await;
    let till = app.cashier().await;

    let mut body = sale(
        &product,
        5,
        json!([{"method": "cash", "amount_cents": 1000}, {"method": "credit", "amount_cents": 500}]),
    );
    body["customer_id"] = json!(customer);
    body["discount_cents"] = json!(0);
    let res = till
        .post(app.url("/api/sales"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let recorded: Value = res.json().await.unwrap();
    assert_eq!(recorded["total_cents"], 1500);
    assert_eq!(recorded["payment_status"], "partial");
    assert_eq!(recorded["payment_method"], "split");

    let mut second = sale(
        &product,
        1,
        json!([{"method": "card", "amount_cents": 300}]),
    );
    second["customer_id"] = json!(customer);
    assert_eq!(
        till.post(app.url("/api/sales"))
            .json(&second)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );

    let row = "customers WHERE id IN (SELECT customer_id FROM sales) AND total_spent_cents = 1800 AND total_orders = 2";
    assert_eq!(app.count(row).await, 1, "customer totals follow sales");
    assert_eq!(
        app.count("credits WHERE amount_cents = 500 AND status = 'pending'")
            .await,
        1
    );
    let list: Value = till
        .get(app.url(&format!("/api/sales?customer_id={customer}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
}

async fn twenty_tills_selling_at_once_leave_exact_stock(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "HOT", 1000).await;
    let till = app.cashier().await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (till, url, product) = (till.clone(), app.url("/api/sales"), product.clone());
            tokio::spawn(async move {
                for _ in 0..50 {
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
    assert_eq!(app.count("sales").await, 1000);
    assert_eq!(
        quantity(&app, &till, &product).await,
        0,
        "exactly 1,000 lower"
    );
    // Sale numbers are unique and gapless.
    assert_eq!(
        app.count("sales WHERE number BETWEEN 1 AND 1000").await,
        1000
    );
}

async fn sales_are_private_to_their_store_and_never_edited(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "S5", 10).await;
    let till = app.cashier().await;
    let res = till
        .post(app.url("/api/sales"))
        .json(&sale(
            &product,
            1,
            json!([{"method": "cash", "amount_cents": 300}]),
        ))
        .send()
        .await
        .unwrap();
    let recorded: Value = res.json().await.unwrap();
    let id = recorded["id"].as_str().unwrap();

    let other = app.signed_in(OTHER_OWNER).await;
    assert_eq!(
        other
            .get(app.url(&format!("/api/sales/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let list: Value = other
        .get(app.url("/api/sales"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    // Selling another store's product is refused, as is reusing a sale id.
    let res = other
        .post(app.url("/api/sales"))
        .json(&sale(
            &product,
            1,
            json!([{"method": "cash", "amount_cents": 300}]),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let mut reuse = sale(
        &product,
        1,
        json!([{"method": "cash", "amount_cents": 300}]),
    );
    reuse["id"] = json!(id);
    assert_eq!(
        other
            .post(app.url("/api/sales"))
            .json(&reuse)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CONFLICT
    );

    let actor = Actor {
        role: Role::Owner,
        ..Actor::system(app.store)
    };
    let edit = Mutation::save(
        EntityKind::Sale,
        Some(id.parse().unwrap()),
        Some(1),
        json!({}),
    );
    let err = write_path::apply(&app.db, &actor, edit).await.unwrap_err();
    assert_eq!(err.code, tillwise::domain::error::ErrorCode::Validation);
}

async fn a_refund_reverses_stock_and_spending_exactly(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "R1", 10).await;
    let owner = Actor {
        role: Role::Owner,
        ..Actor::system(app.store)
    };
    let customer = create(
        &app.db,
        &owner,
        EntityKind::Customer,
        json!({"name": "Rosa"}),
    )
    .await;
    let till = app.cashier().await;
    // 3 × 2.50 less 0.01 off the cart: 7.49 + tax, a total that does not
    // split evenly into thirds.
    let mut body = sale(
        &product,
        3,
        json!([{"method": "cash", "amount_cents": 2000}]),
    );
    body["customer_id"] = json!(customer);
    body["discount_cents"] = json!(1);
    let sold: Value = till
        .post(app.url("/api/sales"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let total = sold["total_cents"].as_i64().unwrap();
    let url = app.url(&format!(
        "/api/sales/{}/refund",
        sold["id"].as_str().unwrap()
    ));

    // Cashiers cannot refund; managers can, line by line.
    let res = till
        .post(&url)
        .json(&json!({"id": new_id()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let manager = app.signed_in(MANAGER).await;
    // A line named twice is the caller's mistake, said plainly (it was a 500).
    let twice = json!({"id": new_id(), "lines": [{"line_no": 1, "quantity": 1}, {"line_no": 1, "quantity": 1}]});
    let res = manager.post(&url).json(&twice).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("named twice"));
    let first = json!({"id": new_id(), "lines": [{"line_no": 1, "quantity": 1}]});
    let res = manager.post(&url).json(&first).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let one: Value = res.json().await.unwrap();
    assert_eq!(one["status"], "refunded");
    assert_eq!(one["original_sale_id"], sold["id"]);
    assert_eq!(quantity(&app, &till, &product).await, 8);
    // A replay changes nothing.
    assert_eq!(
        manager
            .post(&url)
            .json(&first)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(quantity(&app, &till, &product).await, 8);

    // More than is left is refused; the rest is refunded by default.
    let res = manager
        .post(&url)
        .json(&json!({"id": new_id(), "lines": [{"line_no": 1, "quantity": 3}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = manager
        .post(&url)
        .json(&json!({"id": new_id(), "method": "card"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let rest: Value = res.json().await.unwrap();
    assert_eq!(
        quantity(&app, &till, &product).await,
        10,
        "every unit is back"
    );
    assert_eq!(
        one["total_cents"].as_i64().unwrap() + rest["total_cents"].as_i64().unwrap(),
        -total,
        "no cent lost or made"
    );
    assert_eq!(
        app.count("customers WHERE total_spent_cents = 0 AND total_orders = 1")
            .await,
        1
    );
    let res = manager
        .post(&url)
        .json(&json!({"id": new_id()}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "nothing left to refund"
    );
    assert_eq!(app.count("stock_moves WHERE reason = 'returned'").await, 2);
}

/// A till offline prints its own receipt; the server must record the same
/// money when the sale arrives.
async fn a_receipt_made_on_the_till_has_the_totals_the_server_records(backend: Backend) {
    use tillwise::domain::cart::{Cart, CartDiscount, CartLine, Seller};
    use tillwise::domain::sale::{Payment, PaymentMethod};
    let app = spawn_app(backend).await;
    let a = stocked_product(&app, "R1", 10).await;
    let b = stocked_product(&app, "R2", 10).await;
    let till = app.cashier().await;
    let line = |id: &str, quantity, discount_cents| CartLine {
        product_id: id.parse().unwrap(),
        name: "P".into(),
        unit_price_cents: 250,
        tax_rate_bp: 2000,
        quantity,
        discount_cents,
        price_set_by: None,
    };
    let cart = Cart {
        lines: vec![line(&a, 3, 10), line(&b, 1, 0)],
        discount: CartDiscount::Percent(1000),
    };
    let payments = vec![
        Payment {
            method: PaymentMethod::Card,
            amount_cents: 500,
        },
        Payment {
            method: PaymentMethod::Cash,
            amount_cents: 1000,
        },
    ];
    let input = cart.to_sale(payments, None, chrono::Utc::now());
    let id = new_id();
    let seller = Seller {
        employee_id: new_id(),
        employee_name: "Ana".into(),
        prices_include_tax: false,
    };
    let local = cart.receipt(id, &input, &seller, None).unwrap();

    let mut body = serde_json::to_value(&input).unwrap();
    body["id"] = json!(id);
    let res = till
        .post(app.url("/api/sales"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let recorded: Value = res.json().await.unwrap();
    for field in [
        "subtotal_cents",
        "discount_cents",
        "tax_cents",
        "total_cents",
        "paid_cents",
        "change_cents",
    ] {
        assert_eq!(
            recorded[field],
            serde_json::to_value(&local).unwrap()[field],
            "{field}"
        );
    }
    assert_eq!(recorded["payment_method"], local.payment_method);
    assert_eq!(recorded["payment_status"], local.payment_status);
    for (server, till) in recorded["lines"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&local.lines)
    {
        assert_eq!(
            (
                server["discount_cents"].as_i64(),
                server["tax_cents"].as_i64(),
                server["total_cents"].as_i64()
            ),
            (
                Some(till.discount_cents),
                Some(till.tax_cents),
                Some(till.total_cents)
            )
        );
    }
    assert!(
        local.change_cents > 0,
        "the cash over the total comes back as change"
    );
}
