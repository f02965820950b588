//! The sync wire format (docs/ARCHITECTURE.md, "Sync protocol"): what a till pushes
//! from its outbox, what it is told back, and what it pulls. Field names
//! are part of the contract with installed tills.

use super::conflict::ConflictReport;
use super::error::{AppError, ErrorCode};
use super::mutation::{EntityKind, Mutation, Op};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// Most mutations one push may carry.
pub const MAX_PUSH: usize = 1_000;
/// Most changes one pull page may carry.
pub const MAX_PULL: u64 = 1_000;

/// One outbox entry. `mutation_id` counts up by one per client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushedMutation {
    pub mutation_id: i64,
    pub entity: EntityKind,
    pub op: Op,
    pub id: Uuid,
    #[serde(default)]
    pub base_version: Option<i64>,
    /// The record as the edit started from it (for merging stale edits).
    #[serde(default)]
    pub base: Option<Value>,
    #[serde(default)]
    pub data: Value,
}

impl PushedMutation {
    /// What this change is, as text that is the same however its JSON was
    /// laid out (keys sorted): the server keeps a digest of it with the
    /// answer, so a replay is known to be the same change, not merely the
    /// same number.
    pub fn identity_text(&self) -> String {
        let mut out = String::new();
        canonical(
            &serde_json::json!({
                "entity": self.entity, "op": self.op, "id": self.id,
                "base_version": self.base_version, "data": self.data,
            }),
            &mut out,
        );
        out
    }

    pub fn mutation(&self) -> Mutation {
        Mutation {
            entity: self.entity,
            op: self.op,
            id: self.id,
            base_version: self.base_version,
            data: self.data.clone(),
            base: self.base.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub client_id: Uuid,
    pub mutations: Vec<PushedMutation>,
}

/// What became of one mutation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Applied {
        version: i64,
    },
    Merged {
        version: i64,
    },
    /// Stored as a conflict for a person to resolve; the record is as the
    /// server had it.
    Conflict {
        conflict_id: Uuid,
        fields: Vec<String>,
        server: Value,
        #[serde(default)]
        base: Value,
        #[serde(default)]
        client: Value,
    },
    /// It can never apply (bad data, not allowed, gone); it still counts as
    /// processed so the queue moves on, and the till shows the reason.
    Rejected {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Value::is_null")]
        details: Value,
    },
}

impl Outcome {
    /// The answer for an edit stored as `report`.
    pub fn conflict(report: &ConflictReport) -> Outcome {
        Outcome::Conflict {
            conflict_id: report.conflict_id,
            fields: report.fields.clone(),
            server: report.server.clone(),
            base: report.base.clone(),
            client: report.client.clone(),
        }
    }

    /// The conflict a `Conflict` answer to a change of record `id` (of
    /// `entity`, by `op`) describes.
    pub fn conflict_report(&self, entity: EntityKind, id: Uuid, op: Op) -> Option<ConflictReport> {
        match self {
            Outcome::Conflict {
                conflict_id,
                fields,
                server,
                base,
                client,
            } => Some(ConflictReport {
                conflict_id: *conflict_id,
                entity,
                entity_id: id,
                op,
                fields: fields.clone(),
                base: base.clone(),
                server: server.clone(),
                client: client.clone(),
            }),
            _ => None,
        }
    }

    /// The outcome of an error, or `None` when the error may pass (the
    /// database was busy or down): then the push stops and is retried.
    pub fn of_error(e: &AppError) -> Option<Outcome> {
        match e.code {
            ErrorCode::Validation
            | ErrorCode::Forbidden
            | ErrorCode::NotFound
            | ErrorCode::Conflict => Some(Outcome::Rejected {
                code: e.code,
                message: e.message.clone(),
                details: e.details.clone(),
            }),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MutationResult {
    pub mutation_id: i64,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<MutationResult>,
    /// The last mutation the server has processed for this client.
    pub last_mutation_id: i64,
}

/// What the server does with each pushed mutation, given the last one it
/// processed for the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Processed before: answer with the stored result.
    Replay,
    /// The next one: apply it.
    Apply,
    /// One or more before it are missing: stop here.
    Gap,
}

/// `value` as JSON with every object's keys in order.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Plans a push: replays, then the run of consecutive new mutations, then
/// a stop at the first gap (or at anything out of order after it).
pub fn plan(last_processed: i64, mutation_ids: &[i64]) -> Vec<Step> {
    let mut next = last_processed + 1;
    let mut steps = Vec::with_capacity(mutation_ids.len());
    for &id in mutation_ids {
        let step = if id < next && id <= last_processed {
            Step::Replay
        } else if id == next {
            next += 1;
            Step::Apply
        } else {
            Step::Gap
        };
        steps.push(step);
        if step == Step::Gap {
            break;
        }
    }
    steps
}

/// One entry of a pull: the record as it is now, or a tombstone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PulledChange {
    pub seq: i64,
    pub entity: String,
    pub id: Uuid,
    /// "upsert" or "delete"
    pub op: String,
    pub version: i64,
    pub data: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub changes: Vec<PulledChange>,
    /// Pull again from here.
    pub cursor: i64,
    pub has_more: bool,
    /// Where the store's feed stood, when there is more to pull: how far a
    /// till still has to go (a new till shows its download's progress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<i64>,
}

/// What a till does with one of its outbox entries after a push.
#[derive(Clone, Debug, PartialEq)]
pub enum Fate {
    /// The server has it: drop it from the outbox.
    Done,
    /// The server will never apply it as it is: keep it, off the outbox,
    /// for a person to review, with the reason.
    Kept { reason: String },
    /// Not processed yet (after a gap or a stop): push it again.
    Waiting,
    /// Stored on the server as a conflict: off the outbox, onto the
    /// till's list of conflicts to resolve.
    Conflict(Box<ConflictReport>),
    /// The server holds another device's change under this till's sync id
    /// and number (a tablet cloned with this one's storage): the till
    /// takes a sync id of its own and sends what waits again.
    Renumber,
}

/// The reason a push gives for a change sent under a number another
/// change of the same sync id already had.
pub const NUMBER_REUSED: &str = "mutation_number_reused";

/// The server's reason in words a person can act on: the field problems
/// when there are any ("payments: the payments are 0.99 short of the
/// total"), else its message.
fn refusal(message: &str, details: &Value) -> String {
    let fields: Vec<String> = details
        .get("fields")
        .and_then(Value::as_object)
        .map(|f| {
            f.iter()
                .map(|(name, problem)| format!("{name}: {}", problem.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    if fields.is_empty() {
        message.to_string()
    } else {
        fields.join("; ")
    }
}

impl PushResponse {
    /// The fate of outbox entry `m` after this answer.
    pub fn fate(&self, m: &PushedMutation) -> Fate {
        let mutation_id = m.mutation_id;
        match self.results.iter().find(|r| r.mutation_id == mutation_id) {
            Some(r) => match (&r.outcome, r.outcome.conflict_report(m.entity, m.id, m.op)) {
                (_, Some(report)) => Fate::Conflict(Box::new(report)),
                (Outcome::Rejected { details, .. }, None)
                    if details.get("reason").and_then(Value::as_str) == Some(NUMBER_REUSED) =>
                {
                    Fate::Renumber
                }
                (
                    Outcome::Rejected {
                        message, details, ..
                    },
                    None,
                ) => Fate::Kept {
                    reason: refusal(message, details),
                },
                _ => Fate::Done,
            },
            // Processed by an earlier push whose answer was lost.
            None if mutation_id <= self.last_mutation_id => Fate::Done,
            None => Fate::Waiting,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_change_is_itself_however_its_json_is_laid_out_and_not_another() {
        let pushed = |text: &str| serde_json::from_str::<PushedMutation>(text).unwrap();
        let one = pushed(
            r#"{"mutation_id":5,"entity":"sale","op":"create","id":"0190a000-0000-7000-8000-000000000001","data":{"b":1,"a":{"y":2,"x":[1,{"q":1,"p":2}]}}}"#,
        );
        let same = pushed(
            r#"{"data":{"a":{"x":[1,{"p":2,"q":1}],"y":2},"b":1},"id":"0190a000-0000-7000-8000-000000000001","op":"create","entity":"sale","mutation_id":5}"#,
        );
        let other = pushed(
            r#"{"mutation_id":5,"entity":"sale","op":"create","id":"0190a000-0000-7000-8000-000000000002","data":{"b":1,"a":{"y":2,"x":[1,{"q":1,"p":2}]}}}"#,
        );
        assert_eq!(one.identity_text(), same.identity_text());
        assert_ne!(one.identity_text(), other.identity_text());
    }

    #[test]
    fn a_till_drops_what_the_server_has_and_keeps_what_it_refused() {
        let answer = PushResponse {
            results: vec![
                MutationResult {
                    mutation_id: 4,
                    outcome: Outcome::Applied { version: 1 },
                },
                MutationResult {
                    mutation_id: 5,
                    outcome: Outcome::Rejected {
                        code: ErrorCode::Validation,
                        message: "Please correct the highlighted field.".into(),
                        details: serde_json::json!({"fields": {"payments": "the payments are 1.00 short of the total"}}),
                    },
                },
            ],
            last_mutation_id: 5,
        };
        let pushed = |mutation_id| PushedMutation {
            mutation_id,
            entity: EntityKind::Customer,
            op: Op::Update,
            id: Uuid::nil(),
            base_version: Some(1),
            base: None,
            data: Value::Null,
        };
        assert_eq!(
            answer.fate(&pushed(3)),
            Fate::Done,
            "processed before, answer lost"
        );
        assert_eq!(answer.fate(&pushed(4)), Fate::Done);
        assert_eq!(
            answer.fate(&pushed(5)),
            Fate::Kept {
                reason: "payments: the payments are 1.00 short of the total".into()
            }
        );
        assert_eq!(answer.fate(&pushed(6)), Fate::Waiting);
        // Another device's change under this number: sent again, not kept.
        let reused = PushResponse {
            results: vec![MutationResult {
                mutation_id: 6,
                outcome: Outcome::Rejected {
                    code: ErrorCode::Conflict,
                    message: "another device".into(),
                    details: serde_json::json!({ "reason": NUMBER_REUSED }),
                },
            }],
            last_mutation_id: 9,
        };
        assert_eq!(reused.fate(&pushed(6)), Fate::Renumber);
        let clash = PushResponse {
            results: vec![MutationResult {
                mutation_id: 7,
                outcome: Outcome::Conflict {
                    conflict_id: Uuid::nil(),
                    fields: vec!["name".into()],
                    server: serde_json::json!({"name": "Ann"}),
                    base: serde_json::json!({"name": "An"}),
                    client: serde_json::json!({"name": "Anne"}),
                },
            }],
            last_mutation_id: 7,
        };
        let Fate::Conflict(report) = clash.fate(&pushed(7)) else {
            panic!("a conflict goes to the till's conflicts");
        };
        assert_eq!(
            (report.entity, report.op),
            (EntityKind::Customer, Op::Update)
        );
        assert_eq!(report.client["name"], "Anne");
    }

    #[test]
    fn replays_then_new_then_a_gap_stops_the_batch() {
        use Step::*;
        assert_eq!(
            plan(3, &[2, 3, 4, 5, 7, 8]),
            vec![Replay, Replay, Apply, Apply, Gap]
        );
        assert_eq!(plan(0, &[2]), vec![Gap]);
        assert_eq!(plan(0, &[]), vec![]);
        // A mutation repeated inside one batch is not applied twice.
        assert_eq!(plan(0, &[1, 1]), vec![Apply, Gap]);
    }

    #[test]
    fn the_wire_form_matches_the_design() {
        let r = MutationResult {
            mutation_id: 1,
            outcome: Outcome::Applied { version: 1 },
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"mutation_id": 1, "status": "applied", "version": 1})
        );
        let rejected = Outcome::of_error(&AppError::field("name", "is required")).unwrap();
        let json = serde_json::to_value(&rejected).unwrap();
        assert_eq!(json["status"], "rejected");
        assert_eq!(json["code"], "validation");
        assert!(Outcome::of_error(&AppError::internal()).is_none());
        let m: PushRequest = serde_json::from_value(serde_json::json!({
            "client_id": "0190a0b0-0000-7000-8000-000000000000",
            "mutations": [{"mutation_id": 1, "entity": "sale", "op": "create",
                           "id": "0190a0b0-0000-7000-8000-000000000001", "base_version": null, "base": null, "data": {}}]
        }))
        .unwrap();
        assert_eq!(m.mutations[0].entity, EntityKind::Sale);
    }

    proptest! {
        /// Whatever arrives, each mutation id is applied at most once and
        /// only in order, with nothing skipped.
        #[test]
        fn nothing_is_applied_twice_or_out_of_order(last in 0i64..20, ids in prop::collection::vec(0i64..40, 0..30)) {
            let steps = plan(last, &ids);
            let applied: Vec<i64> = ids.iter().zip(&steps).filter(|(_, s)| **s == Step::Apply).map(|(id, _)| *id).collect();
            let expected: Vec<i64> = (last + 1..last + 1 + applied.len() as i64).collect();
            prop_assert_eq!(applied, expected);
            prop_assert!(steps.iter().filter(|s| **s == Step::Gap).count() <= 1);
            if let Some(pos) = steps.iter().position(|s| *s == Step::Gap) {
                prop_assert_eq!(pos, steps.len() - 1);
            }
        }
    }
}
