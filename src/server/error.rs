//! How `AppError` leaves the server: one status mapping, one JSON body, the
//! request id filled in, internal causes logged and never sent.

use crate::domain::error::{AppError, ErrorCode};
use crate::server::request::current_request_id;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

impl IntoResponse for AppError {
    fn into_response(mut self) -> Response {
        if self.request_id.is_none() {
            self.request_id = current_request_id();
        }
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // A refusal that says how long to wait says it in the header too.
        let retry_after = (self.code == ErrorCode::RateLimited)
            .then(|| self.details.get("retry_after_seconds")?.as_i64())
            .flatten();
        let mut response = (status, axum::Json(self)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// Turns an unexpected failure into an opaque `internal` error, logging the
/// cause with the request id so an operator can find it.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %cause, "internal error");
    AppError::internal()
}

/// What a database failure means for whoever asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbFailure {
    /// Busy, locked, unreachable, restarting: the same request may pass
    /// later (503; a till retries, a push stops and resumes).
    Transient,
    /// A unique key already taken: what is sent is already there (409).
    Clash,
    /// The database refused this data (another constraint, a value it
    /// cannot store): it never will pass, so it is the caller's mistake
    /// (400; a push rejects it and moves on).
    Refused,
    /// Anything else: a bug, logged.
    Unknown,
}

/// Classifies by the driver's error code: PostgreSQL's SQLSTATE classes
/// and SQLite's (extended) result codes.
pub fn classify(err: &sea_orm::DbErr) -> DbFailure {
    use sea_orm::{DbErr, RuntimeErr};
    let sqlx_error = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return DbFailure::Transient,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return DbFailure::Unknown,
    };
    use sea_orm::sqlx::Error as E;
    let code = match sqlx_error.as_ref() {
        E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::WorkerCrashed => {
            return DbFailure::Transient;
        }
        E::Database(e) => e.code().map(|c| c.to_string()).unwrap_or_default(),
        _ => return DbFailure::Unknown,
    };
    match code.as_str() {
        // PostgreSQL: serialization, deadlock, lock timeout, shutting down,
        // too many connections, connection trouble.
        "40001" | "40P01" | "55P03" | "57P01" | "57P02" | "57P03" | "53300" => DbFailure::Transient,
        c if c.starts_with("08") => DbFailure::Transient,
        // SQLite: BUSY, LOCKED and their extended forms.
        "5" | "6" | "261" | "517" | "262" => DbFailure::Transient,
        // A unique or primary key taken (PostgreSQL 23505; SQLite 2067, 1555).
        "23505" | "2067" | "1555" => DbFailure::Clash,
        // Other integrity (23xxx; SQLite constraint codes) and data
        // exceptions (22xxx: bad bytes such as NUL in text, too long, out of
        // range).
        c if c.starts_with("23") || c.starts_with("22") => DbFailure::Refused,
        "19" | "787" | "275" | "1299" | "531" | "1043" | "3091" => DbFailure::Refused,
        _ => DbFailure::Unknown,
    }
}

/// Database errors, by what they mean (`classify`): "try again", "this
/// clashes", "this cannot be stored", or a bug to look at in the logs.
pub fn db(err: sea_orm::DbErr) -> AppError {
    match classify(&err) {
        DbFailure::Transient => {
            tracing::warn!(error = %err, "database unavailable");
            AppError::new(
                ErrorCode::Unavailable,
                "The database is busy or unreachable. Please try again.",
            )
        }
        DbFailure::Clash => {
            tracing::info!(error = %err, "database refused a duplicate");
            AppError::new(
                ErrorCode::Conflict,
                "This clashes with a record that is already there, so it was not saved.",
            )
        }
        DbFailure::Refused => {
            tracing::info!(error = %err, "database refused the data");
            AppError::new(
                ErrorCode::Validation,
                "The database cannot store this as it is (a value is out of range or has \
                 characters it refuses), so it was not saved.",
            )
        }
        DbFailure::Unknown => internal(err),
    }
}

pub trait DbResultExt<T> {
    /// Maps a database error to an `AppError` (see [`db`]).
    fn or_internal(self) -> Result<T, AppError>;
}

impl<T> DbResultExt<T> for Result<T, sea_orm::DbErr> {
    fn or_internal(self) -> Result<T, AppError> {
        self.map_err(db)
    }
}
