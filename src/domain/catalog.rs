//! Products, categories and stock adjustments: their wire form and the
//! rules a new or edited one must meet.

use super::error::AppError;
use super::fields::FieldReader;
use super::money::{Cents, TaxRate};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// Highest price we accept for one item: 1,000,000.00. Guards against a
/// scanner's digits landing in the price field.
pub const MAX_PRICE_CENTS: i64 = 100_000_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Product {
    pub id: Uuid,
    pub name: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub category_id: Option<Uuid>,
    pub price_cents: i64,
    pub cost_cents: i64,
    pub tax_rate_bp: i32,
    pub active: bool,
    pub low_stock_threshold: i64,
    /// On hand: the sum of the product's stock moves. Never edited directly.
    pub quantity: i64,
    pub sync_version: i64,
    pub last_synced_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl Product {
    pub fn is_low_on_stock(&self) -> bool {
        self.quantity <= self.low_stock_threshold
    }

    pub fn tax_rate(&self) -> TaxRate {
        TaxRate(self.tax_rate_bp)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub sort_order: i32,
    pub sync_version: i64,
    pub last_synced_at: DateTime<Utc>,
}

/// A product as a manager means it to be: everything but id, stock and
/// sync fields, already checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductDraft {
    pub name: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub category_id: Option<Uuid>,
    pub price_cents: i64,
    pub cost_cents: i64,
    pub tax_rate_bp: i32,
    pub active: bool,
    pub low_stock_threshold: i64,
}

fn is_code(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

impl ProductDraft {
    pub fn parse(data: &Value) -> Result<ProductDraft, AppError> {
        let mut r = FieldReader::new(data);
        let name = r.text("name", 120);
        let sku = r.text("sku", 64);
        if !sku.is_empty() && !is_code(&sku) {
            r.fail("sku", "use letters, digits and - _ . / only");
        }
        let barcode = r.opt_text("barcode", 64);
        if let Some(code) = &barcode
            && !is_code(code)
        {
            r.fail("barcode", "use letters, digits and - _ . / only");
        }
        let category_id = r.opt_uuid("category_id");
        let price_cents = r.cents_in("price_cents", 0..=MAX_PRICE_CENTS, None);
        let cost_cents = r.cents_in("cost_cents", 0..=MAX_PRICE_CENTS, Some(0));
        let tax_rate_bp = r.int_in(
            "tax_rate_bp",
            0..=i64::from(TaxRate::MAX_BASIS_POINTS),
            Some(0),
        ) as i32;
        let active = r.bool_or("active", true);
        let low_stock_threshold = r.int_in("low_stock_threshold", 0..=1_000_000, Some(5));
        r.finish(ProductDraft {
            name,
            sku,
            barcode,
            category_id,
            price_cents,
            cost_cents,
            tax_rate_bp,
            active,
            low_stock_threshold,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryDraft {
    pub name: String,
    pub description: Option<String>,
    pub sort_order: i32,
}

impl CategoryDraft {
    pub fn parse(data: &Value) -> Result<CategoryDraft, AppError> {
        let mut r = FieldReader::new(data);
        let name = r.text("name", 80);
        let description = r.opt_text("description", 500);
        let sort_order = r.int_in("sort_order", 0..=10_000, Some(0)) as i32;
        r.finish(CategoryDraft {
            name,
            description,
            sort_order,
        })
    }
}

/// Why stock changed outside a sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StockReason {
    Received,
    Count,
    Damaged,
    Returned,
    Other,
    /// Written by sales; not accepted from an adjustment.
    Sale,
}

impl StockReason {
    pub fn parse(s: &str) -> Option<StockReason> {
        serde_json::from_value(Value::String(s.to_string())).ok()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StockReason::Received => "received",
            StockReason::Count => "count",
            StockReason::Damaged => "damaged",
            StockReason::Returned => "returned",
            StockReason::Other => "other",
            StockReason::Sale => "sale",
        }
    }

    pub const ADJUSTMENTS: [StockReason; 5] = [
        StockReason::Received,
        StockReason::Count,
        StockReason::Damaged,
        StockReason::Returned,
        StockReason::Other,
    ];
}

/// A stock move as the till's copy keeps it: what moved a product's
/// on-hand quantity, by how much, and why ("sale" for a sale's own).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StockMove {
    pub id: Uuid,
    pub product_id: Uuid,
    pub delta: i64,
    pub reason: String,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A manager's stock adjustment: a delta, never an absolute number, so two
/// tills adjusting at once both count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StockAdjustment {
    pub product_id: Uuid,
    pub delta: i64,
    pub reason: StockReason,
    pub note: Option<String>,
}

impl StockAdjustment {
    pub fn parse(data: &Value) -> Result<StockAdjustment, AppError> {
        let mut r = FieldReader::new(data);
        let product_id = r.uuid("product_id");
        let delta = r.int_in("delta", -1_000_000..=1_000_000, None);
        if delta == 0 {
            r.fail("delta", "must not be zero");
        }
        let reason_text = r.text("reason", 20);
        let reason = StockReason::parse(&reason_text).filter(|r| *r != StockReason::Sale);
        if reason.is_none() && !reason_text.is_empty() {
            r.fail(
                "reason",
                "choose received, count, damaged, returned or other",
            );
        }
        let note = r.opt_text("note", 200);
        r.finish(StockAdjustment {
            product_id,
            delta,
            reason: reason.unwrap_or(StockReason::Other),
            note,
        })
    }
}

/// A product form as a person filled it in: text, as typed. Converting it
/// is the same on the till and the server, so the errors read the same.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductForm {
    pub name: String,
    pub sku: String,
    pub barcode: String,
    pub category_id: String,
    /// "12.50"
    pub price: String,
    pub cost: String,
    /// "20" or "7.25" (percent)
    pub tax_percent: String,
    pub low_stock_threshold: String,
    pub active: bool,
}

impl ProductForm {
    /// The mutation data for this form, or the fields that cannot be read.
    pub fn to_data(&self) -> Result<Value, AppError> {
        let mut errors = super::error::FieldErrors::new();
        let mut money = |field: &str, text: &str, required: bool| -> Option<i64> {
            if text.trim().is_empty() {
                if required {
                    errors.insert(field.into(), "is required".into());
                }
                return None;
            }
            Cents::parse(text)
                .map(|c| c.0)
                .map_err(|e| errors.insert(field.into(), e.to_string()))
                .ok()
        };
        let price = money("price_cents", &self.price, true);
        let cost = money("cost_cents", &self.cost, false);
        let tax = if self.tax_percent.trim().is_empty() {
            Some(0)
        } else {
            TaxRate::parse_percent(&self.tax_percent)
                .map(|t| t.0)
                .map_err(|_| {
                    errors.insert(
                        "tax_rate_bp".into(),
                        "enter a percentage from 0 to 100, like 20 or 7.25".into(),
                    )
                })
                .ok()
        };
        let threshold = match self.low_stock_threshold.trim() {
            "" => Some(5),
            t => t
                .parse::<i64>()
                .map_err(|_| {
                    errors.insert("low_stock_threshold".into(), "enter a whole number".into())
                })
                .ok(),
        };
        let data = serde_json::json!({
            "name": self.name, "sku": self.sku, "barcode": self.barcode, "category_id": self.category_id,
            "price_cents": price, "cost_cents": cost.unwrap_or(0), "tax_rate_bp": tax,
            "low_stock_threshold": threshold, "active": self.active,
        });
        // Every field's problem at once: what could not be read as typed,
        // and what the rules say of the rest.
        if let Err(e) = ProductDraft::parse(&data) {
            for (field, problem) in e.field_errors() {
                errors.entry(field).or_insert(problem);
            }
        }
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        Ok(data)
    }

    /// The form for editing `p`.
    pub fn from_product(p: &Product) -> ProductForm {
        ProductForm {
            name: p.name.clone(),
            sku: p.sku.clone(),
            barcode: p.barcode.clone().unwrap_or_default(),
            category_id: p.category_id.map(|c| c.to_string()).unwrap_or_default(),
            price: Cents(p.price_cents).to_string(),
            cost: Cents(p.cost_cents).to_string(),
            tax_percent: TaxRate(p.tax_rate_bp).percent_text(),
            low_stock_threshold: p.low_stock_threshold.to_string(),
            active: p.active,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn good_product() -> Value {
        json!({"name": "Green tea", "sku": "TEA-01", "barcode": "4006381333931",
               "price_cents": 350, "tax_rate_bp": 2000})
    }

    #[test]
    fn a_good_product_parses_with_defaults() {
        let draft = ProductDraft::parse(&good_product()).unwrap();
        assert_eq!(draft.name, "Green tea");
        assert_eq!(draft.cost_cents, 0);
        assert!(draft.active);
        assert_eq!(draft.low_stock_threshold, 5);
    }

    #[test]
    fn bad_products_name_each_bad_field() {
        let bad = json!({"name": "", "sku": "has space", "price_cents": -1, "tax_rate_bp": 20000});
        let fields = ProductDraft::parse(&bad).unwrap_err().field_errors();
        for f in ["name", "sku", "price_cents", "tax_rate_bp"] {
            assert!(fields.contains_key(f), "{f} missing in {fields:?}");
        }
    }

    #[test]
    fn a_price_from_a_scanner_slip_is_refused() {
        let mut p = good_product();
        p["price_cents"] = json!(4006381333931i64);
        assert!(
            ProductDraft::parse(&p)
                .unwrap_err()
                .field_errors()
                .contains_key("price_cents")
        );
    }

    #[test]
    fn adjustments_need_a_nonzero_delta_and_a_reason() {
        let id = Uuid::now_v7().to_string();
        assert!(
            StockAdjustment::parse(&json!({"product_id": id, "delta": 12, "reason": "received"}))
                .is_ok()
        );
        let f = StockAdjustment::parse(&json!({"product_id": id, "delta": 0, "reason": "sale"}))
            .unwrap_err()
            .field_errors();
        assert!(f.contains_key("delta") && f.contains_key("reason"), "{f:?}");
    }

    #[test]
    fn a_typed_form_becomes_cents_and_basis_points() {
        let form = ProductForm {
            name: "Tea".into(),
            sku: "T-1".into(),
            price: "3.50".into(),
            tax_percent: "7.25".into(),
            active: true,
            ..Default::default()
        };
        let data = form.to_data().unwrap();
        assert_eq!(data["price_cents"], 350);
        assert_eq!(data["tax_rate_bp"], 725);
        assert_eq!(data["low_stock_threshold"], 5);
    }

    #[test]
    fn a_typed_form_names_the_fields_it_cannot_read() {
        let form = ProductForm {
            name: "Tea".into(),
            sku: "T-1".into(),
            price: "3,50".into(),
            tax_percent: "lots".into(),
            ..Default::default()
        };
        let fields = form.to_data().unwrap_err().field_errors();
        assert!(
            fields.contains_key("price_cents") && fields.contains_key("tax_rate_bp"),
            "{fields:?}"
        );
    }

    /// Found trying the app: with a bad price, an empty name went unsaid
    /// until the price was mended; a negative price spoke in cents.
    #[test]
    fn a_typed_form_names_every_bad_field_at_once_in_money() {
        let form = ProductForm {
            name: "".into(),
            sku: "bad sku!".into(),
            price: "3,50".into(),
            ..Default::default()
        };
        let fields = form.to_data().unwrap_err().field_errors();
        for field in ["name", "sku", "price_cents"] {
            assert!(fields.contains_key(field), "{field} missing: {fields:?}");
        }
        let negative = ProductForm {
            name: "Tea".into(),
            sku: "T-1".into(),
            price: "-5".into(),
            ..Default::default()
        };
        let fields = negative.to_data().unwrap_err().field_errors();
        assert_eq!(fields["price_cents"], "must be between 0.00 and 1000000.00");
    }

    #[test]
    fn low_stock_is_at_or_below_the_threshold() {
        let mut p = Product {
            id: Uuid::now_v7(),
            name: "x".into(),
            sku: "x".into(),
            barcode: None,
            category_id: None,
            price_cents: 1,
            cost_cents: 0,
            tax_rate_bp: 0,
            active: true,
            low_stock_threshold: 5,
            quantity: 5,
            sync_version: 1,
            last_synced_at: Utc::now(),
            created_at: Utc::now(),
        };
        assert!(p.is_low_on_stock());
        p.quantity = 6;
        assert!(!p.is_low_on_stock());
    }
}
