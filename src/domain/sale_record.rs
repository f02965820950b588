//! A recorded sale as receipts, history and tills see it.

use super::sale::Payment;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SoldLine {
    pub line_no: i32,
    pub product_id: Uuid,
    pub name: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub discount_cents: i64,
    pub tax_rate_bp: i32,
    pub tax_cents: i64,
    pub total_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sale {
    pub id: Uuid,
    pub number: i64,
    pub employee_id: Uuid,
    /// Who rang it up, for the receipt and the history.
    #[serde(default)]
    pub employee_name: String,
    pub customer_id: Option<Uuid>,
    #[serde(default)]
    pub customer_name: Option<String>,
    pub original_sale_id: Option<Uuid>,
    /// completed, refunded or voided
    pub status: String,
    /// paid, partial or on_credit
    pub payment_status: String,
    /// cash, card, credit or split
    pub payment_method: String,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_cents: i64,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub change_cents: i64,
    pub created_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub sync_version: i64,
    pub lines: Vec<SoldLine>,
    pub payments: Vec<Payment>,
}
