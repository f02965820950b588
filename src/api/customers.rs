//! Customers at the till: find one to attach to a sale.

use crate::domain::customer::Customer;
use crate::domain::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::server::services::customers,
};

/// Up to eight customers matching name, phone or e-mail.
#[server(prefix = "/rpc")]
pub async fn find_customers(q: String) -> Result<Vec<Customer>, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            let query = customers::CustomerQuery {
                q: Some(q),
                limit: Some(8),
                offset: None,
            };
            Ok(customers::customers(&state.db, &who.actor, &query)
                .await?
                .items)
        }
        .await,
    )
}
