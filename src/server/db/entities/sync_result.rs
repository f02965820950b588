use sea_orm::entity::prelude::*;

/// The stored answer to one pushed mutation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub mutation_id: i64,
    pub store_id: Uuid,
    pub result: Json,
    pub created_at: DateTimeUtc,
    /// SHA-256 of the change answered (`PushedMutation::identity_text`).
    pub mutation_hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
