//! Reports: takings over a range of the store's days, drawn as a bar
//! chart with its scale, and by hour, product, cashier and payment method;
//! the best customers; what is running low; the days as CSV.

use crate::api::reports::report_for_days;
use crate::domain::report::{SalesReport, TopCustomer, bars, days_csv};
use crate::ui::components::guard::SignedIn;
use crate::ui::format::use_money;
use chrono::NaiveDate;
use leptos::prelude::*;

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <SignedIn manager=true>
            <Reports/>
        </SignedIn>
    }
}

/// `text` as a `data:` URL's payload: everything but the unreserved
/// characters percent-encoded.
fn data_url_text(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[component]
fn Reports() -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let report = Resource::new(
        move || (from.get(), to.get()),
        |(from, to)| report_for_days(parse_day(&from), parse_day(&to)),
    );
    view! {
        <section class="card">
            <div class="toolbar">
                <h1>"Reports"</h1>
                <label class="inline">"From " <input type="date" aria-label="From" bind:value=from/></label>
                <label class="inline">"To " <input type="date" aria-label="To" bind:value=to/></label>
            </div>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                        Ok(r) => view! { <ReportBody report=r/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ReportBody(report: SalesReport) -> impl IntoView {
    let money = use_money();
    // The plot sits right of its scale (left) and above its dates.
    let (w, h, left, top) = (720u32, 200u32, 80u32, 16u32);
    let chart = bars(&report.days, w, h);
    let few_days = chart.len() <= 14;
    let best = report
        .days
        .iter()
        .map(|d| d.net_cents)
        .max()
        .unwrap_or(0)
        .max(0);
    let days = report.days.clone();
    let middle = report.days.get(report.days.len() / 2).map(|d| d.day);
    let csv = format!(
        "data:text/csv;charset=utf-8,{}",
        data_url_text(&days_csv(&report))
    );
    let csv_name = format!("takings-{}-to-{}.csv", report.from, report.to);
    let zone = report.time_zone.clone();
    let busy_hours: Vec<_> = report
        .hours
        .iter()
        .filter(|h| h.sales > 0)
        .cloned()
        .collect();
    view! {
        <p class="summary" data-testid="report-summary">
            {format!("{} to {}: {} sales, net ", report.from, report.to, report.sales)}
            <strong data-testid="report-net">{money(report.net_cents)}</strong>
            " "
            <a class="button" href=csv download=csv_name>"Download days as CSV"</a>
        </p>
        <figure class="chart">
            <svg viewBox=format!("0 0 {} {}", w + left, h + top + 24) role="img"
                aria-label=format!("Net takings per day, best day {}", money(best))>
                // The scale: nothing, half the best day, the best day.
                {[(0, 0i64), (h / 2, best / 2), (h, best)].into_iter().map(|(up, cents)| {
                    let y = top + h - up;
                    view! {
                        <line x1=left - 4 y1=y x2=left + w y2=y class=if up == 0 { "axis" } else { "gridline" }/>
                        <text x=left - 8 y=y + 4 text-anchor="end">{money(cents)}</text>
                    }
                }).collect_view()}
                <g transform=format!("translate({left},{top})")>
                    {chart.into_iter().map(|b| view! {
                        <rect x=b.x y=b.y width=b.width height=b.height>
                            <title>{format!("{}: {}", b.day, money(b.net_cents))}</title>
                        </rect>
                        {(few_days && b.net_cents != 0).then(|| view! {
                            <text class="bar-value" x=b.x + b.width / 2 y=b.y.saturating_sub(4) text-anchor="middle">{money(b.net_cents)}</text>
                        })}
                    }).collect_view()}
                </g>
                <text x=left y=h + top + 18>{report.from.to_string()}</text>
                {middle.map(|d| view! { <text x=left + w / 2 y=h + top + 18 text-anchor="middle">{d.to_string()}</text> })}
                <text x=left + w y=h + top + 18 text-anchor="end">{report.to.to_string()}</text>
            </svg>
            <figcaption>{format!("Net takings per day (days in {zone})")}</figcaption>
        </figure>
        <div class="report-grid">
            <div>
                <h2>"By day"</h2>
                <table class="grid" data-testid="report-days">
                    <thead><tr><th>"Day"</th><th class="num">"Sales"</th><th class="num">"Refunds"</th><th class="num">"Tax"</th><th class="num">"Net"</th></tr></thead>
                    <tbody>
                        {days.into_iter().rev().filter(|d| d.sales + d.refunds > 0).map(|d| view! {
                            <tr><td>{d.day.to_string()}</td><td class="num">{d.sales}</td><td class="num">{d.refunds}</td>
                            <td class="num">{money(d.tax_cents)}</td><td class="num">{money(d.net_cents)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div>
                <h2>"By hour"</h2>
                <table class="grid" data-testid="report-hours">
                    <thead><tr><th>"Hour"</th><th class="num">"Sales"</th><th class="num">"Net"</th></tr></thead>
                    <tbody>
                        {busy_hours.into_iter().map(|h| view! {
                            <tr><td>{format!("{:02}:00–{:02}:59", h.hour, h.hour)}</td><td class="num">{h.sales}</td><td class="num">{money(h.net_cents)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <h2>"Top products"</h2>
                <table class="grid" data-testid="report-products">
                    <thead><tr><th>"Product"</th><th class="num">"Sold"</th><th class="num">"Net"</th></tr></thead>
                    <tbody>
                        {report.top_products.into_iter().map(|p| view! {
                            <tr><td>{p.name}</td><td class="num">{p.quantity}</td><td class="num">{money(p.net_cents)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div>
                <h2>"By cashier"</h2>
                <table class="grid" data-testid="report-employees">
                    <thead><tr><th>"Cashier"</th><th class="num">"Sales"</th><th class="num">"Net"</th></tr></thead>
                    <tbody>
                        {report.employees.into_iter().map(|e| view! {
                            <tr><td>{e.name}</td><td class="num">{e.sales}</td><td class="num">{money(e.net_cents)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <h2>"By payment method"</h2>
                <table class="grid" data-testid="report-methods">
                    <thead><tr><th>"Method"</th><th class="num">"Payments"</th><th class="num">"Amount"</th></tr></thead>
                    <tbody>
                        {report.methods.into_iter().map(|m| view! {
                            <tr><td>{m.method}</td><td class="num">{m.payments}</td><td class="num">{money(m.amount_cents)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div>
                <h2>"Top customers by spending"</h2>
                <CustomerTable customers=report.top_by_spending/>
                <h2>"Top customers by orders"</h2>
                <CustomerTable customers=report.top_by_orders/>
            </div>
            <div>
                <h2>"Low stock"</h2>
                <table class="grid" data-testid="report-low-stock">
                    <thead><tr><th>"Product"</th><th class="num">"In stock"</th><th class="num">"Alert at"</th></tr></thead>
                    <tbody>
                        {report.low_stock.into_iter().map(|p| view! {
                            <tr><td>{p.name}</td><td class="num low">{p.quantity}</td><td class="num">{p.low_stock_threshold}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

#[component]
fn CustomerTable(customers: Vec<TopCustomer>) -> impl IntoView {
    let money = use_money();
    view! {
        <table class="grid">
            <thead><tr><th>"Customer"</th><th class="num">"Orders"</th><th class="num">"Spent"</th></tr></thead>
            <tbody>
                {customers.into_iter().map(|c| view! {
                    <tr><td>{c.name}</td><td class="num">{c.total_orders}</td><td class="num">{money(c.total_spent_cents)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
