use super::body::{JsonBody, Params, record_id};
use super::extract::Signed;
use crate::domain::credit::{Credit, CreditDetail};
use crate::domain::error::AppError;
use crate::domain::fields::FieldReader;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::domain::page::Page;
use crate::server::services::credits::{self, CreditQuery};
use crate::server::services::write_path;
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

/// `GET /api/credits?status=pending|paid|overdue|open&customer_id=`.
pub async fn list_credits(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<CreditQuery>,
) -> Result<Json<Page<Credit>>, AppError> {
    credits::credits(&state.db, &who.actor, &query)
        .await
        .map(Json)
}

pub async fn get_credit(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<Json<CreditDetail>, AppError> {
    credits::credit(&state.db, &who.actor, record_id(&id, "store credit")?)
        .await
        .map(Json)
}

/// `POST /api/credits/{id}/payments {id?, amount_cents, method: cash|card}`:
/// 201 with the credit as it now stands. A till brings its own payment id,
/// so a retry after a lost response is refused as already recorded.
pub async fn pay_credit(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
    JsonBody(mut body): JsonBody,
) -> Result<(StatusCode, Json<CreditDetail>), AppError> {
    let credit_id = record_id(&id, "store credit")?;
    let mut r = FieldReader::new(&body);
    let payment_id = r.opt_uuid("id");
    r.finish(())?;
    if let Some(object) = body.as_object_mut() {
        object.insert("credit_id".into(), Value::String(credit_id.to_string()));
    }
    let mut m = Mutation::create(EntityKind::CreditPayment, body);
    m.id = payment_id.unwrap_or(m.id);
    write_path::apply(&state.db, &who.actor, m).await?;
    let credit = credits::credit(&state.db, &who.actor, credit_id).await?;
    Ok((StatusCode::CREATED, Json(credit)))
}
