//! The OpenAPI document against the router it describes: every route the
//! router serves is in the document and nothing else is, every reference
//! in it resolves, and the reference page shows it with nothing fetched
//! from elsewhere. (`make test` also runs schemathesis against it: real
//! answers must match it.)

use crate::helpers::{Backend, browser, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;

async fn document() -> (crate::helpers::TestApp, Value) {
    let app = spawn_app(Backend::Sqlite).await;
    let res = browser()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    (app, doc)
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((method.to_uppercase(), path.clone(), op));
        }
    }
    ops
}

#[tokio::test]
async fn the_document_lists_every_route_the_router_serves_and_no_other() {
    let (_app, doc) = document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let routed: BTreeSet<(String, String)> = tillwise::server::http::api_routes()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path))
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "routed but not in the document: {undocumented:?}; in the document but not routed: {unrouted:?}"
    );
}

/// Every `$ref` under `value`.
fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(target)) => found.push(target),
                    _ => refs(v, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_resolves_and_every_operation_says_what_it_answers() {
    let (_app, doc) = document().await;
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 50, "the document uses its schemas");
    for target in found {
        let pointer = target.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "{target} does not resolve");
    }
    let tags: Vec<&Value> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["name"])
        .collect();
    for (method, path, op) in operations(&doc) {
        assert!(
            tags.contains(&&op["tags"][0]),
            "{method} {path}: its tag is not among the document's"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses
                .keys()
                .any(|s| s.starts_with('2') || s.as_str() == "101"),
            "{method} {path} says nothing of success"
        );
        let public = op.get("security") == Some(&serde_json::json!([]));
        assert!(
            public || responses.contains_key("401"),
            "{method} {path} needs a session but does not say 401"
        );
        if let Some(error) = responses.get("400") {
            assert_eq!(
                error["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error"
            );
        }
        if path.contains("{id}") && method == "PUT" {
            assert_eq!(
                responses["409"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ConflictError",
                "{method} {path}: a stale edit's 409"
            );
        }
    }
    // The socket's messages are described too.
    assert!(doc.pointer("/components/schemas/SocketMessage").is_some());
    assert!(doc.pointer("/components/schemas/StoreEvent").is_some());
    // Roles come from the permission table.
    assert_eq!(
        doc.pointer("/paths/~1api~1indexes~1stats/get/x-roles"),
        Some(&serde_json::json!(["owner"]))
    );
}

#[tokio::test]
async fn the_reference_page_shows_every_operation_and_loads_nothing_from_elsewhere() {
    let (app, doc) = document().await;
    let res = browser()
        .get(app.url("/api/reference"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = res.text().await.unwrap();
    for (method, path, _) in operations(&doc) {
        assert!(
            page.contains(&format!("{method}</span> <code>{path}</code>")),
            "{method} {path} is not on the page"
        );
    }
    for outside in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "@import",
    ] {
        assert!(!page.contains(outside), "the page fetches {outside}…");
    }
}
