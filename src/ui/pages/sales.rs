//! Sales history: every sale and refund of the store, newest first, with
//! its receipt a click away, and from the receipt a refund of some of it
//! or a void of all of it.

use crate::api::sales::{list_sales, refund_sale, void_sale};
use crate::domain::event::Topic;
use crate::domain::ids::new_id;
use crate::domain::mutation::EntityKind;
use crate::domain::sale_record::Sale;
use crate::till::live::use_live;
use crate::till::toasts::use_toasts;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::pager::Pager;
use crate::ui::components::receipt::Receipt;
use crate::ui::format::{use_money, use_store_format};
use chrono::NaiveDate;
use leptos::prelude::*;

#[component]
pub fn SalesPage() -> impl IntoView {
    view! {
        <SignedIn manager=true>
            <SalesHistory/>
        </SignedIn>
    }
}

/// What a person calls how a sale was paid.
fn method_words(method: &str) -> &'static str {
    match method {
        "cash" => "Cash",
        "card" => "Card",
        "credit" => "Store credit",
        "split" => "Split",
        _ => "Other",
    }
}

#[component]
fn SalesHistory() -> impl IntoView {
    let toasts = use_toasts();
    let format = use_store_format();
    let money = use_money();
    let day = RwSignal::new(String::new());
    let offset = RwSignal::new(0u64);
    let reload = RwSignal::new(0u32);
    let open = RwSignal::new(None::<Sale>);
    // Asked once, then confirmed: a void cannot be taken back.
    let confirm_void = RwSignal::new(false);
    let void_id = RwSignal::new(new_id());
    let void =
        Action::new(move |(original, id): &(uuid::Uuid, uuid::Uuid)| void_sale(*original, *id));
    Effect::new(move |_| {
        if let Some(result) = void.value().get() {
            match result {
                Ok(s) => {
                    toasts.success(format!("Voided. Record {} pays it back.", s.number));
                    open.set(Some(s));
                    reload.update(|r| *r += 1);
                }
                Err(e) => toasts.error(e.field_errors().into_values().next().unwrap_or(e.message)),
            }
            confirm_void.set(false);
            void_id.set(new_id());
        }
    });
    Effect::new(move |_| {
        day.track();
        offset.set(0);
    });
    // A sale rung up on any till shows as it is recorded.
    let live = use_live();
    let sales = Resource::new(
        move || {
            (
                day.get(),
                offset.get(),
                (reload.get(), live.about(Topic::Record(EntityKind::Sale))),
            )
        },
        |(day, offset, _)| {
            let from = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc());
            let to = from.map(|f| f + chrono::Duration::days(1));
            list_sales(from, to, offset)
        },
    );
    view! {
        <section class="split wide-left">
            <div class="card">
                <div class="toolbar">
                    <h1>"Sales"</h1>
                    <label class="inline">"Day " <input type="date" aria-label="Day" bind:value=day/></label>
                    <button class="button" on:click=move |_| day.set(String::new())>"All days"</button>
                </div>
                <Transition fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match sales.await {
                            Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <p class="muted">"No sales yet."</p> }.into_any(),
                            Ok(page) => {
                                let (from, limit, shown, total) = (page.offset, page.limit, page.items.len(), page.total);
                                view! {
                                    <table class="grid" data-testid="sales-history">
                                        <thead><tr>
                                            <th>"No."</th><th>"Time"</th><th>"Cashier"</th><th>"Customer"</th>
                                            <th>"Paid by"</th><th class="num">"Items"</th><th class="num">"Total"</th><th></th>
                                        </tr></thead>
                                        <tbody>
                                            {page.items.into_iter().map(|s| {
                                                let items: i64 = s.lines.iter().map(|l| l.quantity).sum();
                                                let shown = s.clone();
                                                let id = s.id;
                                                view! {
                                                    <tr class:selected=move || open.with(|o| o.as_ref().map(|o| o.id) == Some(id))>
                                                        <td>{s.number}{s.original_sale_id.map(|_| view! { <span class="badge">"refund"</span> })}</td>
                                                        <td>{format.with_untracked(|f| f.time(s.created_at))}</td>
                                                        <td>{s.employee_name.clone()}</td>
                                                        <td>{s.customer_name.clone().unwrap_or_default()}</td>
                                                        <td>{method_words(&s.payment_method)}</td>
                                                        <td class="num">{items}</td>
                                                        <td class="num">{money(s.total_cents)}</td>
                                                        <td class="actions"><button class="button" on:click=move |_| { confirm_void.set(false); open.set(Some(shown.clone())); }>"Receipt"</button></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <Pager offset=from limit shown total noun="sales" at=offset/>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
            </div>
            <div>
                {move || match open.get() {
                    Some(sale) => {
                        let (original, voidable) = (sale.id, sale.original_sale_id.is_none() && sale.status == "completed");
                        view! {
                            <Receipt sale=sale.clone()/>
                            {voidable.then(|| view! {
                                <RefundPanel sale=sale.clone() on_done=Callback::new(move |refund: Sale| {
                                    open.set(Some(refund));
                                    reload.update(|r| *r += 1);
                                })/>
                            })}
                            {voidable.then(|| view! {
                                <div class="row no-print">
                                    <Show
                                        when=move || confirm_void.get()
                                        fallback=move || view! { <button class="button danger big" on:click=move |_| confirm_void.set(true)>"Void this sale"</button> }
                                    >
                                        <button class="button danger big" disabled=move || void.pending().get()
                                            on:click=move |_| { void.dispatch((original, void_id.get_untracked())); }>"Really void? Stock goes back, payments are returned"</button>
                                    </Show>
                                </div>
                            })}
                        }
                            .into_any()
                    }
                    None => view! { <p class="muted card">"Choose a sale to see its receipt."</p> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// A refund of some of a sale: how many of each line come back, and how
/// the money goes back. Each line's field says how many were sold; the
/// server refuses more than is left to refund, naming the line.
#[component]
fn RefundPanel(sale: Sale, on_done: Callback<Sale>) -> impl IntoView {
    let toasts = use_toasts();
    let money = use_money();
    let lines = sale.lines.clone();
    let counts: Vec<RwSignal<String>> =
        lines.iter().map(|_| RwSignal::new(String::new())).collect();
    let method = RwSignal::new("cash".to_string());
    // Made once per refund, so a retry after a lost answer refunds once.
    let refund_id = RwSignal::new(new_id());
    let original = sale.id;
    let refund = Action::new(move |(lines, method): &(Vec<(i32, i64)>, String)| {
        refund_sale(
            original,
            refund_id.get_untracked(),
            lines.clone(),
            method.clone(),
        )
    });
    Effect::new(move |_| {
        if let Some(result) = refund.value().get() {
            match result {
                Ok(s) => {
                    toasts.success(format!(
                        "Refunded {}. Record {} pays it back.",
                        money(-s.total_cents),
                        s.number
                    ));
                    refund_id.set(new_id());
                    on_done.run(s);
                }
                Err(e) => toasts.error(e.field_errors().into_values().next().unwrap_or(e.message)),
            }
        }
    });
    let picked = {
        let (lines, counts) = (lines.clone(), counts.clone());
        move || -> Result<Vec<(i32, i64)>, String> {
            let mut picked = Vec::new();
            for (line, count) in lines.iter().zip(&counts) {
                let text = count.get_untracked();
                let n = match text.trim() {
                    "" => 0,
                    t => t
                        .parse::<i64>()
                        .map_err(|_| format!("“{t}” is not a number of {}.", line.name))?,
                };
                if !(0..=line.quantity).contains(&n) {
                    return Err(format!(
                        "Between 0 and {} of {} can come back.",
                        line.quantity, line.name
                    ));
                }
                if n > 0 {
                    picked.push((line.line_no, n));
                }
            }
            Ok(picked)
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match picked() {
            Ok(p) if p.is_empty() => toasts.error("Enter how many of a line come back."),
            Ok(p) => {
                refund.dispatch((p, method.get_untracked()));
            }
            Err(why) => toasts.error(why),
        }
    };
    view! {
        <form class="card no-print refund" aria-label="Refund" on:submit=submit>
            <h2>"Refund"</h2>
            <table class="grid">
                <thead><tr><th>"Line"</th><th class="num">"Sold"</th><th>"Back"</th></tr></thead>
                <tbody>
                    {lines.iter().zip(counts).map(|(line, count)| {
                        let label = format!("How many {} come back", line.name);
                        view! {
                            <tr>
                                <td>{line.name.clone()}</td>
                                <td class="num">{line.quantity}</td>
                                <td><input class="qty-input" inputmode="numeric" aria-label=label placeholder="0" bind:value=count/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <fieldset class="row">
                <legend>"Pay back by"</legend>
                <label class="inline"><input type="radio" name="refund-method" value="cash"
                    prop:checked=move || method.get() == "cash" on:change=move |_| method.set("cash".into())/>"Cash"</label>
                <label class="inline"><input type="radio" name="refund-method" value="card"
                    prop:checked=move || method.get() == "card" on:change=move |_| method.set("card".into())/>"Card"</label>
            </fieldset>
            <button class="button primary big" type="submit" disabled=move || refund.pending().get()>
                {move || if refund.pending().get() { "Refunding…" } else { "Refund" }}
            </button>
        </form>
    }
}
