//! Store credit: what a customer owes the shop, usually the part of a sale
//! they did not pay at the till, and the payments they make against it.

use super::error::AppError;
use super::fields::FieldReader;
use super::sale::PaymentMethod;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditStatus {
    Pending,
    Paid,
    Overdue,
}

impl CreditStatus {
    /// Overdue is not stored: it is what an unpaid credit becomes once its
    /// due date has passed, so it is true on the day it happens without a
    /// job to flip it.
    pub fn of(
        amount_cents: i64,
        paid_cents: i64,
        due: Option<NaiveDate>,
        today: NaiveDate,
    ) -> CreditStatus {
        if paid_cents >= amount_cents {
            CreditStatus::Paid
        } else if due.is_some_and(|d| d < today) {
            CreditStatus::Overdue
        } else {
            CreditStatus::Pending
        }
    }

    pub fn parse(text: &str) -> Option<CreditStatus> {
        serde_json::from_value(Value::String(text.to_string())).ok()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Credit {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub sale_id: Option<Uuid>,
    pub amount_cents: i64,
    pub paid_cents: i64,
    pub status: CreditStatus,
    pub due_date: Option<NaiveDate>,
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub sync_version: i64,
}

impl Credit {
    pub fn outstanding_cents(&self) -> i64 {
        self.amount_cents - self.paid_cents
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreditPayment {
    pub id: Uuid,
    pub credit_id: Uuid,
    pub employee_id: Uuid,
    pub method: PaymentMethod,
    pub amount_cents: i64,
    pub created_at: DateTime<Utc>,
}

/// A credit with the payments made against it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreditDetail {
    #[serde(flatten)]
    pub credit: Credit,
    pub payments: Vec<CreditPayment>,
}

/// A credit as a manager writes it: a new one (a tab from before the shop
/// used Tillwise), or a new due date. The amount owed changes only by
/// payments, never by an edit.
#[derive(Clone, Debug, PartialEq)]
pub enum CreditDraft {
    New {
        customer_id: Uuid,
        amount_cents: i64,
        due_date: Option<NaiveDate>,
    },
    Due(Option<NaiveDate>),
}

impl CreditDraft {
    pub fn parse_new(data: &Value) -> Result<CreditDraft, AppError> {
        let mut r = FieldReader::new(data);
        let customer_id = r.uuid("customer_id");
        let amount_cents = r.int_in("amount_cents", 1..=i64::from(i32::MAX), None);
        let due_date = r.opt_date("due_date");
        r.finish(CreditDraft::New {
            customer_id,
            amount_cents,
            due_date,
        })
    }

    pub fn parse_due(data: &Value) -> Result<CreditDraft, AppError> {
        let mut r = FieldReader::new(data);
        let due = r.opt_date("due_date");
        r.finish(CreditDraft::Due(due))
    }
}

/// A payment against a credit, as a till sends it. Its id is made by the
/// till, so a retry records it once.
#[derive(Clone, Debug, PartialEq)]
pub struct CreditPaymentInput {
    pub credit_id: Uuid,
    pub method: PaymentMethod,
    pub amount_cents: i64,
}

impl CreditPaymentInput {
    pub fn parse(data: &Value) -> Result<CreditPaymentInput, AppError> {
        let mut r = FieldReader::new(data);
        let credit_id = r.uuid("credit_id");
        let amount_cents = r.int_in("amount_cents", 1..=i64::from(i32::MAX), None);
        let method = match r.opt_text("method", 8).as_deref() {
            Some("cash") | None => PaymentMethod::Cash,
            Some("card") => PaymentMethod::Card,
            Some(_) => {
                r.fail("method", "pay store credit by cash or card");
                PaymentMethod::Cash
            }
        };
        r.finish(CreditPaymentInput {
            credit_id,
            method,
            amount_cents,
        })
    }
}

/// What is paid after `payment` lands on a credit of `amount` with `paid`
/// already paid; paying more than is owed is refused, not turned into change.
pub fn pay(amount: i64, paid: i64, payment: i64) -> Result<i64, String> {
    let owed = amount - paid;
    if owed <= 0 {
        return Err("this credit is already paid".into());
    }
    if payment > owed {
        return Err(format!(
            "is more than the {} still owed",
            super::money::Cents(owed)
        ));
    }
    Ok(paid + payment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_credit_is_overdue_only_after_its_due_day_and_never_once_paid() {
        assert_eq!(
            CreditStatus::of(100, 0, Some(day(10)), day(10)),
            CreditStatus::Pending
        );
        assert_eq!(
            CreditStatus::of(100, 40, Some(day(10)), day(11)),
            CreditStatus::Overdue
        );
        assert_eq!(
            CreditStatus::of(100, 100, Some(day(10)), day(11)),
            CreditStatus::Paid
        );
        assert_eq!(
            CreditStatus::of(100, 0, None, day(30)),
            CreditStatus::Pending
        );
    }

    #[test]
    fn payments_are_checked() {
        let p = CreditPaymentInput::parse(
            &json!({"credit_id": Uuid::nil().to_string(), "amount_cents": 0, "method": "credit"}),
        )
        .unwrap_err()
        .field_errors();
        assert!(p.contains_key("amount_cents") && p.contains_key("method"));
        assert_eq!(pay(1000, 400, 600), Ok(1000));
        assert!(pay(1000, 400, 601).is_err());
        assert!(pay(1000, 1000, 1).is_err());
    }

    proptest! {
        /// However a credit is paid off in parts, what is paid never goes
        /// above what was owed, and every accepted cent is counted.
        #[test]
        fn paid_never_exceeds_owed(amount in 1i64..100_000, parts in prop::collection::vec(1i64..50_000, 0..20)) {
            let mut paid = 0;
            let mut accepted = 0;
            for part in parts {
                if let Ok(next) = pay(amount, paid, part) {
                    prop_assert_eq!(next - paid, part);
                    accepted += part;
                    paid = next;
                }
            }
            prop_assert!(paid <= amount);
            prop_assert_eq!(paid, accepted);
        }
    }
}
