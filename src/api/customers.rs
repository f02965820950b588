//! Customers: what one bought (the server's history; the customers screen
//! itself reads the till's copy).

use crate::domain::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{reply, signed};

/// What a customer bought, newest first.
#[server(prefix = "/rpc")]
pub async fn customer_sales(
    customer_id: uuid::Uuid,
) -> Result<crate::domain::page::Page<crate::domain::sale_record::Sale>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = crate::server::services::sales::SaleQuery {
                customer_id: Some(customer_id),
                limit: Some(20),
                ..Default::default()
            };
            crate::server::services::sales::sales(&state.db, &who.actor, &query)
                .await?
                .value()
        }
        .await,
    )
}
