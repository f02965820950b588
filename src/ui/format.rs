//! Money and time as the store writes them: its currency's symbol, its own
//! clock. Storage and the wire stay cents and UTC; only what a person
//! reads is converted, here and nowhere else.
//!
//! The page is rendered on the server and then again in the browser, and
//! hydration keeps the server's text, so both sides write a time the same
//! way ("2026-12-04 15:46"): the server from the tz database (chrono-tz),
//! the browser from its own (Intl), so the client carries no zone tables.

use crate::domain::money::money_text;
use crate::ui::session::use_session;
use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreFormat {
    pub currency: String,
    pub time_zone: String,
}

impl Default for StoreFormat {
    fn default() -> Self {
        StoreFormat {
            currency: crate::domain::store::usd(),
            time_zone: crate::domain::store::utc(),
        }
    }
}

impl StoreFormat {
    /// "$12.50".
    pub fn money(&self, cents: i64) -> String {
        money_text(cents, &self.currency)
    }

    /// "2026-12-04 15:46" on the store's clock.
    pub fn time(&self, at: DateTime<Utc>) -> String {
        local_time(at, &self.time_zone)
    }

    /// "2026-12-04".
    pub fn date(&self, at: DateTime<Utc>) -> String {
        self.time(at)[..10].to_string()
    }

    /// "15:46".
    pub fn clock(&self, at: DateTime<Utc>) -> String {
        self.time(at)[11..].to_string()
    }
}

/// The signed-in store's format (dollars and UTC until the session is known).
pub fn use_store_format() -> Memo<StoreFormat> {
    let session = use_session();
    Memo::new(move |_| match session.current.get() {
        Some(Ok(Some(s))) => StoreFormat {
            currency: s.currency,
            time_zone: s.time_zone,
        },
        _ => StoreFormat::default(),
    })
}

/// Money as the signed-in store writes it, for a screen that shows
/// amounts as it renders (the format is known by then).
pub fn use_money() -> impl Fn(i64) -> String + Copy + Send + Sync + 'static {
    let format = use_store_format();
    move |cents| format.with_untracked(|f| f.money(cents))
}

/// "2026-12-04 15:46", written out by hand: chrono's `format` would bring
/// its whole strftime machinery into the till's first load for this one
/// shape (issue 17).
fn shape(at: NaiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

#[cfg(feature = "ssr")]
fn local_time(at: DateTime<Utc>, zone: &str) -> String {
    match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => shape(at.with_timezone(&tz).naive_local()),
        Err(_) => shape(at.naive_utc()),
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn local_time(at: DateTime<Utc>, zone: &str) -> String {
    intl::local_time(at, zone).unwrap_or_else(|| shape(at.naive_utc()))
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn local_time(at: DateTime<Utc>, _zone: &str) -> String {
    shape(at.naive_utc())
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod intl {
    use chrono::{DateTime, Utc};
    use js_sys::{Array, Date, Function, Intl::DateTimeFormat, Object, Reflect};
    use std::cell::RefCell;
    use std::collections::HashMap;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::JsValue;

    thread_local! {
        /// Making a formatter costs far more than using one.
        static FORMATTERS: RefCell<HashMap<String, Option<DateTimeFormat>>> = RefCell::default();
    }

    fn formatter(zone: &str) -> Option<DateTimeFormat> {
        FORMATTERS.with(|all| {
            all.borrow_mut()
                .entry(zone.to_string())
                .or_insert_with(|| make(zone))
                .clone()
        })
    }

    /// A formatter for `zone`, or none when the browser does not know it
    /// (the constructor throws a RangeError).
    fn make(zone: &str) -> Option<DateTimeFormat> {
        let options = Object::new();
        let set = |k: &str, v: &str| Reflect::set(&options, &k.into(), &v.into()).ok();
        set("timeZone", zone)?;
        for part in ["year", "day", "month"] {
            set(part, if part == "year" { "numeric" } else { "2-digit" })?;
        }
        set("hour", "2-digit")?;
        set("minute", "2-digit")?;
        set("hourCycle", "h23")?;
        let locales = Array::of1(&JsValue::from_str("en-US"));
        // Constructed through Reflect, so the RangeError of a zone the
        // browser does not know comes back as an Err, not a JS throw.
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let class: Function = Reflect::get(&intl, &"DateTimeFormat".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let made = Reflect::construct(&class, &Array::of2(&locales, &options)).ok()?;
        Some(made.unchecked_into())
    }

    pub fn local_time(at: DateTime<Utc>, zone: &str) -> Option<String> {
        let format = formatter(zone)?;
        let date = Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
        let parts = format.format_to_parts(&date);
        let mut by_type = HashMap::new();
        for part in parts.iter() {
            let get = |k: &str| Reflect::get(&part, &k.into()).ok()?.as_string();
            if let (Some(kind), Some(value)) = (get("type"), get("value")) {
                by_type.insert(kind, value);
            }
        }
        let p = |k: &str| by_type.get(k).cloned();
        Some(format!(
            "{}-{}-{} {}:{}",
            p("year")?,
            p("month")?,
            p("day")?,
            p("hour")?,
            p("minute")?
        ))
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_written_on_the_store_clock_across_a_clock_change() {
        let f = |zone: &str| StoreFormat {
            currency: "GBP".into(),
            time_zone: zone.into(),
        };
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 23, 30, 0).unwrap();
        let winter = Utc.with_ymd_and_hms(2026, 12, 1, 23, 30, 0).unwrap();
        assert_eq!(f("Europe/London").time(summer), "2026-07-02 00:30");
        assert_eq!(f("Europe/London").time(winter), "2026-12-01 23:30");
        assert_eq!(f("America/New_York").date(winter), "2026-12-01");
        assert_eq!(f("America/New_York").clock(winter), "18:30");
        assert_eq!(
            f("Nowhere/Else").time(winter),
            "2026-12-01 23:30",
            "unknown: UTC"
        );
        assert_eq!(f("UTC").money(250), "£2.50");
    }
}
