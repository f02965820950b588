//! Reports for managers: the rows of the store's sales, payments,
//! customers and stock in a range of days, summed by the rules in
//! `domain::report`.

use super::cache::Cached;
use super::stores;
use super::{Actor, Db};
use crate::domain::cache::CachedRead;
use crate::domain::error::AppError;
use crate::domain::permissions::{Action, Subject};
use crate::domain::report::{
    DayRange, LowStock, MethodTakings, SaleFact, SalesReport, TopCustomer, by_day, by_employee,
};
use crate::domain::report::{StoreClock, TopProduct, by_hour};
use crate::server::db::entities::{customer, employee, payment, product, sale, sale_line};
use crate::server::error::DbResultExt;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// How many customers each "top" list and the low-stock list show.
const TOP: u64 = 10;
const LOW_STOCK_ROWS: u64 = 50;

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`, both the store's own days (its
/// time zone), both optional.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The report for the days asked (by default up to today; cached under
/// the days it covers, so "today" moves on by itself).
pub async fn sales_report(
    db: &Db,
    actor: &Actor,
    query: &ReportQuery,
) -> Result<Cached<SalesReport>, AppError> {
    actor.must(Subject::Reports, Action::Read)?;
    let zone = stores::settings(db, actor).await?.value()?.time_zone;
    let clock = stores::clock_of(&zone);
    let today = clock.local(Utc::now()).date();
    let range = DayRange::parse(query.from, query.to, today)
        .map_err(|problem| AppError::field("from", problem))?;
    let days = (range.from, range.to, zone.clone());
    let compute = move || report_now(db, actor, range, zone);
    db.cache()
        .read(actor.store_id, CachedRead::Reports, &days, compute)
        .await
}

async fn report_now(
    db: &DatabaseConnection,
    actor: &Actor,
    range: DayRange,
    time_zone: String,
) -> Result<SalesReport, AppError> {
    let clock = stores::clock_of(&time_zone);
    let (start, end) = range.instants(&clock);
    // (at, employee, total, tax, change, refund of)
    type Row = (DateTime<Utc>, Uuid, i64, i64, i64, Option<Uuid>);
    let rows: Vec<Row> = sale::Entity::find()
        .select_only()
        .columns([
            sale::Column::CreatedAt,
            sale::Column::EmployeeId,
            sale::Column::TotalCents,
            sale::Column::TaxCents,
            sale::Column::ChangeCents,
            sale::Column::OriginalSaleId,
        ])
        .filter(sale::Column::StoreId.eq(actor.store_id))
        .filter(sale::Column::CreatedAt.gte(start))
        .filter(sale::Column::CreatedAt.lt(end))
        .into_tuple()
        .all(db)
        .await
        .or_internal()?;
    let change_given: i64 = rows.iter().map(|r| r.4).sum();
    let facts: Vec<SaleFact> = rows
        .into_iter()
        .map(
            |(at, employee_id, total_cents, tax_cents, _, original)| SaleFact {
                at,
                employee_id,
                total_cents,
                tax_cents,
                is_refund: original.is_some(),
            },
        )
        .collect();

    let names: BTreeMap<Uuid, String> = employee::Entity::find()
        .select_only()
        .columns([employee::Column::Id, employee::Column::Name])
        .filter(employee::Column::StoreId.eq(actor.store_id))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .collect();

    Ok(SalesReport {
        from: range.from,
        to: range.to,
        net_cents: facts.iter().map(|f| f.total_cents).sum(),
        sales: facts.iter().filter(|f| !f.is_refund).count() as i64,
        days: by_day(range, &facts, &clock),
        hours: by_hour(&facts, &clock),
        top_products: top_products(db, actor, (start, end)).await?,
        time_zone,
        employees: by_employee(&facts, &names),
        methods: by_method(db, actor, (start, end), change_given).await?,
        top_by_spending: top_customers(db, actor, customer::Column::TotalSpentCents).await?,
        top_by_orders: top_customers(db, actor, customer::Column::TotalOrders).await?,
        low_stock: low_stock(db, actor).await?,
    })
}

/// The products that took most over the range (refunds netted out).
async fn top_products(
    db: &DatabaseConnection,
    actor: &Actor,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<TopProduct>, AppError> {
    use sea_orm::JoinType;
    let to_sale = sale_line::Entity::belongs_to(sale::Entity)
        .from(sale_line::Column::SaleId)
        .to(sale::Column::Id)
        .into();
    // PostgreSQL sums BIGINTs as NUMERIC: cast back.
    let sum = |c: sale_line::Column| Expr::col((sale_line::Entity, c)).sum().cast_as("BIGINT");
    let rows: Vec<(Uuid, String, i64, i64)> = sale_line::Entity::find()
        .select_only()
        .column(sale_line::Column::ProductId)
        .column_as(
            Expr::col((sale_line::Entity, sale_line::Column::Name)).max(),
            "name",
        )
        .column_as(sum(sale_line::Column::Quantity), "quantity")
        .column_as(sum(sale_line::Column::TotalCents), "net_cents")
        .join(JoinType::InnerJoin, to_sale)
        .filter(sale_line::Column::StoreId.eq(actor.store_id))
        .filter(sale::Column::StoreId.eq(actor.store_id))
        .filter(sale::Column::CreatedAt.gte(start))
        .filter(sale::Column::CreatedAt.lt(end))
        .group_by(sale_line::Column::ProductId)
        .order_by_desc(sum(sale_line::Column::TotalCents))
        .order_by_asc(sale_line::Column::ProductId)
        .limit(TOP)
        .into_tuple()
        .all(db)
        .await
        .or_internal()?;
    Ok(rows
        .into_iter()
        .map(|(product_id, name, quantity, net_cents)| TopProduct {
            product_id,
            name,
            quantity,
            net_cents,
        })
        .collect())
}

/// Payments by method; a refund's payments are negative. Cash is what was
/// tendered less the change handed back, so it matches the drawer.
async fn by_method(
    db: &DatabaseConnection,
    actor: &Actor,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    change_given: i64,
) -> Result<Vec<MethodTakings>, AppError> {
    let rows: Vec<(String, i64)> = payment::Entity::find()
        .select_only()
        .columns([payment::Column::Method, payment::Column::AmountCents])
        .filter(payment::Column::StoreId.eq(actor.store_id))
        .filter(payment::Column::CreatedAt.gte(start))
        .filter(payment::Column::CreatedAt.lt(end))
        .into_tuple()
        .all(db)
        .await
        .or_internal()?;
    let mut per: BTreeMap<String, MethodTakings> = BTreeMap::new();
    for (method, amount) in rows {
        let m = per.entry(method.clone()).or_insert(MethodTakings {
            method,
            payments: 0,
            amount_cents: 0,
        });
        m.payments += 1;
        m.amount_cents += amount;
    }
    if let Some(cash) = per.get_mut("cash") {
        cash.amount_cents -= change_given;
    }
    Ok(per.into_values().collect())
}

async fn top_customers(
    db: &DatabaseConnection,
    actor: &Actor,
    by: customer::Column,
) -> Result<Vec<TopCustomer>, AppError> {
    Ok(customer::Entity::find()
        .filter(customer::Column::StoreId.eq(actor.store_id))
        .filter(customer::Column::DeletedAt.is_null())
        .filter(customer::Column::TotalOrders.gt(0))
        .order_by_desc(by)
        .order_by_asc(customer::Column::Name)
        .limit(TOP)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|c| TopCustomer {
            id: c.id,
            name: c.name,
            total_spent_cents: c.total_spent_cents,
            total_orders: c.total_orders,
        })
        .collect())
}

/// Products on sale at or below their threshold, emptiest first.
async fn low_stock(db: &DatabaseConnection, actor: &Actor) -> Result<Vec<LowStock>, AppError> {
    Ok(product::Entity::find()
        .filter(product::Column::StoreId.eq(actor.store_id))
        .filter(product::Column::DeletedAt.is_null())
        .filter(product::Column::Active.eq(true))
        .filter(product::low_stock().eq(true))
        .order_by_asc(product::Column::Quantity)
        .order_by_asc(product::Column::Name)
        .limit(LOW_STOCK_ROWS)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|p| LowStock {
            id: p.id,
            name: p.name,
            quantity: p.quantity,
            low_stock_threshold: p.low_stock_threshold,
        })
        .collect())
}
