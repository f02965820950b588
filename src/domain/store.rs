//! A store's own settings: its name, address, tax number and footer on
//! receipts, its currency and time zone, and whether the prices on its
//! shelves already include tax (which decides how a sale's tax is worked
//! out). They are a versioned record like the rest of
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
    /// IANA name ("Europe/London"): the clock the screens and receipts
    /// show. Storage and the wire stay UTC.
    #[serde(default = "utc")]
    pub time_zone: String,
    /// Receipt header lines; blank when the store has not said.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub tax_number: String,
    /// The receipt's last words, e.g. the returns policy.
    #[serde(default)]
    pub receipt_footer: String,
    #[serde(default)]
    pub sync_version: i64,
}

pub fn utc() -> String {
    "UTC".into()
}

pub fn usd() -> String {
    "USD".into()
}

/// Limits of the settings' text, shared by the parser and the form.
pub const ADDRESS_CHARS: usize = 300;
pub const TAX_NUMBER_CHARS: usize = 40;
pub const FOOTER_CHARS: usize = 300;
pub const TIME_ZONE_CHARS: usize = 64;

/// Whether `name` is shaped like an IANA zone ("UTC", "America/New_York",
/// "America/Argentina/Buenos_Aires", "Etc/GMT+5"). The server checks it
/// names a zone it knows; this keeps nonsense off the wire.
pub fn time_zone_shaped(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= TIME_ZONE_CHARS
        && name.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        })
}

/// An edit of the settings: the fields it names change, the rest keep
/// their value. The currency is fixed once the store has a sale.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SettingsEdit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices_include_tax: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// `Some("")` clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_footer: Option<String>,
    /// Changes only while the store has no sales (their amounts are in it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl SettingsEdit {
    pub fn parse(data: &Value) -> Result<SettingsEdit, AppError> {
        let mut r = FieldReader::new(data);
        let name = data.get("name").map(|_| r.text("name", 120));
        let prices_include_tax = data
            .get("prices_include_tax")
            .map(|_| r.bool_or("prices_include_tax", false));
        let currency = data.get("currency").and_then(|_| {
            let code = r.text("currency", 3);
            let known = super::money::known_currency(&code);
            if known.is_none() && !r.has_error("currency") {
                r.fail(
                    "currency",
                    "use a currency with cents, such as USD, EUR or GBP",
                );
            }
            known.map(str::to_string)
        });
        let time_zone = data.get("time_zone").map(|_| {
            let zone = r.text("time_zone", TIME_ZONE_CHARS);
            if !zone.is_empty() && !time_zone_shaped(&zone) {
                r.fail(
                    "time_zone",
                    "name a time zone like Europe/London or America/New_York",
                );
            }
            zone
        });
        // Blank clears these three.
        let mut clearable = |name: &str, max| {
            data.get(name)
                .map(|_| r.opt_text(name, max).unwrap_or_default())
        };
        let address = clearable("address", ADDRESS_CHARS);
        let tax_number = clearable("tax_number", TAX_NUMBER_CHARS);
        let receipt_footer = clearable("receipt_footer", FOOTER_CHARS);
        r.finish(SettingsEdit {
            name,
            prices_include_tax,
            time_zone,
            address,
            tax_number,
            receipt_footer,
            currency,
        })
    }

    /// `settings` with this edit made. A different currency is refused
    /// once the store `has_sales`.
    pub fn applied_to(
        &self,
        settings: &StoreSettings,
        has_sales: bool,
    ) -> Result<StoreSettings, AppError> {
        if has_sales
            && self
                .currency
                .as_ref()
                .is_some_and(|c| *c != settings.currency)
        {
            return Err(AppError::field(
                "currency",
                "cannot be changed once the store has sales",
            ));
        }
        let or = |edit: &Option<String>, now: &String| edit.clone().unwrap_or_else(|| now.clone());
        Ok(StoreSettings {
            name: or(&self.name, &settings.name),
            currency: or(&self.currency, &settings.currency),
            time_zone: or(&self.time_zone, &settings.time_zone),
            address: or(&self.address, &settings.address),
            tax_number: or(&self.tax_number, &settings.tax_number),
            receipt_footer: or(&self.receipt_footer, &settings.receipt_footer),
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
            time_zone: utc(),
            address: String::new(),
            tax_number: String::new(),
            receipt_footer: String::new(),
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
        let edited = edit.applied_to(&shop(), true).unwrap();
        assert_eq!(edited.name, "Corner Shop");
        assert!(edited.prices_include_tax);
        let renamed = SettingsEdit::parse(&json!({"name": "  Deli  "}))
            .unwrap()
            .applied_to(&shop(), true)
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
    fn the_currency_changes_only_before_the_first_sale() {
        let same = SettingsEdit::parse(&json!({"currency": "USD"})).unwrap();
        assert!(same.applied_to(&shop(), true).is_ok());
        let other = SettingsEdit::parse(&json!({"currency": "eur"})).unwrap();
        assert!(
            other
                .applied_to(&shop(), true)
                .unwrap_err()
                .field_errors()
                .contains_key("currency")
        );
        assert_eq!(other.applied_to(&shop(), false).unwrap().currency, "EUR");
        let unknown = SettingsEdit::parse(&json!({"currency": "JPY"})).unwrap_err();
        assert!(unknown.field_errors().contains_key("currency"));
    }

    #[test]
    fn receipt_lines_clear_when_blank_and_zones_must_look_like_zones() {
        let edit = SettingsEdit::parse(&json!({
            "address": "  1 High St  ", "tax_number": "", "time_zone": "Europe/London"
        }))
        .unwrap();
        let shop = StoreSettings {
            tax_number: "GB123".into(),
            ..shop()
        };
        let edited = edit.applied_to(&shop, true).unwrap();
        assert_eq!(edited.address, "1 High St");
        assert_eq!(edited.tax_number, "", "blank clears");
        assert_eq!(edited.time_zone, "Europe/London");
        assert_eq!(edited.receipt_footer, "", "unnamed keeps its value");
        for bad in ["", "Europe//London", "../etc/passwd", "Mars Base"] {
            let e = SettingsEdit::parse(&json!({"time_zone": bad})).unwrap_err();
            assert!(e.field_errors().contains_key("time_zone"), "{bad:?}");
        }
        for good in ["UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+5"] {
            assert!(time_zone_shaped(good), "{good}");
        }
    }
}
