use crate::domain::health::Health;
use crate::server::services::health;
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// 503 when the database does not answer; Redis being down degrades, it
/// does not fail (`realtime.fan_out` then says events stay on this
/// instance, `cache` that reads go to the database). Tills ask this as
/// their heartbeat, as often as `heartbeat_seconds` says.
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let health = health::check(&state.db, state.settings.heartbeat_seconds).await;
    let status = if health.is_up() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(health))
}
