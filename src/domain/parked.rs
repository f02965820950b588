//! A sale put aside at the till ("parked") while the customer fetches
//! something, so the next one in the queue can be served; any cashier on
//! that till resumes it later, with everything it had. It lives only on
//! the till (it is not a sale until it is paid) and keeps the sale's id,
//! so once paid it is recorded exactly once like any other.

use super::cart::Cart;
use super::customer::Customer;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParkedSale {
    /// The sale's own id, kept through parking.
    pub id: Uuid,
    pub parked_at: DateTime<Utc>,
    /// Who put it aside, by name, so the next cashier knows whose it was.
    pub parked_by: String,
    pub cart: Cart,
    pub customer: Option<Customer>,
    /// The cart discount as typed.
    pub discount_text: String,
}

impl ParkedSale {
    /// "3 items: Tea, Milk, Bread" (the first few names): how a cashier
    /// tells parked sales apart.
    pub fn summary(&self) -> String {
        let count = self.cart.item_count();
        let mut names: Vec<&str> = self.cart.lines.iter().map(|l| l.name.as_str()).collect();
        let more = names.len() > 3;
        names.truncate(3);
        let items = if count == 1 { "item" } else { "items" };
        format!(
            "{count} {items}: {}{}",
            names.join(", "),
            if more { ", …" } else { "" }
        )
    }
}

/// Parked sales in the order they were put aside, oldest first (the
/// customer who has waited longest comes back first).
pub fn oldest_first(mut parked: Vec<ParkedSale>) -> Vec<ParkedSale> {
    parked.sort_by_key(|p| (p.parked_at, p.id));
    parked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cart::CartLine;

    fn parked(minute: u32, names: &[&str]) -> ParkedSale {
        ParkedSale {
            id: Uuid::now_v7(),
            parked_at: chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 4, 10, minute, 0)
                .unwrap(),
            parked_by: "Ann".into(),
            cart: Cart {
                lines: names
                    .iter()
                    .map(|n| CartLine {
                        product_id: Uuid::now_v7(),
                        name: (*n).into(),
                        unit_price_cents: 100,
                        tax_rate_bp: 0,
                        quantity: 2,
                        discount_cents: 0,
                        price_set_by: None,
                    })
                    .collect(),
                discount: Default::default(),
            },
            customer: None,
            discount_text: String::new(),
        }
    }

    #[test]
    fn a_parked_sale_reads_by_its_items_and_comes_back_oldest_first() {
        let late = parked(30, &["Tea"]);
        let early = parked(5, &["Tea", "Milk", "Bread", "Jam"]);
        assert_eq!(early.summary(), "8 items: Tea, Milk, Bread, …");
        assert_eq!(late.summary(), "2 items: Tea");
        let order = oldest_first(vec![late.clone(), early.clone()]);
        assert_eq!(order, vec![early, late]);
        let back: ParkedSale =
            serde_json::from_str(&serde_json::to_string(&order[0]).unwrap()).unwrap();
        assert_eq!(back, order[0], "kept on the till as JSON, unchanged");
    }
}
