//! Employees as the write path receives them.

use super::auth::{Email, NewPassword, Pin, Role};
use super::error::AppError;
use super::fields::FieldReader;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// An employee's public face: no secrets, ever.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Employee {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub active: bool,
    pub has_pin: bool,
    pub sync_version: i64,
}

/// A new employee, checked. Managers and owners sign in with e-mail and
/// password; cashiers switch in on a till with a PIN.
#[derive(Clone, Debug)]
pub struct EmployeeDraft {
    pub name: String,
    pub email: Option<Email>,
    pub role: Role,
    pub password: Option<NewPassword>,
    pub pin: Option<Pin>,
    /// Off: the person can no longer sign in or switch in; their sales stay.
    pub active: bool,
}

impl EmployeeDraft {
    /// A new employee: cashiers need a PIN, managers a login.
    pub fn parse(data: &Value) -> Result<EmployeeDraft, AppError> {
        Self::read(data, true)
    }

    /// An edit: a PIN or password given is a reset, one left out stays.
    pub fn parse_edit(data: &Value) -> Result<EmployeeDraft, AppError> {
        Self::read(data, false)
    }

    fn read(data: &Value, new: bool) -> Result<EmployeeDraft, AppError> {
        let mut r = FieldReader::new(data);
        let name = r.text("name", 120);
        let role_text = r.text("role", 16);
        let role = Role::parse(&role_text);
        if role.is_none() && !role_text.is_empty() {
            r.fail("role", "choose cashier, manager or owner");
        }
        let email = r
            .opt_text("email", 254)
            .and_then(|e| match Email::parse(&e) {
                Ok(email) => Some(email),
                Err(problem) => {
                    r.fail("email", problem);
                    None
                }
            });
        let password = r
            .opt_text("password", 200)
            .and_then(|p| match NewPassword::parse(&p) {
                Ok(p) => Some(p),
                Err(problem) => {
                    r.fail("password", problem);
                    None
                }
            });
        let pin = r.opt_text("pin", 6).and_then(|p| match Pin::parse(&p) {
            Ok(p) => Some(p),
            Err(problem) => {
                r.fail("pin", problem);
                None
            }
        });
        let active = r.bool_or("active", true);
        if let Some(role) = role {
            if role.signs_in_by_password() {
                if email.is_none() {
                    r.fail(
                        "email",
                        "managers and owners sign in with an e-mail address",
                    );
                }
                if new && password.is_none() {
                    r.fail("password", "managers and owners need a password");
                }
            } else if new && pin.is_none() {
                r.fail("pin", "cashiers need a PIN to switch in at the till");
            }
        }
        r.finish(EmployeeDraft {
            name,
            email,
            role: role.unwrap_or(Role::Cashier),
            password,
            pin,
            active,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cashier_needs_a_pin_and_a_manager_a_login() {
        assert!(
            EmployeeDraft::parse(&json!({"name": "Ana", "role": "cashier", "pin": "1111"})).is_ok()
        );
        let f = EmployeeDraft::parse(&json!({"name": "Ana", "role": "cashier"}))
            .unwrap_err()
            .field_errors();
        assert!(f.contains_key("pin"));
        let f = EmployeeDraft::parse(&json!({"name": "Mo", "role": "manager"}))
            .unwrap_err()
            .field_errors();
        assert!(
            f.contains_key("email") && f.contains_key("password"),
            "{f:?}"
        );
        let edit =
            EmployeeDraft::parse_edit(&json!({"name": "Ana", "role": "cashier", "active": false}))
                .unwrap();
        assert!(!edit.active && edit.pin.is_none());
        let f = EmployeeDraft::parse(&json!({"name": "Mo", "role": "boss"}))
            .unwrap_err()
            .field_errors();
        assert!(f.contains_key("role"));
    }
}
