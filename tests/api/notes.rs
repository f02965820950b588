//! Notes for the floor: the kind docs/ARCHITECTURE.md adds step by step.
//! Everything it does comes from its one description (kinds/note.rs):
//! REST, the write path's versions and audit entries, the change feed and
//! the pull, permissions from the table. (Merging and conflicts: the note
//! case in conflicts.rs.)

use crate::helpers::{Backend, MANAGER, OTHER_OWNER, spawn_app};
use crate::on_every_backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_backend!(a_note_is_written_fed_audited_and_pulled_like_any_record);

async fn a_note_is_written_fed_audited_and_pulled_like_any_record(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.signed_in(MANAGER).await;
    let till = app.cashier().await;

    // Managers write notes; cashiers read them and may not.
    let refused = till
        .post(app.url("/api/notes"))
        .json(&json!({"title": "Cash only"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let bad = manager
        .post(app.url("/api/notes"))
        .json(&json!({"title": " ", "pinned": "yes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad.json().await.unwrap();
    assert!(
        body["details"]["fields"]["title"].is_string()
            && body["details"]["fields"]["pinned"].is_string(),
        "{body}"
    );
    assert_eq!(app.count("notes").await, 0, "bad input writes nothing");

    let note = app
        .created(
            &manager,
            "/api/notes",
            &json!({"title": "Cash only", "body": "Card reader is out", "pinned": true}),
        )
        .await;
    assert_eq!(
        (note["sync_version"].as_i64(), note["pinned"].as_bool()),
        (Some(1), Some(true))
    );
    let id = note["id"].as_str().unwrap().to_string();
    let url = app.url(&format!("/api/notes/{id}"));

    let listed: Value = app.get_json(&till, "/api/notes").await;
    assert_eq!(listed[0]["title"], "Cash only");

    let edited: Value = manager
        .put(&url)
        .json(&json!({"title": "Cash only today", "body": "Card reader is out", "pinned": true, "sync_version": 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (edited["title"].as_str(), edited["sync_version"].as_i64()),
        (Some("Cash only today"), Some(2))
    );

    // On the feed, for every till: created, then edited, pulled in its
    // latest state.
    let pulled: Value = app.get_json(&till, "/api/sync/pull?cursor=0").await;
    let notes: Vec<&Value> = pulled["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == "note")
        .collect();
    assert_eq!(
        notes.len(),
        1,
        "each record once, in its latest state: {pulled}"
    );
    assert_eq!(
        (
            notes[0]["version"].as_i64(),
            notes[0]["data"]["title"].as_str()
        ),
        (Some(2), Some("Cash only today"))
    );

    // In the audit log, with what it was before.
    let trail: Value = app
        .get_json(&manager, &format!("/api/audit/entity/note/{id}"))
        .await;
    let actions: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["note.update", "note.create"], "{trail}");
    assert_eq!(trail[0]["before"]["title"], "Cash only");

    // Another store sees nothing of it.
    let other = app.signed_in(OTHER_OWNER).await;
    assert_eq!(
        other.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // Removed: a tombstone on the feed, gone from the list.
    let gone = manager
        .delete(format!("{url}?sync_version=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let listed: Value = app.get_json(&till, "/api/notes").await;
    assert_eq!(listed, json!([]));
    let cursor = pulled["cursor"].as_i64().unwrap();
    let after: Value = app
        .get_json(&till, &format!("/api/sync/pull?cursor={cursor}"))
        .await;
    assert_eq!(after["changes"][0]["op"], "delete", "{after}");
    assert_eq!(after["changes"][0]["id"], json!(id));
    let verified: Value = app.get_json(&manager, "/api/audit/verify").await;
    assert_eq!(verified["valid"], true);
}
