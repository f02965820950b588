//! How this instance and what it leans on are doing, for the tills'
//! heartbeat (`/api/health`, no sign-in) and the owner's System page.

use super::Db;
use crate::domain::health::Health;

/// Asks the database (a one-row query) and reads the cache's and the
/// realtime hub's own view of Redis (they check it every second, and any
/// failed command distrusts it at once).
pub async fn check(db: &Db, heartbeat_seconds: u64) -> Health {
    let db_ok = db.ping().await.is_ok();
    let (redis, cache) = match db.cache().redis_is_up() {
        None => ("disabled", "memory"),
        Some(true) => ("ok", "redis"),
        Some(false) => ("down", "redis down: reads go to the database"),
    };
    Health {
        status: if db_ok { "ok" } else { "unavailable" }.into(),
        db: if db_ok { "ok" } else { "down" }.into(),
        redis: redis.into(),
        realtime: db.realtime().status(),
        cache: cache.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        heartbeat_seconds,
    }
}
