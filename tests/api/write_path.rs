//! The one write path: a record, its change-feed entry and its audit entry
//! are written together or not at all, and the audit chain verifies.

use crate::helpers::{Backend, OWNER, spawn_app};
use crate::on_every_backend;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tillwise::domain::auth::Role;
use tillwise::domain::ids::new_id;
use tillwise::domain::mutation::{EntityKind, Mutation, Op};
use tillwise::server::services::{Actor, audit, write_path};

on_every_backend!(
    a_write_bumps_the_version_and_appends_feed_and_audit,
    a_failure_after_the_row_write_leaves_nothing,
    the_audit_chain_verifies_and_finds_tampering,
    a_verify_while_the_store_writes_is_never_a_false_alarm,
    cutting_off_or_rehashing_the_newest_entries_breaks_the_seal,
);

/// Verifies run while products are written: each sees a chain up to some
/// head, never "altered" (it read entries and head at different moments).
async fn a_verify_while_the_store_writes_is_never_a_false_alarm(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.signed_in(OWNER).await;
    let writer = {
        let (client, base) = (client.clone(), app.url("/api/products"));
        tokio::spawn(async move {
            for i in 0..40 {
                let body =
                    json!({"name": format!("W{i}"), "sku": format!("W-{i}"), "price_cents": 1});
                let res = client.post(&base).json(&body).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::CREATED);
            }
        })
    };
    let mut checked = 0;
    while !writer.is_finished() {
        let report = audit::verify(&app.db, app.store).await.unwrap();
        assert!(report.valid, "a false alarm during writes: {report:?}");
        checked += 1;
    }
    writer.await.unwrap();
    assert!(checked > 1, "verified while writing ({checked} times)");
    assert!(audit::verify(&app.db, app.store).await.unwrap().valid);
}

fn owner_actor(app: &crate::helpers::TestApp) -> Actor {
    Actor {
        role: Role::Owner,
        ..Actor::system(app.store)
    }
}

async fn a_write_bumps_the_version_and_appends_feed_and_audit(backend: Backend) {
    let app = spawn_app(backend).await;
    let actor = owner_actor(&app);
    let id = new_id();
    let data = json!({"name": "Tea", "sku": "T", "price_cents": 100});
    let created = write_path::apply(
        &app.db,
        &actor,
        Mutation {
            entity: EntityKind::Product,
            op: Op::Create,
            id,
            base_version: None,
            data: data.clone(),
            base: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(created.version, 1);
    let mut edit = data.clone();
    edit["price_cents"] = json!(120);
    let updated = write_path::apply(
        &app.db,
        &actor,
        Mutation {
            entity: EntityKind::Product,
            op: Op::Update,
            id,
            base_version: Some(1),
            data: edit,
            base: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.seq, created.seq + 1, "the store's feed has no gaps");
    assert_eq!(updated.record["price_cents"], 120);

    let trail = audit::for_entity(&app.db, app.store, "product", id)
        .await
        .unwrap();
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[0].action, "product.update");
    assert_eq!(trail[0].before_state.as_ref().unwrap()["price_cents"], 100);
    assert_eq!(trail[0].after_state.as_ref().unwrap()["price_cents"], 120);
    assert_eq!(app.count("products WHERE sync_version = 2").await, 1);
}

async fn a_failure_after_the_row_write_leaves_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.signed_in(OWNER).await;
    let (products, changes, audits) = (
        app.count("products").await,
        app.count("changes").await,
        app.count("audit_log").await,
    );
    // Make the last step of the transaction (the audit entry) fail.
    app.db
        .execute_unprepared("ALTER TABLE audit_log RENAME TO audit_log_away")
        .await
        .unwrap();
    let res = client
        .post(app.url("/api/products"))
        .json(&json!({"name": "Ghost", "sku": "G", "price_cents": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "internal");
    assert!(
        !body["message"].as_str().unwrap().contains("audit_log"),
        "internal causes stay in the log"
    );
    app.db
        .execute_unprepared("ALTER TABLE audit_log_away RENAME TO audit_log")
        .await
        .unwrap();

    assert_eq!(
        app.count("products").await,
        products,
        "the product row was rolled back"
    );
    assert_eq!(app.count("changes").await, changes, "no change-feed entry");
    assert_eq!(app.count("audit_log").await, audits);
    // The store's counters did not move either: the next write is seamless.
    let res = client
        .post(app.url("/api/products"))
        .json(&json!({"name": "Real", "sku": "R", "price_cents": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(audit::verify(&app.db, app.store).await.unwrap().valid);
}

async fn the_audit_chain_verifies_and_finds_tampering(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.signed_in(OWNER).await;
    for i in 0..3 {
        app.product(&client, &format!("A-{i}"), &format!("90{i}"))
            .await;
    }
    let report = audit::verify(&app.db, app.store).await.unwrap();
    assert!(report.valid, "{report:?}");
    assert!(
        report.entries >= 6,
        "store, people, sign-in, products: {report:?}"
    );

    // Someone edits history: a price in an old entry.
    let sql = "UPDATE audit_log SET action = 'product.delete' WHERE seq = 3 AND store_id IN (SELECT id FROM stores WHERE name = 'Store A')";
    app.db.execute_unprepared(sql).await.unwrap();
    let report = audit::verify(&app.db, app.store).await.unwrap();
    assert!(!report.valid);
    assert_eq!(report.first_bad_seq, Some(3));
    // The other store's chain is untouched.
    assert!(audit::verify(&app.db, app.other_store).await.unwrap().valid);
}

/// Someone with the database but not the server's key: re-hashing an
/// edited newest entry, or cutting the newest entries off and moving the
/// head back, leaves a chain whose links all hold, but the seal does not.
async fn cutting_off_or_rehashing_the_newest_entries_breaks_the_seal(backend: Backend) {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    use tillwise::server::db::entities::{audit_entry, store};
    let app = spawn_app(backend).await;
    let client = app.signed_in(OWNER).await;
    for i in 0..3 {
        app.product(&client, &format!("S-{i}"), &format!("80{i}"))
            .await;
    }
    assert!(audit::verify(&app.db, app.store).await.unwrap().valid);
    let newest = |n: u64| {
        let db = app.db.clone();
        let store = app.store;
        async move {
            audit_entry::Entity::find()
                .filter(audit_entry::Column::StoreId.eq(store))
                .order_by_desc(audit_entry::Column::Seq)
                .all(db.conn())
                .await
                .unwrap()
                .into_iter()
                .nth(n as usize)
                .unwrap()
        }
    };
    let move_head = |seq: i64, head: String| {
        let db = app.db.clone();
        let id = app.store;
        async move {
            store::Entity::update_many()
                .col_expr(
                    store::Column::AuditSeq,
                    sea_orm::sea_query::Expr::value(seq),
                )
                .col_expr(
                    store::Column::AuditHead,
                    sea_orm::sea_query::Expr::value(head),
                )
                .filter(store::Column::Id.eq(id))
                .exec(db.conn())
                .await
                .unwrap();
        }
    };
    let (seal_before, head_before, seq_before) = {
        let s = store::Entity::find_by_id(app.store)
            .one(app.db.conn())
            .await
            .unwrap()
            .unwrap();
        (s.audit_seal, s.audit_head, s.audit_seq)
    };

    // The newest entry rewritten and re-hashed, the head moved to match.
    let mut edited = newest(0).await;
    let original = edited.clone();
    edited.action = "product.delete".into();
    edited.hash = audit::entry_hash(&edited);
    let rehashed = edited.hash.clone();
    audit_entry::Entity::update(sea_orm::IntoActiveModel::into_active_model(edited).reset_all())
        .exec(app.db.conn())
        .await
        .unwrap();
    move_head(seq_before, rehashed).await;
    let report = audit::verify(&app.db, app.store).await.unwrap();
    assert!(!report.valid, "{report:?}");
    assert!(report.problem.unwrap().contains("seal"));

    // Put back as it was: valid again.
    audit_entry::Entity::update(sea_orm::IntoActiveModel::into_active_model(original).reset_all())
        .exec(app.db.conn())
        .await
        .unwrap();
    move_head(seq_before, head_before.clone()).await;
    assert!(audit::verify(&app.db, app.store).await.unwrap().valid);

    // Wiping the seal: reported as missing; sealing it again (at start-up)
    // leaves an entry that says so.
    let wipe = "UPDATE stores SET audit_seal = '' WHERE name = 'Store A'";
    app.db.execute_unprepared(wipe).await.unwrap();
    let report = audit::verify(&app.db, app.store).await.unwrap();
    assert!(report.problem.unwrap().contains("missing"));
    assert_eq!(audit::seal_unsealed_heads(&app.db).await.unwrap(), 1);
    assert!(audit::verify(&app.db, app.store).await.unwrap().valid);
    assert_eq!(newest(0).await.action, "audit.sealed");

    // The two newest entries deleted and the head moved back onto the third.
    let third = newest(2).await;
    let cut = format!(
        "DELETE FROM audit_log WHERE seq > {} AND store_id IN (SELECT id FROM stores WHERE name = 'Store A')",
        third.seq
    );
    app.db.execute_unprepared(&cut).await.unwrap();
    move_head(third.seq, third.hash.clone()).await;
    let report = audit::verify(&app.db, app.store).await.unwrap();
    assert!(!report.valid, "{report:?}");
    assert_eq!(report.first_bad_seq, Some(third.seq));

    // The next sale or edit does not seal over it: it says what it found,
    // and verify goes on reporting it.
    app.product(&client, "S-after", "809").await;
    let report = audit::verify(&app.db, app.store).await.unwrap();
    assert!(!report.valid, "{report:?}");
    assert!(report.first_bad_seq.unwrap() > third.seq, "{report:?}");
    assert!(report.problem.unwrap().contains("seal did not match"));
    assert_ne!(seal_before, "");
}
