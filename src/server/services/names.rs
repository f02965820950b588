//! The names lists show beside ids (who rang a sale up, whose credit it
//! is): one query per kind, none when there are no ids.

use crate::domain::error::AppError;
use crate::server::db::bulk::one_of;
use crate::server::db::entities::{customer, employee};
use crate::server::error::DbResultExt;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;
use uuid::Uuid;

pub(super) async fn employees(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<BTreeMap<Uuid, String>, AppError> {
    names::<employee::Entity>(db, employee::Column::Id, employee::Column::Name, ids).await
}

pub(super) async fn customers(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<BTreeMap<Uuid, String>, AppError> {
    names::<customer::Entity>(db, customer::Column::Id, customer::Column::Name, ids).await
}

/// Id → name of the rows of `E` with these ids.
async fn names<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    name: E::Column,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<BTreeMap<Uuid, String>, AppError> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(E::find()
        .select_only()
        .columns([id, name])
        .filter(one_of(db.get_database_backend(), id, ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .collect())
}
