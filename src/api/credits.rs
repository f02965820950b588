//! Store credit screens, over the same services as the REST API.

use crate::domain::credit::Credit;
use crate::domain::error::AppError;
use crate::domain::page::Page;
use crate::domain::sale::PaymentMethod;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::domain::mutation::{EntityKind, Mutation},
    crate::server::services::{credits, write_path},
};

/// Credits by status (`open`, `overdue`, `paid` or empty for all).
#[server(prefix = "/rpc")]
pub async fn list_credits(status: String, offset: u64) -> Result<Page<Credit>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = credits::CreditQuery {
                status: Some(status),
                customer_id: None,
                limit: Some(25),
                offset: Some(offset),
            };
            credits::credits(&state.db, &who.actor, &query).await
        }
        .await,
    )
}

/// Records payment `id` (made by the screen, so a retry is one payment).
#[server(prefix = "/rpc", input = server_fn::codec::Json)]
pub async fn pay_credit(
    id: Uuid,
    credit_id: Uuid,
    amount_cents: i64,
    method: PaymentMethod,
) -> Result<Credit, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let mut m = Mutation::create(
                EntityKind::CreditPayment,
                serde_json::json!({"credit_id": credit_id, "amount_cents": amount_cents, "method": method}),
            );
            m.id = id;
            write_path::apply(&state.db, &who.actor, m).await?;
            Ok(credits::credit(&state.db, &who.actor, credit_id).await?.credit)
        }
        .await,
    )
}
