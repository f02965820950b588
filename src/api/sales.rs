//! Sales history and voids for the screens, over the same services as the
//! REST API. (The checkout records sales through the till's outbox.)

use crate::domain::error::AppError;
use crate::domain::sale_record::Sale;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::server::services::sales,
};

/// The store's sales, newest first: the history screen.
#[server(prefix = "/rpc")]
pub async fn list_sales(
    from: Option<chrono::DateTime<chrono::Utc>>,
    to: Option<chrono::DateTime<chrono::Utc>>,
    offset: u64,
) -> Result<crate::domain::page::Page<Sale>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = sales::SaleQuery {
                from,
                to,
                limit: Some(25),
                offset: Some(offset),
                ..Default::default()
            };
            sales::sales(&state.db, &who.actor, &query).await?.value()
        }
        .await,
    )
}

/// Voids sale `original` as the new record `id` (made by the screen, so a
/// retry voids once).
#[server(prefix = "/rpc")]
pub async fn void_sale(original: Uuid, id: Uuid) -> Result<Sale, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let data = serde_json::json!({"void": true});
            Ok(
                sales::refund_sale(&state.db, &who.actor, original, id, data)
                    .await?
                    .sale,
            )
        }
        .await,
    )
}
