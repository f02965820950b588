//! Who may do what. Roles are checked on the server with these rules; the UI
//! only uses them to hide buttons a person could not use anyway.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Cashier,
    Manager,
    Owner,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "cashier" => Some(Role::Cashier),
            "manager" => Some(Role::Manager),
            "owner" => Some(Role::Owner),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
            Role::Owner => "owner",
        }
    }

    /// Back office: the catalog, stock, staff, pairing tills. The screens
    /// use it to choose what to show; the server asks `permissions`.
    pub fn is_manager(self) -> bool {
        self >= Role::Manager
    }

    /// Managers and owners sign in with an e-mail and a password;
    /// cashiers switch in on a till with a PIN.
    pub fn signs_in_by_password(self) -> bool {
        self >= Role::Manager
    }
}

/// A lower-cased, trimmed e-mail address with one `@` and something on each side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let s = input.trim().to_lowercase();
        match s.split_once('@') {
            Some((user, host))
                if !user.is_empty()
                    && host.contains('.')
                    && !host.contains('@')
                    && s.len() <= 254 =>
            {
                Ok(Email(s))
            }
            _ => Err("enter an e-mail address like name@shop.com"),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A till PIN: exactly four to six digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    pub fn parse(input: &str) -> Result<Pin, &'static str> {
        let s = input.trim();
        if (4..=6).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit()) {
            Ok(Pin(s.to_string()))
        } else {
            Err("a PIN is 4 to 6 digits")
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// A new password: at least 8 characters. Never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str) -> Result<NewPassword, &'static str> {
        if input.chars().count() >= 8 {
            Ok(NewPassword(input.to_string()))
        } else {
            Err("a password needs at least 8 characters")
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(****)")
    }
}

/// What the UI knows about the person signed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub employee_id: Uuid,
    pub employee_name: String,
    pub role: Role,
    pub store_id: Uuid,
    pub store_name: String,
    /// Whether shelf prices already include tax (a store setting).
    pub prices_include_tax: bool,
    /// How the screens write money and time (store settings): a session
    /// remembered from before these existed reads as dollars and UTC.
    #[serde(default = "super::store::usd")]
    pub currency: String,
    #[serde(default = "super::store::utc")]
    pub time_zone: String,
    /// The paired till this session runs on, if any.
    pub device_id: Option<Uuid>,
}

/// A cashier asks a manager, at the till, to approve a price other than
/// the shelf's for one line of the sale being rung up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PriceApprovalRequest {
    /// The manager (or owner) approving, and their PIN.
    pub manager_id: Uuid,
    pub pin: String,
    pub sale_id: Uuid,
    pub product_id: Uuid,
    /// The line's name, for the audit log.
    pub name: String,
    pub shelf_price_cents: i64,
    pub price_cents: i64,
}

/// Who approved a price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PriceApproval {
    pub approved_by: Uuid,
    pub approved_by_name: String,
}

/// A browser paired as one of the store's tills, as the staff screen
/// lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TillPairing {
    pub device_id: Uuid,
    pub name: String,
    pub paired_by: String,
    pub paired_at: chrono::DateTime<chrono::Utc>,
    /// When the pairing ends by itself.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When a manager unpaired it, if one did.
    pub unpaired_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TillPairing {
    /// Whether the till can still switch people in at `now`.
    pub fn is_paired(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.unpaired_at.is_none() && self.expires_at.is_some_and(|end| end > now)
    }
}

/// A person a cashier can switch to on a paired till.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TillPerson {
    pub employee_id: Uuid,
    pub name: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Owner.is_manager());
        assert!(Role::Manager.is_manager());
        assert!(!Role::Cashier.is_manager());
        for r in [Role::Cashier, Role::Manager, Role::Owner] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Owner@Demo.Test ").unwrap().as_str(),
            "owner@demo.test"
        );
        assert!(Email::parse("owner").is_err());
        assert!(Email::parse("@demo.test").is_err());
        assert!(Email::parse("a@b").is_err());
    }

    #[test]
    fn pins_are_four_to_six_digits_and_never_printed() {
        assert!(Pin::parse("1111").is_ok());
        assert!(Pin::parse("123456").is_ok());
        assert!(Pin::parse("123").is_err());
        assert!(Pin::parse("12a4").is_err());
        assert_eq!(format!("{:?}", Pin::parse("1234").unwrap()), "Pin(****)");
    }
}
