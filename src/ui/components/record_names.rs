//! The names of the records a field points at (`category_id` → "Tea"),
//! so a person reads names, not ids: in the conflict resolver and in the
//! audit log's changes.

use crate::api::catalog::list_categories;
use crate::domain::conflict::Fields;
use crate::domain::mutation::EntityKind;
use crate::till::local;
use leptos::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

/// The kind of record a field ending in `_id` points at, if it is one the
/// resolver can name.
fn kind_named_by(field: &str) -> Option<EntityKind> {
    match field {
        "category_id" => Some(EntityKind::Category),
        "customer_id" => Some(EntityKind::Customer),
        "employee_id" => Some(EntityKind::Employee),
        "product_id" => Some(EntityKind::Product),
        _ => None,
    }
}

/// The names of the records the shown fields point at, from the till's
/// copy (and the server's categories when the copy lacks one), so a
/// person chooses between "Tea" and "Coffee", not two ids.
pub fn names_of(rows: &[String], versions: &[&Fields]) -> RwSignal<HashMap<String, String>> {
    let names = RwSignal::new(HashMap::new());
    let mut wanted: Vec<(EntityKind, Uuid)> = Vec::new();
    for field in rows {
        let Some(kind) = kind_named_by(field) else {
            continue;
        };
        for version in versions.iter() {
            if let Some(id) = version
                .get(field)
                .and_then(|v| v.as_str())
                .and_then(|v| v.parse().ok())
            {
                wanted.push((kind, id));
            }
        }
    }
    if wanted.is_empty() {
        return names;
    }
    leptos::task::spawn_local(async move {
        let mut found = HashMap::new();
        for kind in [
            EntityKind::Category,
            EntityKind::Customer,
            EntityKind::Employee,
            EntityKind::Product,
        ] {
            let ids: Vec<Uuid> = wanted
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| *id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            for record in local::records_with_ids::<serde_json::Value>(kind, ids).await {
                if let (Some(id), Some(name)) = (record["id"].as_str(), record["name"].as_str()) {
                    found.insert(id.to_string(), name.to_string());
                }
            }
        }
        let missing_category = wanted
            .iter()
            .any(|(k, id)| *k == EntityKind::Category && !found.contains_key(&id.to_string()));
        if missing_category && let Ok(categories) = list_categories().await {
            for c in categories {
                found.entry(c.id.to_string()).or_insert(c.name);
            }
        }
        names.set(found);
    });
    names
}
