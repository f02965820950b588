//! This instance's memory: answers (bounded in bytes, each kept for its
//! read's TTL) and, without Redis, the generations.

use crate::domain::cache::CachedRead;
use crate::domain::error::AppError;
use bytes::Bytes;
use moka::Expiry;
use moka::future::Cache;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Which answer: the store, the read, the generation it was read at and
/// the query's hash.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub store: Uuid,
    pub read: CachedRead,
    pub generation: Generation,
    pub query: [u8; 16],
}

/// A read's generation, and with Redis which Redis it came from (a Redis
/// that restarted counts from scratch, so its numbers mean nothing next to
/// the old ones).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Generation {
    pub redis_run: Option<Arc<str>>,
    pub number: u64,
}

pub struct Answers {
    cache: Cache<Key, Bytes>,
}

/// An answer lives for its read's TTL.
struct PerRead([u64; CachedRead::ALL.len()]);

impl Expiry<Key, Bytes> for PerRead {
    fn expire_after_create(&self, key: &Key, _: &Bytes, _: Instant) -> Option<Duration> {
        Some(Duration::from_secs(self.0[key.read.index()]))
    }
}

impl Answers {
    pub fn new(megabytes: u64, ttls: [u64; CachedRead::ALL.len()]) -> Answers {
        let cache = Cache::builder()
            .max_capacity(megabytes.saturating_mul(1024 * 1024))
            .weigher(|_: &Key, json: &Bytes| {
                u32::try_from(json.len() + size_of::<Key>()).unwrap_or(u32::MAX)
            })
            .expire_after(PerRead(ttls))
            .build();
        Answers { cache }
    }

    /// The answer under `key`, or what `fill` makes of it; callers asking
    /// for the same key at once share one `fill`.
    pub async fn get_or_fill(
        &self,
        key: Key,
        fill: impl Future<Output = Result<Bytes, AppError>>,
    ) -> Result<Bytes, Arc<AppError>> {
        // A hit needs no entry (whose making clones the cache's handles).
        if let Some(json) = self.cache.get(&key).await {
            return Ok(json);
        }
        // Boxed: moka's entry future is large, and only a miss needs it.
        Box::pin(self.cache.entry(key).or_try_insert_with(fill))
            .await
            .map(|entry| entry.into_value())
    }

    /// Entries and bytes held, per read.
    pub async fn held(&self) -> [(u64, u64); CachedRead::ALL.len()] {
        self.cache.run_pending_tasks().await;
        let mut held = [(0, 0); CachedRead::ALL.len()];
        for (key, json) in self.cache.iter() {
            let slot = &mut held[key.read.index()];
            slot.0 += 1;
            slot.1 += json.len() as u64;
        }
        held
    }
}

/// Without Redis: each store's generation of each read, from 0 at start
/// (an answer cached before a restart is gone with the memory it was in).
#[derive(Default)]
pub struct Generations {
    numbers: Mutex<HashMap<(Uuid, CachedRead), u64>>,
}

impl Generations {
    pub fn of(&self, store: Uuid, read: CachedRead) -> Generation {
        let numbers = self.numbers.lock().unwrap_or_else(|p| p.into_inner());
        Generation {
            redis_run: None,
            number: numbers.get(&(store, read)).copied().unwrap_or(0),
        }
    }

    pub fn bump(&self, store: Uuid, reads: &[CachedRead]) {
        let mut numbers = self.numbers.lock().unwrap_or_else(|p| p.into_inner());
        for read in reads {
            *numbers.entry((store, *read)).or_default() += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(store: Uuid, generation: u64) -> Key {
        Key {
            store,
            read: CachedRead::Products,
            generation: Generation {
                redis_run: None,
                number: generation,
            },
            query: [0; 16],
        }
    }

    #[tokio::test]
    async fn an_answer_is_kept_under_its_generation_and_a_bump_moves_past_it() {
        let answers = Answers::new(1, [60; 6]);
        let generations = Generations::default();
        let store = Uuid::now_v7();
        let first = generations.of(store, CachedRead::Products).number;
        let filled = answers
            .get_or_fill(key(store, first), async { Ok(Bytes::from_static(b"[1]")) })
            .await
            .unwrap();
        assert_eq!(&filled[..], b"[1]");
        let again = answers
            .get_or_fill(key(store, first), async { panic!("not asked again") })
            .await
            .unwrap();
        assert_eq!(&again[..], b"[1]");
        generations.bump(store, &[CachedRead::Products]);
        let next = generations.of(store, CachedRead::Products).number;
        assert_ne!(next, first);
        let fresh = answers
            .get_or_fill(key(store, next), async { Ok(Bytes::from_static(b"[2]")) })
            .await
            .unwrap();
        assert_eq!(&fresh[..], b"[2]");
        assert_eq!(
            generations.of(Uuid::now_v7(), CachedRead::Products).number,
            0,
            "other stores are untouched"
        );
    }

    #[tokio::test]
    async fn a_failed_fill_is_not_kept() {
        let answers = Answers::new(1, [60; 6]);
        let store = Uuid::now_v7();
        let failed = answers
            .get_or_fill(key(store, 0), async { Err(AppError::internal()) })
            .await;
        assert!(failed.is_err());
        let filled = answers
            .get_or_fill(key(store, 0), async { Ok(Bytes::from_static(b"{}")) })
            .await
            .unwrap();
        assert_eq!(&filled[..], b"{}");
    }

    #[tokio::test]
    async fn a_read_switched_off_is_never_held() {
        let answers = Answers::new(1, [0; 6]);
        let store = Uuid::now_v7();
        answers
            .get_or_fill(key(store, 0), async { Ok(Bytes::from_static(b"[1]")) })
            .await
            .unwrap();
        let held = answers.held().await;
        assert_eq!(held[CachedRead::Products.index()].0, 0);
    }
}
