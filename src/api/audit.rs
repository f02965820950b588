//! The audit screen's server functions, over the same service as the REST API.

use crate::domain::audit::{AuditEntry, AuditFilter, ChainReport};
use crate::domain::error::AppError;
use crate::domain::page::Page;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::domain::report::StoreClock,
    crate::server::services::{audit, stores},
};

/// The log, newest first, filtered as the screen asks (a day is one of
/// the store's own).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn audit_entries(filter: AuditFilter, offset: u64) -> Result<Page<AuditEntry>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let day = match filter.day {
                Some(day) => {
                    let zone = stores::settings(&state.db, &who.actor)
                        .await?
                        .value()?
                        .time_zone;
                    let clock = stores::clock_of(&zone);
                    Some((
                        clock.day_start(day),
                        clock.day_start(day + chrono::Days::new(1)),
                    ))
                }
                None => None,
            };
            let query = audit::AuditQuery {
                action: Some(filter.action),
                employee_id: filter.employee_id,
                entity_id: filter.entity_id,
                from: day.map(|d| d.0),
                to: day.map(|d| d.1),
                limit: Some(50),
                offset: Some(offset),
                ..Default::default()
            };
            audit::entries(&state.db, &who.actor, &query).await
        }
        .await,
    )
}

#[server(prefix = "/rpc")]
pub async fn verify_audit() -> Result<ChainReport, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            audit::check_chain(&state.db, &who.actor).await
        }
        .await,
    )
}
