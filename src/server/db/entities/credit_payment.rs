use sea_orm::entity::prelude::*;

/// A payment against store credit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub store_id: Uuid,
    pub credit_id: Uuid,
    pub employee_id: Uuid,
    pub method: String,
    pub amount_cents: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for crate::domain::credit::CreditPayment {
    fn from(p: Model) -> Self {
        use crate::domain::sale::PaymentMethod;
        crate::domain::credit::CreditPayment {
            id: p.id,
            credit_id: p.credit_id,
            employee_id: p.employee_id,
            method: PaymentMethod::parse(&p.method).unwrap_or(PaymentMethod::Cash),
            amount_cents: p.amount_cents,
            created_at: p.created_at,
        }
    }
}
