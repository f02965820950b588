//! Extractors whose rejections are `AppError`s, so a malformed body, query
//! or id gets the same JSON error shape as everything else; and how a
//! cached answer is sent.

use crate::domain::error::{AppError, ErrorCode};
use crate::server::services::cache::Cached;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// A JSON body, left as a value: the domain parsers report field errors.
pub struct JsonBody(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<serde_json::Value>::from_request(req, state)
            .await
            .map(|axum::Json(v)| JsonBody(v))
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    return too_large();
                }
                AppError::field(
                    "body",
                    format!("must be a JSON object ({})", rejection.body_text()),
                )
            })
    }
}

/// The 413 for a body over `MAX_BODY_BYTES`.
fn too_large() -> AppError {
    let megabytes = super::MAX_BODY_BYTES / (1024 * 1024);
    AppError {
        details: serde_json::json!({ "limit_bytes": super::MAX_BODY_BYTES }),
        ..AppError::new(
            ErrorCode::TooLarge,
            format!(
                "This request is too big (over {megabytes} MB). Send fewer sales or lines at a time."
            ),
        )
    }
}

/// Query parameters; a bad one is a validation error naming it.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Params(v))
            .map_err(|rejection| AppError::field("query", rejection.body_text()))
    }
}

/// A cached answer goes out as the JSON bytes it was kept as; `x-cache`
/// says whether the cache had it (`hit`, `miss`, `bypass`).
impl<T> IntoResponse for Cached<T> {
    fn into_response(self) -> Response {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    HeaderName::from_static("x-cache"),
                    HeaderValue::from_static(self.source.as_str()),
                ),
            ],
            self.json,
        )
            .into_response()
    }
}

/// A record id from the path. Anything that is not an id cannot name a
/// record, so it is "not found", like another store's id.
pub fn record_id(raw: &str, noun: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::not_found(noun))
}
