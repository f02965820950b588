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

impl Sale {
    /// The tax of each rate on the sale, lowest rate first: the receipt's
    /// breakdown. Rates that came to nothing are left out.
    pub fn tax_by_rate(&self) -> Vec<(super::money::TaxRate, i64)> {
        let mut by_rate = std::collections::BTreeMap::<i32, i64>::new();
        for line in &self.lines {
            *by_rate.entry(line.tax_rate_bp).or_default() += line.tax_cents;
        }
        by_rate
            .into_iter()
            .filter(|(_, tax)| *tax != 0)
            .map(|(rate, tax)| (super::money::TaxRate(rate), tax))
            .collect()
    }
}

#[cfg(test)]
mod tax_breakdown {
    use super::*;
    use crate::domain::money::TaxRate;

    fn line(rate: i32, tax: i64) -> SoldLine {
        SoldLine {
            line_no: 1,
            product_id: Uuid::nil(),
            name: "x".into(),
            quantity: 1,
            unit_price_cents: 100,
            discount_cents: 0,
            tax_rate_bp: rate,
            tax_cents: tax,
            total_cents: 100 + tax,
        }
    }

    #[test]
    fn the_receipt_sums_tax_per_rate_and_the_parts_make_the_whole() {
        let lines = vec![line(2000, 20), line(500, 5), line(2000, 34), line(0, 0)];
        let tax_cents = lines.iter().map(|l| l.tax_cents).sum();
        let sale = Sale {
            id: Uuid::nil(),
            number: 1,
            employee_id: Uuid::nil(),
            employee_name: String::new(),
            customer_id: None,
            customer_name: None,
            original_sale_id: None,
            status: "completed".into(),
            payment_status: "paid".into(),
            payment_method: "cash".into(),
            subtotal_cents: 400,
            discount_cents: 0,
            tax_cents,
            total_cents: 459,
            paid_cents: 459,
            change_cents: 0,
            created_at: chrono::Utc::now(),
            received_at: chrono::Utc::now(),
            sync_version: 1,
            lines,
            payments: Vec::new(),
        };
        let breakdown = sale.tax_by_rate();
        assert_eq!(breakdown, vec![(TaxRate(500), 5), (TaxRate(2000), 54)]);
        assert_eq!(
            breakdown.iter().map(|(_, t)| t).sum::<i64>(),
            sale.tax_cents
        );
    }
}
