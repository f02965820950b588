//! Cache-aside for the reads that cost something (product, customer and
//! sales lists, categories, reports, the store's settings).
//!
//! An answer is kept under its store, its read, the read's **generation**
//! and a hash of the normalised query. A committed write bumps the
//! generation of each read its kinds make stale (`domain::cache`), from
//! `Ledger::commit`, before the writer gets its answer: the next read asks
//! for a key nobody has filled, so it is never stale, and nothing is ever
//! searched for or deleted on the write path. Old answers age out by TTL.
//!
//! With `redis_url`, generations and answers live in Redis, shared by every
//! instance (`shared`); this instance keeps its hot answers beside it in
//! memory, under the same generation it just read from Redis, so a hit
//! costs one small GET, shared by the requests that ask at once. Without Redis, generations and answers live in
//! memory (`local`). A configured Redis that does not answer sends reads to
//! the database, never to memory (another instance may have written).

mod figures;
mod local;
pub mod operations;
mod rounds;
mod shared;

use crate::domain::cache::{CacheStats, CachedRead, ReadFigures};
use crate::domain::error::AppError;
use crate::server::settings::Settings;
use bytes::Bytes;
use figures::Figures;
use local::{Answers, Generations, Key};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use shared::Shared;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

struct Inner {
    ttls: [u64; CachedRead::ALL.len()],
    answers: Answers,
    /// Without Redis: the generations.
    generations: Generations,
    /// With Redis.
    shared: Option<Shared>,
    figures: Figures,
}

/// Where an answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The cache had it.
    Hit,
    /// The database, and it is cached now.
    Miss,
    /// The database, without the cache (switched off, or Redis down).
    Bypass,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Hit => "hit",
            Source::Miss => "miss",
            Source::Bypass => "bypass",
        }
    }
}

/// An answer as JSON bytes: REST sends them as they are; a server function
/// reads the value back.
pub struct Cached<T> {
    pub json: Bytes,
    pub source: Source,
    of: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Cached<T> {
    pub fn value(&self) -> Result<T, AppError> {
        serde_json::from_slice(&self.json).map_err(|e| {
            tracing::error!(error = %e, "a cached answer does not read back");
            AppError::internal()
        })
    }
}

impl Cache {
    /// The cache the settings describe. Redis connects in the background;
    /// until it answers, reads go to the database.
    pub fn start(settings: &Settings) -> Cache {
        let ttls = CachedRead::ALL.map(|r| settings.cache_ttl_seconds.of(r));
        let shared = settings.redis_url().and_then(|url| {
            Shared::start(url, &settings.redis_prefix)
                .inspect_err(|e| tracing::warn!(error = %e, "the cache cannot use this Redis URL"))
                .ok()
        });
        Cache {
            inner: Arc::new(Inner {
                ttls,
                answers: Answers::new(settings.cache_memory_mb, ttls),
                generations: Generations::default(),
                shared,
                figures: Figures::default(),
            }),
        }
    }

    /// The answer to `read` for `store` and `query`, from the cache or else
    /// from what `compute` makes (which it then keeps). The caller checks
    /// permissions first; `query` holds everything the answer depends on.
    ///
    /// `compute` makes its database query only on a miss, and that query
    /// runs boxed: a hit's future then holds neither (1.3 KB in a debug
    /// build, against 10 KB carrying the product list's query), and every
    /// request's future is copied whole as the router moves it along.
    pub async fn read<T, C, F>(
        &self,
        store: Uuid,
        read: CachedRead,
        query: &impl Serialize,
        compute: C,
    ) -> Result<Cached<T>, AppError>
    where
        T: Serialize,
        C: FnOnce() -> F,
        F: Future<Output = Result<T, AppError>>,
    {
        let inner = &self.inner;
        let ttl = inner.ttls[read.index()];
        // A query that does not serialise cannot be named: never cached
        // under a name another query could share.
        let hash = (ttl > 0).then(|| query_hash(query)).flatten();
        let generation = match (hash, &inner.shared) {
            (None, _) => None,
            (Some(_), None) => Some(inner.generations.of(store, read)),
            (Some(_), Some(shared)) => shared.generation(store, read).await,
        };
        let (Some(query), Some(generation)) = (hash, generation) else {
            inner.figures.count(read, Source::Bypass);
            return answer(Box::pin(compute()).await?, Source::Bypass);
        };
        let key = Key {
            store,
            read,
            generation,
            query,
        };
        let computed = AtomicBool::new(false);
        let fill = async {
            if let Some(shared) = &inner.shared
                && let Some(json) = Box::pin(shared.answer(&key)).await
            {
                return Ok(json);
            }
            let json = to_json(&Box::pin(compute()).await?)?;
            computed.store(true, Ordering::Relaxed);
            if let Some(shared) = &inner.shared {
                shared.keep(&key, json.clone(), ttl);
            }
            Ok::<_, AppError>(json)
        };
        let json = inner
            .answers
            .get_or_fill(key.clone(), fill)
            .await
            .map_err(|e| (*e).clone())?;
        let source = if computed.load(Ordering::Relaxed) {
            Source::Miss
        } else {
            Source::Hit
        };
        inner.figures.count(read, source);
        Ok(Cached {
            json,
            source,
            of: PhantomData,
        })
    }

    /// A write committed changes that make `reads` of `store` stale: their
    /// generations move on. Never fails (a Redis that does not answer is
    /// retried when it is back, and reads go to the database meanwhile).
    pub async fn written(&self, store: Uuid, reads: &[CachedRead]) {
        if reads.is_empty() {
            return;
        }
        match &self.inner.shared {
            None => self.inner.generations.bump(store, reads),
            Some(shared) => shared.bump(store, reads).await,
        }
    }

    /// What the System page shows.
    pub async fn stats(&self) -> CacheStats {
        let inner = &self.inner;
        // Redis counts keys but not bytes per read; memory counts both.
        let (redis, redis_memory_bytes, keys, bytes) = match &inner.shared {
            Some(shared) => {
                let (status, memory, keys) = shared.held().await;
                (Some(status.to_string()), memory, keys, None)
            }
            None => {
                let held = inner.answers.held().await;
                (None, None, Some(held.map(|h| h.0)), Some(held.map(|h| h.1)))
            }
        };
        let reads: Vec<ReadFigures> = CachedRead::ALL
            .into_iter()
            .map(|r| ReadFigures {
                keys: keys.map(|k| k[r.index()]),
                memory_bytes: bytes.map(|b| b[r.index()]),
                ..inner.figures.of(r, inner.ttls[r.index()])
            })
            .collect();
        let mut overall = ReadFigures::new(
            "all",
            0,
            reads.iter().map(|r| r.hits).sum(),
            reads.iter().map(|r| r.misses).sum(),
            reads.iter().map(|r| r.bypassed).sum(),
        );
        overall.keys = reads.iter().map(|r| r.keys).sum();
        overall.memory_bytes = reads.iter().map(|r| r.memory_bytes).sum();
        CacheStats {
            backend: if inner.shared.is_some() {
                "redis"
            } else {
                "memory"
            }
            .into(),
            redis,
            since: inner.figures.since,
            outages: inner.shared.as_ref().map_or(0, Shared::outages),
            overall,
            reads,
            redis_memory_bytes,
        }
    }

    /// Waits, at start-up, up to `limit` for a configured Redis to answer.
    pub async fn ready(&self, limit: std::time::Duration) -> bool {
        match &self.inner.shared {
            Some(shared) => shared.ready(limit).await,
            None => true,
        }
    }

    /// Whether a configured Redis answers now (`None` without one).
    pub fn redis_is_up(&self) -> Option<bool> {
        self.inner.shared.as_ref().map(Shared::is_up)
    }
}

fn answer<T: Serialize>(value: T, source: Source) -> Result<Cached<T>, AppError> {
    Ok(Cached {
        json: to_json(&value)?,
        source,
        of: PhantomData,
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<Bytes, AppError> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|e| {
        tracing::error!(error = %e, "an answer does not serialise");
        AppError::internal()
    })
}

/// A short, stable name for a query: the same on every instance and
/// every build, unlike `std`'s hasher.
fn query_hash(query: &impl Serialize) -> Option<[u8; 16]> {
    let text = serde_json::to_vec(query).ok()?;
    let digest = Sha256::digest(&text);
    let mut short = [0; 16];
    short.copy_from_slice(&digest[..16]);
    Some(short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_queries_hash_alike_and_different_ones_do_not() {
        #[derive(Serialize)]
        struct Q<'a> {
            q: Option<&'a str>,
            limit: u64,
        }
        let a = query_hash(&Q {
            q: Some("tea"),
            limit: 50,
        });
        assert_eq!(
            a,
            query_hash(&Q {
                q: Some("tea"),
                limit: 50
            })
        );
        assert_ne!(
            a,
            query_hash(&Q {
                q: Some("tea"),
                limit: 51
            })
        );
        assert_ne!(a, query_hash(&Q { q: None, limit: 50 }));
    }
}
