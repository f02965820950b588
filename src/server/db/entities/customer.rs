use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub total_spent_cents: i64,
    pub total_orders: i64,
    pub last_order_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub sync_version: i64,
    pub last_synced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for crate::domain::customer::Customer {
    fn from(m: Model) -> Self {
        crate::domain::customer::Customer {
            id: m.id,
            name: m.name,
            phone: m.phone,
            email: m.email,
            notes: m.notes,
            total_spent_cents: m.total_spent_cents,
            total_orders: m.total_orders,
            last_order_at: m.last_order_at,
            sync_version: m.sync_version,
            last_synced_at: m.last_synced_at,
        }
    }
}
