//! The sync protocol's server side (docs/ARCHITECTURE.md, "Sync protocol"): a till
//! pushes its outbox and pulls the store's changes.
//!
//! A push applies its mutations in order, in chunks, each chunk one
//! transaction that also records every mutation's result and the client's
//! `last_mutation_id`: all of it lands, or none. A mutation at or below
//! that id is a replay and gets its stored result; a gap stops the batch;
//! one that can never apply is rejected and still counted, so it never
//! blocks the queue. An error that may pass (the database busy or down)
//! stops the push after what was committed; the till retries the rest.

use super::kinds::sale::is_new_sale;
use super::kinds::{RecordKind, with_kind};
use super::ledger::Ledger;
use super::{Actor, Db, write_path};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::permissions::Action;
use crate::domain::sync::{
    MAX_PULL, MAX_PUSH, MutationResult, Outcome, PullResponse, PulledChange, PushRequest,
    PushResponse, PushedMutation, Step, plan,
};
use crate::server::db::bulk::{Together, one_of};
use crate::server::db::entities::{change, sale, sync_client, sync_result};
use crate::server::error::DbResultExt;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Mutations applied per transaction: big enough to be quick, small enough
/// not to hold the write lock against tills selling online.
const CHUNK: usize = 200;

pub async fn push(db: &Db, actor: &Actor, request: PushRequest) -> Result<PushResponse, AppError> {
    if request.mutations.len() > MAX_PUSH {
        return Err(AppError::field(
            "mutations",
            format!("send at most {MAX_PUSH} at a time"),
        ));
    }
    let client_id = request.client_id;
    let mut answered: BTreeMap<i64, Outcome> = BTreeMap::new();
    // An empty push still tells the till where the server is.
    let mut last = sync_client::Entity::find_by_id(client_id)
        .one(db)
        .await
        .or_internal()?
        .filter(|c| c.store_id == actor.store_id)
        .map_or(0, |c| c.last_mutation_id);
    for chunk in request.mutations.chunks(CHUNK.max(1)) {
        let done = match apply_chunk(db, actor, client_id, chunk, true).await {
            Ok(done) => done,
            // The database refused the batch as a whole (whatever the
            // reason: one bad row fails its neighbours): again, one
            // mutation at a time, so only a culprit is refused and the
            // queue moves on past it. What fails that way too is the
            // push's answer (503: the till retries).
            Err(e) => {
                tracing::warn!(error = %e.message, "batched push chunk failed; applying one by one");
                apply_chunk(db, actor, client_id, chunk, false).await?
            }
        };
        last = done.last;
        answered.extend(done.answered);
        if !done.finished {
            break;
        }
    }

    // Replays: the results stored when they were first applied.
    let replayed: Vec<i64> = request
        .mutations
        .iter()
        .map(|m| m.mutation_id)
        .filter(|id| *id <= last && !answered.contains_key(id))
        .collect();
    if !replayed.is_empty() {
        let pushed: BTreeMap<i64, &PushedMutation> = request
            .mutations
            .iter()
            .map(|m| (m.mutation_id, m))
            .collect();
        for row in sync_result::Entity::find()
            .filter(sync_result::Column::ClientId.eq(client_id))
            .filter(sync_result::Column::StoreId.eq(actor.store_id))
            .filter(one_of(
                db.get_database_backend(),
                sync_result::Column::MutationId,
                replayed,
            ))
            .all(db)
            .await
            .or_internal()?
        {
            // A stored result that no longer reads is a server fault, not
            // something to drop silently from the till's answer.
            let outcome =
                serde_json::from_value(row.result).map_err(crate::server::error::internal)?;
            // The same number for another change is not a replay: answered
            // as the first change's, this one would be dropped unwritten.
            let same_change = row.mutation_hash.is_empty()
                || pushed
                    .get(&row.mutation_id)
                    .is_some_and(|m| identity_hash(m) == row.mutation_hash);
            let outcome = if same_change {
                outcome
            } else {
                tracing::warn!(%client_id, mutation_id = row.mutation_id, "a different change under an answered mutation number");
                number_reused()
            };
            answered.insert(row.mutation_id, outcome);
        }
    }
    let mut results = Vec::new();
    for m in &request.mutations {
        match answered.remove(&m.mutation_id) {
            Some(outcome) => results.push(MutationResult {
                mutation_id: m.mutation_id,
                outcome,
            }),
            // Past the first gap or failure: not processed, not answered.
            None if m.mutation_id > last => break,
            None => {}
        }
    }
    Ok(PushResponse {
        results,
        last_mutation_id: last,
    })
}

/// The digest kept with a mutation's answer.
fn identity_hash(m: &PushedMutation) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(m.identity_text().as_bytes()))
}

/// The answer to a change sent under a number another change of this
/// client id already had: never taken for the other and dropped; the till
/// takes a sync id of its own and sends it again (`Fate::Renumber`).
fn number_reused() -> Outcome {
    Outcome::Rejected {
        code: ErrorCode::Conflict,
        message: "Another device sent a different change under this till's sync id and number, \
            so this one was not recorded under it. The till sends it again under a sync id of \
            its own."
            .into(),
        details: serde_json::json!({ "reason": crate::domain::sync::NUMBER_REUSED }),
    }
}

/// The client's row, made on its first push and locked for this
/// transaction (so two pushes of one client take turns); its last
/// processed mutation id. Another store's client id is "not found".
async fn claim(txn: &DatabaseTransaction, actor: &Actor, client_id: Uuid) -> Result<i64, AppError> {
    let now = Utc::now();
    sync_client::Entity::insert(sync_client::ActiveModel {
        client_id: Set(client_id),
        store_id: Set(actor.store_id),
        device_id: Set(actor.device_id),
        last_mutation_id: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(sync_client::Column::ClientId)
            .value(sync_client::Column::UpdatedAt, now)
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await
    .or_internal()?;
    let row = sync_client::Entity::find_by_id(client_id)
        .one(txn)
        .await
        .or_internal()?
        .filter(|c| c.store_id == actor.store_id)
        .ok_or_else(|| AppError::not_found("sync client"))?;
    Ok(row.last_mutation_id)
}

/// What one committed chunk of a push did.
struct ChunkDone {
    answered: Vec<(i64, Outcome)>,
    /// The client's last processed mutation id after it.
    last: i64,
    /// False when it stopped early (a gap, or an error that may pass).
    finished: bool,
}

/// Applies one chunk in one transaction, with every result and the
/// client's new position. `batched`: runs of new sales are written
/// together (`write_path::apply_sales_in`); otherwise every mutation gets
/// its own savepoint.
async fn apply_chunk(
    db: &Db,
    actor: &Actor,
    client_id: Uuid,
    chunk: &[PushedMutation],
    batched: bool,
) -> Result<ChunkDone, AppError> {
    let txn = write_path::begin(db).await.or_internal()?;
    let mut last = claim(&txn, actor, client_id).await?;
    let mut ledger = Ledger::claim(&txn, actor.store_id).await.or_internal()?;
    let ids: Vec<i64> = chunk.iter().map(|m| m.mutation_id).collect();
    let steps = plan(last, &ids);
    let mut finished = steps.len() == chunk.len();
    let mut todo: Vec<(i64, Mutation)> = Vec::new();
    for (pushed, step) in chunk.iter().zip(&steps) {
        match step {
            Step::Replay => {}
            Step::Gap => {
                finished = false;
                break;
            }
            Step::Apply => todo.push((pushed.mutation_id, pushed.mutation())),
        }
    }

    let mut answered = Vec::new();
    let mut rest = &todo[..];
    while let Some((mutation_id, m)) = rest.first() {
        let run = if batched {
            rest.iter().take_while(|(_, m)| is_new_sale(m)).count()
        } else {
            0
        };
        if run == 0 {
            let Some(outcome) = apply_one(&txn, &mut ledger, actor, m).await? else {
                finished = false;
                break;
            };
            answered.push((*mutation_id, outcome));
            last = *mutation_id;
            rest = &rest[1..];
            continue;
        }
        let (sales, after) = rest.split_at(run);
        let ms: Vec<(&Actor, &Mutation)> = sales.iter().map(|(_, m)| (actor, m)).collect();
        let mut rows = Together::new();
        let results =
            write_path::apply_sales_in(&txn, &mut ledger, actor.store_id, &ms, &mut rows).await?;
        // Written now: a refusal below, and the chunk's later mutations
        // (a refund of one of these sales), read them.
        rows.write(&txn, None).await.or_internal()?;
        let mut written = BTreeSet::new();
        for ((mutation_id, m), result) in sales.iter().zip(results) {
            let outcome = match result {
                Ok(applied) => {
                    written.insert(m.id);
                    Outcome::Applied {
                        version: applied.version,
                    }
                }
                Err(e) => match refusal(&txn, actor, m, &e, &written).await? {
                    Some(outcome) => outcome,
                    // Its neighbours are written already: the whole chunk
                    // goes back and is applied one by one.
                    None => return Err(e),
                },
            };
            answered.push((*mutation_id, outcome));
            last = *mutation_id;
        }
        rest = after;
    }

    sync_client::Entity::update_many()
        .col_expr(sync_client::Column::LastMutationId, Expr::value(last))
        .col_expr(sync_client::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(sync_client::Column::ClientId.eq(client_id))
        .exec(&txn)
        .await
        .or_internal()?;
    // One statement for the chunk's results (200 rows × 6 binds).
    if !answered.is_empty() {
        let now = Utc::now();
        let hashes: BTreeMap<i64, String> = chunk
            .iter()
            .map(|m| (m.mutation_id, identity_hash(m)))
            .collect();
        let rows = answered
            .iter()
            .map(|(mutation_id, outcome)| sync_result::ActiveModel {
                client_id: Set(client_id),
                mutation_id: Set(*mutation_id),
                store_id: Set(actor.store_id),
                result: Set(serde_json::to_value(outcome).unwrap_or_default()),
                created_at: Set(now),
                mutation_hash: Set(hashes.get(mutation_id).cloned().unwrap_or_default()),
            });
        crate::server::db::bulk::insert_rows(&txn, rows.collect())
            .await
            .or_internal()?;
    }
    ledger.commit(txn, db).await.or_internal()?;
    Ok(ChunkDone {
        answered,
        last,
        finished,
    })
}

/// Applies one mutation in a savepoint, so a refusal undoes only its own
/// writes. `None`: an error that may pass; stop the push here.
async fn apply_one(
    txn: &DatabaseTransaction,
    ledger: &mut Ledger,
    actor: &Actor,
    m: &Mutation,
) -> Result<Option<Outcome>, AppError> {
    let mark = ledger.mark();
    let savepoint = txn.begin().await.or_internal()?;
    match write_path::apply_in(&savepoint, ledger, actor, m).await {
        Ok(applied) => {
            savepoint.commit().await.or_internal()?;
            Ok(Some(applied.outcome))
        }
        Err(e) => {
            savepoint.rollback().await.or_internal()?;
            ledger.rewind(mark);
            refusal(txn, actor, m, &e, &BTreeSet::new()).await
        }
    }
}

/// What the till is told of a mutation the write path refused with `e`.
/// A sale that already reached the server (sent online before the answer
/// was lost, or twice in one push: `written`) is the same sale, applied
/// once. `None`: an error that may pass.
async fn refusal(
    txn: &DatabaseTransaction,
    actor: &Actor,
    m: &Mutation,
    e: &AppError,
    written: &BTreeSet<Uuid>,
) -> Result<Option<Outcome>, AppError> {
    if m.entity == EntityKind::Sale && m.op == Op::Create && e.code == ErrorCode::Conflict {
        let known = written.contains(&m.id)
            || sale::Entity::find_by_id(m.id)
                .filter(sale::Column::StoreId.eq(actor.store_id))
                .count(txn)
                .await
                .or_internal()?
                > 0;
        if known {
            return Ok(Some(Outcome::Applied { version: 1 }));
        }
    }
    Ok(Outcome::of_error(e))
}

/// Changes of the actor's store after `cursor`, each record as it is now
/// (or a tombstone). An entry a later one in the feed supersedes is left
/// out: a new device pulling from 0 gets each record once, a snapshot in
/// pages.
pub async fn pull(
    db: &DatabaseConnection,
    actor: &Actor,
    cursor: i64,
    limit: Option<u64>,
) -> Result<PullResponse, AppError> {
    let limit = limit.unwrap_or(500).clamp(1, MAX_PULL);
    let mut rows = change::Entity::find()
        .filter(change::Column::StoreId.eq(actor.store_id))
        .filter(change::Column::Seq.gt(cursor))
        .order_by_asc(change::Column::Seq)
        .limit(limit + 1)
        .all(db)
        .await
        .or_internal()?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = rows.last().map_or(cursor, |r| r.seq);
    // One index lookup, only while a till is catching up.
    let head = if has_more {
        change::Entity::find()
            .select_only()
            .column_as(change::Column::Seq.max(), "seq")
            .filter(change::Column::StoreId.eq(actor.store_id))
            .into_tuple::<Option<i64>>()
            .one(db)
            .await
            .or_internal()?
            .flatten()
    } else {
        None
    };

    let ids: Vec<Uuid> = rows.iter().map(|r| r.entity_id).collect();
    let latest: BTreeMap<Uuid, i64> = change::Entity::find()
        .select_only()
        .column(change::Column::EntityId)
        .column_as(change::Column::Seq.max(), "seq")
        .filter(change::Column::StoreId.eq(actor.store_id))
        .filter(one_of(
            db.get_database_backend(),
            change::Column::EntityId,
            ids,
        ))
        .group_by(change::Column::EntityId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .collect();
    rows.retain(|r| latest.get(&r.entity_id) == Some(&r.seq));

    let mut wanted: BTreeMap<EntityKind, Vec<Uuid>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.op != "delete") {
        // The feed is written only by the ledger, with a kind's own name:
        // an unknown one is a damaged database, not something to skip.
        let kind = EntityKind::parse(&r.entity).ok_or_else(|| {
            crate::server::error::internal(format!("the change feed names a kind {:?}", r.entity))
        })?;
        wanted.entry(kind).or_default().push(r.entity_id);
    }
    let mut data: BTreeMap<Uuid, Value> = BTreeMap::new();
    for (kind, ids) in wanted {
        let store_id = actor.store_id;
        data.extend(with_kind!(kind, K => K::pulled(db, store_id, ids).await?));
    }
    // What REST would not show this person is not in their pull either:
    // the staff directory (names, e-mails, roles) to managers, and others'
    // shifts and clock events with their takings to managers. Tombstones
    // carry nothing and pass.
    rows.retain(|r| {
        let Some(kind) = EntityKind::parse(&r.entity) else {
            return true;
        };
        let Some(record) = data.get(&r.entity_id) else {
            return true;
        };
        match kind {
            EntityKind::Employee => actor.may_on(kind, Action::Read),
            EntityKind::Shift | EntityKind::ClockEvent => {
                actor.may_on(kind, Action::ReadOthers)
                    || actor.employee_id.is_some_and(|me| {
                        record["employee_id"].as_str() == Some(me.to_string().as_str())
                    })
            }
            _ => true,
        }
    });
    Ok(PullResponse {
        changes: rows
            .into_iter()
            .map(|r| PulledChange {
                data: data.remove(&r.entity_id).unwrap_or(Value::Null),
                seq: r.seq,
                entity: r.entity,
                id: r.entity_id,
                op: r.op,
                version: r.version,
            })
            .collect(),
        cursor: next_cursor,
        has_more,
        head,
    })
}
