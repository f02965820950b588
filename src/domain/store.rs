//! A store's own settings: its name on receipts, its currency, and whether
//! the prices on its shelves already include tax (which decides how a
//! sale's tax is worked out). They are a versioned record like the rest of
//! the master data (kind `store_settings`, id = the store's), so a till
//! pulls a change with the rest and prices its next sale by it.

use super::error::AppError;
use super::fields::FieldReader;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StoreSettings {
    pub id: Uuid,
    pub name: String,
    pub currency: String,
    pub prices_include_tax: bool,
    #[serde(default)]
    pub sync_version: i64,
}

/// An edit of the settings: the fields it names change, the rest keep
/// their value. The currency is fixed when the store is made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SettingsEdit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices_include_tax: Option<bool>,
    /// Only to be refused when it is not the store's own.
    #[serde(skip)]
    pub currency: Option<String>,
}

impl SettingsEdit {
    pub fn parse(data: &Value) -> Result<SettingsEdit, AppError> {
        let mut r = FieldReader::new(data);
        let name = data.get("name").map(|_| r.text("name", 120));
        let prices_include_tax = data
            .get("prices_include_tax")
            .map(|_| r.bool_or("prices_include_tax", false));
        let currency = data.get("currency").map(|_| r.text("currency", 3));
        r.finish(SettingsEdit {
            name,
            prices_include_tax,
            currency,
        })
    }

    /// `settings` with this edit made; a different currency is refused.
    pub fn applied_to(&self, settings: &StoreSettings) -> Result<StoreSettings, AppError> {
        if self
            .currency
            .as_ref()
            .is_some_and(|c| *c != settings.currency)
        {
            return Err(AppError::field(
                "currency",
                "cannot be changed once the store has sales",
            ));
        }
        Ok(StoreSettings {
            name: self.name.clone().unwrap_or_else(|| settings.name.clone()),
            prices_include_tax: self
                .prices_include_tax
                .unwrap_or(settings.prices_include_tax),
            ..settings.clone()
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
            sync_version: 1,
        }
    }

    #[test]
    fn an_edit_changes_only_what_it_names() {
        let edit = SettingsEdit::parse(&json!({"prices_include_tax": true})).unwrap();
        assert_eq!(
            serde_json::to_value(&edit).unwrap(),
            json!({"prices_include_tax": true}),
            "only the named field is an edit (and is merged)"
        );
        let edited = edit.applied_to(&shop()).unwrap();
        assert_eq!(edited.name, "Corner Shop");
        assert!(edited.prices_include_tax);
        let renamed = SettingsEdit::parse(&json!({"name": "  Deli  "}))
            .unwrap()
            .applied_to(&shop())
            .unwrap();
        assert_eq!(renamed.name, "Deli");
        assert!(!renamed.prices_include_tax);
    }

    #[test]
    fn a_blank_name_or_a_bad_flag_is_refused_with_every_reason() {
        let f = SettingsEdit::parse(&json!({"name": " ", "prices_include_tax": "yes"}))
            .unwrap_err()
            .field_errors();
        assert_eq!(f.len(), 2, "{f:?}");
    }

    #[test]
    fn the_currency_stays_what_it_was() {
        let same = SettingsEdit::parse(&json!({"currency": "USD"})).unwrap();
        assert!(same.applied_to(&shop()).is_ok());
        let other = SettingsEdit::parse(&json!({"currency": "EUR"})).unwrap();
        assert!(
            other
                .applied_to(&shop())
                .unwrap_err()
                .field_errors()
                .contains_key("currency")
        );
    }
}
