//! A store's running counters inside one write transaction: the next sale
//! number, the change feed's `seq` and the audit chain's head.
//!
//! They are claimed once, at the start (an UPDATE … RETURNING of the store
//! row, which on PostgreSQL holds the row lock to commit; SQLite already
//! holds its write lock from BEGIN IMMEDIATE), handed out in memory, and
//! written back at the end with the feed and audit rows in a few multi-row
//! statements. So a sale costs two statements on the store row instead of
//! six, and a push of 200 mutations costs two in all. Numbers stay gapless
//! and in commit order because no other writer can claim the row meanwhile.

use super::audit::{AuditDraft, audit_time, entry_hash};
use super::feed::{FeedEntry, FeedOp};
use super::realtime::{Announcement, AuditNote, ChangeNote, Committed, ConflictNote};
use super::{Actor, Db};
use crate::domain::cache::stale_after;
use crate::domain::ids::new_id;
use crate::domain::mutation::EntityKind;
use crate::server::audit_keys::{AuditKeys, Seal};
use crate::server::db::bulk::Together;
use crate::server::db::entities::{audit_entry, change, store};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryTrait,
};
use uuid::Uuid;

/// The entry a commit adds when it finds the head's seal broken.
pub const SEAL_BROKEN: &str = "audit.seal_broken";

#[derive(Debug)]
pub struct Ledger {
    store_id: Uuid,
    /// The store's setting, read with the counters so a sale need not.
    pub prices_include_tax: bool,
    sale_seq: i64,
    change_seq: i64,
    audit_seq: i64,
    audit_head: String,
    /// The audit head and its seal as claimed, checked before it is
    /// sealed again (`close`).
    found: FoundHead,
    changes: Vec<Fed>,
    audits: Vec<audit_entry::Model>,
    /// Conflicts stored or resolved, to announce after the commit.
    conflicts: Vec<ConflictNote>,
}

#[derive(Debug)]
struct FoundHead {
    seq: i64,
    head: String,
    seal: String,
    /// Sealing a head written before seals (start-up): not a break.
    resealing: bool,
}

/// A feed row, with what its event needs that the row does not keep.
#[derive(Debug)]
struct Fed {
    row: change::Model,
    /// It made its record (the event is `…:created`).
    created: bool,
    /// The record as the pull sends it, when the writer had it in hand.
    data: Option<serde_json::Value>,
}

/// Where the ledger stood before one mutation of a batch, to undo just it.
#[derive(Clone, Debug)]
pub struct Mark {
    sale_seq: i64,
    change_seq: i64,
    audit_seq: i64,
    audit_head: String,
    changes: usize,
    audits: usize,
    conflicts: usize,
}

impl Ledger {
    /// Locks the store row for `txn` and reads its counters.
    pub async fn claim(txn: &DatabaseTransaction, store_id: Uuid) -> Result<Self, DbErr> {
        let row = store::Entity::update_many()
            .col_expr(store::Column::SaleSeq, Expr::col(store::Column::SaleSeq))
            .filter(store::Column::Id.eq(store_id))
            .exec_with_returning(txn)
            .await?
            .pop()
            .ok_or_else(|| DbErr::RecordNotFound(format!("store {store_id}")))?;
        Ok(Ledger {
            store_id,
            prices_include_tax: row.prices_include_tax,
            sale_seq: row.sale_seq,
            change_seq: row.change_seq,
            audit_seq: row.audit_seq,
            found: FoundHead {
                seq: row.audit_seq,
                head: row.audit_head.clone(),
                seal: row.audit_seal,
                resealing: false,
            },
            audit_head: row.audit_head,
            changes: Vec::new(),
            audits: Vec::new(),
            conflicts: Vec::new(),
        })
    }

    /// This commit seals a head that has no seal (one written before
    /// seals), rather than finding a broken one.
    pub fn reseal(&mut self) {
        self.found.resealing = true;
    }

    /// A head found without its seal, or with one that does not match,
    /// is not sealed over as if nothing happened: an entry says what was
    /// found, and verify reports it from then on.
    fn check_found_head(&mut self, keys: &AuditKeys) {
        let found = &self.found;
        let first = found.seq == 0 && found.head.is_empty() && found.seal.is_empty();
        if first || found.resealing {
            return;
        }
        let seal = keys.check(self.store_id, found.seq, &found.head, &found.seal);
        if seal == Seal::Valid {
            return;
        }
        tracing::error!(store = %self.store_id, seq = found.seq, ?seal, "the audit head's seal does not match");
        let draft = AuditDraft {
            action: SEAL_BROKEN.into(),
            entity_type: "audit_log".into(),
            entity_id: None,
            before: Some(serde_json::json!({ "seq": found.seq, "head": found.head })),
            after: Some(serde_json::json!({ "seal": format!("{seal:?}") })),
        };
        self.audit(&Actor::system(self.store_id), draft, Utc::now());
    }

    /// The store's next sale number.
    pub fn next_sale_number(&mut self) -> i64 {
        self.sale_seq += 1;
        self.sale_seq
    }

    /// Puts `entries` on the feed; the last `seq` used (the current one if
    /// there were none).
    pub fn feed(&mut self, entries: &[FeedEntry], now: DateTime<Utc>) -> i64 {
        for e in entries {
            self.change_seq += 1;
            let row = change::Model {
                store_id: self.store_id,
                seq: self.change_seq,
                entity: e.entity.as_str().to_string(),
                entity_id: e.id,
                op: e.op.as_str().to_string(),
                version: e.version,
                created_at: now,
            };
            self.changes.push(Fed {
                row,
                created: e.op == FeedOp::Create,
                data: None,
            });
        }
        self.change_seq
    }

    /// Chains an audit entry onto the store's log.
    pub fn audit(&mut self, actor: &Actor, draft: AuditDraft, now: DateTime<Utc>) {
        self.audit_seq += 1;
        let mut entry = audit_entry::Model {
            id: new_id(),
            store_id: self.store_id,
            seq: self.audit_seq,
            action: draft.action,
            entity_type: draft.entity_type,
            entity_id: draft.entity_id,
            employee_id: actor.employee_id,
            ip: actor.meta.ip.clone(),
            user_agent: actor.meta.user_agent.clone(),
            request_id: actor.meta.request_id.clone(),
            before_state: draft.before,
            after_state: draft.after,
            created_at: audit_time(now),
            prev_hash: std::mem::take(&mut self.audit_head),
            hash: String::new(),
        };
        entry.hash = entry_hash(&entry);
        self.audit_head = entry.hash.clone();
        // Kept whole (a sale's is its receipt) and not copied: the close
        // writes it, and the announcement keeps only a note of it.
        self.audits.push(entry);
    }

    /// `record` is how the pull sends record `id` of `entity` after this
    /// transaction: its event carries it, so nobody reads it back. (Only
    /// its newest feed row here, and never for a tombstone.)
    pub fn carry(&mut self, entity: EntityKind, id: Uuid, record: &serde_json::Value) {
        if record.is_null() {
            return;
        }
        let newest = self
            .changes
            .iter_mut()
            .rev()
            .find(|f| f.row.entity_id == id && f.row.entity == entity.as_str());
        if let Some(fed) = newest
            && fed.row.op != FeedOp::Delete.as_str()
        {
            fed.data = Some(record.clone());
        }
    }

    /// A conflict was stored or resolved in this transaction.
    pub fn conflict(&mut self, note: ConflictNote) {
        self.conflicts.push(note);
    }

    pub fn mark(&self) -> Mark {
        Mark {
            sale_seq: self.sale_seq,
            change_seq: self.change_seq,
            audit_seq: self.audit_seq,
            audit_head: self.audit_head.clone(),
            changes: self.changes.len(),
            audits: self.audits.len(),
            conflicts: self.conflicts.len(),
        }
    }

    /// Forgets everything handed out since `mark` (its mutation was rolled
    /// back to a savepoint).
    pub fn rewind(&mut self, mark: Mark) {
        self.sale_seq = mark.sale_seq;
        self.change_seq = mark.change_seq;
        self.audit_seq = mark.audit_seq;
        self.audit_head = mark.audit_head;
        self.changes.truncate(mark.changes);
        self.audits.truncate(mark.audits);
        self.conflicts.truncate(mark.conflicts);
    }

    /// Writes the feed and audit rows and the store's new counters,
    /// commits `txn`, and only then moves the cached reads it made stale
    /// on and announces what it committed to the store's sockets
    /// (realtime): the one way a write transaction ends.
    pub async fn commit(self, txn: DatabaseTransaction, db: &Db) -> Result<(), DbErr> {
        self.commit_with(txn, db, Together::new()).await
    }

    /// `commit`, with `rows` the transaction added but has not written yet
    /// (a group of sales): they go in the same statement as the ledger's.
    pub async fn commit_with(
        self,
        txn: DatabaseTransaction,
        db: &Db,
        rows: Together,
    ) -> Result<(), DbErr> {
        let committed = self.close(&txn, db.audit_keys(), rows).await?;
        txn.commit().await?;
        // Before the writer hears back, so its next read is fresh.
        let stale = stale_after(committed.changes.iter().map(|c| c.entity));
        db.cache().written(committed.store_id, &stale).await;
        db.statistics().written(db.conn(), committed.changes.len());
        db.checkpoints().written();
        let announcement = Announcement::Committed(committed);
        db.sessions().forget(&announcement);
        db.realtime().announce(announcement);
        Ok(())
    }

    /// Writes the feed and audit rows and the store's new counters; what
    /// was written, to announce once the transaction commits.
    async fn close(
        mut self,
        txn: &DatabaseTransaction,
        keys: &AuditKeys,
        mut rows: Together,
    ) -> Result<Committed, DbErr> {
        self.check_found_head(keys);
        // The feed, the audit entries and the counters (and `rows`): one
        // statement.
        rows.rows(
            txn,
            self.changes
                .iter()
                .map(|f| f.row.clone().into_active_model())
                .collect(),
        )
        .await?;
        // The notes keep no states, so the entries go to the database whole
        // without a copy of each receipt.
        let audits: Vec<AuditNote> = self.audits.iter().map(audit_note).collect();
        rows.rows(
            txn,
            std::mem::take(&mut self.audits)
                .into_iter()
                .map(IntoActiveModel::into_active_model)
                .collect::<Vec<audit_entry::ActiveModel>>(),
        )
        .await?;
        let counters = store::Entity::update_many()
            .col_expr(store::Column::SaleSeq, Expr::value(self.sale_seq))
            .col_expr(store::Column::ChangeSeq, Expr::value(self.change_seq))
            .col_expr(store::Column::AuditSeq, Expr::value(self.audit_seq))
            .col_expr(
                store::Column::AuditSeal,
                Expr::value(keys.seal(self.store_id, self.audit_seq, &self.audit_head)),
            )
            .col_expr(store::Column::AuditHead, Expr::value(self.audit_head))
            .filter(store::Column::Id.eq(self.store_id))
            .build(txn.get_database_backend());
        rows.write(txn, Some(counters)).await?;
        Ok(Committed {
            store_id: self.store_id,
            feed_seq: self.change_seq,
            changes: self.changes.into_iter().filter_map(change_note).collect(),
            audits,
            conflicts: self.conflicts,
        })
    }
}

fn change_note(fed: Fed) -> Option<ChangeNote> {
    let c = fed.row;
    Some(ChangeNote {
        seq: c.seq,
        entity: EntityKind::parse(&c.entity)?,
        id: c.entity_id,
        op: c.op,
        version: c.version,
        created: fed.created,
        data: fed.data,
    })
}

fn audit_note(a: &audit_entry::Model) -> AuditNote {
    AuditNote {
        id: a.id,
        seq: a.seq,
        action: a.action.clone(),
        entity_type: a.entity_type.clone(),
        entity_id: a.entity_id,
        employee_id: a.employee_id,
        created_at: a.created_at,
    }
}
