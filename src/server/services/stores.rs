//! Stores are the tenants. Creating one is an owner/admin act, audited as
//! the first entry of the store's own chain; so is changing its settings.

use super::Actor;
use super::audit::{self, AuditDraft};
use super::ledger::Ledger;
use super::write_path::begin;
use crate::domain::auth::Role;
use crate::domain::error::AppError;
use crate::domain::store::StoreSettings;
use crate::server::db::entities::store;
use crate::server::error::DbResultExt;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
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

fn settings_of(s: store::Model) -> StoreSettings {
    StoreSettings {
        id: s.id,
        name: s.name,
        currency: s.currency,
        prices_include_tax: s.prices_include_tax,
    }
}

/// The caller's store's settings (anyone signed in: a till needs them).
pub async fn settings(db: &DatabaseConnection, actor: &Actor) -> Result<StoreSettings, AppError> {
    store::Entity::find_by_id(actor.store_id)
        .one(db)
        .await
        .or_internal()?
        .map(settings_of)
        .ok_or_else(|| AppError::not_found("store"))
}

/// Changes the store's settings (owners only: they decide how every sale
/// is taxed), audited in the same transaction.
pub async fn update_settings(
    db: &DatabaseConnection,
    actor: &Actor,
    data: &serde_json::Value,
) -> Result<StoreSettings, AppError> {
    if actor.role != Role::Owner {
        return Err(AppError::forbidden());
    }
    let txn = begin(db).await.or_internal()?;
    // Claimed first, so the row is locked while it is read and changed.
    let mut ledger = Ledger::claim(&txn, actor.store_id).await.or_internal()?;
    let before = store::Entity::find_by_id(actor.store_id)
        .one(&txn)
        .await
        .or_internal()?
        .map(settings_of)
        .ok_or_else(|| AppError::not_found("store"))?;
    let after = before.edit(data)?;
    store::Entity::update_many()
        .col_expr(store::Column::Name, Expr::value(after.name.clone()))
        .col_expr(
            store::Column::PricesIncludeTax,
            Expr::value(after.prices_include_tax),
        )
        .filter(store::Column::Id.eq(actor.store_id))
        .exec(&txn)
        .await
        .or_internal()?;
    let draft = AuditDraft {
        action: "store.update".into(),
        entity_type: "store".into(),
        entity_id: Some(actor.store_id),
        before: serde_json::to_value(&before).ok(),
        after: serde_json::to_value(&after).ok(),
    };
    ledger.audit(actor, draft, Utc::now());
    ledger.close(&txn).await.or_internal()?;
    txn.commit().await.or_internal()?;
    Ok(after)
}
