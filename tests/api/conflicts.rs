//! Conflicts over every versioned entity, through the REST API and through
//! a push: stale edits of different fields merge (and say so in the audit
//! log), clashing ones are stored and answered with the three versions,
//! and settling them is a versioned, audited change.

use crate::helpers::{Backend, MANAGER, OWNER, TestApp, spawn_app};
use crate::on_every_backend;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tillwise::domain::ids::new_id;

on_every_backend!(
    stale_rest_edits_merge_or_conflict_for_every_entity,
    stale_pushed_edits_merge_or_conflict_for_every_entity,
    each_strategy_leaves_exactly_the_chosen_values,
    an_edit_against_a_delete_is_a_conflict_both_ways,
    versions_made_by_payments_still_merge,
    a_tills_next_edit_after_a_clash_still_merges,
);

/// One versioned entity: how to make one, two edits of different fields,
/// and an edit that clashes with the first.
struct Case {
    entity: &'static str,
    path: &'static str,
    create: Value,
    /// Field and value of the first edit.
    a: (&'static str, Value),
    /// The second edit, of another field (for credits, whose only
    /// editable field is the due date: the same value as the first).
    b: (&'static str, Value),
    /// A different value for the first edit's field.
    clash: Value,
}

async fn cases(app: &TestApp, owner: &Client) -> Vec<Case> {
    let customer = app
        .created(owner, "/api/customers", &json!({"name": "Credit holder"}))
        .await;
    vec![
        Case {
            entity: "product",
            path: "/api/products",
            create: json!({"name": "Tea", "sku": format!("T-{}", new_id().simple()), "price_cents": 250}),
            a: ("name", json!("Green tea")),
            b: ("price_cents", json!(300)),
            clash: json!("Black tea"),
        },
        Case {
            entity: "category",
            path: "/api/categories",
            create: json!({"name": format!("Drinks {}", new_id().simple()), "description": "cold", "sort_order": 1}),
            a: ("description", json!("hot and cold")),
            b: ("sort_order", json!(2)),
            clash: json!("warm"),
        },
        Case {
            entity: "customer",
            path: "/api/customers",
            create: json!({"name": "Dora", "phone": "0100"}),
            a: ("name", json!("Dora Smith")),
            b: ("phone", json!("0200")),
            clash: json!("Dora Jones"),
        },
        Case {
            entity: "employee",
            path: "/api/employees",
            create: json!({"name": "Cara", "role": "cashier", "pin": "4545"}),
            a: ("name", json!("Cara Lee")),
            b: ("active", json!(false)),
            clash: json!("Cara May"),
        },
        Case {
            entity: "credit",
            path: "/api/credits",
            create: json!({"customer_id": customer["id"], "amount_cents": 1000, "due_date": "2099-01-01"}),
            a: ("due_date", json!("2099-02-01")),
            b: ("due_date", json!("2099-02-01")),
            clash: json!("2099-03-01"),
        },
        Case {
            entity: "shift",
            path: "/api/shifts",
            create: json!({"employee_id": app.cashier_id, "shift_date": "2099-01-05", "start_time": "09:00", "end_time": "17:00", "notes": "opening"}),
            a: ("notes", json!("opening and till count")),
            b: ("start_time", json!("08:00:00")),
            clash: json!("closing"),
        },
        // The kind added last, by its description alone (kinds/note.rs).
        Case {
            entity: "note",
            path: "/api/notes",
            create: json!({"title": "Card terminal 2", "body": "Use terminal 1", "pinned": true}),
            a: ("title", json!("Card terminal 2 is down")),
            b: ("pinned", json!(false)),
            clash: json!("Card terminal 2 is fixed"),
        },
    ]
}

/// `data` with `field` set to `value` and the version the edit started from.
fn edit(data: &Value, field: &str, value: &Value, version: i64) -> Value {
    let mut data = data.clone();
    data[field] = value.clone();
    data["sync_version"] = json!(version);
    data
}

async fn put(client: &Client, url: &str, body: &Value) -> (StatusCode, Value) {
    let res = client.put(url).json(body).send().await.unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

async fn resolve(app: &TestApp, client: &Client, body: Value) -> (StatusCode, Value) {
    let res = client
        .post(app.url("/api/conflicts/resolve"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

async fn actions(app: &TestApp, client: &Client, entity: &str, id: &str) -> Vec<String> {
    let trail = app
        .get_json(client, &format!("/api/audit/entity/{entity}/{id}"))
        .await;
    let mut actions: Vec<String> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    actions.sort();
    actions
}

/// A new record of `case`, then the first edit (`case.a`) from version 1
/// by `owner`: the record as created, its id and its URL.
async fn edited_once(app: &TestApp, owner: &Client, case: &Case) -> (Value, String, String) {
    let record = app.created(owner, case.path, &case.create).await;
    let id = record["id"].as_str().unwrap().to_string();
    let url = app.url(&format!("{}/{id}", case.path));
    let (status, first) = put(owner, &url, &edit(&case.create, case.a.0, &case.a.1, 1)).await;
    assert_eq!(status, StatusCode::OK, "{}: {first}", case.entity);
    (record, id, url)
}

async fn chain_is_intact(app: &TestApp, client: &Client) {
    let report = app.get_json(client, "/api/audit/verify").await;
    assert_eq!(report["valid"], true, "{report}");
}

async fn stale_rest_edits_merge_or_conflict_for_every_entity(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    let manager = app.signed_in(MANAGER).await;
    for case in cases(&app, &owner).await {
        let (record, id, url) = edited_once(&app, &owner, &case).await;
        let (a, b) = (case.a.0, case.b.0);
        // The manager's form was opened at version 1 too.
        let (status, merged) = put(&manager, &url, &edit(&case.create, b, &case.b.1, 1)).await;
        assert_eq!(status, StatusCode::OK, "{} merges: {merged}", case.entity);
        assert_eq!(merged["sync_version"], 3, "{}", case.entity);
        assert_eq!(merged[a], case.a.1, "{}: the first edit stays", case.entity);
        assert_eq!(merged[b], case.b.1, "{}: the second lands", case.entity);

        // The same field, to another value, from version 1: a conflict.
        let (status, clash) = put(&manager, &url, &edit(&case.create, a, &case.clash, 1)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{}: {clash}", case.entity);
        assert_eq!(clash["code"], "conflict");
        assert_eq!(clash["fields"], json!([a]), "{}", case.entity);
        assert_eq!(clash["base"][a], record[a], "{}: base", case.entity);
        assert_eq!(clash["server"][a], case.a.1, "{}: server", case.entity);
        assert_eq!(clash["client"][a], case.clash, "{}: client", case.entity);
        let conflict_id = clash["conflict_id"].as_str().unwrap().to_string();
        let now = app.get_json(&owner, &format!("{}/{id}", case.path)).await;
        assert_eq!(
            (now["sync_version"].as_i64(), &now[a]),
            (Some(3), &case.a.1),
            "{}: nothing changed",
            case.entity
        );

        let listed = app
            .get_json(&owner, &format!("/api/conflicts/{}/{id}", case.entity))
            .await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{}", case.entity);
        assert_eq!(listed[0]["status"], "open");
        assert_eq!(listed[0]["conflict_id"], conflict_id.as_str());

        let (status, resolved) = resolve(
            &app,
            &manager,
            json!({"conflict_id": conflict_id, "strategy": "client"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}: {resolved}", case.entity);
        assert_eq!(resolved["version"], 4);
        let now = app.get_json(&owner, &format!("{}/{id}", case.path)).await;
        assert_eq!(now[a], case.clash, "{}: mine kept", case.entity);
        if a != b {
            assert_eq!(now[b], case.b.1, "{}: the merged edit stays", case.entity);
        }
        assert_eq!(now["sync_version"], 4);
        let listed = app
            .get_json(&owner, &format!("/api/conflicts/{}/{id}", case.entity))
            .await;
        assert_eq!(listed[0]["status"], "resolved");
        assert_eq!(listed[0]["resolution"]["strategy"], "client");

        let (status, again) = resolve(
            &app,
            &manager,
            json!({"conflict_id": conflict_id, "strategy": "server"}),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "settled once: {again}");

        let e = case.entity;
        assert_eq!(
            actions(&app, &owner, e, &id).await,
            vec![
                format!("{e}.conflict"),
                format!("{e}.create"),
                format!("{e}.merge"),
                format!("{e}.resolve"),
                format!("{e}.update"),
            ]
        );
    }
    assert_eq!(
        app.count("conflicts WHERE status = 'resolved'").await,
        7,
        "one per kind"
    );
    // A cashier sees a customer's conflicts, not an employee's, and not
    // the managers' list.
    let till = app.cashier().await;
    let customers = app.get_json(&owner, "/api/customers?q=Dora").await;
    let customer = customers["items"][0]["id"].as_str().unwrap();
    app.get_json(&till, &format!("/api/conflicts/customer/{customer}"))
        .await;
    for path in [
        format!("/api/conflicts/employee/{}", app.cashier_id),
        "/api/conflicts".to_string(),
    ] {
        let res = till.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let open = app.get_json(&owner, "/api/conflicts").await;
    assert_eq!(open["total"], 0);
    chain_is_intact(&app, &owner).await;
}

async fn push(app: &TestApp, client: &Client, mutations: Vec<Value>) -> Value {
    let res = client
        .post(app.url("/api/sync/push"))
        .json(&json!({"client_id": new_id(), "mutations": mutations}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn stale_pushed_edits_merge_or_conflict_for_every_entity(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    // A till, signed in as a manager, that edited offline from version 1.
    let till = app.signed_in(MANAGER).await;
    for case in cases(&app, &owner).await {
        let (record, id, _) = edited_once(&app, &owner, &case).await;
        let (a, b) = (case.a.0, case.b.0);

        let mut b_edit = case.create.clone();
        b_edit[b] = case.b.1.clone();
        let mut clash = case.create.clone();
        clash[a] = case.clash.clone();
        let answer = push(
            &app,
            &till,
            vec![
                json!({"mutation_id": 1, "entity": case.entity, "op": "update", "id": id,
                       "base_version": 1, "base": record, "data": b_edit}),
                json!({"mutation_id": 2, "entity": case.entity, "op": "update", "id": id,
                       "base_version": 1, "base": record, "data": clash}),
            ],
        )
        .await;
        let results = &answer["results"];
        assert_eq!(results[0]["status"], "merged", "{}: {answer}", case.entity);
        assert_eq!(results[0]["version"], 3);
        assert_eq!(
            results[1]["status"], "conflict",
            "{}: {answer}",
            case.entity
        );
        assert_eq!(results[1]["fields"], json!([a]));
        assert_eq!(results[1]["server"][a], case.a.1);
        assert_eq!(results[1]["client"][a], case.clash);
        let now = app.get_json(&owner, &format!("{}/{id}", case.path)).await;
        assert_eq!(
            (&now[a], &now[b]),
            (&case.a.1, &case.b.1),
            "{}",
            case.entity
        );

        // Keep the server's value: the record stays, the version moves on.
        let conflict_id = results[1]["conflict_id"].as_str().unwrap();
        let (status, _) = resolve(
            &app,
            &till,
            json!({"conflict_id": conflict_id, "strategy": "server"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let now = app.get_json(&owner, &format!("{}/{id}", case.path)).await;
        assert_eq!(
            (&now[a], &now[b]),
            (&case.a.1, &case.b.1),
            "{}",
            case.entity
        );
        assert_eq!(now["sync_version"], 4);

        // A pull brings the resolution to every till.
        let pulled = app
            .get_json(&till, "/api/sync/pull?cursor=0&limit=1000")
            .await;
        let latest = pulled["changes"]
            .as_array()
            .unwrap()
            .iter()
            .rfind(|c| c["id"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(latest["version"], 4, "{}", case.entity);
    }
    chain_is_intact(&app, &owner).await;
}

async fn each_strategy_leaves_exactly_the_chosen_values(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    let manager = app.signed_in(MANAGER).await;
    for (strategy, fields, name, price) in [
        ("server", json!({}), "Green tea", 300),
        ("client", json!({}), "Black tea", 350),
        (
            "manual",
            json!({"name": "client", "price_cents": "server"}),
            "Black tea",
            300,
        ),
    ] {
        let sku = format!("T-{}", new_id().simple());
        let base = json!({"name": "Tea", "sku": sku, "price_cents": 250, "tax_rate_bp": 0});
        let product = app.created(&owner, "/api/products", &base).await;
        let id = product["id"].as_str().unwrap().to_string();
        let url = app.url(&format!("/api/products/{id}"));
        let mut theirs = edit(&base, "name", &json!("Green tea"), 1);
        theirs["price_cents"] = json!(300);
        assert_eq!(put(&owner, &url, &theirs).await.0, StatusCode::OK);
        // Mine also changes the barcode, which nobody else touched.
        let mut mine = edit(&base, "name", &json!("Black tea"), 1);
        mine["price_cents"] = json!(350);
        let barcode = format!("BC-{}", new_id().simple());
        mine["barcode"] = json!(barcode);
        let (status, clash) = put(&manager, &url, &mine).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(clash["fields"], json!(["name", "price_cents"]));

        // Manual must choose every clashing field.
        if strategy == "manual" {
            let (status, refused) = resolve(
                &app,
                &manager,
                json!({"conflict_id": clash["conflict_id"], "strategy": "manual", "fields": {"name": "client"}}),
            )
            .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
            assert!(refused["details"]["fields"]["fields.price_cents"].is_string());
        }
        let (status, resolved) = resolve(
            &app,
            &manager,
            json!({"conflict_id": clash["conflict_id"], "strategy": strategy, "fields": fields}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{strategy}: {resolved}");
        let now = app.get_json(&owner, &format!("/api/products/{id}")).await;
        assert_eq!(
            (
                now["name"].as_str(),
                now["price_cents"].as_i64(),
                now["barcode"].as_str(),
                now["sync_version"].as_i64()
            ),
            (Some(name), Some(price), Some(barcode.as_str()), Some(3)),
            "{strategy}"
        );
        let resolution = app
            .get_json(&owner, "/api/audit?action=conflict.resolve&limit=1")
            .await;
        let entry = &resolution["items"][0];
        assert_eq!(entry["after"]["resolution"]["strategy"], strategy);
        assert_eq!(entry["entity_id"], clash["conflict_id"]);
    }
    chain_is_intact(&app, &owner).await;
}

async fn an_edit_against_a_delete_is_a_conflict_both_ways(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    let manager = app.signed_in(MANAGER).await;
    let customer = |name: &str| json!({"name": name, "phone": "0100"});
    let new_customer = async |name: &str| {
        let c = app.created(&owner, "/api/customers", &customer(name)).await;
        c["id"].as_str().unwrap().to_string()
    };

    // Removed at the back office while a till edited it.
    let id = new_customer("Eve").await;
    let url = app.url(&format!("/api/customers/{id}"));
    let res = owner
        .delete(format!("{url}?sync_version=1"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let mut mine = customer("Eve");
    mine["phone"] = json!("0999");
    mine["sync_version"] = json!(1);
    let (status, clash) = put(&manager, &url, &mine).await;
    assert_eq!(status, StatusCode::CONFLICT, "{clash}");
    assert!(clash["server"].is_null());
    assert_eq!(clash["fields"], json!(["phone"]));
    // Manual makes no sense for a record that is gone; keep mine brings
    // it back as edited.
    let (status, resolved) = resolve(
        &app,
        &manager,
        json!({"conflict_id": clash["conflict_id"], "strategy": "client"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    let back = app.get_json(&owner, &format!("/api/customers/{id}")).await;
    assert_eq!(
        (back["phone"].as_str(), back["sync_version"].as_i64()),
        (Some("0999"), Some(3))
    );

    // Edited at the back office while a till removed it.
    for (strategy, survives) in [("server", true), ("client", false)] {
        let id = new_customer("Finn").await;
        let url = app.url(&format!("/api/customers/{id}"));
        let mut theirs = customer("Finn Grey");
        theirs["sync_version"] = json!(1);
        assert_eq!(put(&owner, &url, &theirs).await.0, StatusCode::OK);
        let res = manager
            .delete(format!("{url}?sync_version=1"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let clash: Value = res.json().await.unwrap();
        assert_eq!(clash["op"], "delete");
        assert_eq!(clash["fields"], json!(["name"]));
        assert!(clash["client"].is_null());
        let (status, refused) = resolve(
            &app,
            &manager,
            json!({"conflict_id": clash["conflict_id"], "strategy": "manual", "fields": {}}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        let (status, _) = resolve(
            &app,
            &manager,
            json!({"conflict_id": clash["conflict_id"], "strategy": strategy}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let res = owner.get(&url).send().await.unwrap();
        assert_eq!(
            res.status() == StatusCode::OK,
            survives,
            "{strategy}: the customer {}",
            if survives { "stays" } else { "is removed" }
        );
    }
    chain_is_intact(&app, &owner).await;
}

/// A payment on a store credit bumps its version with no credit audit
/// entry of its own; an edit that started from such a version still finds
/// its base (the last edit before it) and merges instead of clashing.
async fn versions_made_by_payments_still_merge(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    let manager = app.signed_in(MANAGER).await;
    let customer = app
        .created(&owner, "/api/customers", &json!({"name": "Gus"}))
        .await;
    let credit = app
        .created(
            &owner,
            "/api/credits",
            &json!({"customer_id": customer["id"], "amount_cents": 1000, "due_date": "2099-01-01"}),
        )
        .await;
    let id = credit["id"].as_str().unwrap();
    for _ in 0..2 {
        let res = owner
            .post(app.url(&format!("/api/credits/{id}/payments")))
            .json(&json!({"amount_cents": 100, "method": "cash"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    // The manager opened it after the first payment (version 2).
    let url = app.url(&format!("/api/credits/{id}"));
    let (status, merged) = put(
        &manager,
        &url,
        &json!({"due_date": "2099-06-30", "sync_version": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    let now = app.get_json(&owner, &format!("/api/credits/{id}")).await;
    assert_eq!(
        (
            now["due_date"].as_str(),
            now["paid_cents"].as_i64(),
            now["sync_version"].as_i64()
        ),
        (Some("2099-06-30"), Some(200), Some(4))
    );
}

/// A till edits a customer twice offline; the first edit clashes. The
/// second names the version the till had made locally (ahead of the
/// server's) and its base is the till's record after the first: it merges
/// its own field and leaves the clashing one to the resolver.
async fn a_tills_next_edit_after_a_clash_still_merges(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in(OWNER).await;
    let till = app.cashier().await;
    let created = app
        .created(
            &owner,
            "/api/customers",
            &json!({"name": "Ida", "phone": "0100"}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let url = app.url(&format!("/api/customers/{id}"));
    let (status, _) = put(
        &owner,
        &url,
        &json!({"name": "Ida North", "phone": "0100", "sync_version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // The till's copy after its first edit, as it would push it as base.
    let mut after_first = created.clone();
    after_first["name"] = json!("Ida South");
    after_first["sync_version"] = json!(2);
    let answer = push(
        &app,
        &till,
        vec![
            json!({"mutation_id": 1, "entity": "customer", "op": "update", "id": id,
                   "base_version": 1, "base": created,
                   "data": {"name": "Ida South", "phone": "0100"}}),
            json!({"mutation_id": 2, "entity": "customer", "op": "update", "id": id,
                   "base_version": 2, "base": after_first,
                   "data": {"name": "Ida South", "phone": "0999"}}),
        ],
    )
    .await;
    assert_eq!(answer["results"][0]["status"], "conflict", "{answer}");
    assert_eq!(answer["results"][1]["status"], "merged", "{answer}");
    let now = app.get_json(&owner, &format!("/api/customers/{id}")).await;
    assert_eq!(
        (now["name"].as_str(), now["phone"].as_str()),
        (Some("Ida North"), Some("0999")),
        "the phone lands; the name waits for the resolver"
    );
}
