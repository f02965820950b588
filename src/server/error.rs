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

/// Database errors: a busy or unreachable database is "try again"; anything
/// else is a bug to look at in the logs.
pub fn db(err: sea_orm::DbErr) -> AppError {
    use sea_orm::DbErr;
    match &err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
            tracing::warn!(error = %err, "database unavailable");
            AppError::new(
                ErrorCode::Unavailable,
                "The database is busy or unreachable. Please try again.",
            )
        }
        _ => internal(err),
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
