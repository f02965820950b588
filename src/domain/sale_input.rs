//! A sale as a till sends it (docs/ARCHITECTURE.md, "Sync protocol"): the lines at
//! the prices the customer paid, the payments, the customer, a cart
//! discount and the till's clock. Totals are never taken from the till.

use super::error::{AppError, FieldErrors};
use super::fields::FieldReader;
use super::sale::{Payment, PaymentMethod};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// Most lines one sale may have.
pub const MAX_LINES: usize = 500;

/// The most one payment or discount may be: 10^16 cents, so that even the
/// sum of a sale's 500 payments stays far inside i64 (no sum of a sale
/// can overflow, on the till, in the write or in a report).
pub const MAX_AMOUNT_CENTS: i64 = 10_000_000_000_000_000;

/// No till sold anything before this; a sale dated earlier is a wrong clock.
pub const EARLIEST_SALE: &str = "2020-01-01T00:00:00Z";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SaleLineInput {
    pub product_id: Uuid,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub discount_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SaleInput {
    pub lines: Vec<SaleLineInput>,
    pub payments: Vec<Payment>,
    pub customer_id: Option<Uuid>,
    pub discount_cents: i64,
    pub created_at: DateTime<Utc>,
}

/// Parses each element of the array `name` with `parse`, naming errors
/// `name[i].field`.
fn each<T>(
    data: &Value,
    name: &str,
    errors: &mut FieldErrors,
    parse: impl Fn(&Value) -> Result<T, AppError>,
) -> Vec<T> {
    let Some(items) = data.get(name).and_then(Value::as_array) else {
        errors.insert(name.into(), "is required: a list".into());
        return Vec::new();
    };
    if items.is_empty() {
        errors.insert(name.into(), "needs at least one entry".into());
    }
    if items.len() > MAX_LINES {
        errors.insert(name.into(), format!("has more than {MAX_LINES} entries"));
    }
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match parse(item) {
            Ok(v) => Some(v),
            Err(e) => {
                for (field, problem) in e.field_errors() {
                    errors.insert(format!("{name}[{i}].{field}"), problem);
                }
                None
            }
        })
        .collect()
}

fn parse_line(item: &Value) -> Result<SaleLineInput, AppError> {
    let mut r = FieldReader::new(item);
    let product_id = r.uuid("product_id");
    let quantity = r.int_in("quantity", 1..=100_000, None);
    let unit_price_cents = r.int_in(
        "unit_price_cents",
        0..=super::catalog::MAX_PRICE_CENTS,
        None,
    );
    let discount_cents = r.int_in("discount_cents", 0..=MAX_AMOUNT_CENTS, Some(0));
    r.finish(SaleLineInput {
        product_id,
        quantity,
        unit_price_cents,
        discount_cents,
    })
}

fn parse_payment(item: &Value) -> Result<Payment, AppError> {
    let mut r = FieldReader::new(item);
    let method_text = r.text("method", 10);
    let method: Option<PaymentMethod> =
        serde_json::from_value(Value::String(method_text.clone())).ok();
    if method.is_none() && !method_text.is_empty() {
        r.fail("method", "choose cash, card or credit");
    }
    let amount_cents = r.int_in("amount_cents", 1..=MAX_AMOUNT_CENTS, None);
    r.finish(Payment {
        method: method.unwrap_or(PaymentMethod::Cash),
        amount_cents,
    })
}

impl SaleInput {
    pub fn parse(data: &Value) -> Result<SaleInput, AppError> {
        let mut errors = FieldErrors::new();
        let lines = each(data, "lines", &mut errors, parse_line);
        let payments = each(data, "payments", &mut errors, parse_payment);
        let mut r = FieldReader::new(data);
        let customer_id = r.opt_uuid("customer_id");
        let discount_cents = r.int_in("discount_cents", 0..=MAX_AMOUNT_CENTS, Some(0));
        let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
        let created_at = r.opt_instant("created_at").unwrap_or(now);
        let earliest: DateTime<Utc> = EARLIEST_SALE.parse().unwrap_or(now);
        if created_at < earliest || created_at > now + chrono::Duration::days(1) {
            r.fail(
                "created_at",
                "the till's clock looks wrong: a sale's time must be after 2020 and not in the future",
            );
        }
        if let Err(e) = r.finish(()) {
            errors.extend(e.field_errors());
        }
        if errors.is_empty() {
            Ok(SaleInput {
                lines,
                payments,
                customer_id,
                discount_cents,
                created_at,
            })
        } else {
            Err(AppError::validation(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amounts_and_times_are_bounded_so_no_sum_can_overflow() {
        let sale = |payment: i64, at: &str| {
            json!({"lines": [{"product_id": Uuid::now_v7(), "quantity": 1, "unit_price_cents": 1}],
                   "payments": [{"method": "cash", "amount_cents": payment}], "created_at": at})
        };
        let huge = SaleInput::parse(&sale(i64::MAX / 4, "2026-11-25T10:00:00Z")).unwrap_err();
        assert!(huge.field_errors().contains_key("payments[0].amount_cents"));
        for at in ["1970-01-01T00:00:00Z", "2099-01-01T00:00:00Z"] {
            let e = SaleInput::parse(&sale(1, at)).unwrap_err();
            assert!(e.field_errors().contains_key("created_at"), "{at}");
        }
        assert!(SaleInput::parse(&sale(MAX_AMOUNT_CENTS, "2026-11-25T10:00:00Z")).is_ok());
        assert!((MAX_AMOUNT_CENTS as i128) * (MAX_LINES as i128 + 1) < i64::MAX as i128);
    }

    #[test]
    fn a_refund_names_each_line_once() {
        let id = Uuid::now_v7();
        let twice = json!({"refund_of": id, "lines": [{"line_no": 1, "quantity": 1}, {"line_no": 1, "quantity": 1}]});
        let e = RefundInput::parse(&twice).unwrap_err();
        assert!(e.field_errors()["lines"].contains("named twice"), "{e:?}");
        let once = json!({"refund_of": id, "lines": [{"line_no": 1, "quantity": 2}, {"line_no": 2, "quantity": 1}]});
        assert_eq!(RefundInput::parse(&once).unwrap().lines.unwrap().len(), 2);
    }

    #[test]
    fn a_sale_from_the_wire_parses() {
        let id = Uuid::now_v7();
        let s = SaleInput::parse(&json!({
            "lines": [{"product_id": id, "quantity": 2, "unit_price_cents": 350}],
            "payments": [{"method": "cash", "amount_cents": 1000}],
            "created_at": "2026-11-25T10:00:00Z"
        }))
        .unwrap();
        assert_eq!(s.lines[0].discount_cents, 0);
        assert_eq!(s.payments[0].method, PaymentMethod::Cash);
        assert_eq!(s.created_at.to_rfc3339(), "2026-11-25T10:00:00+00:00");
        let precise = SaleInput::parse(&json!({
            "lines": [{"product_id": Uuid::now_v7(), "quantity": 1, "unit_price_cents": 100}],
            "payments": [{"method": "cash", "amount_cents": 100}],
            "created_at": "2026-11-25T10:00:00.123456789Z"
        }))
        .unwrap();
        assert_eq!(
            precise.created_at.to_rfc3339(),
            "2026-11-25T10:00:00.123456+00:00",
            "kept to the microsecond, as both databases keep it"
        );
    }

    #[test]
    fn every_bad_field_is_named_with_its_place() {
        let f = SaleInput::parse(&json!({
            "lines": [{"product_id": "x", "quantity": 0, "unit_price_cents": 1}],
            "payments": [{"method": "cheque", "amount_cents": 0}],
            "created_at": "yesterday"
        }))
        .unwrap_err()
        .field_errors();
        for k in [
            "lines[0].product_id",
            "lines[0].quantity",
            "payments[0].method",
            "payments[0].amount_cents",
            "created_at",
        ] {
            assert!(f.contains_key(k), "{k} missing in {f:?}");
        }
        let f = SaleInput::parse(&json!({"lines": [], "payments": "cash"}))
            .unwrap_err()
            .field_errors();
        assert!(
            f.contains_key("lines") && f.contains_key("payments"),
            "{f:?}"
        );
    }
}

/// A refund of some or all of a sale's lines, paid back in cash or to card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RefundInput {
    pub refund_of: Uuid,
    /// `(line_no, quantity)`; `None` refunds everything not yet refunded.
    pub lines: Option<Vec<(i32, i64)>>,
    pub method: PaymentMethod,
    pub created_at: DateTime<Utc>,
    /// A void undoes the whole sale as it was paid (a mistake at the till),
    /// rather than handing back some of it.
    pub void: bool,
}

impl RefundInput {
    pub fn parse(data: &Value) -> Result<RefundInput, AppError> {
        let mut errors = FieldErrors::new();
        let lines = match data.get("lines") {
            None | Some(Value::Null) => None,
            Some(_) => Some(each(data, "lines", &mut errors, |item| {
                let mut r = FieldReader::new(item);
                let line_no = r.int_in("line_no", 1..=MAX_LINES as i64, None) as i32;
                let quantity = r.int_in("quantity", 1..=100_000, None);
                r.finish((line_no, quantity))
            })),
        };
        // One entry per line: the same line twice is a mistake to name,
        // not two refunds to add up.
        if let Some(lines) = &lines {
            let mut seen = std::collections::BTreeSet::new();
            if let Some(dup) = lines.iter().find(|(line_no, _)| !seen.insert(*line_no)) {
                errors.insert(
                    "lines".into(),
                    format!(
                        "line {} is named twice; give each line once with its quantity",
                        dup.0
                    ),
                );
            }
        }
        let mut r = FieldReader::new(data);
        let refund_of = r.uuid("refund_of");
        let void = r.bool_or("void", false);
        if void && lines.is_some() {
            r.fail("lines", "a void undoes every line; leave lines out");
        }
        let method = match r.opt_text("method", 10).as_deref() {
            None | Some("cash") => PaymentMethod::Cash,
            Some("card") => PaymentMethod::Card,
            Some(_) => {
                r.fail("method", "refunds are paid back in cash or to card");
                PaymentMethod::Cash
            }
        };
        if let Err(e) = r.finish(()) {
            errors.extend(e.field_errors());
        }
        if errors.is_empty() {
            Ok(RefundInput {
                refund_of,
                lines,
                method,
                created_at: Utc::now(),
                void,
            })
        } else {
            Err(AppError::validation(errors))
        }
    }
}
