//! The store settings screen, over the same service as `PUT /api/store`.

use crate::domain::error::AppError;
use crate::domain::store::{SettingsEdit, StoreSettings};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::domain::mutation::{EntityKind, Mutation, Op},
    crate::server::services::{stores, write_path},
};

#[server(prefix = "/rpc")]
pub async fn current_store_settings() -> Result<StoreSettings, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            stores::settings(&state.db, &who.actor).await?.value()
        }
        .await,
    )
}

/// Saves the settings form as an edit of the version the screen showed
/// (owners only; the server checks).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn save_store_settings(
    edit: SettingsEdit,
    sync_version: i64,
) -> Result<StoreSettings, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let m = Mutation {
                entity: EntityKind::StoreSettings,
                op: Op::Update,
                id: who.actor.store_id,
                base_version: Some(sync_version),
                data: serde_json::to_value(edit).map_err(crate::server::error::internal)?,
                base: None,
            };
            write_path::apply(&state.db, &who.actor, m).await?;
            stores::settings(&state.db, &who.actor).await?.value()
        }
        .await,
    )
}
