//! Realtime (docs/ARCHITECTURE.md, "Realtime"): what a write committed is
//! announced, after the commit, to every socket of its store, on this
//! instance and, through Redis, on every other.
//!
//! - The write path hands [`Realtime::announce`] what its transaction
//!   committed (its feed entries, audit entries and conflicts) once the
//!   commit returned: an event is never sent for a change that might yet
//!   roll back.
//! - This instance's sockets hear it at once (`deliver`, one task per
//!   instance, so a store's events keep their order); the other instances
//!   hear it through Redis pub/sub (`fanout`), or not at all while Redis
//!   is down: their tills then catch up by pulling, as on every reconnect.
//! - `hub` keeps a room per store with a bounded broadcast channel: a
//!   socket that falls behind it is dropped, never buffered for.
//! - `socket` is one WebSocket's life: hello, events, heartbeat, and the
//!   end of its session.

mod deliver;
mod fanout;
mod hub;
mod socket;

pub use fanout::FanOut;
pub use socket::{Listener, listener, serve};

use super::sessions::Sessions;
use crate::domain::health::RealtimeHealth;
use crate::domain::mutation::EntityKind;
use crate::server::settings::Settings;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;
use uuid::Uuid;

/// One entry of the change feed, as committed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeNote {
    pub seq: i64,
    pub entity: EntityKind,
    pub id: Uuid,
    /// `upsert` or `delete`, as in the feed.
    pub op: String,
    pub version: i64,
    /// Whether this change made the record (named `…:created`).
    pub created: bool,
    /// The record as the pull sends it, when the writer had it in hand
    /// (otherwise the deliverer reads it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

/// An audit entry, as the audit page needs to hear of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditNote {
    pub id: Uuid,
    pub seq: i64,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    pub employee_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A conflict stored, or resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictNote {
    pub id: Uuid,
    pub entity: EntityKind,
    pub entity_id: Uuid,
    pub resolved: bool,
}

/// What one write transaction committed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Committed {
    pub store_id: Uuid,
    /// Where the store's feed stood after it.
    pub feed_seq: i64,
    pub changes: Vec<ChangeNote>,
    pub audits: Vec<AuditNote>,
    pub conflicts: Vec<ConflictNote>,
}

impl Committed {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.audits.is_empty() && self.conflicts.is_empty()
    }
}

/// What is announced to a store's sockets, wherever they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Announcement {
    Committed(Committed),
    /// These sessions ended (signed out): their sockets close.
    SessionsEnded {
        store_id: Uuid,
        sessions: Vec<Uuid>,
    },
}

/// Announcements waiting for this instance's deliverer, at most: past
/// that, new ones are dropped and every socket is told to pull instead.
const QUEUE: usize = 8_192;

/// The realtime side of one server instance. Cheap to clone.
#[derive(Clone)]
pub struct Realtime(Arc<Inner>);

struct Inner {
    hub: Arc<hub::Hub>,
    queue: mpsc::Sender<Arc<Announcement>>,
    fanout: Option<FanOut>,
    /// The queue overflowed: sockets must pull.
    overflowed: Arc<AtomicBool>,
    dropped: AtomicU64,
    ping: Duration,
    /// Where a socket checks, at each ping, that its session still holds.
    db: DatabaseConnection,
}

impl Realtime {
    /// Starts this instance's deliverer, and the fan-out through Redis
    /// when `settings` name one (it connects in the background: a Redis
    /// that is down at start-up never stops the app).
    pub fn start(db: DatabaseConnection, settings: &Settings, sessions: Sessions) -> Realtime {
        let hub = Arc::new(hub::Hub::default());
        let (queue, incoming) = mpsc::channel(QUEUE);
        let overflowed = Arc::new(AtomicBool::new(false));
        tokio::spawn(deliver::run(
            db.clone(),
            sessions,
            hub.clone(),
            incoming,
            overflowed.clone(),
        ));
        let fanout = settings.redis_url().and_then(|url| {
            FanOut::start(url, &settings.redis_prefix, queue.clone(), hub.clone())
                .inspect_err(|e| {
                    tracing::error!(error = %e, "REDIS_URL cannot be used; realtime stays on this instance")
                })
                .ok()
        });
        Realtime(Arc::new(Inner {
            hub,
            queue,
            fanout,
            overflowed,
            dropped: AtomicU64::new(0),
            ping: Duration::from_secs(settings.socket_ping_seconds.max(1)),
            db: db.clone(),
        }))
    }

    /// Announces what a transaction committed (call it after the commit
    /// returned). Never waits and never fails the write: a full queue
    /// drops the announcement and makes every socket pull instead.
    pub fn announce(&self, announcement: Announcement) {
        if let Announcement::Committed(c) = &announcement
            && c.is_empty()
        {
            return;
        }
        // Shared by both ways out, and serialised for Redis off the
        // write's own task.
        let announcement = Arc::new(announcement);
        if let Some(fanout) = &self.0.fanout {
            fanout.publish(announcement.clone());
        }
        if self.0.queue.try_send(announcement).is_err() {
            self.0.dropped.fetch_add(1, Ordering::Relaxed);
            if !self.0.overflowed.swap(true, Ordering::Relaxed) {
                tracing::warn!("realtime queue full; sockets will be told to pull");
            }
        }
    }

    /// What `/api/health` says of realtime.
    pub fn status(&self) -> RealtimeHealth {
        RealtimeHealth {
            sockets: self.0.hub.sockets() as u64,
            fan_out: match &self.0.fanout {
                None => "in-process",
                Some(f) if f.is_up() => "redis",
                Some(_) => "redis down: this instance only",
            }
            .to_string(),
            dropped: self.0.dropped.load(Ordering::Relaxed),
        }
    }
}
