//! Server functions answer with the status their error's code says. The
//! server-function layer sends every error as a 500, including those our
//! code gives a code to (a caller's arguments it cannot read are
//! `validation`: see `FromServerFnError for AppError`); a caller's mistake
//! is a 400, so a till never retries it as if the server were broken.

use crate::domain::error::AppError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// Error bodies are small; a bigger one is passed on as it is.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

pub async fn statuses_from_codes(req: Request, next: Next) -> Response {
    let is_rpc = req.uri().path().starts_with("/rpc/");
    let response = next.run(req).await;
    if !is_rpc || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, ERROR_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.code.http_status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
