//! Notes for the floor: the smallest versioned kind, and the example
//! docs/ARCHITECTURE.md follows for adding a kind. Everything but what is
//! here (writing, merging, the feed, the pull, REST) comes from
//! `Versioned`.

use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::domain::note::{Note, NoteDraft};
use crate::server::db::entities::note;
use crate::server::services::versioned::{Row, Versioned};
use sea_orm::ActiveValue::Set;

pub struct NoteKind;

impl Versioned for NoteKind {
    const KIND: EntityKind = EntityKind::Note;
    type Entity = note::Entity;
    type Draft = NoteDraft;
    type Wire = Note;

    async fn parse(m: &Mutation) -> Result<NoteDraft, AppError> {
        NoteDraft::parse(&m.data)
    }

    fn fill(row: &mut Row<Self>, d: NoteDraft) {
        row.title = Set(d.title);
        row.body = Set(d.body);
        row.pinned = Set(d.pinned);
    }
}
