//! Staff: managers hire and look after cashiers, owners appoint managers;
//! a PIN reset or switching someone off takes effect at once; shifts are
//! planned and filled by clocking in and out at the till.

use crate::helpers::{Backend, CASHIER_PIN, MANAGER, OTHER_OWNER, OWNER, spawn_app};
use crate::on_every_backend;
use crate::sales::{sale, stocked_product};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_backend!(
    managers_hire_reset_pins_and_switch_off_cashiers,
    a_clock_in_fills_todays_shift_and_its_clock_out_counts_the_takings,
);

async fn managers_hire_reset_pins_and_switch_off_cashiers(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let res = manager
        .post(app.url("/api/employees"))
        .json(&json!({"name": "Ben", "role": "cashier", "pin": "2222"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let ben: Value = res.json().await.unwrap();
    assert!(ben.get("pin_hash").is_none() && ben["has_pin"] == true);
    let ben_id: uuid::Uuid = ben["id"].as_str().unwrap().parse().unwrap();
    // Only an owner appoints managers.
    let boss = json!({"name": "Max", "role": "manager", "email": "max@a.test", "password": "long enough pw"});
    let res = manager
        .post(app.url("/api/employees"))
        .json(&boss)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let owner = app.signed_in(OWNER).await;
    let res = owner
        .post(app.url("/api/employees"))
        .json(&boss)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let staff: Value = manager
        .get(app.url("/api/employees"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(staff.as_array().unwrap().len(), 5);

    let till = app.paired_till().await;
    assert_eq!(
        app.pin(&till, ben_id, "2222").await.status(),
        StatusCode::OK
    );
    let res = till.get(app.url("/api/employees")).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "cashiers do not see the staff list"
    );

    let url = app.url(&format!("/api/employees/{ben_id}"));
    let res = manager
        .put(&url)
        .json(&json!({"name": "Ben", "role": "cashier", "pin": "3333", "sync_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["sync_version"], 2);
    assert_ne!(
        app.pin(&till, ben_id, "2222").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.pin(&till, ben_id, "3333").await.status(),
        StatusCode::OK
    );
    // A manager cannot promote a cashier; stale edits are refused.
    let res = manager
        .put(&url)
        .json(&json!({"name": "Ben", "role": "manager", "email": "ben@a.test", "password": "long enough pw", "sync_version": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = manager
        .put(&url)
        .json(&json!({"name": "Benjamin", "role": "cashier", "sync_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "a stale edit of another field (the PIN changed meanwhile) merges"
    );
    assert_eq!(res.json::<Value>().await.unwrap()["sync_version"], 3);

    // Switched off: Ben's session on the till ends and his PIN stops working.
    let res = manager
        .put(&url)
        .json(&json!({"name": "Ben", "role": "cashier", "active": false, "sync_version": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = till.get(app.url("/api/sales")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_ne!(
        app.pin(&till, ben_id, "3333").await.status(),
        StatusCode::OK
    );
    let res = manager
        .delete(format!("{url}?sync_version=4"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let other = app.signed_in(OTHER_OWNER).await;
    assert_eq!(
        other.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let res = other
        .put(&url)
        .json(&json!({"name": "Ben", "role": "cashier", "sync_version": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("audit_log WHERE entity_type = 'employee' AND action = 'employee.update'")
            .await,
        2
    );
    let _ = CASHIER_PIN;
}

async fn a_clock_in_fills_todays_shift_and_its_clock_out_counts_the_takings(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = stocked_product(&app, "K1", 10).await;
    let manager = app.signed_in(MANAGER).await;
    let today = chrono::Utc::now().date_naive().to_string();
    let plan = json!({"employee_id": app.cashier_id, "shift_date": today, "start_time": "00:00", "end_time": "23:59"});
    let res = manager
        .post(app.url("/api/shifts"))
        .json(&plan)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let shift: Value = res.json().await.unwrap();
    assert_eq!(shift["status"], "scheduled");
    let res = manager
        .post(app.url("/api/shifts"))
        .json(&json!({"employee_id": app.cashier_id, "shift_date": today, "start_time": "18:00", "end_time": "09:00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let till = app.cashier().await;
    let res = till
        .post(app.url("/api/shifts"))
        .json(&plan)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let mine: Value = till
        .get(app.url("/api/shifts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["total"], 1);

    let res = till.post(app.url("/api/clock/in")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let event: Value = res.json().await.unwrap();
    assert_eq!(event["shift_id"], shift["id"]);
    let res = till.post(app.url("/api/clock/in")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT, "already clocked in");

    let mut body = sale(
        &product,
        2,
        json!([{"method": "cash", "amount_cents": 600}]),
    );
    body["created_at"] = json!(chrono::Utc::now());
    let res = till
        .post(app.url("/api/sales"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let total = res.json::<Value>().await.unwrap()["total_cents"]
        .as_i64()
        .unwrap();

    let res = till.post(app.url("/api/clock/out")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let closed: Value = res.json().await.unwrap();
    assert_eq!(closed["sales_total_cents"].as_i64(), Some(total));
    assert!(closed["clock_out"].is_string());
    let res = till.post(app.url("/api/clock/out")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "not clocked in");
    let url = app.url(&format!("/api/shifts/{}", shift["id"].as_str().unwrap()));
    let done: Value = manager
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (done["status"].as_str(), done["sync_version"].as_i64()),
        (Some("completed"), Some(3))
    );
    let clock: Value = manager
        .get(app.url("/api/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["recent"].as_array().unwrap().len(), 1);

    let other = app.signed_in(OTHER_OWNER).await;
    assert_eq!(
        other.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let theirs: Value = other
        .get(app.url("/api/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["recent"].as_array().unwrap().len(), 0);
}
