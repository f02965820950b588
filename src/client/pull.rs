//! Brings the till's copy of the store up to date from
//! `GET /api/sync/pull`, page by page from its cursor: a new till gets a
//! snapshot, a till back from offline what it missed. Each page and its
//! cursor are applied in one IndexedDB transaction.

use super::store;
use crate::domain::sync::PullResponse;

/// Changes per page (the server sends at most 1,000).
const PAGE: u32 = 1_000;

/// Pulls until the till has everything; false when the server could not
/// be reached or the till could not keep a page (it tries again later).
pub async fn pull_all() -> bool {
    loop {
        let Ok(from) = store::cursor().await else {
            return false;
        };
        let Some(page) = fetch(from).await else {
            return false;
        };
        if store::apply_pulled(from, &page).await.is_err() {
            return false;
        }
        if !page.has_more || page.cursor <= from {
            return true;
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
