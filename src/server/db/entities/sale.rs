use sea_orm::entity::prelude::*;

/// A completed sale: immutable once written. Refunds and voids are new sales
/// pointing at it through `original_sale_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    /// The store's running sale number, for receipts.
    pub number: i64,
    pub employee_id: Uuid,
    pub customer_id: Option<Uuid>,
    pub shift_id: Option<Uuid>,
    pub device_id: Option<Uuid>,
    pub original_sale_id: Option<Uuid>,
    pub status: String,
    pub payment_status: String,
    pub payment_method: String,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_cents: i64,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub change_cents: i64,
    /// When the till rang it up (its clock); `received_at` is the server's.
    pub created_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    pub sync_version: i64,
    pub last_synced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
