//! Customers: who bought, for history, totals and store credit. Totals are
//! derived from sales on the server and never sent by a till.

use super::auth::Email;
use super::error::AppError;
use super::fields::FieldReader;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub total_spent_cents: i64,
    pub total_orders: i64,
    pub last_order_at: Option<DateTime<Utc>>,
    pub sync_version: i64,
    pub last_synced_at: DateTime<Utc>,
}

impl Customer {
    /// The customer as a till shows it once `draft` is saved there: a new
    /// one (`before` is `None`) with no purchases yet, or `before` with the
    /// draft's details and the next version. The server's own copy comes
    /// with the next pull.
    pub fn saved(
        before: Option<&Customer>,
        id: Uuid,
        draft: CustomerDraft,
        now: DateTime<Utc>,
    ) -> Customer {
        let (total_spent_cents, total_orders, last_order_at, sync_version) =
            before.map_or((0, 0, None, 1), |c| {
                (
                    c.total_spent_cents,
                    c.total_orders,
                    c.last_order_at,
                    c.sync_version + 1,
                )
            });
        Customer {
            id,
            name: draft.name,
            phone: draft.phone,
            email: draft.email,
            notes: draft.notes,
            total_spent_cents,
            total_orders,
            last_order_at,
            sync_version,
            last_synced_at: now,
        }
    }

    /// Whether every word of `q` is in the name, phone or e-mail.
    pub fn matches(&self, q: &str) -> bool {
        super::search::holds_every_word(
            q,
            &[
                &self.name,
                self.phone.as_deref().unwrap_or_default(),
                self.email.as_deref().unwrap_or_default(),
            ],
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerDraft {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
}

impl CustomerDraft {
    pub fn parse(data: &Value) -> Result<CustomerDraft, AppError> {
        let mut r = FieldReader::new(data);
        let name = r.text("name", 120);
        let phone = r.opt_text("phone", 32);
        if let Some(p) = &phone
            && !p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
        {
            r.fail("phone", "use digits, spaces and + - ( ) only");
        }
        let email = r
            .opt_text("email", 254)
            .and_then(|e| match Email::parse(&e) {
                Ok(e) => Some(e.as_str().to_string()),
                Err(problem) => {
                    r.fail("email", problem);
                    None
                }
            });
        let notes = r.opt_text("notes", 1000);
        r.finish(CustomerDraft {
            name,
            phone,
            email,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn customers_need_a_name_and_clean_contacts() {
        let d = CustomerDraft::parse(
            &json!({"name": "Rosa", "phone": "+44 (0)20 1234", "email": "R@x.io"}),
        )
        .unwrap();
        assert_eq!(d.email.as_deref(), Some("r@x.io"));
        let f = CustomerDraft::parse(&json!({"name": "", "phone": "call me", "email": "nope"}))
            .unwrap_err()
            .field_errors();
        assert_eq!(f.len(), 3, "{f:?}");
    }

    #[test]
    fn a_saved_customer_keeps_its_totals_and_moves_one_version_on() {
        let now = Utc::now();
        let draft =
            |name: &str| CustomerDraft::parse(&json!({"name": name, "phone": "0123"})).unwrap();
        let id = Uuid::nil();
        let new = Customer::saved(None, id, draft("Rosa"), now);
        assert_eq!((new.sync_version, new.total_orders), (1, 0));
        let bought = Customer {
            total_orders: 3,
            total_spent_cents: 900,
            ..new.clone()
        };
        let edited = Customer::saved(Some(&bought), id, draft("Rosa Diaz"), now);
        assert_eq!(edited.name, "Rosa Diaz");
        assert_eq!(
            (
                edited.sync_version,
                edited.total_orders,
                edited.total_spent_cents
            ),
            (2, 3, 900)
        );
        assert!(edited.matches("diaz 0123") && !edited.matches("smith"));
    }
}
