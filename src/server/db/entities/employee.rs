use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "employees")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub password_hash: Option<String>,
    pub pin_hash: Option<String>,
    pub active: bool,
    pub failed_pin_attempts: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub sync_version: i64,
    pub last_synced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    pub fn role(&self) -> crate::domain::auth::Role {
        stored_role(self.id, &self.role)
    }
}

/// A role as the `role` column holds it. The table's CHECK allows only the
/// three roles; anything else is a damaged database, read as the role that
/// may do least (and logged), the same wherever a role is read.
pub fn stored_role(employee: Uuid, text: &str) -> crate::domain::auth::Role {
    use crate::domain::auth::Role;
    Role::parse(text).unwrap_or_else(|| {
        tracing::error!(%employee, role = %text, "unknown stored role; treated as cashier");
        Role::Cashier
    })
}

impl From<Model> for crate::domain::staff::Employee {
    fn from(m: Model) -> Self {
        crate::domain::staff::Employee {
            role: m.role(),
            id: m.id,
            name: m.name,
            email: m.email,
            active: m.active,
            has_pin: m.pin_hash.is_some(),
            sync_version: m.sync_version,
        }
    }
}
