//! Hits, misses and bypasses per read, since this instance started.

use super::Source;
use crate::domain::cache::{CachedRead, ReadFigures};
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Figures {
    pub since: DateTime<Utc>,
    counts: [[AtomicU64; 3]; CachedRead::ALL.len()],
}

impl Default for Figures {
    fn default() -> Self {
        Figures {
            since: Utc::now(),
            counts: Default::default(),
        }
    }
}

impl Figures {
    pub fn count(&self, read: CachedRead, source: Source) {
        let slot = match source {
            Source::Hit => 0,
            Source::Miss => 1,
            Source::Bypass => 2,
        };
        self.counts[read.index()][slot].fetch_add(1, Ordering::Relaxed);
    }

    pub fn of(&self, read: CachedRead, ttl_seconds: u64) -> ReadFigures {
        let [hits, misses, bypassed] = &self.counts[read.index()];
        ReadFigures::new(
            read.as_str(),
            ttl_seconds,
            hits.load(Ordering::Relaxed),
            misses.load(Ordering::Relaxed),
            bypassed.load(Ordering::Relaxed),
        )
    }
}
