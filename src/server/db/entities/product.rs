use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub name: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub category_id: Option<Uuid>,
    pub price_cents: i64,
    pub cost_cents: i64,
    pub tax_rate_bp: i32,
    pub active: bool,
    pub low_stock_threshold: i64,
    /// Cached sum of the product's stock moves.
    pub quantity: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub sync_version: i64,
    pub last_synced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Whether the product is at or below its `low_stock_threshold`: a flag
/// the database derives from the quantity, indexed for the low-stock list
/// instead of the quantity itself (migration 13), so a sale's stock update
/// rewrites no index unless it crosses the threshold. Not a field of
/// [`Model`], so nothing ever tries to write it.
pub fn low_stock() -> sea_orm::sea_query::Expr {
    sea_orm::sea_query::Expr::col((Entity, sea_orm::sea_query::Alias::new("low_stock")))
}

impl From<Model> for crate::domain::catalog::Product {
    fn from(m: Model) -> Self {
        crate::domain::catalog::Product {
            id: m.id,
            name: m.name,
            sku: m.sku,
            barcode: m.barcode,
            category_id: m.category_id,
            price_cents: m.price_cents,
            cost_cents: m.cost_cents,
            tax_rate_bp: m.tax_rate_bp,
            active: m.active,
            low_stock_threshold: m.low_stock_threshold,
            quantity: m.quantity,
            sync_version: m.sync_version,
            last_synced_at: m.last_synced_at,
            created_at: m.created_at,
        }
    }
}
