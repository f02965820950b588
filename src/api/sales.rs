//! Sales history, refunds and voids for the screens, over the same services as the
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

/// Refunds `lines` (`(line_no, quantity)`; all that is left when empty) of
/// sale `original`, paid back by `method` (cash or card), as the new
/// record `id` (made by the screen, so a retry refunds once).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn refund_sale(
    original: Uuid,
    id: Uuid,
    lines: Vec<(i32, i64)>,
    method: String,
) -> Result<Sale, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let mut data = serde_json::json!({ "method": method });
            if !lines.is_empty() {
                data["lines"] = lines
                    .iter()
                    .map(|(line_no, quantity)| serde_json::json!({"line_no": line_no, "quantity": quantity}))
                    .collect();
            }
            Ok(
                sales::refund_sale(&state.db, &who.actor, original, id, data)
                    .await?
                    .sale,
            )
        }
        .await,
    )
}
