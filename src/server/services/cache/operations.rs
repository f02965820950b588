//! What managers and owners do with the cache: read its figures (managers)
//! and clear it (owners). Clearing moves generations on, like a write: it
//! is instant, touches no key, and holds on every instance at once.

use super::super::audit::{self, AuditDraft};
use super::super::write_path::begin;
use super::super::{Actor, Db};
use crate::domain::cache::{CacheStats, CachedRead, Cleared};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::permissions::{Action, Subject};
use crate::server::error::DbResultExt;
use chrono::Utc;

pub async fn stats(db: &Db, actor: &Actor) -> Result<CacheStats, AppError> {
    actor.must(Subject::Cache, Action::Read)?;
    Ok(db.cache().stats().await)
}

/// Clears the actor's store's cached answers: all of them, or those of the
/// read named `which` (`products`, `customers`, …; another name is "not
/// found"). Audited as `cache.clear`.
pub async fn clear(db: &Db, actor: &Actor, which: Option<&str>) -> Result<Cleared, AppError> {
    actor.must(Subject::Cache, Action::Delete)?;
    let reads = match which {
        None => CachedRead::ALL.to_vec(),
        Some(name) => vec![CachedRead::parse(name).ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!(
                    "There is no cache called \"{name}\". Use one of: {}.",
                    CachedRead::ALL.map(CachedRead::as_str).join(", ")
                ),
            )
        })?],
    };
    let now = audit::audit_time(Utc::now());
    let txn = begin(db).await.or_internal()?;
    let draft = AuditDraft {
        action: "cache.clear".into(),
        entity_type: "cache".into(),
        entity_id: None,
        before: None,
        after: Some(serde_json::json!({ "cleared": reads })),
    };
    audit::append_and_commit(db, txn, actor, draft, now)
        .await
        .or_internal()?;
    db.cache().written(actor.store_id, &reads).await;
    Ok(Cleared { cleared: reads })
}
