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
}
