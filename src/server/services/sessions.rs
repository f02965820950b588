//! Live sessions, remembered for a few seconds so a signed-in request does
//! not read the database just to learn who is calling. What ends or
//! changes a session forgets it at once on this instance (sign-out, an
//! employee's record, the store's settings, a till unpaired:
//! `Ledger::commit`, `logout`, `auth::unpair_till`)
//! and, through realtime's announcements, on every other instance; only
//! with Redis down can another instance go on trusting a session for at
//! most `REMEMBER`.

use super::auth::Live;
use super::realtime::Announcement;
use crate::domain::mutation::EntityKind;
use chrono::Utc;
use moka::sync::Cache;
use std::time::Duration;
use uuid::Uuid;

const REMEMBER: Duration = Duration::from_secs(10);
const AT_MOST: u64 = 100_000;

#[derive(Clone)]
pub struct Sessions {
    by_token: Cache<String, Live>,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            by_token: Cache::builder()
                .max_capacity(AT_MOST)
                .time_to_live(REMEMBER)
                .support_invalidation_closures()
                .build(),
        }
    }
}

impl Sessions {
    /// The live session under this token's hash, if remembered and not
    /// expired.
    pub fn get(&self, token_hash: &str) -> Option<Live> {
        self.by_token
            .get(token_hash)
            .filter(|live| live.expires_at > Utc::now())
    }

    pub fn keep(&self, token_hash: String, live: Live) {
        self.by_token.insert(token_hash, live);
    }

    /// Forgets the sessions `announcement` ends or changes: those signed
    /// out, those of an employee whose record changed (switched off,
    /// another role, another name), all of a store whose settings changed.
    pub fn forget(&self, announcement: &Announcement) {
        let forget = |which: Box<dyn Fn(&Live) -> bool + Send + Sync>| {
            // Only fails without `support_invalidation_closures`, set above.
            let _ = self
                .by_token
                .invalidate_entries_if(move |_, live| which(live));
        };
        match announcement {
            Announcement::SessionsEnded { sessions, .. } => {
                let ended: Vec<Uuid> = sessions.clone();
                forget(Box::new(move |live| ended.contains(&live.id)));
            }
            Announcement::Committed(c) => {
                let employees: Vec<Uuid> = c
                    .changes
                    .iter()
                    .filter(|change| change.entity == EntityKind::Employee)
                    .map(|change| change.id)
                    .collect();
                let store = c
                    .changes
                    .iter()
                    .any(|change| change.entity == EntityKind::StoreSettings)
                    .then_some(c.store_id);
                if employees.is_empty() && store.is_none() {
                    return;
                }
                forget(Box::new(move |live| {
                    employees.contains(&live.info.employee_id) || store == Some(live.info.store_id)
                }));
            }
        }
    }
}
