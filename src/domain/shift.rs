//! Shifts (who works when) and clock events (when they actually did, and
//! what they sold meanwhile).

use super::error::AppError;
use super::fields::FieldReader;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

impl ClockEvent {
    /// A clock-in at `at`, as the till shows it before the server has it.
    pub fn opened(id: Uuid, employee_id: Uuid, at: DateTime<Utc>) -> ClockEvent {
        ClockEvent {
            id,
            employee_id,
            shift_id: None,
            clock_in: at,
            clock_out: None,
            sales_total_cents: 0,
            sync_version: 1,
        }
    }

    /// This clock-in closed at `at`: the next version. The takings are
    /// the server's to count; they arrive with the next pull.
    pub fn closed(&self, at: DateTime<Utc>) -> ClockEvent {
        ClockEvent {
            clock_out: Some(at),
            sync_version: self.sync_version + 1,
            ..self.clone()
        }
    }
}

/// `employee`'s open clock-in, if any, and their clock events, newest
/// first, from all of the store's.
pub fn clock_of(events: Vec<ClockEvent>, employee: Uuid) -> (Option<ClockEvent>, Vec<ClockEvent>) {
    let mut own: Vec<ClockEvent> = events
        .into_iter()
        .filter(|e| e.employee_id == employee)
        .collect();
    own.sort_by_key(|e| std::cmp::Reverse(e.clock_in));
    (own.iter().find(|e| e.clock_out.is_none()).cloned(), own)
}

/// A clock-in or clock-out as the till saw it. A till that was offline
/// sends the moment the button was pressed, so the hours are the hours
/// worked, not the moment the network came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockPunch {
    pub at: DateTime<Utc>,
}

/// How far ahead of the server a till's clock may run before its times
/// are refused rather than believed.
pub const CLOCK_SKEW_MINUTES: i64 = 5;

impl ClockPunch {
    /// `{at?}`: the till's time, at most [`CLOCK_SKEW_MINUTES`] ahead of
    /// `now` (and then taken as `now`); absent, it is `now`.
    pub fn parse(data: &Value, now: DateTime<Utc>) -> Result<ClockPunch, AppError> {
        let mut r = FieldReader::new(data);
        let at = r.opt_instant("at").unwrap_or(now);
        if at > now + chrono::Duration::minutes(CLOCK_SKEW_MINUTES) {
            r.fail("at", "is in the future; check the till's clock");
        }
        r.finish(ClockPunch { at: at.min(now) })
    }
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

    #[test]
    fn a_punch_keeps_the_tills_time_but_never_the_future() {
        let now: DateTime<Utc> = "2026-11-25T12:00:00Z".parse().unwrap();
        let earlier = ClockPunch::parse(&json!({"at": "2026-11-25T09:30:00Z"}), now).unwrap();
        assert_eq!(earlier.at.to_rfc3339(), "2026-11-25T09:30:00+00:00");
        assert_eq!(ClockPunch::parse(&json!({}), now).unwrap().at, now);
        let slightly_fast = ClockPunch::parse(&json!({"at": "2026-11-25T12:02:00Z"}), now);
        assert_eq!(slightly_fast.unwrap().at, now);
        let f = ClockPunch::parse(&json!({"at": "2026-11-25T13:00:00Z"}), now)
            .unwrap_err()
            .field_errors();
        assert!(f.contains_key("at"), "{f:?}");
        assert!(ClockPunch::parse(&json!({"at": "noon"}), now).is_err());
    }

    #[test]
    fn the_open_clock_in_is_the_persons_own() {
        let (me, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let at = |h: u32| -> DateTime<Utc> { format!("2026-11-25T{h:02}:00:00Z").parse().unwrap() };
        let yesterday = ClockEvent::opened(Uuid::from_u128(10), me, at(8)).closed(at(12));
        assert_eq!(
            (yesterday.sync_version, yesterday.clock_out),
            (2, Some(at(12)))
        );
        let now = ClockEvent::opened(Uuid::from_u128(11), me, at(13));
        let theirs = ClockEvent::opened(Uuid::from_u128(12), other, at(14));
        let (open, mine) = clock_of(vec![yesterday.clone(), theirs, now.clone()], me);
        assert_eq!(open, Some(now.clone()));
        assert_eq!(mine, vec![now, yesterday]);
    }
}
