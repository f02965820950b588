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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

    /// This credit once `payment` is taken at a till, by the server's rule
    /// ([`pay`]): the next version, paid off when nothing is owed.
    pub fn with_payment(&self, payment: i64, now: DateTime<Utc>) -> Result<Credit, String> {
        let paid_cents = pay(self.amount_cents, self.paid_cents, payment)?;
        let status = CreditStatus::of(
            self.amount_cents,
            paid_cents,
            self.due_date,
            now.date_naive(),
        );
        Ok(Credit {
            paid_cents,
            status,
            paid_at: (status == CreditStatus::Paid)
                .then_some(now)
                .or(self.paid_at),
            sync_version: self.sync_version + 1,
            ..self.clone()
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// A draft's wire form is the fields it sets: a new credit's three, an
/// edit's due date alone (what a stale edit is merged by).
impl Serialize for CreditDraft {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        match self {
            CreditDraft::New {
                customer_id,
                amount_cents,
                due_date,
            } => {
                map.serialize_entry("customer_id", customer_id)?;
                map.serialize_entry("amount_cents", amount_cents)?;
                map.serialize_entry("due_date", due_date)?;
            }
            CreditDraft::Due(due_date) => map.serialize_entry("due_date", due_date)?,
        }
        map.end()
    }
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

/// Credits with status `wanted` (`open`, `overdue`, `paid`, or empty for
/// all) as of `today`, each with its customer's name: overdue first, then
/// by due date.
pub fn to_show(
    credits: Vec<Credit>,
    customers: &[super::customer::Customer],
    wanted: &str,
    today: NaiveDate,
) -> Vec<Credit> {
    let mut shown: Vec<Credit> = credits
        .into_iter()
        .map(|c| Credit {
            status: CreditStatus::of(c.amount_cents, c.paid_cents, c.due_date, today),
            customer_name: customers
                .iter()
                .find(|p| p.id == c.customer_id)
                .map_or(c.customer_name.clone(), |p| p.name.clone()),
            ..c
        })
        .filter(|c| match wanted {
            "open" => c.status != CreditStatus::Paid,
            "overdue" => c.status == CreditStatus::Overdue,
            "paid" => c.status == CreditStatus::Paid,
            _ => true,
        })
        .collect();
    shown.sort_by_key(|c| (c.status != CreditStatus::Overdue, c.due_date, c.created_at));
    shown
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

    #[test]
    fn a_payment_taken_at_the_till_follows_the_servers_rule() {
        let now: DateTime<Utc> = "2026-11-20T10:00:00Z".parse().unwrap();
        let owed = Credit {
            id: Uuid::nil(),
            customer_id: Uuid::nil(),
            customer_name: "Rosa".into(),
            sale_id: None,
            amount_cents: 1000,
            paid_cents: 400,
            status: CreditStatus::Pending,
            due_date: Some(day(30)),
            paid_at: None,
            created_at: now,
            sync_version: 3,
        };
        let part = owed.with_payment(100, now).unwrap();
        assert_eq!(
            (
                part.paid_cents,
                part.status,
                part.paid_at,
                part.sync_version
            ),
            (500, CreditStatus::Pending, None, 4)
        );
        let all = part.with_payment(500, now).unwrap();
        assert_eq!((all.status, all.paid_at), (CreditStatus::Paid, Some(now)));
        assert!(all.with_payment(1, now).is_err());
        assert!(owed.with_payment(601, now).is_err());
    }

    #[test]
    fn the_till_lists_overdue_first_with_each_customers_name() {
        let now: DateTime<Utc> = "2026-11-20T10:00:00Z".parse().unwrap();
        let credit = |n: u128, paid: i64, due: u32| Credit {
            id: Uuid::from_u128(n),
            customer_id: Uuid::from_u128(100),
            customer_name: String::new(),
            sale_id: None,
            amount_cents: 1000,
            paid_cents: paid,
            status: CreditStatus::Pending,
            due_date: Some(day(due)),
            paid_at: None,
            created_at: now,
            sync_version: 1,
        };
        let rosa: super::super::customer::Customer = serde_json::from_value(json!({
            "id": Uuid::from_u128(100), "name": "Rosa", "phone": null, "email": null, "notes": null,
            "total_spent_cents": 0, "total_orders": 0, "last_order_at": null,
            "sync_version": 1, "last_synced_at": now,
        }))
        .unwrap();
        let all = vec![
            credit(1, 0, 28),
            credit(2, 1000, 1),
            credit(3, 0, 10),
            credit(4, 500, 25),
        ];
        let open = to_show(all.clone(), std::slice::from_ref(&rosa), "open", day(20));
        let ids: Vec<u128> = open.iter().map(|c| c.id.as_u128()).collect();
        assert_eq!(ids, vec![3, 4, 1]);
        assert_eq!(open[0].status, CreditStatus::Overdue);
        assert_eq!(open[0].customer_name, "Rosa");
        assert_eq!(to_show(all.clone(), &[], "paid", day(20)).len(), 1);
        assert_eq!(to_show(all.clone(), &[], "overdue", day(20)).len(), 1);
        assert_eq!(to_show(all, &[], "", day(20)).len(), 4);
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
