//! Who is calling, from cookies: the signed-in person (session cookie) and
//! the paired till (device cookie). Shared by REST handlers and server
//! functions, which read the same request parts.

use crate::domain::auth::SessionInfo;
use crate::domain::error::AppError;
use crate::server::db::entities::device;
use crate::server::request::RequestMeta;
use crate::server::services::{Actor, auth};
use crate::server::startup::AppState;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};

pub const SESSION_COOKIE: &str = "tw_session";
pub const DEVICE_COOKIE: &str = "tw_device";

/// The value of cookie `name`, if the request has it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// The device cookie a newly paired till gets: it lasts as long as the
/// pairing does.
pub fn device_cookie(till: &device::Model, token: &str, secure: bool) -> HeaderValue {
    let max_age = till
        .expires_at
        .map_or(0, |end| (end - chrono::Utc::now()).num_seconds().max(0));
    set_cookie(DEVICE_COOKIE, token, max_age, secure)
}

/// An HttpOnly, SameSite=Lax cookie; `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The signed-in person behind a request, as the actor services expect.
#[derive(Clone, Debug)]
pub struct Signed {
    pub actor: Actor,
    pub info: SessionInfo,
    pub session_id: uuid::Uuid,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

pub async fn signed_in(parts: &Parts, state: &AppState) -> Result<Option<Signed>, AppError> {
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let meta = parts
        .extensions
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or_default();
    let device_token = cookie(&parts.headers, DEVICE_COOKIE);
    Ok(auth::session_for_token(&state.db, token)
        .await?
        // A PIN session's cookie copied off its till opens nothing.
        .filter(|live| live.usable_with(device_token))
        .map(|live| Signed {
            actor: Actor {
                store_id: live.info.store_id,
                employee_id: Some(live.info.employee_id),
                employee_name: Some(live.info.employee_name.clone()),
                role: live.info.role,
                device_id: live.info.device_id,
                session_id: Some(live.id),
                meta,
            },
            info: live.info,
            session_id: live.id,
            expires_at: live.expires_at,
        }))
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        signed_in(parts, state)
            .await?
            .ok_or_else(AppError::unauthenticated)
    }
}

impl OptionalFromRequestParts<AppState> for Signed {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        signed_in(parts, state).await
    }
}

/// The paired till a request comes from.
pub async fn paired_till(parts: &Parts, state: &AppState) -> Result<device::Model, AppError> {
    let token = cookie(&parts.headers, DEVICE_COOKIE).ok_or_else(not_paired)?;
    auth::device_for_token(&state.db, token)
        .await?
        .ok_or_else(not_paired)
}

fn not_paired() -> AppError {
    AppError::new(
        crate::domain::error::ErrorCode::Forbidden,
        "This browser is not a paired till. A manager can pair it under Pair till.",
    )
}

pub struct Till(pub device::Model);

impl FromRequestParts<AppState> for Till {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        paired_till(parts, state).await.map(Till)
    }
}

pub fn request_meta(parts: &Parts) -> RequestMeta {
    parts
        .extensions
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_several() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; tw_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, DEVICE_COOKIE), None);
    }
}
