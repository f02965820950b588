//! `GET /api/ws`: the store's socket (docs/ARCHITECTURE.md, "Realtime").
//! The session cookie decides whose store it hears; without a live session
//! the answer is 401, before any upgrade.

use super::extract::Signed;
use crate::domain::error::AppError;
use crate::server::services::realtime;
use crate::server::startup::AppState;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;

/// What a socket reads from its till is a pong now and then: small buffers
/// keep an idle socket cheap (the library's default reserves 128 KiB).
const READ_BUFFER: usize = 4 * 1024;
/// A burst of events is gathered up to this before it is written (a
/// flush after each burst sends the rest).
const WRITE_BUFFER: usize = 8 * 1024;
const MAX_INCOMING: usize = 64 * 1024;

pub async fn socket(
    State(state): State<AppState>,
    signed: Signed,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    let listener = realtime::listener(
        &state.db,
        &signed.actor,
        signed.session_id,
        signed.expires_at,
    )
    .await?;
    let realtime = state.db.realtime().clone();
    Ok(upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_message_size(MAX_INCOMING)
        .max_frame_size(MAX_INCOMING)
        .on_upgrade(move |socket| realtime::serve(realtime, socket, listener)))
}
