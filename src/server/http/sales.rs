use super::body::{JsonBody, Params, record_id};
use super::extract::Signed;
use crate::domain::error::AppError;
use crate::domain::fields::FieldReader;
use crate::domain::page::Page;
use crate::domain::sale_record::Sale;
use crate::server::services::cache::Cached;
use crate::server::services::sales::{self, SaleQuery};
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// The till makes the sale's UUIDv7 `id`. 201 the first time; 200 with
/// the same stored sale when the id was recorded before.
pub async fn record_sale(
    State(state): State<AppState>,
    who: Signed,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Sale>), AppError> {
    let mut r = FieldReader::new(&body);
    let id = r.uuid("id");
    r.finish(())?;
    let recorded = sales::record_sale(&state.db, &who.actor, id, body).await?;
    let status = if recorded.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(recorded.sale)))
}

pub async fn list_sales(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<SaleQuery>,
) -> Result<Cached<Page<Sale>>, AppError> {
    sales::sales(&state.db, &who.actor, &query).await
}

pub async fn get_sale(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<Json<Sale>, AppError> {
    sales::sale(&state.db, &who.actor, record_id(&id, "sale")?)
        .await
        .map(Json)
}

/// `{id, lines?: [{line_no, quantity}], method?: cash|card}` (manager): a
/// refund of sale `{original}`. 201, or 200 with the stored refund on replay.
pub async fn refund_sale(
    State(state): State<AppState>,
    who: Signed,
    Path(original): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Sale>), AppError> {
    reverse(state, who, original, body).await
}

/// `{id}` (manager): voids sale `{original}`, undoing all of it the way it
/// was paid (its store credit too). Same answers as a refund.
pub async fn void_sale(
    State(state): State<AppState>,
    who: Signed,
    Path(original): Path<String>,
    JsonBody(mut body): JsonBody,
) -> Result<(StatusCode, Json<Sale>), AppError> {
    if let Some(object) = body.as_object_mut() {
        object.insert("void".into(), serde_json::Value::Bool(true));
    }
    reverse(state, who, original, body).await
}

async fn reverse(
    state: AppState,
    who: Signed,
    original: String,
    body: serde_json::Value,
) -> Result<(StatusCode, Json<Sale>), AppError> {
    let original = record_id(&original, "sale")?;
    let mut r = FieldReader::new(&body);
    let id = r.uuid("id");
    r.finish(())?;
    let recorded = sales::refund_sale(&state.db, &who.actor, original, id, body).await?;
    let status = if recorded.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(recorded.sale)))
}
