//! The audit screen's server functions, over the same service as the REST API.

use crate::domain::audit::{AuditEntry, ChainReport};
use crate::domain::error::AppError;
use crate::domain::page::Page;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::server::services::audit,
};

/// The log, newest first, filtered by action (or its entity part).
#[server(prefix = "/rpc")]
pub async fn audit_entries(action: String, offset: u64) -> Result<Page<AuditEntry>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = audit::AuditQuery {
                action: Some(action),
                limit: Some(50),
                offset: Some(offset),
                ..Default::default()
            };
            audit::entries(&state.db, &who.actor, &query).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn verify_audit() -> Result<ChainReport, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            audit::check_chain(&state.db, &who.actor).await
        }
        .await,
    )
}
