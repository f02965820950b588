//! Copying SQLite's write-ahead log back into the database file beside the
//! writers, not inside them.
//!
//! A commit on SQLite appends the pages it changed to the log; a checkpoint
//! copies them back. Left to itself SQLite checkpoints inside the commit
//! that takes the log past `wal_autocheckpoint` pages, so that group's
//! sales wait for the copy, and with checkout's groups (about 400 pages
//! each: every index keyed by product gets a page per product sold) that
//! was every third group. Here a task checkpoints after commits, at most
//! every `PAUSE`, on one of the pool's connections, while the group writer
//! goes on with the next group on the other core; the commits' own
//! checkpoint is kept only as a backstop (`db::WAL_BACKSTOP_PAGES`) that
//! bounds the log should this task fall behind. A checkpoint takes no
//! lock a writer waits for (`PASSIVE`), and the log starts again from its
//! beginning at the first write after one has copied all of it.
//! PostgreSQL checkpoints on its own and is left alone.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// The shortest time between two checkpoints: a few groups' pages go back
/// together, each page once however often it changed.
const PAUSE: Duration = Duration::from_millis(20);

#[derive(Clone, Default)]
pub struct Checkpoints {
    /// `None` where the database checkpoints on its own.
    inner: Option<Arc<Inner>>,
}

#[derive(Default)]
struct Inner {
    due: Notify,
    done: AtomicU64,
}

impl Checkpoints {
    /// Starts the checkpointing task if `conn` is SQLite.
    pub fn start(conn: &DatabaseConnection) -> Checkpoints {
        if conn.get_database_backend() != DbBackend::Sqlite {
            return Checkpoints::default();
        }
        let inner = Arc::new(Inner::default());
        tokio::spawn(checkpoint_after_commits(conn.clone(), inner.clone()));
        Checkpoints { inner: Some(inner) }
    }

    /// A commit appended to the log.
    pub fn written(&self) {
        if let Some(inner) = &self.inner {
            // One permit: commits during a checkpoint ask for one more.
            inner.due.notify_one();
        }
    }

    /// Checkpoints run since start.
    pub fn done(&self) -> u64 {
        self.inner
            .as_ref()
            .map_or(0, |inner| inner.done.load(Ordering::Relaxed))
    }
}

async fn checkpoint_after_commits(conn: DatabaseConnection, inner: Arc<Inner>) {
    loop {
        inner.due.notified().await;
        match conn
            .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
            .await
        {
            Ok(_) => {
                inner.done.fetch_add(1, Ordering::Relaxed);
            }
            // The commits' own checkpoint still bounds the log.
            Err(e) => {
                tracing::warn!(error = %e, "checkpoint failed; the log is copied back at the next")
            }
        }
        tokio::time::sleep(PAUSE).await;
    }
}
