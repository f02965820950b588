//! Shifts (who works when) and clock events (when they actually did, and
//! what they sold meanwhile).

use super::error::AppError;
use super::fields::FieldReader;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftStatus {
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
}

impl ShiftStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ShiftStatus::Scheduled => "scheduled",
            ShiftStatus::InProgress => "in_progress",
            ShiftStatus::Completed => "completed",
            ShiftStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<ShiftStatus> {
        serde_json::from_value(Value::String(text.to_string())).ok()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shift {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub shift_date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub status: ShiftStatus,
    pub notes: Option<String>,
    pub sync_version: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ShiftDraft {
    pub employee_id: Uuid,
    pub shift_date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub status: ShiftStatus,
    pub notes: Option<String>,
}

impl ShiftDraft {
    pub fn parse(data: &Value) -> Result<ShiftDraft, AppError> {
        let mut r = FieldReader::new(data);
        let employee_id = r.uuid("employee_id");
        let shift_date = r.opt_date("shift_date");
        let start_time = r.opt_time("start_time");
        let end_time = r.opt_time("end_time");
        for (name, missing) in [
            ("shift_date", shift_date.is_none()),
            ("start_time", start_time.is_none()),
            ("end_time", end_time.is_none()),
        ] {
            if missing && !r.has_error(name) {
                r.fail(name, "is required");
            }
        }
        if let (Some(start), Some(end)) = (start_time, end_time)
            && end <= start
        {
            r.fail("end_time", "must be after the start");
        }
        let status = match r.opt_text("status", 16) {
            None => ShiftStatus::Scheduled,
            Some(text) => ShiftStatus::parse(&text).unwrap_or_else(|| {
                r.fail(
                    "status",
                    "choose scheduled, in_progress, completed or cancelled",
                );
                ShiftStatus::Scheduled
            }),
        };
        let notes = r.opt_text("notes", 500);
        r.finish(ShiftDraft {
            employee_id,
            shift_date: shift_date.unwrap_or_default(),
            start_time: start_time.unwrap_or_default(),
            end_time: end_time.unwrap_or_default(),
            status,
            notes,
        })
    }
}

/// One stretch of work at the till, from clock-in to clock-out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockEvent {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub shift_id: Option<Uuid>,
    pub clock_in: DateTime<Utc>,
    pub clock_out: Option<DateTime<Utc>>,
    /// Net takings the employee rang up between clock-in and clock-out.
    pub sales_total_cents: i64,
    pub sync_version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_shift_needs_a_day_and_ends_after_it_starts() {
        let id = Uuid::nil().to_string();
        let ok = ShiftDraft::parse(&json!({"employee_id": id, "shift_date": "2026-11-25", "start_time": "09:00", "end_time": "17:30"})).unwrap();
        assert_eq!(ok.status, ShiftStatus::Scheduled);
        let f = ShiftDraft::parse(&json!({"employee_id": id, "start_time": "17:00", "end_time": "09:00", "status": "late"}))
            .unwrap_err()
            .field_errors();
        assert!(
            f.contains_key("shift_date") && f.contains_key("end_time") && f.contains_key("status"),
            "{f:?}"
        );
        let f = ShiftDraft::parse(&json!({"employee_id": id, "shift_date": "25/11/2026", "start_time": "9am", "end_time": "17:00"}))
            .unwrap_err()
            .field_errors();
        assert!(
            f["shift_date"].contains("2026-11-25") && f["start_time"].contains("09:30"),
            "{f:?}"
        );
    }
}
