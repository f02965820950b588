//! Reports: takings over a range of days, drawn as a bar chart, and by
//! cashier and payment method; the best customers; what is running low.

use crate::api::reports::report_for_days;
use crate::domain::money::Cents;
use crate::domain::report::{SalesReport, TopCustomer, bars};
use crate::ui::components::guard::SignedIn;
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

fn money(cents: i64) -> String {
    Cents(cents).to_string()
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
    let (w, h) = (720u32, 200u32);
    let chart = bars(&report.days, w, h);
    let days = report.days.clone();
    view! {
        <p class="summary" data-testid="report-summary">
            {format!("{} to {}: {} sales, net ", report.from, report.to, report.sales)}
            <strong data-testid="report-net">{money(report.net_cents)}</strong>
        </p>
        <figure class="chart">
            <svg viewBox=format!("0 0 {w} {}", h + 20) role="img" aria-label="Net takings per day">
                {chart.into_iter().map(|b| view! {
                    <rect x=b.x y=b.y width=b.width height=b.height>
                        <title>{format!("{}: {}", b.day, money(b.net_cents))}</title>
                    </rect>
                }).collect_view()}
                <line x1="0" y1=h x2=w y2=h class="axis"/>
                <text x="0" y=h + 16>{report.from.to_string()}</text>
                <text x=w y=h + 16 text-anchor="end">{report.to.to_string()}</text>
            </svg>
            <figcaption>"Net takings per day (UTC)"</figcaption>
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
