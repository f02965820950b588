//! Signing in and out, pairing a till, switching cashiers by PIN.

use crate::domain::auth::{
    PriceApproval, PriceApprovalRequest, SessionInfo, TillPairing, TillPerson,
};
use crate::domain::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::context::{parts, reply, set_cookie, signed, state},
    crate::server::http::extract::{self, SESSION_COOKIE},
    crate::server::services::auth,
};

/// The person signed in on this browser, if anyone.
#[server(prefix = "/rpc")]
pub async fn current_session() -> Result<Option<SessionInfo>, AppError> {
    reply(
        async {
            let state = state()?;
            Ok(extract::signed_in(&parts()?, &state).await?.map(|s| s.info))
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn keep_session(state: &crate::server::startup::AppState, signed: auth::SignedIn) -> SessionInfo {
    set_cookie(extract::set_cookie(
        SESSION_COOKIE,
        &signed.token,
        signed.max_age_seconds,
        state.settings.cookie_secure,
    ));
    signed.info
}

#[server(prefix = "/rpc")]
pub async fn sign_in(email: String, password: String) -> Result<SessionInfo, AppError> {
    reply(
        async {
            let (state, parts) = (state()?, parts()?);
            let signed = auth::login(
                &state.db,
                state.settings.session_hours,
                &state.settings.sign_in_limits,
                &email,
                &password,
                &extract::request_meta(&parts),
            )
            .await?;
            Ok(keep_session(&state, signed))
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn sign_out() -> Result<(), AppError> {
    reply(
        async {
            let (state, parts) = (state()?, parts()?);
            if let Some(token) = extract::cookie(&parts.headers, SESSION_COOKIE) {
                auth::logout(&state.db, token).await?;
            }
            set_cookie(extract::set_cookie(
                SESSION_COOKIE,
                "",
                0,
                state.settings.cookie_secure,
            ));
            Ok(())
        }
        .await,
    )
}

/// Pairs this browser as a till of the signed-in manager's store.
#[server(prefix = "/rpc")]
pub async fn pair_till(name: String) -> Result<String, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let (device, token) = auth::pair_device(
                &state.db,
                &who.actor,
                &name,
                state.settings.till_pairing_days,
            )
            .await?;
            set_cookie(extract::device_cookie(
                &device,
                &token,
                state.settings.cookie_secure,
            ));
            Ok(device.name)
        }
        .await,
    )
}

/// The store's tills, paired or unpaired (managers).
#[server(prefix = "/rpc")]
pub async fn paired_tills() -> Result<Vec<TillPairing>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            auth::tills(&state.db, &who.actor).await
        }
        .await,
    )
}

/// Unpairs one of the store's tills and signs out everyone on it.
#[server(prefix = "/rpc")]
pub async fn unpair_till(device_id: Uuid) -> Result<(), AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            auth::unpair_till(&state.db, &who.actor, device_id).await
        }
        .await,
    )
}

/// The people who can switch in on this till.
#[server(prefix = "/rpc")]
pub async fn till_people() -> Result<Vec<TillPerson>, AppError> {
    reply(
        async {
            let state = state()?;
            let till = extract::paired_till(&parts()?, &state).await?;
            auth::till_people(&state.db, &till).await
        }
        .await,
    )
}

/// A manager's PIN approving a price the cashier on this till set for a
/// line (online only: the PIN is checked by the server, and audited).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn approve_price(request: PriceApprovalRequest) -> Result<PriceApproval, AppError> {
    reply(
        async {
            // The till first: off a paired till there is no PIN to type.
            let state = state()?;
            let till = extract::paired_till(&parts()?, &state).await?;
            let (_, who) = signed().await?;
            if !(0..=crate::domain::catalog::MAX_PRICE_CENTS).contains(&request.price_cents) {
                return Err(AppError::field(
                    "price_cents",
                    "is not a price a line can have",
                ));
            }
            let meta = extract::request_meta(&parts()?);
            auth::approve_price(&state.db, &till, &who.actor, &request, &meta).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn switch_in(employee_id: Uuid, pin: String) -> Result<SessionInfo, AppError> {
    reply(
        async {
            let (state, parts) = (state()?, parts()?);
            let till = extract::paired_till(&parts, &state).await?;
            let signed = auth::pin_switch(
                &state.db,
                state.settings.session_hours,
                &till,
                employee_id,
                &pin,
                &extract::request_meta(&parts),
            )
            .await?;
            Ok(keep_session(&state, signed))
        }
        .await,
    )
}
