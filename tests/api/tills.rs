//! Paired tills: a PIN session counts only on its own till, a pairing
//! ends by itself, and a manager can unpair a till at once.

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, TestApp, spawn_app};
use crate::on_every_backend;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::Value;

on_every_backend!(
    a_pin_session_opens_nothing_off_its_own_till,
    a_pairing_lasts_as_configured_then_ends_by_itself,
    a_manager_unpairs_a_till_and_everyone_on_it_is_signed_out,
);

/// The value of cookie `name` in a `Cookie` header.
fn cookie_value(header: &str, name: &str) -> String {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| panic!("no {name} in {header}"))
}

async fn me_with(app: &TestApp, cookies: &str) -> StatusCode {
    reqwest::Client::new()
        .get(app.url("/api/auth/me"))
        .header(COOKIE, cookies)
        .send()
        .await
        .unwrap()
        .status()
}

async fn a_pin_session_opens_nothing_off_its_own_till(backend: Backend) {
    let app = spawn_app(backend).await;
    let till = app.cashier().await;
    let other_till = app.paired_till().await;
    let jar = till.cookies(&app.address).unwrap();
    let (session, device) = (
        cookie_value(&jar, "tw_session"),
        cookie_value(&jar, "tw_device"),
    );
    let other_device = cookie_value(&other_till.cookies(&app.address).unwrap(), "tw_device");

    assert_eq!(
        me_with(&app, &format!("tw_session={session}; tw_device={device}")).await,
        StatusCode::OK
    );
    // The session cookie copied off the till, alone or beside another till's.
    assert_eq!(
        me_with(&app, &format!("tw_session={session}")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        me_with(
            &app,
            &format!("tw_session={session}; tw_device={other_device}")
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
    // A password session needs no till.
    let manager = app.signed_in(MANAGER).await;
    let res = manager.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn a_pairing_lasts_as_configured_then_ends_by_itself(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let res = manager
        .post(app.url("/api/devices/pair"))
        .json(&serde_json::json!({"name": "Front till"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    // The default pairing is 90 days; the cookie says the same.
    let max_age: i64 = set_cookie
        .split(';')
        .find_map(|p| p.trim().strip_prefix("Max-Age="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (90 * 86_400 - 60..=90 * 86_400).contains(&max_age),
        "{set_cookie}"
    );

    let till = app.cashier().await;
    let tills: Value = app.get_json(&manager, "/api/devices").await;
    assert_eq!(tills.as_array().unwrap().len(), 2, "{tills}");
    assert!(
        tills
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["expires_at"].is_string())
    );

    // Ninety days later (the till's session was never looked up, so none
    // is remembered): the cashier's session and the till's cookie open
    // nothing. A remembered one ends with the pairing too (`live_session`).
    let past = app.db.get_database_backend();
    let sql = match past {
        sea_orm::DbBackend::Postgres => {
            "UPDATE devices SET expires_at = now() - INTERVAL '1 minute'"
        }
        _ => "UPDATE devices SET expires_at = '2020-01-01T00:00:00+00:00'",
    };
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, sql)
        .await
        .unwrap();
    let res = till.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = till
        .get(app.url("/api/devices/people"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn a_manager_unpairs_a_till_and_everyone_on_it_is_signed_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let till = app.cashier().await;
    let manager = app.signed_in(MANAGER).await;
    let tills: Value = app.get_json(&manager, "/api/devices").await;
    let id = tills[0]["device_id"].as_str().unwrap().to_string();
    assert!(tills[0]["unpaired_at"].is_null());
    assert_eq!(tills[0]["paired_by"], "Mia");

    // Another store's owner cannot even see it.
    let other = app.signed_in(OTHER_OWNER).await;
    let res = other
        .delete(app.url(&format!("/api/devices/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let theirs: Value = app.get_json(&other, "/api/devices").await;
    assert_eq!(theirs.as_array().unwrap().len(), 0, "{theirs}");
    let res = till.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let res = manager
        .delete(app.url(&format!("/api/devices/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // At once, without waiting for the remembered session to age out.
    let res = till.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = till
        .get(app.url("/api/devices/people"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let tills: Value = app.get_json(&manager, "/api/devices").await;
    assert!(tills[0]["unpaired_at"].is_string(), "{tills}");

    // Unpairing again changes nothing; the audit log says who did it once.
    let res = manager
        .delete(app.url(&format!("/api/devices/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let log: Value = app
        .get_json(&manager, "/api/audit?action=device.unpair")
        .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log}");
    assert_eq!(items[0]["after"]["sessions_ended"], 1);
}
