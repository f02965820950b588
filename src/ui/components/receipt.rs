//! The receipt: what was sold, for how much, and how it was paid. It prints
//! on its own (the print stylesheet hides everything else).

use crate::domain::sale_record::Sale;
use crate::till::local;
use crate::ui::format::{use_money, use_store_format};
use crate::ui::session::use_session;
use leptos::prelude::*;

/// A reference printed before the server numbers the sale: the end of its
/// id, which stays the sale's id for ever.
fn short_ref(id: uuid::Uuid) -> String {
    let hex = id.simple().to_string();
    format!("ref {}", &hex[hex.len() - 8..])
}

#[component]
pub fn Receipt(
    sale: Sale,
    /// Shown at the till after a sale; the history has no "New sale".
    #[prop(optional)]
    on_new_sale: Option<Callback<()>>,
) -> impl IntoView {
    let session = use_session();
    let who = move || session.current.get().and_then(|r| r.ok()).flatten();
    // The header and footer as the till's copy has them: offline too. A
    // signal the till fills, not a resource: a resource read here would
    // suspend the screen around the receipt and take the focus from the
    // next customer's field.
    let settings = RwSignal::new(None::<crate::domain::store::StoreSettings>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move { settings.set(local::store_settings().await) });
    });
    let setting = move |pick: fn(crate::domain::store::StoreSettings) -> String| {
        settings.get().map(pick).filter(|s| !s.is_empty())
    };
    let format = use_store_format();
    let money = use_money();
    let created_at = sale.created_at;
    let when = move || format.with(|f| f.time(created_at));
    let number = if sale.number > 0 {
        sale.number.to_string()
    } else {
        short_ref(sale.id)
    };
    view! {
        <section class="card receipt" aria-label="Receipt">
            <header>
                <h1>{move || setting(|s| s.name).or_else(|| who().map(|s| s.store_name)).unwrap_or_default()}</h1>
                {move || setting(|s| s.address).map(|a| view! { <p class="receipt-address">{a}</p> })}
                {move || setting(|s| s.tax_number).map(|t| view! { <p>"Tax no. " {t}</p> })}
                // A sale rung up on the till has its number once the server has it.
                <p data-testid="receipt-number">{format!("Sale {number} · ")}{when}</p>
                <p>"Served by " {sale.employee_name.clone()}</p>
                {sale.customer_name.clone().map(|name| view! { <p>"Customer: " {name}</p> })}
                {sale.original_sale_id.map(|_| view! { <p class="refund-mark">"Refund"</p> })}
            </header>
            <table class="grid">
                <tbody>
                    // Each line reconciles: quantity × unit price, less
                    // its discount, plus its tax.
                    {sale.lines.iter().map(|l| view! {
                        <tr>
                            <td>
                                {format!("{} × {}", l.quantity, l.name)}
                                <small class="receipt-detail">
                                    {format!("{} each", money(l.unit_price_cents))}
                                    {(l.discount_cents != 0).then(|| format!(" · less {}", money(l.discount_cents)))}
                                    {(l.tax_cents != 0).then(|| format!(" · tax {} %", crate::domain::money::TaxRate(l.tax_rate_bp).percent_text()))}
                                </small>
                            </td>
                            <td class="num">{money(l.total_cents)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <dl class="totals">
                <dt>"Subtotal"</dt><dd>{money(sale.subtotal_cents)}</dd>
                <dt>"Discount"</dt><dd>{money(-sale.discount_cents)}</dd>
                {sale.tax_by_rate().into_iter().map(|(rate, tax)| view! {
                    <dt>{format!("Tax {} %", rate.percent_text())}</dt><dd>{money(tax)}</dd>
                }).collect_view()}
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
            {move || setting(|s| s.receipt_footer).map(|f| view! { <p class="receipt-footer">{f}</p> })}
            <div class="row no-print">
                <button class="button big" on:click=move |_| { let _ = window().print(); }>"Print"</button>
                {on_new_sale.map(|next| view! {
                    <button class="button primary big" autofocus=true on:click=move |_| next.run(())>"New sale"</button>
                })}
            </div>
        </section>
    }
}
