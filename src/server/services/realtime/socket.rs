//! One socket's life. It joins its store's room (the session's store, never
//! one the client names), says hello with where the feed stands, then
//! sends what the room hears as the session's role may hear it, pings,
//! and closes when the session ends or the client goes silent. Nothing is
//! queued per socket beyond the room's own bounded buffer: a socket that
//! falls more than a room behind is told to pull what it missed, and one
//! that takes nothing for `SEND_TIMEOUT` is dropped (it reconnects and
//! pulls).

use super::Realtime;
use super::hub::Outgoing;
use crate::domain::auth::Role;
use crate::domain::error::AppError;
use crate::domain::event::{Notice, close};
use crate::server::db::entities::store;
use crate::server::error::DbResultExt;
use crate::server::services::{Actor, auth};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use chrono::{DateTime, Utc};
use futures_util::SinkExt;
use sea_orm::{DatabaseConnection, EntityTrait};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// A send that has not gone through in this long means the client cannot
/// take more: it is dropped (it reconnects and pulls).
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Room messages taken at once before one flush.
const DRAIN: usize = 32;

/// Who a socket serves.
#[derive(Clone, Debug)]
pub struct Listener {
    pub store_id: Uuid,
    pub session_id: Uuid,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    /// Where the store's feed stood when the socket opened.
    pub feed_seq: i64,
}

/// The listener for a signed-in person's socket (anyone signed in may
/// have one: what it hears is filtered by role).
pub async fn listener(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<Listener, AppError> {
    let store = store::Entity::find_by_id(actor.store_id)
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("store"))?;
    Ok(Listener {
        store_id: store.id,
        session_id,
        role: actor.role,
        expires_at,
        feed_seq: store.change_seq,
    })
}

/// Serves one socket until it closes.
#[tracing::instrument(skip_all, fields(store = %who.store_id, role = who.role.as_str()))]
pub async fn serve(realtime: Realtime, mut socket: WebSocket, who: Listener) {
    let mut seat = realtime.0.hub.join(who.store_id);
    let hello = Notice::Hello {
        seq: who.feed_seq,
        ping_seconds: realtime.0.ping.as_secs(),
    };
    if send(&mut socket, text(&hello)).await.is_err() {
        return;
    }
    let mut ping = tokio::time::interval(realtime.0.ping);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.tick().await;
    let mut heard = true;
    let until_expiry = (who.expires_at - Utc::now()).to_std().unwrap_or_default();
    let expiry = tokio::time::sleep(until_expiry);
    tokio::pin!(expiry);
    let ended = loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break None,
                // A pong, the till's own ping, anything: it is there.
                Some(Ok(_)) => heard = true,
            },
            outgoing = seat.next() => {
                // What else is waiting goes out with it: one flush, one
                // write to the network, for a burst of events.
                let mut waiting = vec![outgoing];
                while waiting.len() < DRAIN {
                    match seat.try_next() {
                        Some(next) => waiting.push(next),
                        None => break,
                    }
                }
                match pass_on(&mut socket, &who, waiting).await {
                    Ok(()) => {}
                    Err(end) => break end,
                }
            }
            _ = ping.tick() => {
                if !heard {
                    break Some((close::SILENT, "no answer to the heartbeat"));
                }
                heard = false;
                if let Some(end) = session_changed(&realtime.0.db, &who).await {
                    break Some(end);
                }
                let ping = async {
                    socket.send(Message::Ping(Default::default())).await?;
                    socket.send(Message::Text(text(&Notice::Ping))).await
                };
                // Bounded like every send: a client that takes nothing
                // must not hold this task (and its session checks) up.
                if !matches!(tokio::time::timeout(SEND_TIMEOUT, ping).await, Ok(Ok(()))) {
                    break None;
                }
            }
            _ = &mut expiry => break Some((close::SESSION_ENDED, "the session expired")),
        }
    };
    if let Some((code, reason)) = ended {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = tokio::time::timeout(
            Duration::from_secs(1),
            socket.send(Message::Close(Some(frame))),
        )
        .await;
    }
}

/// Whether the socket's session has ended or changed under it (signed
/// out on another instance while Redis was down, the person switched off
/// or given another role): then it closes, and the till signs in again.
/// A database that does not answer is not taken as an ending.
async fn session_changed(db: &DatabaseConnection, who: &Listener) -> End {
    let now = tokio::time::timeout(
        Duration::from_secs(2),
        auth::session_by_id(db, who.session_id),
    );
    match now.await {
        Ok(Ok(Some(live))) if live.info.role == who.role => None,
        Ok(Ok(_)) => Some((close::SESSION_ENDED, "the session ended or changed")),
        _ => None,
    }
}

/// Why a socket ends: the close frame to send, if any.
type End = Option<(u16, &'static str)>;

const TOO_SLOW: End = Some((close::TOO_SLOW, "too slow: reconnect and pull"));

/// Passes what the room had on to the socket as this listener may hear
/// it, then flushes once.
async fn pass_on(
    socket: &mut WebSocket,
    who: &Listener,
    waiting: Vec<Result<Arc<Outgoing>, RecvError>>,
) -> Result<(), End> {
    let mut frames = Vec::new();
    for message in waiting {
        match message {
            Ok(message) => match &*message {
                Outgoing::Events(events) => frames.extend(
                    events
                        .iter()
                        .filter_map(|by_role| by_role[who.role as usize].clone()),
                ),
                Outgoing::Notice(frame) => frames.push(frame.clone()),
                Outgoing::SessionsEnded(ids) if ids.contains(&who.session_id) => {
                    return Err(Some((close::SESSION_ENDED, "signed out")));
                }
                Outgoing::SessionsEnded(_) => {}
            },
            // Events it will never get (a burst, say a till's push of
            // hundreds of sales): it pulls them instead.
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "socket fell behind its room; told to pull");
                frames.push(text(&Notice::Resync));
            }
            Err(RecvError::Closed) => return Err(Some((close::GOING_AWAY, "server stopping"))),
        }
    }
    if frames.is_empty() {
        return Ok(());
    }
    let sent = async {
        for frame in frames {
            socket.feed(Message::Text(frame)).await?;
        }
        socket.flush().await
    };
    match tokio::time::timeout(SEND_TIMEOUT, sent).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(TOO_SLOW),
    }
}

fn text(notice: &Notice) -> Utf8Bytes {
    serde_json::to_string(notice).unwrap_or_default().into()
}

async fn send(socket: &mut WebSocket, frame: Utf8Bytes) -> Result<(), ()> {
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(frame))).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}
