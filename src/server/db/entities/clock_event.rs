use sea_orm::entity::prelude::*;

/// A clock-in, and later its clock-out, at a till.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clock_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub employee_id: Uuid,
    pub shift_id: Option<Uuid>,
    pub clock_in: DateTimeUtc,
    pub clock_out: Option<DateTimeUtc>,
    pub sales_total_cents: i64,
    pub sync_version: i64,
    pub last_synced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
