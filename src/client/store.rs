//! The till's own database (IndexedDB, through rexie): what it must keep
//! when the page, the browser or the network goes away.
//!
//! Schema (v4):
//! - `outbox`: mutations not yet confirmed by the server, by `mutation_id`
//!   (counted up by one per till, in the same transaction as the entry, so
//!   the server never sees a gap);
//! - `kept`: mutations the server refused, with the reason, for review;
//! - `sales`: receipts rung up on this till;
//! - `records` (v2): the store's records pulled from the change feed, by
//!   `"entity:id"`, indexed by entity and by barcode;
//! - `meta`: the till's client id, its next mutation id, the pull cursor;
//! - `conflicts` (v3): conflicts this till's edits ran into, by
//!   `conflict_id`, until someone resolves them;
//! - `parked` (v4): sales put aside at this till, by the sale's `id`,
//!   until a cashier resumes one.
//!
//! Opening at a higher version creates the stores it lacks and keeps the
//! rest with their data. Every version must list every store: one left out
//! is deleted by the upgrade.

use crate::domain::catalog::Product;
use crate::domain::conflict::ConflictReport;
use crate::domain::ids::new_id;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::domain::parked::ParkedSale;
use crate::domain::sale_record::Sale;
use crate::domain::sync::{PullResponse, PushedMutation};
use rexie::{Index, ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::rc::Rc;
use uuid::Uuid;
use wasm_bindgen::JsValue;

const NAME: &str = "tillwise";
const SCHEMA: u32 = 4;
const OUTBOX: &str = "outbox";
const KEPT: &str = "kept";
const SALES: &str = "sales";
const META: &str = "meta";
const RECORDS: &str = "records";
const CONFLICTS: &str = "conflicts";
const PARKED: &str = "parked";

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
            StoreError::Full => "This till's storage is full, so this was NOT saved. \
                Free some space on the device (or connect it so queued changes can be sent), then try again."
                .into(),
            StoreError::Failed(why) => format!("This till could not save this ({why}). It was NOT saved."),
        }
    }
}

impl From<rexie::Error> for StoreError {
    fn from(e: rexie::Error) -> Self {
        // Any failure may be a connection another tab's upgrade closed:
        // the next call opens a fresh one.
        DB.with(|d| d.borrow_mut().take());
        // rexie's own text is only "idb error"; the browser's exception
        // (its name, say QuotaExceededError, and message) is inside.
        let text = match &e {
            rexie::Error::IdbError(inner) => inner.to_string(),
            other => other.to_string(),
        };
        if text.contains("QuotaExceeded") {
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
            .add_object_store(
                ObjectStore::new(RECORDS)
                    .key_path("key")
                    .add_index(Index::new("entity", "entity"))
                    .add_index(Index::new("barcode", "barcode")),
            )
            .add_object_store(ObjectStore::new(CONFLICTS).key_path("conflict_id"))
            .add_object_store(ObjectStore::new(PARKED).key_path("id"))
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

/// This till's changes were answered as another device's: a tablet cloned
/// with this one's storage shares its sync id. Takes a new sync id and
/// numbers what waits from 1 again, in the same order, in one transaction
/// (the server expects a new id's numbers to start at 1 with no gap).
/// Sales carry their own ids, so one the server did record is answered
/// as a replay, never written twice.
pub async fn take_new_client_id() -> Result<Uuid, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[META, OUTBOX, KEPT], TransactionMode::ReadWrite)?;
    // Refused changes kept for review are keyed by their number too: the
    // ones numbered under the old id move below zero, out of the way of
    // the new numbers (a new refusal would overwrite one otherwise).
    let kept = tx.store(KEPT)?;
    let refused = kept.get_all(None, None).await?;
    let number = |entry: &JsValue| {
        js_sys::Reflect::get(entry, &JsValue::from_str("mutation_id"))
            .ok()
            .and_then(|n| n.as_f64())
            .unwrap_or(0.0)
    };
    let mut lowest = refused.iter().map(number).fold(0.0, f64::min);
    for entry in &refused {
        let old = number(entry);
        if old > 0.0 {
            lowest -= 1.0;
            kept.delete(JsValue::from_f64(old)).await?;
            js_sys::Reflect::set(
                entry,
                &JsValue::from_str("mutation_id"),
                &JsValue::from_f64(lowest),
            )
            .map_err(|_| StoreError::Failed("bad entry".into()))?;
            kept.add(entry, None).await?;
        }
    }
    let outbox = tx.store(OUTBOX)?;
    let waiting = outbox.get_all(None, None).await?;
    outbox.clear().await?;
    let mut next = 1i64;
    for entry in &waiting {
        js_sys::Reflect::set(
            entry,
            &JsValue::from_str("mutation_id"),
            &JsValue::from_f64(next as f64),
        )
        .map_err(|_| StoreError::Failed("bad entry".into()))?;
        outbox.add(entry, None).await?;
        next += 1;
    }
    let meta = tx.store(META)?;
    let id = new_id();
    meta.put(&to_js(&id)?, Some(&JsValue::from_str("client_id")))
        .await?;
    meta.put(
        &JsValue::from_f64(next as f64),
        Some(&JsValue::from_str("next_mutation_id")),
    )
    .await?;
    committed(tx).await?;
    Ok(id)
}

/// What a queued change does on the till itself, in the same transaction
/// as its outbox entry.
pub enum Local<'a> {
    /// A sale: its receipt joins the till's own list.
    Receipt(&'a Sale),
    /// A record of the till's copy changes from `before` (`None`: it is
    /// new) to `after` (`None`: it is gone), so the screens show the change
    /// at once, online or not. `before` also travels as the mutation's
    /// `base`, and is put back if the server refuses the change.
    Record {
        entity: EntityKind,
        id: Uuid,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    },
}

/// How to put the till's copy back if the server refuses a change.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Undo {
    key: String,
    before: Option<Record>,
}

/// An outbox entry as the till keeps it.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Queued {
    #[serde(flatten)]
    pub mutation: PushedMutation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<Undo>,
}

/// Queues `mutation` and does its `local` part in one transaction: either
/// the till has both, or neither and an error to show. A failure is tried
/// once more on a fresh connection (another tab's schema upgrade closes
/// this one); the failed attempt wrote nothing, so it is safe.
pub async fn queue(mutation: Mutation, local: Local<'_>) -> Result<i64, StoreError> {
    let mut entry = Queued {
        mutation: PushedMutation {
            mutation_id: 0,
            entity: mutation.entity,
            op: mutation.op,
            id: mutation.id,
            base_version: mutation.base_version,
            base: None,
            data: mutation.data,
        },
        undo: None,
    };
    // Everything is turned into JS values before the transaction opens:
    // an error between two of its requests would let it commit half.
    let (receipt, record) = match local {
        Local::Receipt(sale) => (Some(to_js(sale)?), None),
        Local::Record {
            entity,
            id,
            before,
            after,
        } => {
            let key = record_key(entity.as_str(), id);
            if entity == mutation.entity {
                entry.mutation.base = before.clone();
            }
            let before = before.map(|data| Record::new(entity.as_str(), id, data));
            entry.undo = Some(Undo {
                key: key.clone(),
                before,
            });
            let after = match after {
                Some(data) => Some(to_js(&Record::new(entity.as_str(), id, data))?),
                None => None,
            };
            (None, Some((JsValue::from_str(&key), after)))
        }
    };
    let entry = to_js(&entry)?;
    let write = Write {
        entry: &entry,
        receipt: receipt.as_ref(),
        record: record.as_ref().map(|(k, v)| (k, v.as_ref())),
    };
    match queue_once(&write).await {
        Ok(id) => Ok(id),
        Err(StoreError::Full) => Err(StoreError::Full),
        Err(_) => queue_once(&write).await,
    }
}

/// One queued change, as JS values ready to write.
struct Write<'a> {
    entry: &'a JsValue,
    receipt: Option<&'a JsValue>,
    /// The record's key, and its new value (`None`: delete it).
    record: Option<(&'a JsValue, Option<&'a JsValue>)>,
}

async fn queue_once(write: &Write<'_>) -> Result<i64, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[META, OUTBOX, SALES, RECORDS], TransactionMode::ReadWrite)?;
    let meta = tx.store(META)?;
    let key = JsValue::from_str("next_mutation_id");
    let mutation_id = meta
        .get(key.clone())
        .await?
        .and_then(from_js::<i64>)
        .unwrap_or(1);
    js_sys::Reflect::set(
        write.entry,
        &JsValue::from_str("mutation_id"),
        &JsValue::from_f64(mutation_id as f64),
    )
    .map_err(|_| StoreError::Failed("bad entry".into()))?;
    tx.store(OUTBOX)?.add(write.entry, None).await?;
    meta.put(&JsValue::from_f64((mutation_id + 1) as f64), Some(&key))
        .await?;
    if let Some(sale) = write.receipt {
        tx.store(SALES)?.put(sale, None).await?;
    }
    match write.record {
        Some((_, Some(record))) => {
            tx.store(RECORDS)?.put(record, None).await?;
        }
        Some((key, None)) => tx.store(RECORDS)?.delete(key.clone()).await?,
        None => {}
    }
    committed(tx).await?;
    Ok(mutation_id)
}

/// The oldest `limit` entries waiting to be pushed, in order.
pub async fn waiting(limit: u32) -> Result<Vec<Queued>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadOnly)?;
    let rows = tx.store(OUTBOX)?.get_all(None, Some(limit)).await?;
    Ok(rows.into_iter().filter_map(from_js).collect())
}

/// How many entries wait in the outbox, and how many were refused.
pub async fn counts() -> Result<Counts, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX, KEPT, CONFLICTS], TransactionMode::ReadOnly)?;
    Ok(Counts {
        waiting: tx.store(OUTBOX)?.count(None).await?,
        kept: tx.store(KEPT)?.count(None).await?,
        conflicts: tx.store(CONFLICTS)?.count(None).await?,
    })
}

/// What the till holds that is not sent or resolved yet.
pub struct Counts {
    pub waiting: u32,
    pub kept: u32,
    pub conflicts: u32,
}

/// Keeps a conflict (from a 409) until it is resolved.
pub async fn keep_conflict(report: &ConflictReport) -> Result<(), StoreError> {
    let entry = to_js(report)?;
    let db = db().await?;
    let tx = db.transaction(&[CONFLICTS], TransactionMode::ReadWrite)?;
    tx.store(CONFLICTS)?.put(&entry, None).await?;
    committed(tx).await
}

/// Puts a sale aside on this till (replacing one with the same id).
pub async fn park(sale: &ParkedSale) -> Result<(), StoreError> {
    let row = to_js(sale)?;
    let db = db().await?;
    let tx = db.transaction(&[PARKED], TransactionMode::ReadWrite)?;
    tx.store(PARKED)?.put(&row, None).await?;
    committed(tx).await
}

/// The sales put aside on this till, oldest first.
pub async fn parked() -> Result<Vec<ParkedSale>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[PARKED], TransactionMode::ReadOnly)?;
    let rows = tx.store(PARKED)?.get_all(None, None).await?;
    Ok(crate::domain::parked::oldest_first(
        rows.into_iter().filter_map(from_js).collect(),
    ))
}

/// Takes parked sale `id` back (read and removed in one transaction, so
/// two tabs of one till never both resume it); `None` if it is gone.
pub async fn unpark(id: Uuid) -> Result<Option<ParkedSale>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[PARKED], TransactionMode::ReadWrite)?;
    let store = tx.store(PARKED)?;
    let key = JsValue::from_str(&id.to_string());
    let found = store
        .get(key.clone())
        .await?
        .and_then(from_js::<ParkedSale>);
    if found.is_some() {
        store.delete(key).await?;
    }
    committed(tx).await?;
    Ok(found)
}

/// A receipt rung up on this till, as it is now (numbered once the
/// server's answer came back through the pull).
pub async fn receipt(id: Uuid) -> Result<Option<Sale>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[SALES], TransactionMode::ReadOnly)?;
    let row = tx
        .store(SALES)?
        .get(JsValue::from_str(&id.to_string()))
        .await?;
    Ok(row.and_then(from_js))
}

/// The conflicts this till keeps, oldest first.
pub async fn conflicts() -> Result<Vec<ConflictReport>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[CONFLICTS], TransactionMode::ReadOnly)?;
    let rows = tx.store(CONFLICTS)?.get_all(None, None).await?;
    let mut reports: Vec<ConflictReport> = rows.into_iter().filter_map(from_js).collect();
    // UUIDv7 ids sort by time.
    reports.sort_by_key(|r| r.conflict_id);
    Ok(reports)
}

/// Drops a resolved conflict.
pub async fn forget_conflict(conflict_id: Uuid) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[CONFLICTS], TransactionMode::ReadWrite)?;
    tx.store(CONFLICTS)?
        .delete(JsValue::from_str(&conflict_id.to_string()))
        .await?;
    committed(tx).await
}

/// A refused mutation, kept with the reason the server gave.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Kept {
    #[serde(flatten)]
    pub queued: Queued,
    pub reason: String,
}

/// The mutations the server refused, oldest first, with its reasons.
pub async fn kept() -> Result<Vec<Kept>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[KEPT], TransactionMode::ReadOnly)?;
    let rows = tx.store(KEPT)?.get_all(None, None).await?;
    Ok(rows.into_iter().filter_map(from_js).collect())
}

/// After a push: drops what the server has, moves what it refused to
/// `kept` and puts the till's copy back as it was before each refused
/// change, and files what clashed under `conflicts` with the till's copy
/// as the server has it; all in one transaction.
pub async fn clear_answered(
    client_id: Uuid,
    done: &[i64],
    kept: Vec<Kept>,
    clashed: Vec<(Queued, ConflictReport)>,
) -> Result<(), StoreError> {
    if done.is_empty() && kept.is_empty() && clashed.is_empty() {
        return Ok(());
    }
    let mut filed = Vec::new();
    for (queued, report) in &clashed {
        let server = match &queued.undo {
            Some(undo) if report.server.is_null() => Some((JsValue::from_str(&undo.key), None)),
            Some(undo) => Some((
                JsValue::from_str(&undo.key),
                Some(to_js(&Record::new(
                    report.entity.as_str(),
                    report.entity_id,
                    report.server.clone(),
                ))?),
            )),
            None => None,
        };
        filed.push((to_js(report)?, queued.mutation.mutation_id, server));
    }
    let mut refused = Vec::new();
    for k in &kept {
        let undo = match &k.queued.undo {
            Some(undo) => Some((
                JsValue::from_str(&undo.key),
                undo.before.as_ref().map(to_js).transpose()?,
            )),
            None => None,
        };
        refused.push((to_js(k)?, k.queued.mutation.mutation_id, undo));
    }
    let db = db().await?;
    let tx = db.transaction(
        &[META, OUTBOX, KEPT, RECORDS, CONFLICTS],
        TransactionMode::ReadWrite,
    )?;
    // The numbers answered are the sync id's that was pushed: if another
    // tab took a new id meanwhile, they name other entries now, which
    // wait to be sent under it (a sale already taken is then a replay).
    let current = tx
        .store(META)?
        .get(JsValue::from_str("client_id"))
        .await?
        .and_then(from_js::<Uuid>);
    if current != Some(client_id) {
        committed(tx).await?;
        return Ok(());
    }
    let outbox = tx.store(OUTBOX)?;
    for id in done {
        outbox.delete(JsValue::from_f64(*id as f64)).await?;
    }
    let store = tx.store(KEPT)?;
    let records = tx.store(RECORDS)?;
    let conflicts = tx.store(CONFLICTS)?;
    for (into, entries) in [(&store, &refused), (&conflicts, &filed)] {
        for (entry, mutation_id, undo) in entries {
            into.put(entry, None).await?;
            outbox
                .delete(JsValue::from_f64(*mutation_id as f64))
                .await?;
            match undo {
                Some((_, Some(record))) => {
                    records.put(record, None).await?;
                }
                Some((key, None)) => records.delete(key.clone()).await?,
                None => {}
            }
        }
    }
    committed(tx).await
}

/// A record as the till keeps it.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Record {
    key: String,
    entity: String,
    id: Uuid,
    version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    barcode: Option<String>,
    data: serde_json::Value,
}

fn record_key(entity: &str, id: Uuid) -> String {
    format!("{entity}:{id}")
}

impl Record {
    fn new(entity: &str, id: Uuid, data: serde_json::Value) -> Record {
        Record {
            key: record_key(entity, id),
            entity: entity.to_string(),
            id,
            version: data
                .get("sync_version")
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(0),
            barcode: data
                .get("barcode")
                .and_then(|b| b.as_str())
                .map(str::to_string),
            data,
        }
    }
}

/// Where the till's copy of the store stands in the change feed.
pub async fn cursor() -> Result<i64, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[META], TransactionMode::ReadOnly)?;
    let at = tx.store(META)?.get(JsValue::from_str("cursor")).await?;
    Ok(at.and_then(from_js::<i64>).unwrap_or(0))
}

/// Applies one pulled page, pulled from `from`, with its new cursor, in one
/// transaction; false when the copy has moved past `from` meanwhile
/// (another tab, or the socket, applied changes first) and the page was
/// skipped. Sales are not kept (a till keeps its own receipts).
pub async fn apply_pulled(from: i64, page: &PullResponse) -> Result<bool, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[META, RECORDS, SALES], TransactionMode::ReadWrite)?;
    let meta = tx.store(META)?;
    let key = JsValue::from_str("cursor");
    let at = meta
        .get(key.clone())
        .await?
        .and_then(from_js::<i64>)
        .unwrap_or(0);
    if at != from {
        committed(tx).await?;
        return Ok(false);
    }
    let records = tx.store(RECORDS)?;
    let receipts = tx.store(SALES)?;
    for change in &page.changes {
        if change.entity == "sale" {
            // A receipt rung up here gets the number the server gave it.
            let id = JsValue::from_str(&change.id.to_string());
            if receipts.get(id).await?.is_some() {
                receipts.put(&to_js(&change.data)?, None).await?;
            }
            continue;
        }
        if change.op == "delete" {
            records
                .delete(JsValue::from_str(&record_key(&change.entity, change.id)))
                .await?;
            continue;
        }
        let record = Record {
            version: change.version,
            ..Record::new(&change.entity, change.id, change.data.clone())
        };
        records.put(&to_js(&record)?, None).await?;
    }
    meta.put(&to_js(&page.cursor)?, Some(&key)).await?;
    committed(tx).await?;
    Ok(true)
}

/// The active product with this barcode, from the till's copy.
pub async fn product_by_barcode(code: &str) -> Result<Option<Product>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
    let found = tx
        .store(RECORDS)?
        .index("barcode")?
        .get_all(
            Some(
                rexie::KeyRange::only(&JsValue::from_str(code.trim()))
                    .map_err(rexie::Error::from)?,
            ),
            None,
        )
        .await?;
    Ok(found
        .into_iter()
        .filter_map(from_js::<Record>)
        .filter(|r| r.entity == "product")
        .filter_map(|r| serde_json::from_value::<Product>(r.data).ok())
        .find(|p| p.active))
}

/// Every record of `entity` in the till's copy (those that no longer read
/// as `T` are left out).
pub async fn records<T: DeserializeOwned>(entity: EntityKind) -> Result<Vec<T>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
    let rows = tx
        .store(RECORDS)?
        .index("entity")?
        .get_all(
            Some(
                rexie::KeyRange::only(&JsValue::from_str(entity.as_str()))
                    .map_err(rexie::Error::from)?,
            ),
            None,
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(from_js::<Record>)
        .filter_map(|r| serde_json::from_value::<T>(r.data).ok())
        .collect())
}

/// The records `ids` of `entity` the till's copy has (those it lacks, or
/// that no longer read as `T`, are left out).
pub async fn records_with_ids<T: DeserializeOwned>(
    entity: EntityKind,
    ids: &[Uuid],
) -> Result<Vec<T>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
    let store = tx.store(RECORDS)?;
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let key = JsValue::from_str(&record_key(entity.as_str(), *id));
        if let Some(record) = store.get(key).await?.and_then(from_js::<Record>)
            && let Ok(value) = serde_json::from_value::<T>(record.data)
        {
            found.push(value);
        }
    }
    Ok(found)
}

/// Active products from the till's copy whose name, SKU or barcode holds
/// every word of `q`, in `category` if given, by name: the checkout grid
/// when the server cannot be reached.
pub async fn find_products(
    q: &str,
    category: Option<Uuid>,
    limit: usize,
) -> Result<Vec<Product>, StoreError> {
    let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
    let mut found: Vec<Product> = records::<Product>(EntityKind::Product)
        .await?
        .into_iter()
        .filter(|p| p.active && category.is_none_or(|c| p.category_id == Some(c)))
        .filter(|p| {
            let text = format!(
                "{} {} {}",
                p.name.to_lowercase(),
                p.sku.to_lowercase(),
                p.barcode.as_deref().unwrap_or_default()
            );
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found.truncate(limit);
    Ok(found)
}
