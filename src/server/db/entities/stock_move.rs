use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_moves")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub product_id: Uuid,
    pub delta: i64,
    pub reason: String,
    pub sale_id: Option<Uuid>,
    pub employee_id: Option<Uuid>,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for crate::domain::catalog::StockMove {
    fn from(m: Model) -> Self {
        crate::domain::catalog::StockMove {
            id: m.id,
            product_id: m.product_id,
            delta: m.delta,
            reason: m.reason,
            note: m.note,
            created_at: m.created_at,
        }
    }
}
