use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stores")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub currency: String,
    pub prices_include_tax: bool,
    /// The last change-feed position handed out; bumped under the row lock.
    pub change_seq: i64,
    pub audit_seq: i64,
    /// Hash of the newest audit entry: the head of the store's chain.
    pub audit_head: String,
    /// `key id:HMAC` of the head (`audit_keys`), so the head cannot be
    /// moved by someone without the server's key.
    pub audit_seal: String,
    pub sale_seq: i64,
    pub created_at: DateTimeUtc,
    /// The settings (name, currency, prices_include_tax and the four
    /// below) are a versioned record of their own, kind `store_settings`.
    pub updated_at: DateTimeUtc,
    pub sync_version: i64,
    pub last_synced_at: DateTimeUtc,
    pub time_zone: String,
    pub address: String,
    pub tax_number: String,
    pub receipt_footer: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for crate::domain::store::StoreSettings {
    fn from(s: Model) -> Self {
        crate::domain::store::StoreSettings {
            id: s.id,
            name: s.name,
            currency: s.currency,
            prices_include_tax: s.prices_include_tax,
            time_zone: s.time_zone,
            address: s.address,
            tax_number: s.tax_number,
            receipt_footer: s.receipt_footer,
            sync_version: s.sync_version,
        }
    }
}
