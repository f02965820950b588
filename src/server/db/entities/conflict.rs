use sea_orm::entity::prelude::*;

/// An edit that clashed with another, kept until a person resolves it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conflicts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub op: String,
    pub fields: Json,
    pub base_state: Option<Json>,
    pub server_state: Option<Json>,
    pub client_state: Option<Json>,
    pub base_version: Option<i64>,
    pub server_version: i64,
    pub status: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolution: Option<Json>,
    pub sync_version: i64,
    pub last_synced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
