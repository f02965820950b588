//! A store's own settings: its name on receipts, and whether the prices on
//! its shelves already include tax (which decides how a sale's tax is
//! worked out).

use super::error::AppError;
use super::fields::FieldReader;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSettings {
    pub id: Uuid,
    pub name: String,
    pub currency: String,
    pub prices_include_tax: bool,
}

impl StoreSettings {
    /// These settings with the fields `data` names changed; fields it leaves
    /// out keep their value. The currency is fixed when the store is made.
    pub fn edit(&self, data: &Value) -> Result<StoreSettings, AppError> {
        let mut r = FieldReader::new(data);
        let name = match data.get("name") {
            Some(_) => r.text("name", 120),
            None => self.name.clone(),
        };
        let prices_include_tax = r.bool_or("prices_include_tax", self.prices_include_tax);
        if data
            .get("currency")
            .is_some_and(|c| c.as_str() != Some(&self.currency))
        {
            r.fail("currency", "cannot be changed once the store has sales");
        }
        r.finish(StoreSettings {
            name,
            prices_include_tax,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shop() -> StoreSettings {
        StoreSettings {
            id: Uuid::nil(),
            name: "Corner Shop".into(),
            currency: "USD".into(),
            prices_include_tax: false,
        }
    }

    #[test]
    fn an_edit_changes_only_what_it_names() {
        let edited = shop().edit(&json!({"prices_include_tax": true})).unwrap();
        assert_eq!(edited.name, "Corner Shop");
        assert!(edited.prices_include_tax);
        let renamed = shop().edit(&json!({"name": "  Deli  "})).unwrap();
        assert_eq!(renamed.name, "Deli");
        assert!(!renamed.prices_include_tax);
    }

    #[test]
    fn a_blank_name_or_a_new_currency_is_refused_with_every_reason() {
        let f = shop()
            .edit(&json!({"name": " ", "prices_include_tax": "yes", "currency": "EUR"}))
            .unwrap_err()
            .field_errors();
        assert_eq!(f.len(), 3, "{f:?}");
    }
}
