//! Group commit for online sales (docs/ARCHITECTURE.md, "Group commit").
//!
//! Every write of a store claims the store's row (`Ledger::claim`) and
//! holds it through its commit, so one store's sales are written one after
//! another. Sold one transaction each, fifty busy tills wait on fifty
//! fsyncs in a row. Instead, the new sales of one store that arrive while
//! that store's previous group is being written wait together, and the
//! next group takes all of them (up to `MAX_GROUP`): one claim, the push's
//! batched INSERTs, one commit. A lone sale at a quiet till finds nobody
//! writing and goes at once; only after a group of several does the writer
//! wait a moment (`group_commit_wait_us`) for the tills it just answered.
//!
//! Each sale is checked, priced and numbered on its own and gets its own
//! answer, exactly as alone: a refused one is refused alone, a known id is
//! a replay. If the database refuses the group as a whole, each of its
//! sales is written again on its own, so only a culprit fails.
//!
//! The writer is a task per store that exists while the store has sales
//! waiting; a request that goes away does not take its group with it.

use super::ledger::Ledger;
use super::{Actor, Db, write_path};
use crate::domain::error::AppError;
use crate::domain::mutation::{Applied, Mutation};
use crate::server::db::bulk::Together;
use crate::server::error::DbResultExt;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::oneshot;
use uuid::Uuid;

/// Sales per group at most: as a push's chunk, which holds the store row
/// about as long as a cashier's tap takes to notice.
pub const MAX_GROUP: usize = 200;

type Answer = Result<Applied, AppError>;

/// A sale waiting for its store's writer.
struct Waiting {
    actor: Actor,
    mutation: Mutation,
    answer: oneshot::Sender<Answer>,
}

/// The sales waiting per store; a store is here while its writer runs.
#[derive(Clone, Default)]
pub struct Groups {
    stores: Arc<Mutex<HashMap<Uuid, Vec<Waiting>>>>,
    figures: Arc<Figures>,
    /// How long the writer waits after a group of several sales.
    wait: Duration,
}

/// Groups and sales written since start, on this instance.
#[derive(Default)]
struct Figures {
    groups: AtomicU64,
    sales: AtomicU64,
}

/// How much grouping happened: sales ÷ groups is the mean group size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GroupFigures {
    pub groups: u64,
    pub sales: u64,
}

impl Groups {
    pub fn new(wait: Duration) -> Groups {
        Groups {
            wait,
            ..Groups::default()
        }
    }

    fn stores(&self) -> MutexGuard<'_, HashMap<Uuid, Vec<Waiting>>> {
        // Nothing panics while holding it; a poisoned map is still whole.
        self.stores.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes new sale `mutation` with the other sales of its store that
    /// are waiting, and answers for it alone.
    pub(super) async fn apply(&self, db: &Db, actor: &Actor, mutation: Mutation) -> Answer {
        let (answer, answered) = oneshot::channel();
        let waiting = Waiting {
            actor: actor.clone(),
            mutation,
            answer,
        };
        let store = actor.store_id;
        let start_writer = {
            let mut stores = self.stores();
            match stores.get_mut(&store) {
                Some(queue) => {
                    queue.push(waiting);
                    false
                }
                None => {
                    stores.insert(store, vec![waiting]);
                    true
                }
            }
        };
        if start_writer {
            tokio::spawn(write_groups(self.clone(), db.clone(), store));
        }
        // Dropped unanswered only if the writer panicked.
        answered.await.unwrap_or_else(|_| Err(AppError::internal()))
    }

    pub fn figures(&self) -> GroupFigures {
        GroupFigures {
            groups: self.figures.groups.load(Ordering::Relaxed),
            sales: self.figures.sales.load(Ordering::Relaxed),
        }
    }

    /// The next group of `store`, or `None` (and the store leaves the map,
    /// under the same lock a newcomer takes) when nobody waits.
    fn next_group(&self, store: Uuid) -> Option<Vec<Waiting>> {
        let mut stores = self.stores();
        let queue = stores.get_mut(&store)?;
        if queue.is_empty() {
            stores.remove(&store);
            return None;
        }
        let n = queue.len().min(MAX_GROUP);
        self.figures.groups.fetch_add(1, Ordering::Relaxed);
        self.figures.sales.fetch_add(n as u64, Ordering::Relaxed);
        Some(queue.drain(..n).collect())
    }
}

/// Drops the store's queue if its writer dies (a panic), so the sales
/// waiting get an error instead of waiting for ever and the next sale
/// starts a new writer.
struct Writer {
    groups: Groups,
    store: Uuid,
    done: bool,
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.done {
            self.groups.stores().remove(&self.store);
        }
    }
}

/// Writes `store`'s groups one after another until nobody waits.
async fn write_groups(groups: Groups, db: Db, store: Uuid) {
    let mut writer = Writer {
        groups,
        store,
        done: false,
    };
    while let Some(group) = writer.groups.next_group(store) {
        let busy = group.len() > 1;
        write_group(&db, group).await;
        // The tills just answered are busy ones: give them a moment to
        // send their next sale, so they join the next group rather than
        // start one of their own while the rest wait behind it.
        if busy && !writer.groups.wait.is_zero() {
            tokio::time::sleep(writer.groups.wait).await;
        }
    }
    writer.done = true;
}

async fn write_group(db: &Db, group: Vec<Waiting>) {
    let started = std::time::Instant::now();
    let sales: Vec<(&Actor, &Mutation)> = group.iter().map(|w| (&w.actor, &w.mutation)).collect();
    let answers = match together(db, &sales).await {
        Ok(answers) => answers,
        Err(e) => {
            // The database refused the group as a whole: each on its own,
            // so only a culprit is refused.
            tracing::warn!(error = %e.message, sales = group.len(), "a group of sales failed; writing them one by one");
            let mut answers = Vec::with_capacity(group.len());
            for (actor, m) in sales {
                answers.push(write_path::apply_alone(db, actor, m.clone()).await);
            }
            answers
        }
    };
    tracing::debug!(
        sales = group.len(),
        took_ms = started.elapsed().as_secs_f64() * 1e3,
        "group written"
    );
    for (waiting, answer) in group.into_iter().zip(answers) {
        // The caller may have gone (a closed connection); the sale stands.
        let _ = waiting.answer.send(answer);
    }
}

/// One transaction for the group: one claim of the store row, the sales
/// written together, one commit.
async fn together(db: &Db, sales: &[(&Actor, &Mutation)]) -> Result<Vec<Answer>, AppError> {
    let Some((first, _)) = sales.first() else {
        return Ok(Vec::new());
    };
    let txn = write_path::begin(db.group_writer()).await.or_internal()?;
    let mut ledger = Ledger::claim(&txn, first.store_id).await.or_internal()?;
    let mut rows = Together::new();
    let answers =
        write_path::apply_sales_in(&txn, &mut ledger, first.store_id, sales, &mut rows).await?;
    // The sales go with the feed, audit and counters: one statement.
    ledger.commit_with(txn, db, rows).await.or_internal()?;
    Ok(answers)
}
