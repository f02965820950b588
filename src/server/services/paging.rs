//! One page of a list query, with the total the pager shows.

use super::{Page, page_limit, page_offset};
use crate::domain::error::AppError;
use crate::server::error::DbResultExt;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect, Select};

/// The page a request asks for, as `(limit, offset)`: the size clamped,
/// the offset 0 when not given and never past what SQL's OFFSET holds. (Equal requests make equal cache keys.)
pub(super) fn window(limit: Option<u64>, offset: Option<u64>) -> (u64, u64) {
    (page_limit(limit), page_offset(offset))
}

/// The rows of `select` at `offset` (at most `limit`, clamped), in the
/// order `order` gives; the total is counted before ordering, so the
/// database need not sort what it only counts.
pub(super) async fn page_of<E>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    order: impl FnOnce(Select<E>) -> Select<E>,
    limit: Option<u64>,
    offset: Option<u64>,
) -> Result<Page<E::Model>, AppError>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let (limit, offset) = window(limit, offset);
    let total = select.clone().count(db).await.or_internal()?;
    let items = order(select)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await
        .or_internal()?;
    Ok(Page {
        items,
        total,
        limit,
        offset,
    })
}
