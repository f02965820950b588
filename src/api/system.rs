//! The System page's server panel: how this server, its database and
//! Redis are doing, and its version (what `/api/health` says).

use crate::domain::error::AppError;
use crate::domain::health::Health;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::server::services::health,
};

#[server(prefix = "/rpc")]
pub async fn server_health() -> Result<Health, AppError> {
    reply(
        async {
            let (state, _who) = signed().await?;
            Ok(health::check(&state.db, state.settings.heartbeat_seconds).await)
        }
        .await,
    )
}
