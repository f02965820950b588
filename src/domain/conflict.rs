//! Two people changed one record apart (docs/ARCHITECTURE.md, "Conflicts"): a
//! three-way merge of their versions against the one both started from,
//! what a conflict looks like on the wire, and how a person resolves it.
//!
//! Records are compared as their editable fields, named as on the wire
//! (`{"name": …, "price_cents": …}`), so one merge serves every entity.

use super::error::{AppError, FieldErrors};
use super::mutation::{EntityKind, Op};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A record's fields by name.
pub type Fields = Map<String, Value>;

/// The fields of a record's wire form that say how it was stored, not
/// what it is; an edit never sets them, so they never conflict.
const BOOKKEEPING: [&str; 5] = [
    "id",
    "sync_version",
    "last_synced_at",
    "created_at",
    "updated_at",
];

/// The outcome of merging an edit into the record as it is now.
#[derive(Clone, Debug, PartialEq)]
pub struct Merge {
    /// Every field the edit names, with the value it takes: the side that
    /// changed it, or the server's while it is in conflict.
    pub merged: Fields,
    /// Fields both sides changed to different values, in name order.
    pub conflicts: Vec<String>,
}

/// Merges the client's edit of a record into the server's current version,
/// field by field against `base`, the version the edit started from
/// (`None` when that version is unknown: then every difference is a
/// conflict, as nothing says which side made it).
///
/// Only fields the client's edit names are merged; the rest of the
/// server's record is untouched. A field the server's record lacks takes
/// the client's value (a write-only field such as a new PIN).
pub fn merge(base: Option<&Fields>, server: &Fields, client: &Fields) -> Merge {
    let mut merged = Fields::new();
    let mut conflicts = Vec::new();
    for (name, mine) in client {
        let value = match server.get(name) {
            None => mine,
            Some(theirs) if theirs == mine => mine,
            Some(theirs) => match base.map(|b| b.get(name)) {
                // Only the server changed it.
                Some(Some(was)) if was == mine => theirs,
                // Only the client changed it.
                Some(Some(was)) if was == theirs => mine,
                _ => {
                    conflicts.push(name.clone());
                    theirs
                }
            },
        };
        merged.insert(name.clone(), value.clone());
    }
    conflicts.sort();
    Merge { merged, conflicts }
}

/// The fields `after` holds differently from `before`, bookkeeping aside:
/// what the other side changed when a record was deleted meanwhile.
pub fn changed_fields(before: &Fields, after: &Fields) -> Vec<String> {
    let mut names: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| !BOOKKEEPING.contains(&k.as_str()))
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A record's JSON as fields; anything but an object has none.
pub fn fields_of(value: &Value) -> Fields {
    value.as_object().cloned().unwrap_or_default()
}

/// Which side a conflicting field is taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Server,
    Client,
}

/// How a person resolves a conflict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Keep the server's values of the conflicting fields.
    Server,
    /// Keep the client's values.
    Client,
    /// Take each conflicting field from the side named.
    Manual,
}

impl Strategy {
    pub fn as_str(&self) -> &'static str {
        match self {
            Strategy::Server => "server",
            Strategy::Client => "client",
            Strategy::Manual => "manual",
        }
    }
}

/// `POST /api/conflicts/resolve`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Resolution {
    pub conflict_id: Uuid,
    pub strategy: Strategy,
    /// For `manual`: the side of each conflicting field.
    #[serde(default)]
    pub fields: BTreeMap<String, Side>,
}

impl Resolution {
    /// Reads a resolve request, naming the field that is wrong.
    pub fn parse(body: &Value) -> Result<Resolution, AppError> {
        let mut errors = FieldErrors::new();
        let conflict_id = body
            .get("conflict_id")
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok());
        if conflict_id.is_none() {
            errors.insert("conflict_id".into(), "must be a conflict's id".into());
        }
        let strategy = body
            .get("strategy")
            .and_then(|s| serde_json::from_value::<Strategy>(s.clone()).ok());
        if strategy.is_none() {
            errors.insert("strategy".into(), "choose server, client or manual".into());
        }
        let fields = match body.get("fields") {
            None | Some(Value::Null) => Some(BTreeMap::new()),
            Some(f) => serde_json::from_value(f.clone()).ok(),
        };
        if fields.is_none() {
            errors.insert(
                "fields".into(),
                "name each field with \"server\" or \"client\"".into(),
            );
        }
        match (conflict_id, strategy, fields) {
            (Some(conflict_id), Some(strategy), Some(fields)) if errors.is_empty() => {
                Ok(Resolution {
                    conflict_id,
                    strategy,
                    fields,
                })
            }
            _ => Err(AppError::validation(errors)),
        }
    }

    /// The side each conflicting field is taken from; `manual` must name
    /// every one of them (a choice for a field no longer in conflict is
    /// moot and ignored).
    pub fn sides(&self, conflicts: &[String]) -> Result<BTreeMap<String, Side>, AppError> {
        let mut missing = FieldErrors::new();
        let sides = conflicts
            .iter()
            .map(|name| {
                let side = match self.strategy {
                    Strategy::Server => Side::Server,
                    Strategy::Client => Side::Client,
                    Strategy::Manual => self.fields.get(name).copied().unwrap_or_else(|| {
                        missing.insert(
                            format!("fields.{name}"),
                            "choose which version to keep".into(),
                        );
                        Side::Server
                    }),
                };
                (name.clone(), side)
            })
            .collect();
        if missing.is_empty() {
            Ok(sides)
        } else {
            Err(AppError::validation(missing))
        }
    }
}

/// The record's fields once resolved: the merge, with each conflicting
/// field from the side chosen. Fields only one side changed keep their
/// merged value whatever was chosen.
pub fn resolve_fields(merge: &Merge, client: &Fields, sides: &BTreeMap<String, Side>) -> Fields {
    let mut fields = merge.merged.clone();
    for (name, side) in sides {
        if *side == Side::Client
            && let Some(mine) = client.get(name)
        {
            fields.insert(name.clone(), mine.clone());
        }
    }
    fields
}

/// What resolving a conflict writes to the record.
#[derive(Clone, Debug, PartialEq)]
pub enum ResolvedChange {
    /// Nothing: the record stays as it is (or stays deleted).
    Keep,
    /// These fields, on the record as it is now.
    Update(Fields),
    /// These fields, on a record deleted meanwhile, which comes back.
    Revive(Fields),
    /// The record is deleted now.
    Delete,
}

/// How `choice` resolves a conflict on the record as it is *now*: the
/// client's edit (`client`, started from `base`) or delete (`client` is
/// `None`) against `server` (`None`: deleted meanwhile). An edit is merged
/// again against the current record, so what changed since the conflict
/// is kept too. Also the side each clashing field was taken from.
pub fn resolved_change(
    base: Option<&Fields>,
    server: Option<&Fields>,
    client: Option<&Fields>,
    choice: &Resolution,
) -> Result<(ResolvedChange, BTreeMap<String, Side>), AppError> {
    let plain = |s| Ok((s, BTreeMap::new()));
    match (client, server, &choice.strategy) {
        (Some(client), Some(server), _) => {
            let merged = merge(base, server, client);
            let sides = choice.sides(&merged.conflicts)?;
            let fields = resolve_fields(&merged, client, &sides);
            Ok((ResolvedChange::Update(fields), sides))
        }
        // Deleted meanwhile: leave it deleted, or bring it back as edited.
        (Some(_), None, Strategy::Server) => plain(ResolvedChange::Keep),
        (Some(client), None, _) => plain(ResolvedChange::Revive(client.clone())),
        // A delete against an edit: keep the record, or delete it now.
        (None, Some(_), Strategy::Server) => plain(ResolvedChange::Keep),
        (None, Some(_), Strategy::Client) => plain(ResolvedChange::Delete),
        (None, Some(_), Strategy::Manual) => Err(AppError::field(
            "strategy",
            "a removal is kept or undone as a whole: choose keep server or keep mine",
        )),
        (None, None, _) => plain(ResolvedChange::Keep),
    }
}

/// A field's name as the resolver shows it: "price_cents" → "Price".
pub fn label(field: &str) -> String {
    let words = field
        .trim_end_matches("_cents")
        .trim_end_matches("_bp")
        .trim_end_matches("_id")
        .replace('_', " ");
    let mut chars = words.chars();
    let mut text = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if field.ends_with("_bp") {
        text.push_str(" %");
    }
    text
}

/// The fields the resolver shows for `report`, clashing ones first: those
/// either side changed from the version both started from. A field the
/// edit sent unchanged, which nobody touched, is left out. For a removal
/// (no fields of mine), the fields the other side changed.
pub fn shown_fields(report: &ConflictReport) -> Vec<String> {
    let (base, theirs, mine) = (
        fields_of(&report.base),
        fields_of(&report.server),
        fields_of(&report.client),
    );
    let mut names: Vec<String> = if report.client.is_object() {
        mine.keys()
            .filter(|name| {
                let was = base.get(*name);
                report.fields.contains(name)
                    || mine.get(*name) != was
                    || (report.server.is_object() && theirs.get(*name) != was)
            })
            .cloned()
            .collect()
    } else {
        report.fields.clone()
    };
    names.sort_by_key(|n| (!report.fields.contains(n), n.clone()));
    names
}

/// A field's value as the resolver shows it: money as money, rates as
/// percentages, nothing as a dash.
pub fn show(field: &str, value: &Value) -> String {
    match value {
        Value::Null => "—".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_i64() {
            Some(c) if field.ends_with("_cents") => super::money::Cents(c).to_string(),
            Some(bp) if field.ends_with("_bp") => super::money::TaxRate(bp as i32).percent_text(),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// A stored conflict, as the REST API's 409, a push's answer and the
/// resolver show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConflictReport {
    pub conflict_id: Uuid,
    #[serde(rename = "entity_type")]
    pub entity: EntityKind,
    pub entity_id: Uuid,
    /// What the client tried: an update or a delete.
    pub op: Op,
    /// The fields in conflict (for a delete: what the other side changed).
    pub fields: Vec<String>,
    /// The record as the edit started from it (`null` when unknown).
    pub base: Value,
    /// The record as it is on the server (`null`: deleted meanwhile).
    pub server: Value,
    /// The fields as the client set them (`null`: the client deleted it).
    pub client: Value,
}

/// A conflict as the managers' list and a record's history show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StoredConflict {
    #[serde(flatten)]
    pub report: ConflictReport,
    /// "open" or "resolved".
    pub status: String,
    pub created_by: Option<Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The strategy chosen and the side of each field, once resolved.
    pub resolution: Value,
}

/// What resolving did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Resolved {
    pub conflict_id: Uuid,
    /// The record as it is now (`null`: it stays deleted or was deleted).
    pub record: Value,
    /// Its version now.
    pub version: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::{
        ConflictReport, Fields, Resolution, ResolvedChange, Side, Strategy as Keep, changed_fields,
        fields_of, label, merge, resolve_fields, resolved_change, show, shown_fields,
    };
    use crate::domain::mutation::{EntityKind, Op};
    use proptest::prelude::*;
    use serde_json::Value;
    use serde_json::json;
    use std::collections::BTreeMap;
    use uuid::Uuid;

    fn fields(v: Value) -> Fields {
        fields_of(&v)
    }

    /// Found trying the app: the resolver listed every field the form
    /// sent, changed or not.
    #[test]
    fn the_resolver_shows_only_what_someone_changed_clashes_first() {
        let report = ConflictReport {
            conflict_id: Uuid::nil(),
            entity: EntityKind::Product,
            entity_id: Uuid::nil(),
            op: Op::Update,
            fields: vec!["name".into()],
            base: json!({"name": "Tea", "sku": "T1", "price_cents": 100, "active": true}),
            server: json!({"name": "Green tea", "sku": "T1", "price_cents": 120, "active": true}),
            client: json!({"name": "Black tea", "sku": "T1", "price_cents": 100, "active": true}),
        };
        assert_eq!(shown_fields(&report), vec!["name", "price_cents"]);
        let removal = ConflictReport {
            op: Op::Delete,
            client: Value::Null,
            fields: vec!["price_cents".into()],
            ..report
        };
        assert_eq!(shown_fields(&removal), vec!["price_cents"]);
    }

    #[test]
    fn edits_to_different_fields_merge() {
        let base = fields(json!({"name": "Tea", "price_cents": 300}));
        let server = fields(json!({"name": "Green tea", "price_cents": 300}));
        let client = fields(json!({"name": "Tea", "price_cents": 350}));
        let m = merge(Some(&base), &server, &client);
        assert!(m.conflicts.is_empty());
        assert_eq!(
            m.merged,
            fields(json!({"name": "Green tea", "price_cents": 350}))
        );
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let base = fields(json!({"name": "Tea"}));
        let both = fields(json!({"name": "Green tea"}));
        assert!(merge(Some(&base), &both, &both).conflicts.is_empty());
    }

    #[test]
    fn different_changes_to_one_field_conflict_and_keep_the_servers_value() {
        let base = fields(json!({"name": "Tea", "sku": "T1"}));
        let server = fields(json!({"name": "Green tea", "sku": "T1"}));
        let client = fields(json!({"name": "Black tea", "sku": "T2"}));
        let m = merge(Some(&base), &server, &client);
        assert_eq!(m.conflicts, vec!["name".to_string()]);
        assert_eq!(m.merged["name"], json!("Green tea"));
        assert_eq!(m.merged["sku"], json!("T2"));
    }

    #[test]
    fn without_a_base_every_difference_is_a_conflict() {
        let server = fields(json!({"name": "Green tea", "sku": "T1"}));
        let client = fields(json!({"name": "Black tea", "sku": "T1"}));
        assert_eq!(merge(None, &server, &client).conflicts, vec!["name"]);
    }

    #[test]
    fn a_field_the_server_does_not_show_takes_the_clients_value() {
        let base = fields(json!({"name": "Ann"}));
        let server = fields(json!({"name": "Ann", "has_pin": true}));
        let client = fields(json!({"name": "Ann", "pin": "1234"}));
        let m = merge(Some(&base), &server, &client);
        assert!(m.conflicts.is_empty());
        assert_eq!(m.merged["pin"], json!("1234"));
    }

    #[test]
    fn resolving_takes_each_conflicting_field_from_the_side_chosen() {
        let base = fields(json!({"name": "Tea", "sku": "T1", "price_cents": 300}));
        let server = fields(json!({"name": "Green tea", "sku": "S", "price_cents": 300}));
        let client = fields(json!({"name": "Black tea", "sku": "C", "price_cents": 350}));
        let m = merge(Some(&base), &server, &client);
        assert_eq!(m.conflicts, vec!["name", "sku"]);
        let choice = Resolution {
            conflict_id: Uuid::nil(),
            strategy: Keep::Manual,
            fields: BTreeMap::from([("name".into(), Side::Client), ("sku".into(), Side::Server)]),
        };
        let resolved = resolve_fields(&m, &client, &choice.sides(&m.conflicts).unwrap());
        assert_eq!(
            resolved,
            fields(json!({"name": "Black tea", "sku": "S", "price_cents": 350}))
        );
        // Keep server still takes the client's uncontested price.
        let keep_server = Resolution {
            strategy: Keep::Server,
            ..choice.clone()
        };
        let resolved = resolve_fields(&m, &client, &keep_server.sides(&m.conflicts).unwrap());
        assert_eq!(resolved["price_cents"], json!(350));
        assert_eq!(resolved["name"], json!("Green tea"));
    }

    #[test]
    fn resolving_against_a_delete_is_all_or_nothing() {
        let client = fields(json!({"name": "Ann", "phone": "1"}));
        let server = fields(json!({"name": "Ann B", "phone": null}));
        let choose = |strategy| Resolution {
            conflict_id: Uuid::nil(),
            strategy,
            fields: BTreeMap::new(),
        };
        let outcome = |client, server, strategy| {
            resolved_change(None, server, client, &choose(strategy)).map(|(s, _)| s)
        };
        // The record was deleted while the client edited it.
        assert_eq!(
            outcome(Some(&client), None, Keep::Server),
            Ok(ResolvedChange::Keep)
        );
        assert_eq!(
            outcome(Some(&client), None, Keep::Client),
            Ok(ResolvedChange::Revive(client.clone()))
        );
        // The client deleted a record edited meanwhile.
        assert_eq!(
            outcome(None, Some(&server), Keep::Server),
            Ok(ResolvedChange::Keep)
        );
        assert_eq!(
            outcome(None, Some(&server), Keep::Client),
            Ok(ResolvedChange::Delete)
        );
        assert!(outcome(None, Some(&server), Keep::Manual).is_err());
        assert_eq!(outcome(None, None, Keep::Client), Ok(ResolvedChange::Keep));
    }

    #[test]
    fn resolving_an_edit_merges_again_with_the_record_as_it_is_now() {
        let base = fields(json!({"name": "Tea", "sku": "T1", "price_cents": 300}));
        // Since the conflict, someone also changed the SKU.
        let now = fields(json!({"name": "Green tea", "sku": "T9", "price_cents": 300}));
        let client = fields(json!({"name": "Black tea", "sku": "T1", "price_cents": 350}));
        let choice = Resolution {
            conflict_id: Uuid::nil(),
            strategy: Keep::Client,
            fields: BTreeMap::new(),
        };
        let (resolved, sides) =
            resolved_change(Some(&base), Some(&now), Some(&client), &choice).unwrap();
        assert_eq!(
            resolved,
            ResolvedChange::Update(fields(
                json!({"name": "Black tea", "sku": "T9", "price_cents": 350})
            ))
        );
        assert_eq!(sides, BTreeMap::from([("name".to_string(), Side::Client)]));
    }

    #[test]
    fn manual_must_choose_every_conflicting_field() {
        let choice = Resolution {
            conflict_id: Uuid::nil(),
            strategy: Keep::Manual,
            fields: BTreeMap::from([("name".into(), Side::Client)]),
        };
        let e = choice
            .sides(&["name".to_string(), "sku".to_string()])
            .unwrap_err();
        assert!(e.field_errors().contains_key("fields.sku"));
    }

    #[test]
    fn fields_read_in_shop_words() {
        assert_eq!(label("price_cents"), "Price");
        assert_eq!(label("tax_rate_bp"), "Tax rate %");
        assert_eq!(label("category_id"), "Category");
        assert_eq!(show("price_cents", &json!(1250)), "12.50");
        assert_eq!(show("tax_rate_bp", &json!(725)), "7.25");
        assert_eq!(show("phone", &Value::Null), "—");
        assert_eq!(show("active", &json!(false)), "no");
    }

    #[test]
    fn changed_fields_leave_out_bookkeeping() {
        let before = fields(json!({"name": "Tea", "sync_version": 1, "phone": null}));
        let after = fields(json!({"name": "Tea", "sync_version": 2, "phone": "1"}));
        assert_eq!(changed_fields(&before, &after), vec!["phone"]);
    }

    #[test]
    fn a_conflict_reads_as_the_wire_shows_it() {
        let r: Resolution = serde_json::from_value(json!({
            "conflict_id": Uuid::nil(), "strategy": "manual", "fields": {"name": "client"}
        }))
        .unwrap();
        assert_eq!(r.fields["name"], Side::Client);
        let r: Resolution =
            serde_json::from_value(json!({"conflict_id": Uuid::nil(), "strategy": "server"}))
                .unwrap();
        assert!(r.fields.is_empty());
    }

    /// Small records over a few field names and values, so sides often
    /// touch the same fields.
    fn record() -> impl Strategy<Value = Fields> {
        proptest::collection::btree_map("[abc]", 0i64..3, 0..=3).prop_map(|m| {
            m.into_iter()
                .map(|(k, v)| (k, json!(v)))
                .collect::<Fields>()
        })
    }

    /// `base` edited: some of its fields given new values.
    fn edit_of(base: Fields) -> impl Strategy<Value = Fields> {
        let n = base.len();
        (
            Just(base),
            proptest::collection::vec(proptest::option::of(0i64..3), n),
        )
            .prop_map(|(base, changes)| {
                base.into_iter()
                    .zip(changes)
                    .map(|((k, v), c)| (k, c.map_or(v, |c| json!(c))))
                    .collect()
            })
    }

    fn three() -> impl Strategy<Value = (Fields, Fields, Fields)> {
        record().prop_flat_map(|base| (Just(base.clone()), edit_of(base.clone()), edit_of(base)))
    }

    proptest! {
        #[test]
        fn merging_is_deterministic((base, server, client) in three()) {
            prop_assert_eq!(
                merge(Some(&base), &server, &client),
                merge(Some(&base), &server, &client)
            );
        }

        #[test]
        fn an_unchanged_side_gives_the_other((base, _server, client) in three()) {
            // The server did not change anything: the client's edit wins.
            let m = merge(Some(&base), &base, &client);
            prop_assert!(m.conflicts.is_empty());
            prop_assert_eq!(&m.merged, &client);
            // The client changed nothing: the server's values stay.
            let m = merge(Some(&base), &client, &base);
            prop_assert!(m.conflicts.is_empty());
            prop_assert_eq!(&m.merged, &client);
        }

        #[test]
        fn edits_to_different_fields_never_conflict((base, server, client) in three()) {
            // Keep only the server's changes to fields the client left alone.
            let server: Fields = server
                .into_iter()
                .map(|(k, v)| {
                    if client.get(&k) != base.get(&k) { (k.clone(), base[&k].clone()) } else { (k, v) }
                })
                .collect();
            let m = merge(Some(&base), &server, &client);
            prop_assert!(m.conflicts.is_empty());
            for (k, v) in &m.merged {
                let expected = if client[k] != base[k] { &client[k] } else { &server[k] };
                prop_assert_eq!(v, expected);
            }
        }

        #[test]
        fn the_result_holds_only_values_one_side_had((base, server, client) in three()) {
            let m = merge(Some(&base), &server, &client);
            for (k, v) in &m.merged {
                prop_assert!(Some(v) == server.get(k) || Some(v) == client.get(k));
            }
            for k in &m.conflicts {
                prop_assert!(server[k] != client[k] && server[k] != base[k] && client[k] != base[k]);
            }
        }

        #[test]
        fn resolving_keeps_only_values_one_side_had((base, server, client) in three(), mine in any::<bool>()) {
            let m = merge(Some(&base), &server, &client);
            let choice = Resolution {
                conflict_id: Uuid::nil(),
                strategy: if mine { Keep::Client } else { Keep::Server },
                fields: BTreeMap::new(),
            };
            let resolved = resolve_fields(&m, &client, &choice.sides(&m.conflicts).unwrap());
            for k in &m.conflicts {
                prop_assert_eq!(&resolved[k], if mine { &client[k] } else { &server[k] });
            }
            for (k, v) in &resolved {
                prop_assert!(Some(v) == server.get(k) || Some(v) == client.get(k));
            }
        }
    }
}
