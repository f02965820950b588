//! The cache on Redis, shared by every instance: generations as counters
//! (`<prefix>:cache:gen:<store>:<read>`, one `INCR` per read a write makes
//! stale) and answers under keys that name the generation they were read
//! at (`<prefix>:cache:v:<run>:<store>:<read>:<generation>:<query>`, with
//! the read's TTL).
//!
//! Redis is trusted only while it is known to answer: each second this
//! instance asks for Redis's `run_id` (it changes when Redis restarts, and
//! a restarted Redis may hold old counters next to old answers, so the
//! run is part of every answer's key). While Redis does not answer, reads
//! go to the database; a bump that failed is kept and made again, before
//! reads use Redis again. One warning per outage.

use super::local::{Generation, Key};
use super::rounds::Rounds;
use crate::domain::cache::CachedRead;
use bytes::Bytes;
use fred::prelude::*;
use fred::types::{Expiration, InfoKind};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// A cache command that takes longer than this counts as Redis down.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(250);
/// How often Redis is asked whether it is (still) the same Redis.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// The most answers the stats count, per call.
const COUNT_AT_MOST: usize = 100_000;

#[derive(Clone)]
pub struct Shared {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    prefix: String,
    trust: RwLock<Trust>,
    /// Bumps Redis did not take: made again before it is trusted again.
    pending: Mutex<HashSet<(Uuid, CachedRead)>>,
    outages: AtomicU64,
    ready: watch::Sender<bool>,
    rounds: Rounds<(Uuid, CachedRead), Option<Generation>>,
}

#[derive(Default)]
struct Trust {
    /// The run of the Redis answering, while it is trusted.
    run: Option<Arc<str>>,
    /// Counts failures, so a check that began before one cannot trust
    /// Redis after it.
    failures: u64,
}

impl Shared {
    /// Connects in the background, reconnecting for ever. Only a URL fred
    /// cannot use is an error.
    pub fn start(url: &str, prefix: &str) -> Result<Shared, fred::error::Error> {
        let config = Config {
            fail_fast: false,
            ..Config::from_url(url)?
        };
        let client = Builder::from_config(config)
            .with_connection_config(|c| {
                c.connection_timeout = Duration::from_secs(2);
                c.internal_command_timeout = Duration::from_secs(2);
            })
            .with_performance_config(|p| p.default_command_timeout = COMMAND_TIMEOUT)
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
            .build()?;
        let shared = Shared {
            inner: Arc::new(Inner {
                client,
                prefix: prefix.to_string(),
                trust: RwLock::default(),
                pending: Mutex::default(),
                outages: AtomicU64::new(0),
                ready: watch::channel(false).0,
                rounds: Rounds::default(),
            }),
        };
        tokio::spawn(watch(shared.inner.clone()));
        Ok(shared)
    }

    /// Waits up to `limit` for Redis to be trusted (start-up).
    pub async fn ready(&self, limit: Duration) -> bool {
        let mut ready = self.inner.ready.subscribe();
        tokio::time::timeout(limit, ready.wait_for(|r| *r))
            .await
            .is_ok()
    }

    /// The generation of `read` for `store`, or `None` while Redis is not
    /// trusted (the caller then reads the database). Callers at the same
    /// time share a round (`rounds`): one GET, read after each of them
    /// arrived.
    pub async fn generation(&self, store: Uuid, read: CachedRead) -> Option<Generation> {
        let inner = self.inner.clone();
        self.inner
            .rounds
            .ask((store, read), move || {
                let inner = inner.clone();
                async move { inner.generation(store, read).await }
            })
            .await
            .flatten()
    }

    /// The answer Redis holds under `key`, if any.
    pub async fn answer(&self, key: &Key) -> Option<Bytes> {
        let inner = &self.inner;
        let name = inner.answer_key(key)?;
        match inner.client.get::<Option<Bytes>, _>(name).await {
            Ok(json) => json,
            Err(e) => {
                inner.failed(&e.to_string());
                None
            }
        }
    }

    /// Keeps `json` under `key` for `ttl` seconds, without waiting.
    pub fn keep(&self, key: &Key, json: Bytes, ttl: u64) {
        let inner = self.inner.clone();
        let Some(name) = inner.answer_key(key) else {
            return;
        };
        let expire = Expiration::EX(i64::try_from(ttl).unwrap_or(i64::MAX));
        tokio::spawn(async move {
            if let Err(e) = inner
                .client
                .set::<(), _, _>(name, json, Some(expire), None, false)
                .await
            {
                inner.failed(&e.to_string());
            }
        });
    }

    /// Moves the generations of `reads` of `store` on (one INCR each, in
    /// one round trip). What Redis does not take is made again later.
    pub async fn bump(&self, store: Uuid, reads: &[CachedRead]) {
        let inner = &self.inner;
        let result = if inner.client.is_connected() {
            inner.incr(reads.iter().map(|r| (store, *r))).await
        } else {
            Err("not connected".to_string())
        };
        if let Err(e) = result {
            // Kept before Redis is distrusted, so the check that trusts it
            // again makes these first.
            inner
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(reads.iter().map(|r| (store, *r)));
            inner.failed(&e);
        }
    }

    pub fn is_up(&self) -> bool {
        self.inner.trusted().is_some()
    }

    pub fn outages(&self) -> u64 {
        self.inner.outages.load(Ordering::Relaxed)
    }

    /// Whether Redis answers, its memory use, and the answers it holds per
    /// read (counted by SCAN, up to a bound; never on a request's path).
    pub async fn held(
        &self,
    ) -> (
        &'static str,
        Option<u64>,
        Option<[u64; CachedRead::ALL.len()]>,
    ) {
        use futures_util::StreamExt;
        let inner = &self.inner;
        let Some(run) = inner.trusted() else {
            return ("down", None, None);
        };
        let memory = inner
            .client
            .info::<String>(Some(InfoKind::Memory))
            .await
            .ok()
            .and_then(|text| info_field(&text, "used_memory").and_then(|v| v.parse().ok()));
        let pattern = format!("{}:cache:v:{run}:*", inner.prefix);
        let mut held = [0u64; CachedRead::ALL.len()];
        let mut keys = Box::pin(
            inner
                .client
                .scan_buffered(pattern, Some(1_000), None)
                .take(COUNT_AT_MOST),
        );
        let counting = async {
            while let Some(Ok(key)) = keys.next().await {
                let read = key
                    .as_str()
                    .and_then(|k| k.split(':').rev().nth(2).and_then(CachedRead::parse));
                if let Some(read) = read {
                    held[read.index()] += 1;
                }
            }
        };
        let counted = tokio::time::timeout(Duration::from_secs(2), counting)
            .await
            .is_ok();
        ("ok", memory, counted.then_some(held))
    }
}

impl Inner {
    async fn generation(&self, store: Uuid, read: CachedRead) -> Option<Generation> {
        let run = self.trusted()?;
        match self
            .client
            .get::<Option<u64>, _>(self.generation_key(store, read))
            .await
        {
            Ok(number) => Some(Generation {
                redis_run: Some(run),
                number: number.unwrap_or(0),
            }),
            Err(e) => {
                self.failed(&e.to_string());
                None
            }
        }
    }

    fn generation_key(&self, store: Uuid, read: CachedRead) -> String {
        format!("{}:cache:gen:{store}:{}", self.prefix, read.as_str())
    }

    fn answer_key(&self, key: &Key) -> Option<String> {
        let run = key.generation.redis_run.as_deref()?;
        Some(format!(
            "{}:cache:v:{run}:{}:{}:{}:{}",
            self.prefix,
            key.store,
            key.read.as_str(),
            key.generation.number,
            hex::encode(key.query)
        ))
    }

    fn trust(&self) -> std::sync::RwLockReadGuard<'_, Trust> {
        self.trust.read().unwrap_or_else(|p| p.into_inner())
    }

    fn failures(&self) -> u64 {
        self.trust().failures
    }

    /// The run of the Redis answering, while it is trusted.
    fn trusted(&self) -> Option<Arc<str>> {
        if !self.client.is_connected() {
            return None;
        }
        self.trust().run.clone()
    }

    /// A command failed: reads go to the database until a check trusts
    /// Redis again. Logged once per outage.
    fn failed(&self, error: &str) {
        let mut trust = self.trust.write().unwrap_or_else(|p| p.into_inner());
        trust.failures += 1;
        if trust.run.take().is_some() || trust.failures == 1 {
            self.outages.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                error,
                "the cache's Redis does not answer; reads go to the database until it is back"
            );
        }
        self.ready.send_replace(false);
    }

    async fn incr(&self, bumps: impl Iterator<Item = (Uuid, CachedRead)>) -> Result<(), String> {
        let pipeline = self.client.pipeline();
        let mut any = false;
        for (store, read) in bumps {
            any = true;
            pipeline
                .incr::<(), _>(self.generation_key(store, read))
                .await
                .map_err(|e| e.to_string())?;
        }
        if !any {
            return Ok(());
        }
        pipeline
            .all::<Vec<i64>>()
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// Asks Redis which run it is; makes the bumps it missed; trusts it if
    /// nothing failed meanwhile.
    async fn check(&self) {
        let failures = self.failures();
        if !self.client.is_connected() {
            if self.trust().run.is_some() {
                self.failed("not connected");
            }
            return;
        }
        let run = match self.client.info::<String>(Some(InfoKind::Server)).await {
            Ok(text) => match info_field(&text, "run_id") {
                Some(id) => Arc::<str>::from(&id[..id.len().min(12)]),
                None => return,
            },
            Err(e) => return self.failed(&e.to_string()),
        };
        let missed: Vec<_> =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
                .into_iter()
                .collect();
        if let Err(e) = self.incr(missed.iter().copied()).await {
            self.pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(missed);
            return self.failed(&e);
        }
        let mut trust = self.trust.write().unwrap_or_else(|p| p.into_inner());
        if trust.failures != failures {
            return; // something failed meanwhile: the next check decides
        }
        match &trust.run {
            Some(old) if *old == run => {}
            Some(_) => tracing::info!("the cache's Redis restarted; its old answers are not used"),
            None if failures > 0 => tracing::info!("the cache's Redis is back"),
            None => {}
        }
        trust.run = Some(run);
        drop(trust);
        self.ready.send_replace(true);
    }
}

/// Watches the connection: distrusts Redis on any connection error, checks
/// it every second.
async fn watch(inner: Arc<Inner>) {
    let mut errors = inner.client.error_rx();
    let _connection = inner.client.connect();
    let _ = tokio::time::timeout(Duration::from_secs(2), inner.client.wait_for_connect()).await;
    let mut tick = tokio::time::interval(CHECK_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            error = errors.recv() => match error {
                Ok((e, _)) => inner.failed(&e.to_string()),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            },
            _ = tick.tick() => inner.check().await,
        }
    }
}

/// `name:value` from an INFO answer.
fn info_field(text: &str, name: &str) -> Option<String> {
    text.lines()
        .find_map(|line| line.trim().strip_prefix(name)?.strip_prefix(':'))
        .map(|v| v.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::info_field;

    #[test]
    fn reads_a_field_of_info() {
        let text = "# Server\r\nredis_version:7.0.15\r\nrun_id:abc123\r\nrun_id_x:no\r\n";
        assert_eq!(info_field(text, "run_id").as_deref(), Some("abc123"));
        assert_eq!(info_field(text, "missing"), None);
    }
}
