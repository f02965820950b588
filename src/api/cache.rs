//! The System page's cache panel, over the same services as `/api/cache`.

use crate::domain::cache::{CacheStats, Cleared};
use crate::domain::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::server::services::cache::operations,
};

#[server(prefix = "/rpc")]
pub async fn cache_figures() -> Result<CacheStats, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            operations::stats(&state.db, &who.actor).await
        }
        .await,
    )
}

/// Clears one cached read (`products`, …) or, with `None`, all of the
/// store's (owners only; the server checks).
#[server(prefix = "/rpc")]
pub async fn clear_cache(which: Option<String>) -> Result<Cleared, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            operations::clear(&state.db, &who.actor, which.as_deref()).await
        }
        .await,
    )
}
