use super::body::JsonBody;
use super::extract::Signed;
use super::records::update_of;
use crate::domain::error::AppError;
use crate::domain::mutation::EntityKind;
use crate::domain::store::StoreSettings;
use crate::server::services::cache::Cached;
use crate::server::services::{stores, write_path};
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::State;

/// `GET /api/store`: the signed-in person's store and its settings.
pub async fn get_settings(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Cached<StoreSettings>, AppError> {
    stores::settings(&state.db, &who.actor).await
}

/// `PUT /api/store` (owner): `{sync_version, name?, prices_include_tax?,
/// time_zone?, address?, tax_number?, receipt_footer?, currency?}`,
/// a change of the `store_settings` record through the write path.
pub async fn put_settings(
    State(state): State<AppState>,
    who: Signed,
    JsonBody(data): JsonBody,
) -> Result<Json<StoreSettings>, AppError> {
    let m = update_of(EntityKind::StoreSettings, who.actor.store_id, data)?;
    let applied = write_path::apply(&state.db, &who.actor, m).await?;
    serde_json::from_value(applied.record)
        .map(Json)
        .map_err(crate::server::error::internal)
}
