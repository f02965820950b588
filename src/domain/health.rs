//! How the server and what it leans on are doing: what `/api/health`
//! answers (tills ask it as their heartbeat) and the System page shows.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`, or `unavailable` when the database does not answer (503).
    pub status: String,
    /// `ok` or `down`.
    pub db: String,
    /// `disabled` (no `redis_url`), `ok` or `down`. Redis down degrades,
    /// it never fails a request.
    pub redis: String,
    pub realtime: RealtimeHealth,
    /// Where cached reads live: `memory`, `redis`, or that they go to the
    /// database while Redis is down.
    pub cache: String,
    /// The server's version (Cargo.toml).
    pub version: String,
    /// How often a till should ask.
    pub heartbeat_seconds: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RealtimeHealth {
    /// Sockets open on this instance.
    pub sockets: u64,
    /// How events reach the other instances: `in-process`, `redis`, or
    /// that they stay on this instance while Redis is down.
    pub fan_out: String,
    /// Announcements dropped because this instance could not keep up.
    pub dropped: u64,
}

impl Health {
    pub fn is_up(&self) -> bool {
        self.db == "ok"
    }
}
