//! Brings the till's copy of the store up to date from
//! `GET /api/sync/pull`, page by page from its cursor: a new till gets a
//! snapshot, a till back from offline what it missed. Each page and its
//! cursor are applied in one IndexedDB transaction.

use super::store;
use crate::domain::sync::PullResponse;

/// Changes per page (the server sends at most 1,000).
const PAGE: u32 = 1_000;
/// Pages in a row found already overtaken before giving up for now.
const OVERTAKEN: u32 = 5;

/// Pulls until the till has everything; how many changes it applied, or
/// `None` when the server could not be reached or the till could not keep
/// a page (it tries again later). A page overtaken on its way (the socket
/// or another tab applied changes first) is pulled again from where the
/// copy now stands, so nothing after it is left out. While more than a
/// page is left, `progress` hears `(where the copy stands, where the store
/// stands)` after each page, and `None` at the end.
pub async fn pull_all(progress: impl Fn(Option<(i64, i64)>)) -> Option<usize> {
    let pulled = pull_pages(&progress).await;
    progress(None);
    pulled
}

async fn pull_pages(progress: &impl Fn(Option<(i64, i64)>)) -> Option<usize> {
    let mut applied = 0;
    let mut overtaken = 0;
    loop {
        let from = store::cursor().await.ok()?;
        let page = fetch(from).await?;
        if !store::apply_pulled(from, &page).await.ok()? {
            overtaken += 1;
            if overtaken >= OVERTAKEN {
                return Some(applied);
            }
            continue;
        }
        applied += page.changes.len();
        if !page.has_more || page.cursor <= from {
            return Some(applied);
        }
        if let Some(head) = page.head {
            progress(Some((page.cursor, head)));
        }
    }
}

async fn fetch(cursor: i64) -> Option<PullResponse> {
    let response =
        gloo_net::http::Request::get(&format!("/api/sync/pull?cursor={cursor}&limit={PAGE}"))
            .send()
            .await
            .ok()?;
    if !response.ok() {
        return None;
    }
    response.json::<PullResponse>().await.ok()
}
