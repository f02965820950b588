//! This instance's deliverer: turns announcements (its own writes, and the
//! other instances' through Redis) into events for the rooms that listen
//! here. One task, so a store's events go out in the order they came.
//! Records are read once per batch and kind, as the pull reads them (the
//! kind's own `pulled`), so what an event carries is what a pull would.

use super::super::sessions::Sessions;
use super::hub::{Hub, Outgoing, ROLES};
use super::{Announcement, Committed};
use crate::domain::auth::Role;
use crate::domain::event::{DELETE, EventName, Happened, Hears, Notice, StoreEvent, Topic, hears};
use crate::domain::mutation::EntityKind;
use crate::server::services::kinds::{RecordKind, with_kind};
use axum::extract::ws::Utf8Bytes;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc;
use uuid::Uuid;

/// An event's data above this many bytes is left out: the till pulls the
/// record instead (a sale with a long list of lines, say).
pub const MAX_EVENT_DATA: usize = 16 * 1024;
/// Announcements taken from the queue at a time.
const BATCH: usize = 64;

pub async fn run(
    db: DatabaseConnection,
    sessions: Sessions,
    hub: Arc<Hub>,
    mut incoming: mpsc::Receiver<Arc<Announcement>>,
    overflowed: Arc<AtomicBool>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    while incoming.recv_many(&mut batch, BATCH).await > 0 {
        // Another instance's sign-outs and staff changes end sessions
        // remembered here too (this instance's own were forgotten already).
        for announcement in &batch {
            sessions.forget(announcement);
        }
        deliver(&db, &hub, std::mem::take(&mut batch)).await;
        if overflowed.swap(false, Ordering::Relaxed) {
            hub.send_all(resync());
        }
    }
}

/// "Pull": for sockets that may have missed events.
pub fn resync() -> Arc<Outgoing> {
    let text = serde_json::to_string(&Notice::Resync).unwrap_or_default();
    Arc::new(Outgoing::Notice(text.into()))
}

async fn deliver(db: &DatabaseConnection, hub: &Hub, batch: Vec<Arc<Announcement>>) {
    let heard: Vec<Arc<Announcement>> = batch
        .into_iter()
        .filter(|a| match &**a {
            Announcement::Committed(c) => hub.listening(c.store_id),
            Announcement::SessionsEnded { store_id, .. } => hub.listening(*store_id),
        })
        .collect();
    let mut records = Records::read(db, &heard).await;
    for announcement in heard {
        match &*announcement {
            Announcement::SessionsEnded { store_id, sessions } => {
                hub.send(
                    *store_id,
                    Arc::new(Outgoing::SessionsEnded(sessions.clone())),
                );
            }
            // One room message per transaction: a socket wakes once for
            // all of it (a till's push of two hundred sales, say).
            Announcement::Committed(c) => {
                let framed = events(c, &mut records).iter().map(frames).collect();
                hub.send(c.store_id, Arc::new(Outgoing::Events(framed)));
            }
        }
    }
}

/// The records a batch changed, as the pull sends them, by store and id.
struct Records(BTreeMap<(Uuid, Uuid), Value>);

impl Records {
    async fn read(db: &DatabaseConnection, batch: &[Arc<Announcement>]) -> Records {
        let mut wanted: BTreeMap<(Uuid, EntityKind), BTreeSet<Uuid>> = BTreeMap::new();
        for a in batch {
            if let Announcement::Committed(c) = &**a {
                // What the writer did not carry: side effects (a sale's
                // stock, a customer's totals), and other instances' sends.
                let unread = c
                    .changes
                    .iter()
                    .filter(|c| c.op != DELETE && c.data.is_none());
                for change in unread {
                    wanted
                        .entry((c.store_id, change.entity))
                        .or_default()
                        .insert(change.id);
                }
            }
        }
        let mut found = BTreeMap::new();
        for ((store_id, kind), ids) in wanted {
            let ids = ids.into_iter().collect();
            match with_kind!(kind, K => K::pulled(db, store_id, ids).await) {
                Ok(rows) => found.extend(rows.into_iter().map(|(id, v)| ((store_id, id), v))),
                // The events go out as pokes: the tills pull.
                Err(e) => {
                    tracing::warn!(error = %e.message, kind = kind.as_str(), "realtime could not read records")
                }
            }
        }
        Records(found)
    }

    fn get(&self, store_id: Uuid, id: Uuid) -> Option<Value> {
        self.0.get(&(store_id, id)).cloned()
    }
}

/// The events of one transaction: its feed entries in `seq` order, then
/// its audit entries, then its conflicts.
fn events(c: &Committed, records: &mut Records) -> Vec<StoreEvent> {
    let mut events = Vec::with_capacity(c.changes.len() + c.audits.len() + c.conflicts.len());
    for change in &c.changes {
        let data = if change.op == DELETE {
            None
        } else {
            change
                .data
                .clone()
                .or_else(|| records.get(c.store_id, change.id))
        };
        events.push(StoreEvent {
            name: EventName::of_change(change.entity, &change.op, change.created),
            seq: change.seq,
            entity: change.entity.as_str().to_string(),
            op: change.op.clone(),
            id: change.id,
            version: change.version,
            data,
        });
    }
    for audit in &c.audits {
        events.push(StoreEvent {
            name: EventName {
                topic: Topic::Audit,
                happened: Happened::Created,
            },
            seq: c.feed_seq,
            entity: Topic::Audit.as_str().into(),
            op: "create".into(),
            id: audit.id,
            version: audit.seq,
            data: Some(json!({
                "seq": audit.seq,
                "action": audit.action,
                "entity_type": audit.entity_type,
                "entity_id": audit.entity_id,
                "employee_id": audit.employee_id,
                "created_at": audit.created_at,
            })),
        });
    }
    for conflict in &c.conflicts {
        let (happened, op) = if conflict.resolved {
            (Happened::Resolved, "resolve")
        } else {
            (Happened::Created, "create")
        };
        events.push(StoreEvent {
            name: EventName {
                topic: Topic::Conflict,
                happened,
            },
            seq: c.feed_seq,
            entity: Topic::Conflict.as_str().into(),
            op: op.into(),
            id: conflict.id,
            version: 1,
            data: Some(json!({
                "entity_type": conflict.entity.as_str(),
                "entity_id": conflict.entity_id,
            })),
        });
    }
    events
}

/// The event as each role hears it, each text serialised once.
fn frames(event: &StoreEvent) -> [Option<Utf8Bytes>; ROLES] {
    let text = |e: &StoreEvent| Utf8Bytes::from(serde_json::to_string(e).unwrap_or_default());
    let poke = || StoreEvent {
        data: None,
        ..event.clone()
    };
    let mut full = text(event);
    let mut poked = None;
    let data_len = event.data.as_ref().map_or(0, |_| full.len());
    if data_len > MAX_EVENT_DATA {
        full = text(&poke());
        poked = Some(full.clone());
    }
    let mut frames: [Option<Utf8Bytes>; ROLES] = Default::default();
    for role in [Role::Cashier, Role::Manager, Role::Owner] {
        frames[role as usize] = match hears(role, event.name.topic) {
            Hears::Nothing => None,
            Hears::Everything => Some(full.clone()),
            Hears::Poke => Some(poked.get_or_insert_with(|| text(&poke())).clone()),
        };
    }
    frames
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::realtime::{AuditNote, ChangeNote, ConflictNote};

    fn committed() -> Committed {
        let store_id = Uuid::from_u128(9);
        Committed {
            store_id,
            feed_seq: 12,
            changes: vec![
                ChangeNote {
                    seq: 11,
                    entity: EntityKind::Employee,
                    id: Uuid::from_u128(1),
                    op: "upsert".into(),
                    version: 2,
                    created: false,
                    data: None,
                },
                ChangeNote {
                    seq: 12,
                    entity: EntityKind::Product,
                    id: Uuid::from_u128(2),
                    op: "delete".into(),
                    version: 3,
                    created: false,
                    data: None,
                },
            ],
            audits: vec![AuditNote {
                id: Uuid::from_u128(3),
                seq: 40,
                action: "employee.update".into(),
                entity_type: "employee".into(),
                entity_id: Some(Uuid::from_u128(1)),
                employee_id: None,
                created_at: chrono::Utc::now(),
            }],
            conflicts: vec![ConflictNote {
                id: Uuid::from_u128(4),
                entity: EntityKind::Product,
                entity_id: Uuid::from_u128(2),
                resolved: true,
            }],
        }
    }

    #[test]
    fn a_transaction_becomes_its_changes_then_its_audit_entries_then_its_conflicts() {
        let c = committed();
        let mut records = Records(BTreeMap::from([(
            (c.store_id, Uuid::from_u128(1)),
            json!({"name": "Ana", "email": "ana@shop.test"}),
        )]));
        let events = events(&c, &mut records);
        let names: Vec<String> = events.iter().map(|e| e.name.to_string()).collect();
        assert_eq!(
            names,
            [
                "employee:updated",
                "product:deleted",
                "audit:created",
                "conflict:resolved"
            ]
        );
        assert_eq!(events[0].seq, 11);
        assert_eq!(events[1].data, None);
        assert_eq!(events[2].seq, 12, "where the feed stood");
    }

    #[test]
    fn each_role_hears_what_the_permission_table_lets_it_read() {
        let c = committed();
        let mut records = Records(BTreeMap::from([(
            (c.store_id, Uuid::from_u128(1)),
            json!({"name": "Ana", "email": "ana@shop.test"}),
        )]));
        let events = events(&c, &mut records);
        let employee = frames(&events[0]);
        let cashier = employee[Role::Cashier as usize].as_ref().unwrap();
        assert!(!cashier.contains("ana@shop.test"), "{cashier}");
        assert!(cashier.contains("employee:updated"));
        let manager = employee[Role::Manager as usize].as_ref().unwrap();
        assert!(manager.contains("ana@shop.test"));
        let audit = frames(&events[2]);
        assert!(audit[Role::Cashier as usize].is_none());
        assert!(audit[Role::Owner as usize].is_some());
    }

    #[test]
    fn a_large_record_goes_out_as_a_poke() {
        let big = StoreEvent {
            name: EventName::of_change(EntityKind::Sale, "upsert", true),
            seq: 1,
            entity: "sale".into(),
            op: "upsert".into(),
            id: Uuid::from_u128(1),
            version: 1,
            data: Some(json!({ "note": "x".repeat(MAX_EVENT_DATA) })),
        };
        let frames = frames(&big);
        let text = frames[Role::Owner as usize].as_ref().unwrap();
        assert!(text.len() < 300, "{}", text.len());
        assert!(!text.contains("\"data\""));
    }
}
