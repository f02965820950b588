//! The store's change feed: a gapless, store-scoped `seq` per change. The
//! `seq` is handed out by the transaction's [`Ledger`](super::ledger::Ledger)
//! under the store row's lock, which is held to commit, so changes become
//! visible in `seq` order and a till pulling "after N" can never skip one.

use crate::domain::mutation::EntityKind;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedOp {
    /// A record that did not exist before (an upsert in the feed).
    Create,
    Upsert,
    /// A tombstone: the record was deleted.
    Delete,
}

impl FeedOp {
    /// As the feed and the pull spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedOp::Create | FeedOp::Upsert => "upsert",
            FeedOp::Delete => "delete",
        }
    }
}

#[derive(Clone, Debug)]
pub struct FeedEntry {
    pub entity: EntityKind,
    pub id: Uuid,
    pub op: FeedOp,
    pub version: i64,
}
