//! What a store's socket (`GET /api/ws`) says to its tills and screens
//! (docs/ARCHITECTURE.md, "Realtime"). Field names and event names are
//! part of the contract with installed tills.
//!
//! Every change-feed entry becomes one event, named after its kind and what
//! happened (`product:updated`), carrying the feed's `seq` and, for small
//! records the socket's person may read, the record as the pull would send
//! it. A till whose cursor is `seq - 1` applies it; any gap makes it pull
//! (`catch_up`). Audit entries and conflicts are events too, for the
//! managers' screens; they are not on the feed, so they never move a
//! till's cursor.

use super::auth::Role;
use super::mutation::EntityKind;
use super::permissions::{self, Action, Subject};
use super::sync::PulledChange;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::fmt;
use uuid::Uuid;

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    Record(EntityKind),
    /// An entry of the store's audit log.
    Audit,
    /// An edit stored for a person to resolve.
    Conflict,
}

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Record(kind) => kind.as_str(),
            Topic::Audit => "audit",
            Topic::Conflict => "conflict",
        }
    }

    fn parse(name: &str) -> Option<Topic> {
        match name {
            "audit" => Some(Topic::Audit),
            "conflict" => Some(Topic::Conflict),
            other => EntityKind::parse(other).map(Topic::Record),
        }
    }
}

/// What happened to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Happened {
    Created,
    Updated,
    Deleted,
    Resolved,
}

impl Happened {
    pub fn as_str(self) -> &'static str {
        match self {
            Happened::Created => "created",
            Happened::Updated => "updated",
            Happened::Deleted => "deleted",
            Happened::Resolved => "resolved",
        }
    }

    fn parse(name: &str) -> Option<Happened> {
        [
            Happened::Created,
            Happened::Updated,
            Happened::Deleted,
            Happened::Resolved,
        ]
        .into_iter()
        .find(|h| h.as_str() == name)
    }
}

/// An event's `type`: `"product:updated"`, `"audit:created"`, …
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventName {
    pub topic: Topic,
    pub happened: Happened,
}

/// A feed entry's `op`: the record as it now is.
pub const UPSERT: &str = "upsert";
/// A feed entry's `op`: a tombstone.
pub const DELETE: &str = "delete";

impl EventName {
    /// The name of a change-feed entry: a tombstone was deleted, an upsert
    /// that made its record created, any other upsert updated (a stock
    /// move changes a product without a new version).
    pub fn of_change(kind: EntityKind, op: &str, created: bool) -> EventName {
        let happened = if op == DELETE {
            Happened::Deleted
        } else if created {
            Happened::Created
        } else {
            Happened::Updated
        };
        EventName {
            topic: Topic::Record(kind),
            happened,
        }
    }

    pub fn parse(text: &str) -> Option<EventName> {
        let (topic, happened) = text.split_once(':')?;
        Some(EventName {
            topic: Topic::parse(topic)?,
            happened: Happened::parse(happened)?,
        })
    }
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.topic.as_str(), self.happened.as_str())
    }
}

impl Serialize for EventName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// On the wire an event's name is one string, `topic:happened`.
#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for EventName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[a-z_]+:[a-z_]+$"))
            .examples(["product:updated", "sale:created", "audit:created"])
            .into()
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for EventName {}

impl<'de> Deserialize<'de> for EventName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        EventName::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown event {text:?}")))
    }
}

/// One event of a store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StoreEvent {
    #[serde(rename = "type")]
    pub name: EventName,
    /// The change feed's `seq` of this change; for audit and conflict
    /// events (which are not on the feed), where the feed stood when they
    /// were committed.
    pub seq: i64,
    /// The kind's wire name, or `audit` / `conflict`.
    pub entity: String,
    /// As in the pull: `upsert` or `delete`; `create` or `resolve` for
    /// audit and conflict events.
    pub op: String,
    pub id: Uuid,
    /// The record's version; an audit entry's place in the chain.
    pub version: i64,
    /// The record as the pull sends it, when it is small and the person
    /// may read it; otherwise the event is only a poke and the till pulls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl StoreEvent {
    /// Whether it is an entry of the change feed (which moves a till's
    /// cursor), rather than an audit entry or a conflict.
    pub fn is_change(&self) -> bool {
        matches!(self.name.topic, Topic::Record(_))
    }

    /// The change as the pull would give it, if the event carries all of
    /// it (a tombstone needs no data).
    pub fn as_pulled(&self) -> Option<PulledChange> {
        if !self.is_change() {
            return None;
        }
        let data = match (&self.data, self.op.as_str()) {
            (Some(data), _) => data.clone(),
            (None, DELETE) => Value::Null,
            (None, _) => return None,
        };
        Some(PulledChange {
            seq: self.seq,
            entity: self.entity.clone(),
            id: self.id,
            op: self.op.clone(),
            version: self.version,
            data,
        })
    }
}

/// How much of an event a person hears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hears {
    Nothing,
    /// That the record changed, without its data: the till pulls, and the
    /// pull decides what it may see.
    Poke,
    Everything,
}

/// What a person of `role` hears of events about `topic`: the permission
/// table's read rules. A record's data goes to who may read every record
/// of its kind (others' shifts and clock-ins need `ReadOthers`); the audit
/// log and the conflict list to who may read them.
pub fn hears(role: Role, topic: Topic) -> Hears {
    let everything_if = |allowed: bool| {
        if allowed {
            Hears::Everything
        } else {
            Hears::Nothing
        }
    };
    match topic {
        Topic::Record(kind) => {
            let subject = Subject::Record(kind);
            let others = permissions::roles(subject, Action::ReadOthers);
            let reads_all = permissions::may(role, subject, Action::Read)
                && (others.is_empty() || others.contains(&role));
            if reads_all {
                Hears::Everything
            } else {
                Hears::Poke
            }
        }
        Topic::Audit => everything_if(permissions::may(role, Subject::AuditLog, Action::Read)),
        Topic::Conflict => {
            everything_if(permissions::may(role, Subject::ConflictList, Action::Read))
        }
    }
}

/// The fields among `watched` that `now` (a record as an event brings it)
/// holds differently from `shown` (the same record as a screen shows it):
/// what changed underneath the person looking at it.
pub fn changed_fields<'a>(shown: &Value, now: &Value, watched: &[&'a str]) -> Vec<&'a str> {
    let blank = |v: Option<&Value>| match v {
        None | Some(Value::Null) => Value::String(String::new()),
        Some(v) => v.clone(),
    };
    watched
        .iter()
        .copied()
        .filter(|field| blank(shown.get(*field)) != blank(now.get(*field)))
        .collect()
}

/// What the socket says besides events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Notice {
    /// Sent once the socket hears its store: every change committed from
    /// now on is sent, so a pull started after this misses nothing. `seq`:
    /// where the store's feed stands; `ping_seconds`: how often the server
    /// pings (a till that hears nothing for much longer reconnects).
    Hello { seq: i64, ping_seconds: u64 },
    /// The server is there; answer with anything (the browser answers the
    /// protocol's own ping by itself).
    Ping,
    /// Events may have been missed (the fan-out between servers was
    /// interrupted): pull.
    Resync,
}

/// One message from the socket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum SocketMessage {
    Notice(Notice),
    Event(StoreEvent),
}

/// Why the server closed a socket (WebSocket close codes in the range
/// kept for applications), so the till knows whether to come back.
pub mod close {
    /// The session ended (signed out, or it expired): sign in again.
    pub const SESSION_ENDED: u16 = 4001;
    /// The socket could not keep up: reconnect and pull.
    pub const TOO_SLOW: u16 = 4008;
    /// No answer to the heartbeat.
    pub const SILENT: u16 = 4009;
    /// The server is shutting down: reconnect (to another instance).
    pub const GOING_AWAY: u16 = 1001;

    /// Whether a till should open a new socket after this close.
    pub fn reconnect(code: u16) -> bool {
        code != SESSION_ENDED
    }
}

/// What a till does with events that arrived, given where its copy of the
/// store stands (`cursor`).
#[derive(Clone, Debug, PartialEq)]
pub struct CatchUp {
    /// The changes to apply, in order, as one pulled page would be.
    pub apply: Vec<PulledChange>,
    /// The cursor after them.
    pub cursor: i64,
    /// A gap, or a change sent without its data: pull (after applying).
    pub pull: bool,
}

/// Takes the run of changes that follows `cursor` without a gap and
/// carries its data; anything already applied is skipped; a change past a
/// gap, or one that is only a poke, means the till must pull.
pub fn catch_up(cursor: i64, events: &[StoreEvent]) -> CatchUp {
    let mut changes: Vec<&StoreEvent> = events
        .iter()
        .filter(|e| e.is_change() && e.seq > cursor)
        .collect();
    changes.sort_by_key(|e| e.seq);
    changes.dedup_by_key(|e| e.seq);
    let mut at = cursor;
    let mut apply = Vec::new();
    let mut pull = false;
    for event in changes {
        match event.as_pulled() {
            Some(change) if event.seq == at + 1 => {
                at = event.seq;
                apply.push(change);
            }
            _ => {
                pull = true;
                break;
            }
        }
    }
    CatchUp {
        apply,
        cursor: at,
        pull,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn change(seq: i64, data: Option<Value>) -> StoreEvent {
        StoreEvent {
            name: EventName::of_change(EntityKind::Product, UPSERT, false),
            seq,
            entity: "product".into(),
            op: UPSERT.into(),
            id: Uuid::from_u128(seq as u128),
            version: 2,
            data,
        }
    }

    fn audit(seq: i64) -> StoreEvent {
        StoreEvent {
            name: EventName {
                topic: Topic::Audit,
                happened: Happened::Created,
            },
            entity: "audit".into(),
            op: "create".into(),
            ..change(seq, Some(json!({})))
        }
    }

    #[test]
    fn names_read_as_the_seed_spells_them() {
        let name = |kind, op, created| EventName::of_change(kind, op, created).to_string();
        assert_eq!(name(EntityKind::Product, UPSERT, true), "product:created");
        assert_eq!(name(EntityKind::Product, UPSERT, false), "product:updated");
        assert_eq!(
            name(EntityKind::Customer, DELETE, false),
            "customer:deleted"
        );
        assert_eq!(name(EntityKind::Sale, UPSERT, true), "sale:created");
        assert_eq!(
            name(EntityKind::StoreSettings, UPSERT, false),
            "store_settings:updated"
        );
        for text in ["audit:created", "conflict:created", "conflict:resolved"] {
            assert_eq!(EventName::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(EventName::parse("product"), None);
        assert_eq!(EventName::parse("widget:created"), None);
        assert_eq!(EventName::parse("product:exploded"), None);
    }

    #[test]
    fn every_kind_has_its_names_both_ways() {
        for kind in EntityKind::ALL {
            for (op, created) in [(UPSERT, true), (UPSERT, false), (DELETE, false)] {
                let name = EventName::of_change(kind, op, created);
                assert_eq!(EventName::parse(&name.to_string()), Some(name));
            }
        }
    }

    #[test]
    fn an_event_reads_back_as_it_was_sent() {
        let event = change(7, Some(json!({"name": "Milk"})));
        let text = serde_json::to_string(&event).unwrap();
        assert!(
            text.starts_with(r#"{"type":"product:updated","seq":7,"#),
            "{text}"
        );
        let read: SocketMessage = serde_json::from_str(&text).unwrap();
        assert_eq!(read, SocketMessage::Event(event));
        let poke = change(8, None);
        assert!(!serde_json::to_string(&poke).unwrap().contains("data"));
    }

    #[test]
    fn notices_and_events_are_told_apart() {
        let read = |t: &str| serde_json::from_str::<SocketMessage>(t).unwrap();
        assert_eq!(
            read(r#"{"type":"ping"}"#),
            SocketMessage::Notice(Notice::Ping)
        );
        assert_eq!(
            read(r#"{"type":"hello","seq":3,"ping_seconds":20}"#),
            SocketMessage::Notice(Notice::Hello {
                seq: 3,
                ping_seconds: 20
            })
        );
        assert!(serde_json::from_str::<SocketMessage>(r#"{"type":"nonsense"}"#).is_err());
    }

    #[test]
    fn cashiers_hear_every_change_but_not_the_back_office() {
        let record = |kind| Topic::Record(kind);
        assert_eq!(
            hears(Role::Cashier, record(EntityKind::Product)),
            Hears::Everything
        );
        assert_eq!(
            hears(Role::Cashier, record(EntityKind::Employee)),
            Hears::Poke
        );
        assert_eq!(hears(Role::Cashier, record(EntityKind::Shift)), Hears::Poke);
        assert_eq!(hears(Role::Cashier, Topic::Audit), Hears::Nothing);
        assert_eq!(hears(Role::Cashier, Topic::Conflict), Hears::Nothing);
        for role in [Role::Manager, Role::Owner] {
            for kind in EntityKind::ALL {
                assert_eq!(hears(role, record(kind)), Hears::Everything, "{kind:?}");
            }
            assert_eq!(hears(role, Topic::Audit), Hears::Everything);
            assert_eq!(hears(role, Topic::Conflict), Hears::Everything);
        }
    }

    #[test]
    fn what_changed_underneath_is_what_the_person_can_see() {
        let shown = json!({"name": "Ana", "phone": null, "total_spent_cents": 100});
        let now = json!({"name": "Ana B", "phone": "", "total_spent_cents": 900});
        assert_eq!(
            changed_fields(&shown, &now, &["name", "phone", "email"]),
            ["name"]
        );
        assert!(changed_fields(&shown, &shown, &["name"]).is_empty());
    }

    #[test]
    fn a_till_applies_the_next_change_and_skips_what_it_has() {
        let plan = catch_up(6, &[change(6, Some(json!({}))), change(7, Some(json!({})))]);
        assert_eq!(plan.cursor, 7);
        assert_eq!(plan.apply.len(), 1);
        assert!(!plan.pull);
    }

    #[test]
    fn a_gap_or_a_poke_makes_the_till_pull() {
        let gap = catch_up(5, &[change(7, Some(json!({})))]);
        assert_eq!((gap.apply.len(), gap.cursor, gap.pull), (0, 5, true));
        let poke = catch_up(5, &[change(6, Some(json!({}))), change(7, None)]);
        assert_eq!((poke.apply.len(), poke.cursor, poke.pull), (1, 6, true));
    }

    #[test]
    fn a_tombstone_needs_no_data_and_audit_entries_never_move_the_cursor() {
        let gone = StoreEvent {
            op: DELETE.into(),
            name: EventName::of_change(EntityKind::Product, DELETE, false),
            ..change(6, None)
        };
        let plan = catch_up(5, &[audit(5), gone, audit(9)]);
        assert_eq!((plan.apply.len(), plan.cursor, plan.pull), (1, 6, false));
        assert_eq!(plan.apply[0].data, Value::Null);
    }

    proptest! {
        /// However events arrive (late, twice, out of order, some without
        /// data), a till never applies a change out of order or twice, and
        /// either reaches the newest one or knows to pull.
        #[test]
        fn catching_up_never_skips_a_change(
            cursor in 0i64..20,
            seqs in proptest::collection::vec((0i64..40, any::<bool>()), 0..30),
        ) {
            let events: Vec<StoreEvent> = seqs
                .iter()
                .map(|(seq, with_data)| change(*seq, with_data.then(|| json!({}))))
                .collect();
            let plan = catch_up(cursor, &events);
            let mut expected = cursor;
            for c in &plan.apply {
                expected += 1;
                prop_assert_eq!(c.seq, expected);
            }
            prop_assert_eq!(plan.cursor, expected);
            // Without a pull, the till has every change it was told of.
            let newest = events.iter().map(|e| e.seq).max().unwrap_or(0);
            prop_assert!(plan.pull || newest <= plan.cursor);
        }
    }
}
