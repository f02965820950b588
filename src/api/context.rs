//! What a server function needs from its request: the app state and the
//! signed-in caller, read from the same cookies as the REST API.

use crate::domain::error::AppError;
use crate::server::http::extract::{self, Signed};
use crate::server::startup::AppState;
use axum::http::request::Parts;
use leptos::prelude::*;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>()
        .ok_or_else(|| crate::server::error::internal("server function without app state"))
}

pub fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>()
        .ok_or_else(|| crate::server::error::internal("server function without request parts"))
}

/// The signed-in caller, or `unauthenticated`.
pub async fn signed() -> Result<(AppState, Signed), AppError> {
    let state = state()?;
    let signed = extract::signed_in(&parts()?, &state)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    Ok((state, signed))
}

/// Sets a response cookie from a server function.
pub fn set_cookie(value: axum::http::HeaderValue) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(axum::http::header::SET_COOKIE, value);
    }
}

/// Sends a server function's error with its own HTTP status (401, 409, …)
/// and request id, as the REST API does, so the client can tell what is
/// worth retrying. While a page renders on the server, the page keeps its
/// own status: the screen shows the error in words.
pub fn reply<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    result.map_err(|mut e| {
        let called_over_rpc = parts().is_ok_and(|p| p.uri.path().starts_with("/rpc/"));
        if called_over_rpc
            && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = axum::http::StatusCode::from_u16(e.code.http_status())
        {
            response.set_status(status);
        }
        if e.request_id.is_none() {
            e.request_id = crate::server::request::current_request_id();
        }
        e
    })
}
