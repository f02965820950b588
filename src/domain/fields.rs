//! Reads a JSON object field by field, collecting every problem at once, so
//! one bad request tells the person about all the fields it got wrong.

use super::error::{AppError, FieldErrors};
use serde_json::{Map, Value};
use uuid::Uuid;

pub struct FieldReader<'a> {
    object: Option<&'a Map<String, Value>>,
    errors: FieldErrors,
}

impl<'a> FieldReader<'a> {
    pub fn new(value: &'a Value) -> Self {
        let mut errors = FieldErrors::new();
        let object = value.as_object();
        if object.is_none() {
            errors.insert("_".into(), "expected a JSON object".into());
        }
        FieldReader { object, errors }
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.object
            .and_then(|o| o.get(name))
            .filter(|v| !v.is_null())
    }

    pub fn fail(&mut self, name: &str, problem: impl Into<String>) {
        self.errors
            .entry(name.to_string())
            .or_insert_with(|| problem.into());
    }

    /// Trimmed text; `None` when absent or blank.
    pub fn opt_text(&mut self, name: &str, max_chars: usize) -> Option<String> {
        match self.get(name) {
            None => None,
            Some(Value::String(s)) => {
                let t = s.trim();
                if t.chars().count() > max_chars {
                    self.fail(name, format!("use at most {max_chars} characters"));
                    None
                } else if t.is_empty() {
                    None
                } else {
                    Some(t.to_string())
                }
            }
            Some(_) => {
                self.fail(name, "must be text");
                None
            }
        }
    }

    /// Trimmed, non-blank text.
    pub fn text(&mut self, name: &str, max_chars: usize) -> String {
        let value = self.opt_text(name, max_chars);
        if value.is_none() && !self.errors.contains_key(name) {
            self.fail(name, "is required");
        }
        value.unwrap_or_default()
    }

    pub fn opt_int(&mut self, name: &str) -> Option<i64> {
        match self.get(name) {
            None => None,
            // JSON has one number type: `3.0` is the whole number 3 (as
            // JSON Schema's `integer` says), `3.5` is not.
            Some(v) => match v.as_i64().or_else(|| {
                v.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }) {
                Some(n) => Some(n),
                None => {
                    self.fail(name, "must be a whole number");
                    None
                }
            },
        }
    }

    /// An amount of money in cents within `range`; `default` when absent.
    /// Its limits are said as money ("between 0.00 and 1000000.00"), as the
    /// person typed it.
    pub fn cents_in(
        &mut self,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
        default: Option<i64>,
    ) -> i64 {
        self.number_in(name, range, default, |c| super::money::Cents(c).to_string())
    }

    /// A whole number in `range`; `default` when absent.
    pub fn int_in(
        &mut self,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
        default: Option<i64>,
    ) -> i64 {
        self.number_in(name, range, default, |n| n.to_string())
    }

    /// A whole number in `range`, its limits said the way `show` writes
    /// them (as typed: a plain number, or money).
    fn number_in(
        &mut self,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
        default: Option<i64>,
        show: fn(i64) -> String,
    ) -> i64 {
        match self.opt_int(name).or(default) {
            Some(n) if range.contains(&n) => n,
            Some(_) => {
                self.fail(
                    name,
                    format!(
                        "must be between {} and {}",
                        show(*range.start()),
                        show(*range.end())
                    ),
                );
                0
            }
            None => {
                if !self.errors.contains_key(name) {
                    self.fail(name, "is required");
                }
                0
            }
        }
    }

    pub fn bool_or(&mut self, name: &str, default: bool) -> bool {
        match self.get(name) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.fail(name, "must be true or false");
                default
            }
        }
    }

    pub fn opt_uuid(&mut self, name: &str) -> Option<Uuid> {
        match self.get(name) {
            None => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => match Uuid::parse_str(s.trim()) {
                Ok(id) => Some(id),
                Err(_) => {
                    self.fail(name, "is not a valid id");
                    None
                }
            },
            Some(_) => {
                self.fail(name, "is not a valid id");
                None
            }
        }
    }

    pub fn uuid(&mut self, name: &str) -> Uuid {
        let value = self.opt_uuid(name);
        if value.is_none() && !self.errors.contains_key(name) {
            self.fail(name, "is required");
        }
        value.unwrap_or_default()
    }

    /// Whether `name` already has a problem noted.
    pub fn has_error(&self, name: &str) -> bool {
        self.errors.contains_key(name)
    }

    /// A calendar day written `YYYY-MM-DD`.
    pub fn opt_date(&mut self, name: &str) -> Option<chrono::NaiveDate> {
        let text = self.opt_text(name, 10)?;
        chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| self.fail(name, "must be a date like 2026-11-25"))
            .ok()
    }

    /// A time of day written `HH:MM` (or `HH:MM:SS`).
    pub fn opt_time(&mut self, name: &str) -> Option<chrono::NaiveTime> {
        let text = self.opt_text(name, 8)?;
        chrono::NaiveTime::parse_from_str(&text, "%H:%M")
            .or_else(|_| chrono::NaiveTime::parse_from_str(&text, "%H:%M:%S"))
            .map_err(|_| self.fail(name, "must be a time like 09:30"))
            .ok()
    }

    /// An instant written in RFC 3339 (`2026-11-25T10:00:00Z`), in UTC.
    /// An RFC 3339 time, in UTC, to the microsecond: the precision both
    /// databases keep, so a record built from it equals the one read back.
    pub fn opt_instant(&mut self, name: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        use chrono::SubsecRound;
        let text = self.opt_text(name, 40)?;
        chrono::DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&chrono::Utc).trunc_subsecs(6))
            .map_err(|_| self.fail(name, "use an RFC 3339 time, like 2026-11-25T10:00:00Z"))
            .ok()
    }

    /// The value built from the fields, or every field error at once.
    pub fn finish<T>(self, value: T) -> Result<T, AppError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(AppError::validation(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_every_problem_at_once() {
        let body = json!({"name": "  ", "price_cents": "12", "active": 1});
        let mut r = FieldReader::new(&body);
        r.text("name", 10);
        r.int_in("price_cents", 0..=100, None);
        r.bool_or("active", true);
        let err = r.finish(()).unwrap_err();
        let fields = err.field_errors();
        assert_eq!(fields.len(), 3, "{fields:?}");
        assert_eq!(fields["name"], "is required");
        assert_eq!(fields["price_cents"], "must be a whole number");
    }

    #[test]
    fn money_out_of_range_is_said_as_money() {
        let body = json!({"price_cents": -500});
        let mut r = FieldReader::new(&body);
        r.cents_in("price_cents", 0..=100_000_000, None);
        let err = r.finish(()).unwrap_err();
        assert_eq!(
            err.field_errors()["price_cents"],
            "must be between 0.00 and 1000000.00"
        );
    }

    /// Found by the API fuzzer: `3.0` is a whole number in JSON (and in
    /// JSON Schema's `integer`); only a fraction is refused.
    #[test]
    fn a_whole_number_written_with_a_point_is_whole() {
        let body = json!({"a": 3.0, "b": -8310.0, "c": 3.5});
        let mut r = FieldReader::new(&body);
        assert_eq!(r.int_in("a", 0..=10, None), 3);
        assert_eq!(r.int_in("b", -10_000..=0, None), -8310);
        r.int_in("c", 0..=10, None);
        let err = r.finish(()).unwrap_err();
        assert_eq!(err.field_errors()["c"], "must be a whole number");
        assert_eq!(err.field_errors().len(), 1);
    }

    #[test]
    fn reads_good_values() {
        let body = json!({"name": " Tea ", "n": 5, "id": "0190a0b0-0000-7000-8000-000000000000"});
        let mut r = FieldReader::new(&body);
        let name = r.text("name", 10);
        let n = r.int_in("n", 0..=10, None);
        let id = r.opt_uuid("id");
        let absent = r.int_in("absent", 0..=10, Some(3));
        assert_eq!(
            r.finish((name, n, id.is_some(), absent)).unwrap(),
            ("Tea".to_string(), 5, true, 3)
        );
    }

    #[test]
    fn a_non_object_is_refused() {
        assert!(FieldReader::new(&json!([1])).finish(()).is_err());
    }
}
