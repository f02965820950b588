//! Asking Redis in rounds: requests that want the same generation at the
//! same time share one GET, so a busy store's reads cost Redis (and the
//! two cores it shares with the server) one command per round instead of
//! one per request.
//!
//! Freshness is kept: a request joins the *next* round, never one already
//! under way, so the answer it gets was read after it arrived and sees
//! every bump committed before then, exactly as its own GET would.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

pub struct Rounds<K, V> {
    /// The keys with a round under way, and who waits for the next one.
    waiting: Arc<Mutex<HashMap<K, Vec<oneshot::Sender<V>>>>>,
}

impl<K, V> Default for Rounds<K, V> {
    fn default() -> Self {
        Rounds {
            waiting: Arc::default(),
        }
    }
}

impl<K, V> Rounds<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + 'static,
{
    /// What `ask` answers in a round that starts after this call. The
    /// rounds run on their own task, so a caller that goes away never
    /// leaves the others waiting. `None` only if a round's task panicked.
    pub async fn ask<F, Fut>(&self, key: K, ask: F) -> Option<V>
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = V> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let first = {
            let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
            match waiting.get_mut(&key) {
                Some(next) => {
                    next.push(answer);
                    false
                }
                None => {
                    waiting.insert(key.clone(), vec![answer]);
                    true
                }
            }
        };
        if first {
            tokio::spawn(run_rounds(self.waiting.clone(), key, ask));
        }
        answered.await.ok()
    }
}

/// One round after another while anyone waits: take the waiting, ask,
/// answer them all.
async fn run_rounds<K, V, F, Fut>(
    waiting: Arc<Mutex<HashMap<K, Vec<oneshot::Sender<V>>>>>,
    key: K,
    ask: F,
) where
    K: Hash + Eq + Send + Sync,
    V: Clone + Send,
    F: Fn() -> Fut + Send,
    Fut: Future<Output = V> + Send,
{
    // Should `ask` panic, the round's waiters are dropped with it (they see
    // `None`) and the key is freed for the next caller.
    struct Free<'a, K: Hash + Eq, V> {
        waiting: &'a Mutex<HashMap<K, Vec<oneshot::Sender<V>>>>,
        key: &'a K,
        freed: bool,
    }
    impl<K: Hash + Eq, V> Drop for Free<'_, K, V> {
        fn drop(&mut self) {
            if !self.freed {
                self.waiting
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(self.key);
            }
        }
    }
    let mut free = Free {
        waiting: &waiting,
        key: &key,
        freed: false,
    };
    loop {
        let round = {
            let mut all = waiting.lock().unwrap_or_else(|p| p.into_inner());
            match all.get_mut(&key) {
                Some(next) if !next.is_empty() => std::mem::take(next),
                _ => {
                    // Under the same lock that saw nobody waiting: a caller
                    // arriving after it starts a round of its own instead of
                    // joining a queue nobody will answer.
                    all.remove(&key);
                    free.freed = true;
                    return;
                }
            }
        };
        let value = ask().await;
        for answer in round {
            let _ = answer.send(value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::sync::Semaphore;

    /// A Redis stand-in: each ask reads the counter once a permit lets it.
    struct Slow {
        counter: AtomicU64,
        asks: AtomicU64,
        permits: Semaphore,
    }

    fn asker(
        slow: &Arc<Slow>,
    ) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = u64> + Send>> + Send + 'static {
        let slow = slow.clone();
        move || {
            let slow = slow.clone();
            Box::pin(async move {
                slow.asks.fetch_add(1, Ordering::SeqCst);
                let value = slow.counter.load(Ordering::SeqCst);
                slow.permits.acquire().await.expect("open").forget();
                value
            })
        }
    }

    #[tokio::test]
    async fn callers_during_a_round_share_the_next_one_and_see_what_came_before_it() {
        let rounds: Arc<Rounds<u8, u64>> = Arc::default();
        let slow = Arc::new(Slow {
            counter: AtomicU64::new(1),
            asks: AtomicU64::new(0),
            permits: Semaphore::new(0),
        });
        let first = tokio::spawn({
            let (rounds, ask) = (rounds.clone(), asker(&slow));
            async move { rounds.ask(7, ask).await }
        });
        while slow.asks.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // A bump lands while the first round is under way: whoever asks
        // now must not be given that round's (older) value.
        slow.counter.store(2, Ordering::SeqCst);
        let later: Vec<_> = (0..5)
            .map(|_| {
                let (rounds, ask) = (rounds.clone(), asker(&slow));
                tokio::spawn(async move { rounds.ask(7, ask).await })
            })
            .collect();
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        slow.permits.add_permits(2);
        assert_eq!(first.await.unwrap(), Some(1));
        for caller in later {
            assert_eq!(caller.await.unwrap(), Some(2));
        }
        assert_eq!(
            slow.asks.load(Ordering::SeqCst),
            2,
            "five callers, one round"
        );
        // Nothing waits any more: the key is free and a new caller starts
        // a round of its own.
        slow.permits.add_permits(1);
        assert_eq!(rounds.ask(7, asker(&slow)).await, Some(2));
        assert_eq!(slow.asks.load(Ordering::SeqCst), 3);
        assert!(rounds.waiting.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn different_keys_do_not_wait_for_each_other() {
        let rounds: Rounds<u8, u64> = Rounds::default();
        let a = rounds.ask(1, || async { 10 });
        let b = rounds.ask(2, || async { 20 });
        assert_eq!(tokio::join!(a, b), (Some(10), Some(20)));
    }
}
