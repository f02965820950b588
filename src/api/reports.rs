//! The reports screen's server function, over the same service as the
//! REST API.

use crate::domain::error::AppError;
use crate::domain::report::SalesReport;
use chrono::NaiveDate;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{reply, signed},
    crate::server::services::reports,
};

#[server(prefix = "/rpc")]
pub async fn report_for_days(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<SalesReport, AppError> {
    reply(
        async {
            let (state, who) = signed().await?;
            reports::sales_report(&state.db, &who.actor, &reports::ReportQuery { from, to })
                .await?
                .value()
        }
        .await,
    )
}
