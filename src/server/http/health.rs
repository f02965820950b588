use crate::server::startup::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// `{status, db, redis, realtime, cache, version, heartbeat_seconds}`. 503
/// when the database does not answer; Redis being down degrades, it does
/// not fail (`realtime.fan_out` then says events stay on this instance,
/// `cache` that reads go to the database).
/// Tills ask this as their heartbeat, as often as `heartbeat_seconds` says.
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let db_ok = state.db.ping().await.is_ok();
    // The cache's client says whether Redis answers (it checks every
    // second, and any failed command distrusts it at once).
    let (redis, cache) = match state.db.cache().redis_is_up() {
        None => ("disabled", "memory"),
        Some(true) => ("ok", "redis"),
        Some(false) => ("down", "redis down: reads go to the database"),
    };
    let status = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if db_ok { "ok" } else { "unavailable" },
        "db": if db_ok { "ok" } else { "down" },
        "redis": redis,
        "realtime": state.db.realtime().status(),
        "cache": cache,
        "version": env!("CARGO_PKG_VERSION"),
        "heartbeat_seconds": state.settings.heartbeat_seconds,
    });
    (status, Json(body))
}
