//! The resolver's and the conflicts screen's server functions, over the
//! same service as the REST API.

use crate::domain::conflict::{Resolution, Resolved, StoredConflict};
use crate::domain::error::AppError;
use crate::domain::page::Page;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::server::services::conflicts,
};

/// The store's open conflicts, oldest first (managers).
#[server(prefix = "/rpc")]
pub async fn open_conflicts(offset: u64) -> Result<Page<StoredConflict>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            conflicts::open(&state.db, &who.actor, Some(50), Some(offset)).await
        }
        .await,
    )
}

/// Resolves a conflict as the person chose.
#[server(prefix = "/rpc")]
pub async fn resolve_conflict(choice: Resolution) -> Result<Resolved, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            conflicts::resolve(&state.db, &who.actor, choice).await
        }
        .await,
    )
}
