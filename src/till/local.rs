//! The till's own copy of the store, as every screen uses it (docs/
//! ARCHITECTURE.md, "Two kinds of screens"): floor screens read records
//! from it and save through its outbox, the same online or offline. This
//! is the one way in: only the browser has a copy (`client::store`), so
//! while a page renders on the server every read here finds nothing and
//! every write is refused; screens read it through `LocalResource`, which
//! the server never runs.

use super::connection::ConnectionState;
use super::live::Live;
use super::toasts::Toasts;
use crate::domain::catalog::Product;
use crate::domain::conflict::ConflictReport;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::domain::parked::ParkedSale;
use crate::domain::sale_record::Sale;
use crate::domain::store::StoreSettings;
#[cfg(feature = "hydrate")]
use leptos::prelude::Update;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use uuid::Uuid;

#[cfg(not(feature = "hydrate"))]
const NO_COPY: &str = "Only a browser keeps a copy of the store.";

/// Starts the till's background work (the connection monitor and the sync
/// loop) after hydration: what the browser knows (offline, queued sales)
/// must not change the page before it matches the server's HTML.
pub fn start(state: ConnectionState, toasts: Toasts, live: Live) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        let owner = Owner::current();
        request_animation_frame(move || match owner {
            Some(owner) => owner.with(|| crate::client::start(state, toasts, live)),
            None => crate::client::start(state, toasts, live),
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (state, toasts, live);
}

/// Every record of `kind` on this till.
pub async fn records<T: DeserializeOwned>(kind: EntityKind) -> Result<Vec<T>, String> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::records(kind)
            .await
            .map_err(|e| e.message())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = kind;
        Err(NO_COPY.into())
    }
}

/// The records `ids` of `kind` as the till's copy has them now (those it
/// lacks are left out): a screen showing the server's answer takes what
/// changed since from here.
pub async fn records_with_ids<T: DeserializeOwned>(kind: EntityKind, ids: Vec<Uuid>) -> Vec<T> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::records_with_ids(kind, &ids)
            .await
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (kind, ids);
        Vec::new()
    }
}

/// A receipt rung up on this till, as the till keeps it now: numbered
/// once the server has the sale.
pub async fn receipt(id: Uuid) -> Option<Sale> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::receipt(id).await.ok().flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// Puts a sale aside on this till, kept through a reload or a crash.
pub async fn park(sale: ParkedSale) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::park(&sale)
            .await
            .map_err(|e| e.message())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = sale;
        Err(NO_COPY.into())
    }
}

/// The sales put aside on this till, oldest first.
pub async fn parked() -> Vec<ParkedSale> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::parked().await.unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

/// Takes a parked sale back to ring it up; `None` when it is gone
/// (resumed meanwhile in another tab).
pub async fn unpark(id: Uuid) -> Result<Option<ParkedSale>, String> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::unpark(id)
            .await
            .map_err(|e| e.message())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        Err(NO_COPY.into())
    }
}

/// The store's settings as the till's copy has them (pulled from the
/// feed like every record), if it has them yet.
pub async fn store_settings() -> Option<StoreSettings> {
    records::<StoreSettings>(EntityKind::StoreSettings)
        .await
        .ok()?
        .into_iter()
        .next()
}

/// The active product with this barcode in the till's copy, if any.
pub async fn product_by_barcode(code: &str) -> Option<Product> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::product_by_barcode(code)
            .await
            .ok()
            .flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = code;
        None
    }
}

/// Active products of the till's copy whose name, SKU or barcode holds
/// every word of `q`, in `category` if given, by name: the checkout's grid
/// when the server cannot be reached. (A future a server resource can
/// hold: the browser's own is not `Send`, and never leaves its thread.)
pub fn find_products(
    q: String,
    category: Option<Uuid>,
    limit: usize,
) -> impl Future<Output = Result<Vec<Product>, String>> + Send {
    #[cfg(feature = "hydrate")]
    {
        send_wrapper::SendWrapper::new(async move {
            crate::client::store::find_products(&q, category, limit)
                .await
                .map_err(|e| e.message())
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (q, category, limit);
        std::future::ready(Err(NO_COPY.to_string()))
    }
}

/// A change to one record of the till's copy: it was `before` (`None`:
/// new) and becomes `after` (`None`: removed).
pub struct Change<T> {
    pub entity: EntityKind,
    pub id: Uuid,
    pub before: Option<T>,
    pub after: Option<T>,
}

/// Saves `mutation` on this till: the record changes here at once and the
/// mutation waits in the outbox, in one transaction; then the sync loop is
/// woken to send it. An error means nothing was saved.
pub async fn save<T: Serialize>(
    connection: ConnectionState,
    mutation: Mutation,
    change: Change<T>,
) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        let json = |v: Option<T>| v.and_then(|v| serde_json::to_value(v).ok());
        let local = crate::client::store::Local::Record {
            entity: change.entity,
            id: change.id,
            before: json(change.before),
            after: json(change.after),
        };
        queued(connection, mutation, local).await?;
        connection.records_changed();
        Ok(())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (connection, mutation, change);
        Err(NO_COPY.into())
    }
}

/// Keeps a sale on this till: its outbox entry and its receipt, in one
/// transaction, then wakes the sync loop. An error (a full disk, say)
/// means nothing was kept and the receipt must not show.
pub async fn sell(
    connection: ConnectionState,
    mutation: Mutation,
    receipt: &Sale,
) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        let local = crate::client::store::Local::Receipt(receipt);
        queued(connection, mutation, local).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (connection, mutation, receipt);
        Err(NO_COPY.into())
    }
}

#[cfg(feature = "hydrate")]
async fn queued(
    connection: ConnectionState,
    mutation: Mutation,
    local: crate::client::store::Local<'_>,
) -> Result<(), String> {
    crate::client::store::queue(mutation, local)
        .await
        .map_err(|e| e.message())?;
    connection.pending.update(|p| *p += 1);
    connection.sync_now();
    Ok(())
}

/// What the server refused of this till's changes, with its reasons, as
/// (what, which record, why).
pub async fn refused() -> Vec<(String, String, String)> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::kept()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|k| {
                let m = &k.queued.mutation;
                (m.entity.noun().to_string(), m.id.to_string(), k.reason)
            })
            .collect()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

/// The conflicts this till's edits ran into, oldest first.
pub async fn conflicts() -> Vec<ConflictReport> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::conflicts().await.unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

/// Keeps a conflict from a 409 on this till until it is resolved; false
/// when the till could not (the server keeps it for the managers anyway).
pub async fn keep_conflict(report: &ConflictReport) -> bool {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::keep_conflict(report).await.is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = report;
        false
    }
}

/// Drops a resolved conflict from this till's list, recounts, and fetches
/// the record as it now is. A copy left behind is harmless: resolving it
/// again is answered "already resolved", which drops it.
pub async fn forget_conflict(connection: ConnectionState, conflict_id: Uuid) {
    #[cfg(feature = "hydrate")]
    {
        let _ = crate::client::store::forget_conflict(conflict_id).await;
        crate::client::refresh_counts(connection).await;
        connection.sync_now();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (connection, conflict_id);
}

/// Switches to the new version waiting in the service worker.
pub fn activate_update() {
    #[cfg(feature = "hydrate")]
    crate::client::activate_update();
}

/// Asks the service worker to keep the floor screens as the server renders
/// them for whoever is signed in, so each opens offline after a reload.
pub fn keep_floor_screens() {
    #[cfg(feature = "hydrate")]
    crate::client::keep_floor_screens();
}
