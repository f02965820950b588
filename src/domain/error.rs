//! The one error type that reaches a person. It crosses the wire as JSON
//! `{code, message, details, request_id}` from the REST API and from server
//! functions alike, so the UI can show a plain sentence and mark the fields.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field name → what is wrong with it, in words for the person at the till.
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    /// A body over the server's size limit.
    TooLarge,
    RateLimited,
    Unavailable,
    Internal,
}

impl ErrorCode {
    /// The HTTP status each kind of error is sent with; one place, so the
    /// REST API and the server functions agree.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Validation => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::TooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal => 500,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// Field errors for `validation`; conflict data for `conflict`.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub details: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For a stored conflict: its id and the three versions, beside `code`
    /// at the top of the body (`{code: "conflict", conflict_id, fields,
    /// base, server, client}`).
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<super::conflict::ConflictReport>>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
            details: serde_json::Value::Null,
            request_id: None,
            conflict: None,
        }
    }

    /// The 409 for an edit that clashed with another: stored as
    /// `report.conflict_id`, to be resolved in the resolver.
    pub fn conflict(report: super::conflict::ConflictReport) -> Self {
        let what = report.entity.noun();
        let fields: Vec<String> = report
            .fields
            .iter()
            .map(|f| super::conflict::label(f))
            .collect();
        let changed = if fields.is_empty() {
            String::new()
        } else {
            format!(" ({})", fields.join(", "))
        };
        let message = if report.server.is_null() {
            format!(
                "Someone removed this {what} while you were editing it. Choose whether to bring it back."
            )
        } else if report.op == super::mutation::Op::Delete {
            format!(
                "Someone changed this {what}{changed} since you opened it. Choose whether to remove it anyway."
            )
        } else {
            format!(
                "Someone else changed this {what}{changed} meanwhile. Choose which version to keep."
            )
        };
        AppError {
            conflict: Some(Box::new(report)),
            ..AppError::new(ErrorCode::Conflict, message)
        }
    }

    pub fn validation(fields: FieldErrors) -> Self {
        let message = if fields.len() == 1 {
            "Please correct the highlighted field.".to_string()
        } else {
            format!("Please correct the {} highlighted fields.", fields.len())
        };
        AppError {
            details: serde_json::json!({ "fields": fields }),
            ..AppError::new(ErrorCode::Validation, message)
        }
    }

    pub fn field(field: &str, problem: impl Into<String>) -> Self {
        AppError::validation(FieldErrors::from([(field.to_string(), problem.into())]))
    }

    pub fn unauthenticated() -> Self {
        AppError::new(ErrorCode::Unauthenticated, "Please sign in.")
    }

    pub fn forbidden() -> Self {
        AppError::new(
            ErrorCode::Forbidden,
            "Your role does not allow this. Ask a manager.",
        )
    }

    pub fn not_found(what: &str) -> Self {
        AppError::new(ErrorCode::NotFound, format!("That {what} was not found."))
    }

    pub fn internal() -> Self {
        AppError::new(
            ErrorCode::Internal,
            "Something went wrong on the server. Nothing was changed; please try again.",
        )
    }

    /// The field errors of a validation error, for marking inputs.
    pub fn field_errors(&self) -> FieldErrors {
        self.details
            .get("fields")
            .and_then(|f| serde_json::from_value(f.clone()).ok())
            .unwrap_or_default()
    }
}

/// Server functions carry `AppError` as their error type, JSON-encoded, so a
/// server-side validation failure arrives in the UI with its field errors.
impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Request(_) | E::Response(_) => AppError::new(
                ErrorCode::Unavailable,
                "The server cannot be reached. Check the connection and try again.",
            ),
            // The server could not read what was sent: the caller's mistake
            // (a 400, never retried as if the server were broken). On the
            // server the JSON codec says so as `Deserialization` too; in
            // the browser that variant is an answer it could not read.
            E::Args(cause) | E::MissingArg(cause) => read_args(cause),
            E::Deserialization(cause) if cfg!(feature = "ssr") => read_args(cause),
            other => AppError {
                details: serde_json::json!({ "cause": other.to_string() }),
                ..AppError::internal()
            },
        }
    }
}

fn read_args(cause: String) -> AppError {
    AppError {
        details: serde_json::json!({ "cause": cause }),
        ..AppError::new(
            ErrorCode::Validation,
            "The request could not be read: check its arguments.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_says_what_clashed_and_sits_at_the_top_of_the_body() {
        let report = crate::domain::conflict::ConflictReport {
            conflict_id: uuid::Uuid::nil(),
            entity: crate::domain::mutation::EntityKind::Product,
            entity_id: uuid::Uuid::nil(),
            op: crate::domain::mutation::Op::Update,
            fields: vec!["name".into(), "price_cents".into()],
            base: serde_json::json!({"name": "Tea"}),
            server: serde_json::json!({"name": "Green tea"}),
            client: serde_json::json!({"name": "Black tea"}),
        };
        let e = AppError::conflict(report.clone());
        assert_eq!(
            e.message,
            "Someone else changed this product (Name, Price) meanwhile. Choose which version to keep."
        );
        let body = serde_json::to_value(&e).unwrap();
        assert_eq!(body["code"], "conflict");
        assert_eq!(body["fields"], serde_json::json!(["name", "price_cents"]));
        assert_eq!(body["server"]["name"], "Green tea");
        // And it reads back whole: the UI gets the report.
        let back: AppError = serde_json::from_value(body).unwrap();
        assert_eq!(back.conflict.as_deref(), Some(&report));
        let gone = AppError::conflict(crate::domain::conflict::ConflictReport {
            server: serde_json::Value::Null,
            ..report
        });
        assert!(gone.message.starts_with("Someone removed this product"));
        // Other errors carry no report.
        let plain: AppError =
            serde_json::from_value(serde_json::to_value(AppError::internal()).unwrap()).unwrap();
        assert!(plain.conflict.is_none());
    }

    #[test]
    fn validation_errors_carry_their_fields() {
        let err = AppError::field("price", "must not be negative");
        assert_eq!(err.code, ErrorCode::Validation);
        assert_eq!(err.code.http_status(), 400);
        assert_eq!(
            err.field_errors().get("price").map(String::as_str),
            Some("must not be negative")
        );
    }

    #[test]
    fn the_wire_form_has_code_message_details() {
        let json = serde_json::to_value(AppError::field("name", "is required")).unwrap();
        assert_eq!(json["code"], "validation");
        assert_eq!(json["details"]["fields"]["name"], "is required");
        assert!(json["message"].as_str().unwrap().contains("correct"));
    }
}
