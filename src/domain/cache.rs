//! The server's cache of reads, as data: which reads are cached, which
//! writes make which of them out of date, and the figures the System page
//! shows. The cache itself (Redis or in-process) is server-side.

use super::mutation::EntityKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A read worth caching: a list or a summary a screen asks for often.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CachedRead {
    /// Product lists and searches.
    Products,
    /// Customer lists and searches.
    Customers,
    /// The sales history list.
    Sales,
    Categories,
    /// The sales report (takings, cashiers, top customers, low stock).
    Reports,
    /// The store's settings.
    Settings,
}

impl CachedRead {
    pub const ALL: [CachedRead; 6] = [
        CachedRead::Products,
        CachedRead::Customers,
        CachedRead::Sales,
        CachedRead::Categories,
        CachedRead::Reports,
        CachedRead::Settings,
    ];

    /// Its name in keys, settings and `DELETE /api/cache/{name}`.
    pub fn as_str(self) -> &'static str {
        match self {
            CachedRead::Products => "products",
            CachedRead::Customers => "customers",
            CachedRead::Sales => "sales",
            CachedRead::Categories => "categories",
            CachedRead::Reports => "reports",
            CachedRead::Settings => "settings",
        }
    }

    pub fn parse(name: &str) -> Option<CachedRead> {
        CachedRead::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Its place in a per-read array.
    pub fn index(self) -> usize {
        self as usize
    }

    /// What the System page calls it.
    pub fn label(self) -> &'static str {
        match self {
            CachedRead::Products => "Products",
            CachedRead::Customers => "Customers",
            CachedRead::Sales => "Sales history",
            CachedRead::Categories => "Categories",
            CachedRead::Reports => "Reports",
            CachedRead::Settings => "Store settings",
        }
    }
}

/// The cached reads a committed change to a record of `kind` can make out
/// of date. A sale's stock and customer totals reach the feed as product
/// and customer changes of their own; they are named here too, so the
/// rule does not hang on how a sale is written.
pub fn made_stale_by(kind: EntityKind) -> &'static [CachedRead] {
    use CachedRead::*;
    match kind {
        // Reports list products low on stock.
        EntityKind::Product | EntityKind::StockMove => &[Products, Reports],
        EntityKind::Category => &[Categories],
        // Sales show who rang them up and for whom; reports name both.
        EntityKind::Employee => &[Sales, Reports],
        EntityKind::Customer => &[Customers, Sales, Reports],
        EntityKind::Sale => &[Sales, Reports, Products, Customers],
        // Payments on credit are takings in the report.
        EntityKind::Credit | EntityKind::CreditPayment => &[Reports],
        EntityKind::StoreSettings => &[Settings],
        EntityKind::Shift | EntityKind::ClockEvent | EntityKind::Note => &[],
    }
}

/// The reads that changes to `kinds` make stale, each once, in order.
pub fn stale_after(kinds: impl IntoIterator<Item = EntityKind>) -> Vec<CachedRead> {
    let mut stale = [false; CachedRead::ALL.len()];
    for kind in kinds {
        for read in made_stale_by(kind) {
            stale[read.index()] = true;
        }
    }
    CachedRead::ALL
        .into_iter()
        .filter(|r| stale[r.index()])
        .collect()
}

/// How one cached read has fared on this instance since it started.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReadFigures {
    /// The read's name, or `all` for the totals.
    pub kind: String,
    /// 0 when this read is not cached.
    pub ttl_seconds: u64,
    /// Answered from the cache.
    pub hits: u64,
    /// Answered by the database and then cached.
    pub misses: u64,
    /// Answered by the database without the cache: switched off, or Redis
    /// down.
    pub bypassed: u64,
    /// hits / (hits + misses); 0 before the first read.
    pub hit_ratio: f64,
    /// Entries held, where the backend can count them.
    pub keys: Option<u64>,
    /// Bytes held, where the backend knows.
    pub memory_bytes: Option<u64>,
}

impl ReadFigures {
    pub fn new(kind: &str, ttl_seconds: u64, hits: u64, misses: u64, bypassed: u64) -> Self {
        let asked = hits + misses;
        ReadFigures {
            kind: kind.to_string(),
            ttl_seconds,
            hits,
            misses,
            bypassed,
            hit_ratio: if asked == 0 {
                0.0
            } else {
                hits as f64 / asked as f64
            },
            keys: None,
            memory_bytes: None,
        }
    }
}

/// `GET /api/cache/stats`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CacheStats {
    /// `redis` (shared by every instance) or `memory` (this instance only).
    pub backend: String,
    /// For Redis: `ok` or `down` (reads then go to the database).
    pub redis: Option<String>,
    /// The counters are this instance's, since this instant.
    pub since: DateTime<Utc>,
    /// Times a configured Redis stopped answering.
    pub outages: u64,
    pub overall: ReadFigures,
    pub reads: Vec<ReadFigures>,
    /// Redis's own memory use, all keys (not only the cache's).
    pub redis_memory_bytes: Option<u64>,
}

/// `DELETE /api/cache/…`: what was cleared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Cleared {
    pub cleared: Vec<CachedRead>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in CachedRead::ALL {
            assert_eq!(CachedRead::parse(r.as_str()), Some(r));
            assert_eq!(CachedRead::ALL[r.index()], r);
        }
        assert_eq!(CachedRead::parse("store"), None);
    }

    #[test]
    fn a_sale_makes_stock_customers_sales_and_reports_stale() {
        let stale = stale_after([EntityKind::Sale]);
        for r in [
            CachedRead::Products,
            CachedRead::Customers,
            CachedRead::Sales,
            CachedRead::Reports,
        ] {
            assert!(stale.contains(&r), "{r:?}");
        }
        assert!(!stale.contains(&CachedRead::Settings));
    }

    #[test]
    fn each_read_is_made_stale_by_some_write() {
        let all = stale_after(EntityKind::ALL);
        assert_eq!(all, CachedRead::ALL.to_vec());
    }

    #[test]
    fn reads_are_named_once_however_many_changes() {
        let stale = stale_after([EntityKind::Product, EntityKind::StockMove, EntityKind::Sale]);
        let mut sorted = stale.clone();
        sorted.dedup();
        assert_eq!(stale, sorted);
    }

    #[test]
    fn the_hit_ratio_counts_hits_and_misses_only() {
        assert_eq!(ReadFigures::new("x", 1, 0, 0, 5).hit_ratio, 0.0);
        assert_eq!(ReadFigures::new("x", 1, 3, 1, 5).hit_ratio, 0.75);
    }
}
