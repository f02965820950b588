//! The cart on a till: what is being rung up before it becomes a sale.
//! Pure, so the checkout screen and its tests share the same rules.

use super::catalog::Product;
use super::sale::{
    Payment, PricedLine, SaleTotals, TotalsError, compute_totals, percent_of, tender,
};
use super::sale_input::{SaleInput, SaleLineInput};
use super::sale_record::{Sale, SoldLine};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: Uuid,
    pub name: String,
    pub unit_price_cents: i64,
    pub tax_rate_bp: i32,
    pub quantity: i64,
    pub discount_cents: i64,
    /// The manager who approved a price other than the shelf's, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_set_by: Option<String>,
}

/// A discount off the whole cart, as the cashier gave it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CartDiscount {
    #[default]
    None,
    /// In basis points: 10 % is 1000.
    Percent(i32),
    Amount(i64),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    pub discount: CartDiscount,
}

impl CartLine {
    /// What the cashier should be told when the product on this line
    /// changed elsewhere while it sits in the cart (`now`: the product as
    /// it now is). The sale keeps what the customer was shown; a stock
    /// change says nothing.
    pub fn changed_since_scanned(&self, now: &Product) -> Option<String> {
        if now.id != self.product_id {
            return None;
        }
        if self.price_set_by.is_none() && now.price_cents != self.unit_price_cents {
            return Some(format!(
                "The price of {} changed to {} elsewhere. This sale keeps {}; remove it and scan it again to charge the new price.",
                self.name,
                super::money::Cents(now.price_cents),
                super::money::Cents(self.unit_price_cents),
            ));
        }
        if !now.active {
            return Some(format!(
                "{} was taken off sale elsewhere. It stays in this sale unless you remove it.",
                self.name
            ));
        }
        None
    }
}

/// The most of one product a line takes (what a sale line may carry).
pub const MAX_LINE_QUANTITY: i64 = 100_000;

/// What the barcode field was given: a code, and how many of it — typed
/// before the scan as `24*` ("24 of the next thing scanned").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan {
    pub quantity: i64,
    pub code: String,
}

impl Scan {
    /// `"5012345678900"` is one; `"24*5012345678900"` is 24. A count of
    /// zero, or beyond what a line takes, is refused with the reason.
    pub fn parse(text: &str) -> Result<Scan, String> {
        let text = text.trim();
        let (count, code) = match text.split_once('*') {
            Some((count, code)) => (Some(count.trim()), code.trim()),
            None => (None, text),
        };
        if code.is_empty() {
            return Err("Scan or type the barcode after the count, like 24*5012345678900.".into());
        }
        let quantity = match count {
            None => 1,
            Some(c) => match c.parse::<i64>() {
                Ok(n) if (1..=MAX_LINE_QUANTITY).contains(&n) => n,
                _ => {
                    return Err(format!(
                        "“{c}” is not a count: type 1 to {MAX_LINE_QUANTITY}, then *, then scan."
                    ));
                }
            },
        };
        Ok(Scan {
            quantity,
            code: code.to_string(),
        })
    }
}

impl Cart {
    /// Adds one of `product`; scanning the same product again adds to its line.
    pub fn add(&mut self, product: &Product) {
        self.add_many(product, 1);
    }

    /// Adds `quantity` of `product` to its line (a new line if it has
    /// none), never beyond what a line takes.
    pub fn add_many(&mut self, product: &Product, quantity: i64) {
        match self.lines.iter_mut().find(|l| l.product_id == product.id) {
            Some(line) => line.quantity = (line.quantity + quantity).min(MAX_LINE_QUANTITY),
            None => self.lines.push(CartLine {
                product_id: product.id,
                name: product.name.clone(),
                unit_price_cents: product.price_cents,
                tax_rate_bp: product.tax_rate_bp,
                quantity: quantity.clamp(1, MAX_LINE_QUANTITY),
                discount_cents: 0,
                price_set_by: None,
            }),
        }
    }

    /// How many items the cart holds.
    pub fn item_count(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// Sets a line's quantity; zero or less removes the line.
    pub fn set_quantity(&mut self, product_id: Uuid, quantity: i64) {
        if quantity <= 0 {
            self.lines.retain(|l| l.product_id != product_id);
        } else if let Some(line) = self.lines.iter_mut().find(|l| l.product_id == product_id) {
            line.quantity = quantity;
            line.discount_cents = line
                .discount_cents
                .min(line.quantity * line.unit_price_cents);
        }
    }

    /// A price other than the shelf's for a line, as `manager` approved it;
    /// a line discount bigger than the new line shrinks to fit.
    pub fn set_price(&mut self, product_id: Uuid, unit_price_cents: i64, manager: String) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.product_id == product_id) {
            line.unit_price_cents = unit_price_cents.max(0);
            line.price_set_by = Some(manager);
            line.discount_cents = line
                .discount_cents
                .min(line.quantity * line.unit_price_cents);
        }
    }

    /// A line discount as a percentage of the line (basis points).
    pub fn set_line_percent(&mut self, product_id: Uuid, percent_bp: i32) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.product_id == product_id) {
            line.discount_cents = percent_of(line.quantity * line.unit_price_cents, percent_bp);
        }
    }

    /// A line discount as an amount, never more than the line.
    pub fn set_line_amount(&mut self, product_id: Uuid, cents: i64) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.product_id == product_id) {
            line.discount_cents = cents.clamp(0, line.quantity * line.unit_price_cents);
        }
    }

    /// A discount on one line as the cashier typed it.
    pub fn set_line_discount(&mut self, product_id: Uuid, discount: CartDiscount) {
        match discount {
            CartDiscount::None => self.set_line_amount(product_id, 0),
            CartDiscount::Percent(bp) => self.set_line_percent(product_id, bp),
            CartDiscount::Amount(c) => self.set_line_amount(product_id, c),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    fn priced(&self) -> Vec<PricedLine> {
        self.lines
            .iter()
            .map(|l| PricedLine {
                quantity: l.quantity,
                unit_price_cents: l.unit_price_cents,
                discount_cents: l.discount_cents,
                tax_rate_bp: l.tax_rate_bp,
            })
            .collect()
    }

    /// The cart discount in cents, from what is left after line discounts.
    pub fn discount_cents(&self) -> i64 {
        let left: i64 = self
            .lines
            .iter()
            .map(|l| l.quantity * l.unit_price_cents - l.discount_cents)
            .sum();
        match self.discount {
            CartDiscount::None => 0,
            CartDiscount::Percent(bp) => percent_of(left, bp),
            CartDiscount::Amount(c) => c.clamp(0, left.max(0)),
        }
    }

    pub fn totals(&self, prices_include_tax: bool) -> Result<SaleTotals, TotalsError> {
        compute_totals(&self.priced(), self.discount_cents(), prices_include_tax)
    }

    /// The sale to send, paid with `payments`.
    pub fn to_sale(
        &self,
        payments: Vec<Payment>,
        customer_id: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> SaleInput {
        SaleInput {
            lines: self
                .lines
                .iter()
                .map(|l| SaleLineInput {
                    product_id: l.product_id,
                    quantity: l.quantity,
                    unit_price_cents: l.unit_price_cents,
                    discount_cents: l.discount_cents,
                })
                .collect(),
            payments,
            customer_id,
            discount_cents: self.discount_cents(),
            created_at: now,
        }
    }
}

/// Who is selling, for a receipt the till makes itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Seller {
    pub employee_id: Uuid,
    pub employee_name: String,
    pub prices_include_tax: bool,
}

impl Cart {
    /// The receipt for `sale` (made from this cart), worked out on the till
    /// by the same rules the server records it with, so a sale rung up
    /// offline prints the totals the server will keep. Its number is 0 and
    /// its version 0 until the server has it.
    pub fn receipt(
        &self,
        id: Uuid,
        sale: &SaleInput,
        seller: &Seller,
        customer_name: Option<String>,
    ) -> Result<Sale, String> {
        let totals = self
            .totals(seller.prices_include_tax)
            .map_err(|e| e.to_string())?;
        let tendered = tender(
            totals.total_cents,
            &sale.payments,
            sale.customer_id.is_some(),
        )
        .map_err(|e| e.to_string())?;
        Ok(Sale {
            id,
            number: 0,
            employee_id: seller.employee_id,
            employee_name: seller.employee_name.clone(),
            customer_id: sale.customer_id,
            customer_name,
            original_sale_id: None,
            status: "completed".into(),
            payment_status: tendered.status.as_str().into(),
            payment_method: tendered.method,
            subtotal_cents: totals.subtotal_cents,
            discount_cents: totals.discount_cents,
            tax_cents: totals.tax_cents,
            total_cents: totals.total_cents,
            paid_cents: tendered.paid_cents,
            change_cents: tendered.change_cents,
            created_at: sale.created_at,
            received_at: sale.created_at,
            sync_version: 0,
            lines: self
                .lines
                .iter()
                .zip(self.priced().iter().zip(&totals.lines))
                .enumerate()
                .map(|(i, (l, (p, t)))| SoldLine::priced(i, l.product_id, l.name.clone(), p, t))
                .collect(),
            payments: sale.payments.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(name: &str, price: i64, rate: i32) -> Product {
        Product {
            id: Uuid::now_v7(),
            name: name.into(),
            sku: name.into(),
            barcode: None,
            category_id: None,
            price_cents: price,
            cost_cents: 0,
            tax_rate_bp: rate,
            active: true,
            low_stock_threshold: 0,
            quantity: 10,
            sync_version: 1,
            last_synced_at: Utc::now(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn an_approved_price_replaces_the_shelf_price_and_is_not_told_as_a_change() {
        let p = product("Dented tin", 400, 0);
        let mut cart = Cart::default();
        cart.add_many(&p, 2);
        cart.set_line_amount(p.id, 700);
        cart.set_price(p.id, 250, "Max".into());
        let line = &cart.lines[0];
        assert_eq!(
            (line.unit_price_cents, line.discount_cents),
            (250, 500),
            "the discount fits the new line"
        );
        assert_eq!(line.price_set_by.as_deref(), Some("Max"));
        assert_eq!(
            line.changed_since_scanned(&p),
            None,
            "the shelf price is not news"
        );
        let back: Cart = serde_json::from_str(&serde_json::to_string(&cart).unwrap()).unwrap();
        assert_eq!(back, cart);
    }

    #[test]
    fn a_typed_count_before_the_scan_says_how_many() {
        assert_eq!(
            Scan::parse(" 5012 ").unwrap(),
            Scan {
                quantity: 1,
                code: "5012".into()
            }
        );
        assert_eq!(
            Scan::parse("24*5012").unwrap(),
            Scan {
                quantity: 24,
                code: "5012".into()
            }
        );
        assert_eq!(Scan::parse("3 * 5012").unwrap().quantity, 3);
        for bad in ["0*5012", "x*5012", "24*", "100001*5012", "-2*5012"] {
            assert!(Scan::parse(bad).is_err(), "{bad}");
        }
        let p = product("Cola", 100, 0);
        let mut cart = Cart::default();
        cart.add_many(&p, 24);
        cart.add(&p);
        assert_eq!((cart.lines.len(), cart.item_count()), (1, 25));
        cart.add_many(&p, MAX_LINE_QUANTITY);
        assert_eq!(
            cart.item_count(),
            MAX_LINE_QUANTITY,
            "a line never takes more than a sale may carry"
        );
    }

    #[test]
    fn a_cart_line_tells_of_a_new_price_or_a_product_taken_off_sale_but_not_of_stock() {
        let p = product("Milk", 120, 0);
        let mut cart = Cart::default();
        cart.add(&p);
        let line = &cart.lines[0];
        let sold_elsewhere = Product {
            quantity: 3,
            ..p.clone()
        };
        assert_eq!(line.changed_since_scanned(&sold_elsewhere), None);
        let repriced = Product {
            price_cents: 135,
            ..p.clone()
        };
        let told = line.changed_since_scanned(&repriced).unwrap();
        assert!(told.contains("1.35") && told.contains("1.20"), "{told}");
        let withdrawn = Product {
            active: false,
            ..p.clone()
        };
        assert!(
            line.changed_since_scanned(&withdrawn)
                .unwrap()
                .contains("off sale")
        );
        let other = product("Bread", 99, 0);
        assert_eq!(line.changed_since_scanned(&other), None);
    }

    #[test]
    fn scanning_twice_adds_to_the_line_and_zero_removes_it() {
        let tea = product("Tea", 350, 2000);
        let mut cart = Cart::default();
        cart.add(&tea);
        cart.add(&tea);
        assert_eq!(cart.lines.len(), 1);
        assert_eq!(cart.lines[0].quantity, 2);
        cart.set_quantity(tea.id, 0);
        assert!(cart.is_empty());
    }

    #[test]
    fn a_line_discount_never_exceeds_its_line() {
        let tea = product("Tea", 350, 2000);
        let mut cart = Cart::default();
        cart.add(&tea);
        cart.set_line_discount(tea.id, CartDiscount::Amount(9999));
        assert_eq!(cart.lines[0].discount_cents, 350);
        cart.set_line_discount(tea.id, CartDiscount::Percent(1000));
        assert_eq!(cart.lines[0].discount_cents, 35);
        cart.set_line_discount(tea.id, CartDiscount::None);
        assert_eq!(cart.totals(true).unwrap().total_cents, 350);
    }

    #[test]
    fn ten_percent_off_the_cart_reaches_the_sale() {
        let mut cart = Cart::default();
        cart.add(&product("Tea", 350, 2000));
        cart.add(&product("Cake", 1000, 500));
        cart.discount = CartDiscount::Percent(1000);
        let totals = cart.totals(false).unwrap();
        assert_eq!(totals.discount_cents, 135);
        let sale = cart.to_sale(vec![], None, Utc::now());
        assert_eq!(sale.discount_cents, 135);
        assert_eq!(sale.lines.len(), 2);
    }
}
