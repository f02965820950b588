//! The till's own database (IndexedDB, through rexie): what it must keep
//! when the page, the browser or the network goes away.
//!
//! Schema v1:
//! - `outbox`: mutations not yet confirmed by the server, by `mutation_id`
//!   (counted up by one per till, in the same transaction as the entry, so
//!   the server never sees a gap);
//! - `kept`: mutations the server refused, with the reason, for review;
//! - `sales`: receipts rung up on this till;
//! - `meta`: the till's client id and its next mutation id.
//!
//! A later version adds its stores in `upgrade`; opening never drops one.

use crate::domain::ids::new_id;
use crate::domain::mutation::Mutation;
use crate::domain::sale_record::Sale;
use crate::domain::sync::PushedMutation;
use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::rc::Rc;
use uuid::Uuid;
use wasm_bindgen::JsValue;

const NAME: &str = "tillwise";
const SCHEMA: u32 = 1;
const OUTBOX: &str = "outbox";
const KEPT: &str = "kept";
const SALES: &str = "sales";
const META: &str = "meta";

/// Why the till could not keep something.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    /// The device's storage is full: nothing was written.
    Full,
    Failed(String),
}

impl StoreError {
    pub fn message(&self) -> String {
        match self {
            StoreError::Full => "This till's storage is full, so the sale was NOT recorded. \
                Free some space on the device (or connect it so queued sales can be sent), then try again."
                .into(),
            StoreError::Failed(why) => format!("This till could not save the sale ({why}). It was NOT recorded."),
        }
    }
}

impl From<rexie::Error> for StoreError {
    fn from(e: rexie::Error) -> Self {
        let text = e.to_string();
        if text.contains("Quota") {
            StoreError::Full
        } else {
            StoreError::Failed(text)
        }
    }
}

thread_local! {
    static DB: RefCell<Option<Rc<Rexie>>> = const { RefCell::new(None) };
}

async fn db() -> Result<Rc<Rexie>, StoreError> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let db = Rc::new(
        Rexie::builder(NAME)
            .version(SCHEMA)
            .add_object_store(ObjectStore::new(OUTBOX).key_path("mutation_id"))
            .add_object_store(ObjectStore::new(KEPT).key_path("mutation_id"))
            .add_object_store(ObjectStore::new(SALES).key_path("id"))
            .add_object_store(ObjectStore::new(META))
            .build()
            .await?,
    );
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, StoreError> {
    let text = serde_json::to_string(value).map_err(|e| StoreError::Failed(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| StoreError::Failed("bad JSON".into()))
}

fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    let text = js_sys::JSON::stringify(&value).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

async fn committed(tx: rexie::Transaction) -> Result<(), StoreError> {
    if tx.done().await?.is_committed() {
        Ok(())
    } else {
        Err(StoreError::Failed("the change was not saved".into()))
    }
}

/// This till's id for the sync protocol, made on first use.
pub async fn client_id() -> Result<Uuid, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[META], TransactionMode::ReadWrite)?;
    let meta = tx.store(META)?;
    let key = JsValue::from_str("client_id");
    let id = match meta.get(key.clone()).await?.and_then(from_js::<Uuid>) {
        Some(id) => id,
        None => {
            let id = new_id();
            meta.put(&to_js(&id)?, Some(&key)).await?;
            id
        }
    };
    committed(tx).await?;
    Ok(id)
}

/// Queues `mutation` (and keeps `receipt`, for a sale) in one transaction:
/// either the till has both, or neither and an error to show.
pub async fn queue(mutation: Mutation, receipt: Option<&Sale>) -> Result<i64, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[META, OUTBOX, SALES], TransactionMode::ReadWrite)?;
    let meta = tx.store(META)?;
    let key = JsValue::from_str("next_mutation_id");
    let mutation_id = meta
        .get(key.clone())
        .await?
        .and_then(from_js::<i64>)
        .unwrap_or(1);
    let entry = PushedMutation {
        mutation_id,
        entity: mutation.entity,
        op: mutation.op,
        id: mutation.id,
        base_version: mutation.base_version,
        base: None,
        data: mutation.data,
    };
    tx.store(OUTBOX)?.add(&to_js(&entry)?, None).await?;
    meta.put(&to_js(&(mutation_id + 1))?, Some(&key)).await?;
    if let Some(sale) = receipt {
        tx.store(SALES)?.put(&to_js(sale)?, None).await?;
    }
    committed(tx).await?;
    Ok(mutation_id)
}

/// The oldest `limit` entries waiting to be pushed, in order.
pub async fn waiting(limit: u32) -> Result<Vec<PushedMutation>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadOnly)?;
    let rows = tx.store(OUTBOX)?.get_all(None, Some(limit)).await?;
    Ok(rows.into_iter().filter_map(from_js).collect())
}

/// How many entries wait in the outbox, and how many were refused.
pub async fn counts() -> Result<(u32, u32), StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX, KEPT], TransactionMode::ReadOnly)?;
    let waiting = tx.store(OUTBOX)?.count(None).await?;
    let kept = tx.store(KEPT)?.count(None).await?;
    Ok((waiting, kept))
}

/// A refused mutation, kept with the reason the server gave.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Kept {
    #[serde(flatten)]
    pub mutation: PushedMutation,
    pub reason: String,
}

/// After a push: drops what the server has, moves what it refused to
/// `kept`; both in one transaction.
pub async fn settle(done: &[i64], kept: Vec<Kept>) -> Result<(), StoreError> {
    if done.is_empty() && kept.is_empty() {
        return Ok(());
    }
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX, KEPT], TransactionMode::ReadWrite)?;
    let outbox = tx.store(OUTBOX)?;
    for id in done {
        outbox.delete(JsValue::from_f64(*id as f64)).await?;
    }
    let store = tx.store(KEPT)?;
    for k in &kept {
        store.put(&to_js(k)?, None).await?;
        outbox
            .delete(JsValue::from_f64(k.mutation.mutation_id as f64))
            .await?;
    }
    committed(tx).await
}
