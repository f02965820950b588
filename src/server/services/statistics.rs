//! Planner statistics for a young database (PostgreSQL).
//!
//! PostgreSQL plans by what it last learned of a table's size. A new
//! deployment's tables were last looked at empty, and the plans cached
//! then (a foreign-key check that scans the whole of `sales`, say) stay
//! while the tables grow: a store's first push of 10,000 sales took seven
//! times as long as the same push a day later. Autovacuum fixes that, but
//! only after a minute and 10 % growth, which a young store outruns.
//!
//! So each instance analyses the tables the write path fills at start-up
//! and again whenever the rows it has put on the feed since the last time
//! have doubled what they were then (from `FIRST` on): a handful of cheap
//! ANALYZEs while a store is young, then none, as autovacuum takes over.
//! SQLite plans well without statistics and is left alone.
//!
//! These ANALYZEs sample a tenth of the rows a full one does
//! (`QUICK_TARGET`): what the plans of a young store were missing is the
//! tables' sizes, which a small sample measures as well, and the later
//! ANALYZEs ran for 90–190 ms of one of two cores while the store was
//! selling at full speed (in the checkout benchmark, the slowest sales
//! were the ones sold meanwhile). Autovacuum's own ANALYZE, after 10 %
//! growth, gathers the full statistics.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Feed rows written before the first ANALYZE after start-up.
const FIRST: u64 = 500;

/// The statistics target of these ANALYZEs (PostgreSQL's default is 100;
/// it samples 300 rows per unit).
const QUICK_TARGET: u32 = 10;

/// The tables the write path fills, in the order they are analysed.
const TABLES: &str = "sales, sale_lines, payments, stock_moves, changes, audit_log, \
     sync_results, sync_clients, products, customers, credits";

#[derive(Clone, Default)]
pub struct Statistics {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Feed rows committed by this instance since start.
    written: AtomicU64,
    /// `written` when the next ANALYZE is due.
    due_at: AtomicU64,
    running: AtomicBool,
    analysed: AtomicU64,
}

impl Statistics {
    /// Analyses once now (start-up: migrations may have made the tables,
    /// or a restore filled them), in the background.
    pub fn start(&self, conn: &DatabaseConnection) {
        self.inner.due_at.store(FIRST, Ordering::Relaxed);
        if !self.inner.running.swap(true, Ordering::AcqRel) {
            self.analyse(conn);
        }
    }

    /// A commit put `rows` on the feed.
    pub fn written(&self, conn: &DatabaseConnection, rows: usize) {
        let inner = &self.inner;
        let written = inner.written.fetch_add(rows as u64, Ordering::Relaxed) + rows as u64;
        let due = inner.due_at.load(Ordering::Relaxed);
        // One at a time: while one runs, a later commit asks again.
        if due == 0 || written < due || inner.running.swap(true, Ordering::AcqRel) {
            return;
        }
        inner.due_at.store(written * 2, Ordering::Relaxed);
        self.analyse(conn);
    }

    /// ANALYZEs run since start.
    pub fn analysed(&self) -> u64 {
        self.inner.analysed.load(Ordering::Relaxed)
    }

    /// Runs ANALYZE in the background; the caller set `running`.
    fn analyse(&self, conn: &DatabaseConnection) {
        let inner = self.inner.clone();
        if conn.get_database_backend() != DbBackend::Postgres {
            inner.running.store(false, Ordering::Release);
            return;
        }
        let conn = conn.clone();
        tokio::spawn(async move {
            // ANALYZE takes no lock a write waits for. Sent as one query,
            // the two run in one transaction, so the setting ends with it.
            let sql =
                format!("SET LOCAL default_statistics_target = {QUICK_TARGET}; ANALYZE {TABLES}");
            match conn.execute_unprepared(&sql).await {
                Ok(_) => {
                    inner.analysed.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "ANALYZE failed; the planner keeps its old statistics")
                }
            }
            inner.running.store(false, Ordering::Release);
        });
    }
}
