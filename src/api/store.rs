//! The store settings screen, over the same service as `PUT /api/store`.

use crate::domain::error::AppError;
use crate::domain::store::StoreSettings;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::server::services::stores,
};

#[server(prefix = "/rpc")]
pub async fn current_store_settings() -> Result<StoreSettings, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            stores::settings(&state.db, &who.actor).await
        }
        .await,
    )
}

/// Saves the name and the tax setting (owners only; the server checks).
#[server(prefix = "/rpc")]
pub async fn save_store_settings(
    name: String,
    prices_include_tax: bool,
) -> Result<StoreSettings, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let data = serde_json::json!({"name": name, "prices_include_tax": prices_include_tax});
            stores::update_settings(&state.db, &who.actor, &data).await
        }
        .await,
    )
}
