use super::body::Params;
use super::extract::Signed;
use crate::domain::error::AppError;
use crate::domain::report::SalesReport;
use crate::server::services::cache::Cached;
use crate::server::services::reports::{self, ReportQuery};
use crate::server::startup::AppState;
use axum::extract::State;

/// `GET /api/reports/sales?from=&to=` (manager): takings by day, cashier
/// and payment method, top customers and low stock.
pub async fn sales_report(
    State(state): State<AppState>,
    who: Signed,
    Params(query): Params<ReportQuery>,
) -> Result<Cached<SalesReport>, AppError> {
    reports::sales_report(&state.db, &who.actor, &query).await
}
