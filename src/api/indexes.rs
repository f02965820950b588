//! The System page's database panel, over the same services as
//! `/api/indexes` (owners; the server checks).

use crate::domain::error::AppError;
use crate::domain::indexes::{IndexStats, Rebuilt, SlowAnalysis};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::server::services::indexes,
};

#[server(prefix = "/rpc")]
pub async fn database_indexes() -> Result<IndexStats, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            indexes::stats(&state.db, &who.actor, None).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn rebuild_indexes(table: String) -> Result<Rebuilt, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            indexes::rebuild(&state.db, &who.actor, &table).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn slow_statements() -> Result<SlowAnalysis, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            indexes::slow(&state.db, &who.actor).await
        }
        .await,
    )
}
