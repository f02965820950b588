use super::body::JsonBody;
use super::extract::Signed;
use crate::domain::error::AppError;
use crate::domain::store::StoreSettings;
use crate::server::services::stores;
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::State;

/// `GET /api/store`: the signed-in person's store and its settings.
pub async fn get_settings(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<StoreSettings>, AppError> {
    stores::settings(&state.db, &who.actor).await.map(Json)
}

/// `PUT /api/store` (owner): `{name?, prices_include_tax?}`.
pub async fn put_settings(
    State(state): State<AppState>,
    who: Signed,
    JsonBody(data): JsonBody,
) -> Result<Json<StoreSettings>, AppError> {
    stores::update_settings(&state.db, &who.actor, &data)
        .await
        .map(Json)
}
