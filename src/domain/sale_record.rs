//! A recorded sale as receipts, history and tills see it.

use super::sale::{LineTotals, Payment, PricedLine};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

impl SoldLine {
    /// Line `index` (from 0) of a sale priced by `compute_totals`: one rule
    /// for the receipt a till prints and the sale the server stores.
    pub fn priced(
        index: usize,
        product_id: Uuid,
        name: String,
        line: &PricedLine,
        totals: &LineTotals,
    ) -> SoldLine {
        SoldLine {
            line_no: index as i32 + 1,
            product_id,
            name,
            quantity: line.quantity,
            unit_price_cents: line.unit_price_cents,
            discount_cents: totals.discount_cents,
            tax_rate_bp: line.tax_rate_bp,
            tax_cents: totals.tax_cents,
            total_cents: totals.total_cents,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
