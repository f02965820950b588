//! Notes for the floor, read scoped to the store: pinned first, newest
//! first. Writing them is a record kind (`kinds::note`).

use super::Actor;
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::note::Note;
use crate::domain::permissions::Action;
use crate::server::db::entities::note;
use crate::server::error::DbResultExt;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

fn live(store_id: Uuid) -> sea_orm::Select<note::Entity> {
    note::Entity::find()
        .filter(note::Column::StoreId.eq(store_id))
        .filter(note::Column::DeletedAt.is_null())
}

/// The store's notes, at most 100: pinned first, then the newest.
pub async fn notes(db: &DatabaseConnection, actor: &Actor) -> Result<Vec<Note>, AppError> {
    actor.must_on(EntityKind::Note, Action::Read)?;
    Ok(live(actor.store_id)
        .order_by_desc(note::Column::Pinned)
        .order_by_desc(note::Column::UpdatedAt)
        .limit(100)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(Note::from)
        .collect())
}

pub async fn note(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<Note, AppError> {
    actor.must_on(EntityKind::Note, Action::Read)?;
    live(actor.store_id)
        .filter(note::Column::Id.eq(id))
        .one(db)
        .await
        .or_internal()?
        .map(Note::from)
        .ok_or_else(|| AppError::not_found(EntityKind::Note.noun()))
}
