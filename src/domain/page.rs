use serde::{Deserialize, Serialize};

/// One page of a list, with the total count for the pager.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
}

/// Clamps a requested page size to 1..=200 (default 50).
pub fn page_limit(limit: Option<u64>) -> u64 {
    limit.unwrap_or(50).clamp(1, 200)
}

/// A requested offset (default 0), at most what a database's signed 64-bit
/// OFFSET holds: any further is past every row anyway, so the page is
/// empty rather than the query impossible.
pub fn page_offset(offset: Option<u64>) -> u64 {
    offset.unwrap_or(0).min(i64::MAX as u64)
}

impl<T> Page<T> {
    /// The same page with each item turned into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            limit: self.limit,
            offset: self.offset,
        }
    }
}
