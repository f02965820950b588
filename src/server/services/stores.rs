//! Stores are the tenants. Creating one is an owner/admin act, audited as
//! the first entry of the store's own chain.

use super::Actor;
use super::audit::{self, AuditDraft};
use super::write_path::begin;
use crate::domain::error::AppError;
use crate::server::db::entities::store;
use crate::server::error::DbResultExt;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use uuid::Uuid;

pub async fn create_store(
    db: &DatabaseConnection,
    id: Uuid,
    name: &str,
) -> Result<store::Model, AppError> {
    let now = Utc::now();
    let txn = begin(db).await.or_internal()?;
    let model = store::Entity::insert(store::ActiveModel {
        id: Set(id),
        name: Set(name.to_string()),
        currency: Set("USD".into()),
        prices_include_tax: Set(false),
        change_seq: Set(0),
        audit_seq: Set(0),
        audit_head: Set(String::new()),
        sale_seq: Set(0),
        created_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await
    .or_internal()?;
    let draft = AuditDraft {
        action: "store.create".into(),
        entity_type: "store".into(),
        entity_id: Some(id),
        before: None,
        after: Some(serde_json::json!({ "name": name })),
    };
    audit::append(&txn, &Actor::system(id), draft, now)
        .await
        .or_internal()?;
    txn.commit().await.or_internal()?;
    Ok(model)
}

pub async fn count(db: &DatabaseConnection) -> Result<u64, AppError> {
    store::Entity::find().count(db).await.or_internal()
}
