//! Notes managers leave for the floor ("card terminal 2 is down, cash
//! only"): every till shows the pinned ones. The smallest record kind, and
//! the one docs/ARCHITECTURE.md walks through when it explains how to add
//! a kind.

use super::error::AppError;
use super::fields::FieldReader;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Note {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    /// Shown at the top of every till until unpinned.
    pub pinned: bool,
    pub updated_at: DateTime<Utc>,
    pub sync_version: i64,
}

/// A new or edited note, checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoteDraft {
    pub title: String,
    pub body: String,
    pub pinned: bool,
}

impl NoteDraft {
    pub fn parse(data: &Value) -> Result<NoteDraft, AppError> {
        let mut r = FieldReader::new(data);
        let title = r.text("title", 120);
        let body = r.opt_text("body", 2000).unwrap_or_default();
        let pinned = r.bool_or("pinned", false);
        r.finish(NoteDraft {
            title,
            body,
            pinned,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_note_needs_a_title_and_keeps_its_body_short() {
        let n = NoteDraft::parse(&json!({"title": "  Cash only  ", "pinned": true})).unwrap();
        assert_eq!(
            (n.title.as_str(), n.body.as_str(), n.pinned),
            ("Cash only", "", true)
        );
        let f = NoteDraft::parse(&json!({"title": " ", "body": "x".repeat(2001), "pinned": "yes"}))
            .unwrap_err()
            .field_errors();
        assert_eq!(f.len(), 3, "{f:?}");
    }
}
