//! Server functions answer with the status their error's code says. The
//! server-function layer sends every error as a 500, including those our
//! code gives a code to (a caller's arguments it cannot read are
//! `validation`: see `FromServerFnError for AppError`); a caller's mistake
//! is a 400, so a till never retries it as if the server were broken.

use crate::domain::error::AppError;
use axum::body::{Body, to_bytes};
use axum::http::StatusCode;
use axum::response::Response;

/// Error bodies are small; a bigger one is passed on as it is.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Whether a request to `path` is a server function's.
pub fn is_rpc(path: &str) -> bool {
    path.starts_with("/rpc/")
}

/// A server function's answer, with the status its error's code says.
pub async fn status_from_code(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
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
