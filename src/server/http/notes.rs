use super::body::record_id;
use super::extract::Signed;
use crate::domain::error::AppError;
use crate::domain::note::Note;
use crate::server::services::notes;
use crate::server::startup::AppState;
use axum::Json;
use axum::extract::{Path, State};

pub async fn list_notes(
    State(state): State<AppState>,
    who: Signed,
) -> Result<Json<Vec<Note>>, AppError> {
    notes::notes(&state.db, &who.actor).await.map(Json)
}

pub async fn get_note(
    State(state): State<AppState>,
    who: Signed,
    Path(id): Path<String>,
) -> Result<Json<Note>, AppError> {
    notes::note(&state.db, &who.actor, record_id(&id, "note")?)
        .await
        .map(Json)
}
