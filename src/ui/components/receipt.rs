//! The receipt: what was sold, for how much, and how it was paid. It prints
//! on its own (the print stylesheet hides everything else).

use crate::domain::money::Cents;
use crate::domain::sale_record::Sale;
use crate::ui::session::use_session;
use leptos::prelude::*;

fn money(cents: i64) -> String {
    Cents(cents).to_string()
}

#[component]
pub fn Receipt(sale: Sale, on_new_sale: Callback<()>) -> impl IntoView {
    let session = use_session();
    let who = move || session.current.get().and_then(|r| r.ok()).flatten();
    let when = sale.created_at.format("%Y-%m-%d %H:%M UTC").to_string();
    view! {
        <section class="card receipt" aria-label="Receipt">
            <header>
                <h1>{move || who().map(|s| s.store_name).unwrap_or_default()}</h1>
                <p>{format!("Sale {} · {when}", sale.number)}</p>
                <p>"Served by " {move || who().map(|s| s.employee_name).unwrap_or_default()}</p>
            </header>
            <table class="grid">
                <tbody>
                    {sale.lines.iter().map(|l| view! {
                        <tr>
                            <td>{format!("{} × {}", l.quantity, l.name)}</td>
                            <td class="num">{money(l.total_cents)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <dl class="totals">
                <dt>"Subtotal"</dt><dd>{money(sale.subtotal_cents)}</dd>
                <dt>"Discount"</dt><dd>{money(-sale.discount_cents)}</dd>
                <dt>"Tax"</dt><dd>{money(sale.tax_cents)}</dd>
                <dt class="total">"Total"</dt><dd class="total" data-testid="receipt-total">{money(sale.total_cents)}</dd>
                {sale.payments.iter().map(|p| {
                    let method = match p.method {
                        crate::domain::sale::PaymentMethod::Cash => "Cash",
                        crate::domain::sale::PaymentMethod::Card => "Card",
                        crate::domain::sale::PaymentMethod::Credit => "Store credit",
                    };
                    view! { <dt>{method}</dt><dd>{money(p.amount_cents)}</dd> }
                }).collect_view()}
                <dt>"Change"</dt><dd data-testid="receipt-change">{money(sale.change_cents)}</dd>
            </dl>
            <div class="row no-print">
                <button class="button big" on:click=move |_| { let _ = window().print(); }>"Print"</button>
                <button class="button primary big" autofocus=true on:click=move |_| on_new_sale.run(())>"New sale"</button>
            </div>
        </section>
    }
}
