use super::body::{JsonBody, record_id};
use super::extract::{
    SESSION_COOKIE, Signed, Till, cookie, device_cookie, request_meta, set_cookie,
};
use crate::domain::auth::{SessionInfo, TillPairing, TillPerson};
use crate::domain::error::AppError;
use crate::domain::fields::FieldReader;
use crate::server::services::auth::{self, SignedIn};
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use uuid::Uuid;

/// The answer to signing in or switching in (the session rides in the
/// cookie).
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignedInAnswer {
    pub session: SessionInfo,
}

/// The answer to pairing a till (its token rides in the device cookie).
#[derive(Serialize, utoipa::ToSchema)]
pub struct PairedTill {
    pub device_id: Uuid,
    pub name: String,
}

fn with_session_cookie(state: &AppState, signed: SignedIn) -> Response {
    let cookie = set_cookie(
        SESSION_COOKIE,
        &signed.token,
        signed.max_age_seconds,
        state.settings.cookie_secure,
    );
    (
        [(header::SET_COOKIE, cookie)],
        Json(SignedInAnswer {
            session: signed.info,
        }),
    )
        .into_response()
}

/// `{email, password}` → session cookie and `{session}`.
pub async fn login(
    State(state): State<AppState>,
    parts: Parts,
    JsonBody(body): JsonBody,
) -> Result<Response, AppError> {
    let mut r = FieldReader::new(&body);
    let email = r.text("email", 254);
    let password = r.text("password", 200);
    r.finish(())?;
    let signed = auth::login(
        &state.db,
        state.settings.session_hours,
        &state.settings.sign_in_limits,
        &email,
        &password,
        &request_meta(&parts),
    )
    .await?;
    Ok(with_session_cookie(&state, signed))
}

/// `{employee_id, pin}` on a paired till → session cookie and `{session}`.
pub async fn pin(
    State(state): State<AppState>,
    Till(till): Till,
    parts: Parts,
    JsonBody(body): JsonBody,
) -> Result<Response, AppError> {
    let mut r = FieldReader::new(&body);
    let employee_id = r.uuid("employee_id");
    let pin = r.text("pin", 6);
    r.finish(())?;
    let signed = auth::pin_switch(
        &state.db,
        state.settings.session_hours,
        &till,
        employee_id,
        &pin,
        &request_meta(&parts),
    )
    .await?;
    Ok(with_session_cookie(&state, signed))
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        auth::logout(&state.db, token).await?;
    }
    let clear = set_cookie(SESSION_COOKIE, "", 0, state.settings.cookie_secure);
    Ok(([(header::SET_COOKIE, clear)], StatusCode::NO_CONTENT).into_response())
}

pub async fn me(who: Signed) -> Json<SessionInfo> {
    Json(who.info)
}

/// `{name}`: pairs this browser as a till of the manager's store.
pub async fn pair(
    State(state): State<AppState>,
    who: Signed,
    JsonBody(body): JsonBody,
) -> Result<Response, AppError> {
    let mut r = FieldReader::new(&body);
    let name = r.text("name", 80);
    r.finish(())?;
    let (device, token) = auth::pair_device(
        &state.db,
        &who.actor,
        &name,
        state.settings.till_pairing_days,
    )
    .await?;
    let cookie = device_cookie(&device, &token, state.settings.cookie_secure);
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        Json(PairedTill {
            device_id: device.id,
            name: device.name,
        }),
    )
        .into_response())
}

/// The store's tills, paired or unpaired, newest first.
pub async fn tills(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<Vec<TillPairing>>, AppError> {
    auth::tills(&state.db, &who.actor).await.map(Json)
}

/// Unpairs a till at once and signs out everyone switched in on it.
pub async fn unpair(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    auth::unpair_till(&state.db, &who.actor, record_id(&id, "till")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who can switch in on this till.
pub async fn till_people(
    State(state): State<AppState>,
    Till(till): Till,
) -> Result<Json<Vec<TillPerson>>, AppError> {
    auth::till_people(&state.db, &till).await.map(Json)
}
