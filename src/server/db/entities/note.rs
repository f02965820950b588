use sea_orm::entity::prelude::*;

/// A note managers leave for the floor.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub title: String,
    pub body: String,
    pub pinned: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub sync_version: i64,
    pub last_synced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for crate::domain::note::Note {
    fn from(m: Model) -> Self {
        crate::domain::note::Note {
            id: m.id,
            title: m.title,
            body: m.body,
            pinned: m.pinned,
            updated_at: m.updated_at,
            sync_version: m.sync_version,
        }
    }
}
