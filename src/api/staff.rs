//! Staff and shifts, over the same services as the REST API.

use crate::domain::error::AppError;
use crate::domain::page::Page;
use crate::domain::shift::Shift;
use crate::domain::staff::Employee;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::domain::mutation::{EntityKind, Mutation},
    crate::server::services::{shifts, staff, write_path},
};

#[server(prefix = "/rpc")]
pub async fn list_employees() -> Result<Vec<Employee>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            staff::employees(&state.db, &who.actor).await
        }
        .await,
    )
}

/// Hires (no `id`) or edits an employee. An empty PIN or password keeps
/// the current one.
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn save_employee(
    id: Option<Uuid>,
    sync_version: Option<i64>,
    data: serde_json::Value,
) -> Result<Employee, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let m = Mutation::save(EntityKind::Employee, id, sync_version, data);
            let applied = write_path::apply(&state.db, &who.actor, m).await?;
            staff::employee(&state.db, &who.actor, applied.id).await
        }
        .await,
    )
}

/// Shifts from `from` on, two weeks at a time.
#[server(prefix = "/rpc")]
pub async fn list_shifts(from: chrono::NaiveDate) -> Result<Page<Shift>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = shifts::ShiftQuery {
                from: Some(from),
                to: Some(from + chrono::Days::new(13)),
                limit: Some(200),
                ..Default::default()
            };
            shifts::shifts(&state.db, &who.actor, &query).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn save_shift(
    id: Option<Uuid>,
    sync_version: Option<i64>,
    data: serde_json::Value,
) -> Result<Shift, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let m = Mutation::save(EntityKind::Shift, id, sync_version, data);
            let applied = write_path::apply(&state.db, &who.actor, m).await?;
            shifts::shift(&state.db, &who.actor, applied.id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn delete_shift(id: Uuid, sync_version: i64) -> Result<(), AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let m = Mutation::delete(EntityKind::Shift, id, sync_version);
            write_path::apply(&state.db, &who.actor, m)
                .await
                .map(|_| ())
        }
        .await,
    )
}
