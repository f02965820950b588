//! Store credit: who owes what, overdue first, and taking a payment.

use crate::api::credits::{list_credits, pay_credit};
use crate::domain::credit::{Credit, CreditStatus};
use crate::domain::ids::new_id;
use crate::domain::money::Cents;
use crate::domain::sale::PaymentMethod;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::toast::use_toasts;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn CreditsPage() -> impl IntoView {
    view! {
        <SignedIn>
            <Credits/>
        </SignedIn>
    }
}

fn status_words(s: CreditStatus) -> &'static str {
    match s {
        CreditStatus::Pending => "pending",
        CreditStatus::Paid => "paid",
        CreditStatus::Overdue => "overdue",
    }
}

#[component]
fn Credits() -> impl IntoView {
    let toasts = use_toasts();
    let status = RwSignal::new("open".to_string());
    let offset = RwSignal::new(0u64);
    let reload = RwSignal::new(0u32);
    let paying = RwSignal::new(None::<Credit>);
    Effect::new(move |_| {
        status.track();
        offset.set(0);
    });
    let credits = Resource::new(
        move || (status.get(), offset.get(), reload.get()),
        |(s, o, _)| list_credits(s, o),
    );
    let amount = RwSignal::new(String::new());
    // One id per payment form, so a retry after a lost answer pays once.
    let payment_id = RwSignal::new(new_id());
    let pay = Action::new(
        move |(id, credit, cents, method): &(Uuid, Uuid, i64, PaymentMethod)| {
            pay_credit(*id, *credit, *cents, *method)
        },
    );
    Effect::new(move |_| {
        if let Some(result) = pay.value().get() {
            match result {
                Ok(c) => {
                    toasts.success(format!(
                        "Payment recorded. {} still owes {}.",
                        c.customer_name,
                        Cents(c.outstanding_cents())
                    ));
                    paying.set(None);
                    reload.update(|r| *r += 1);
                }
                Err(e) => toasts.error(e.field_errors().into_values().next().unwrap_or(e.message)),
            }
        }
    });
    let take = move |method: PaymentMethod| {
        let Some(credit) = paying.get_untracked() else {
            return;
        };
        match Cents::parse(&amount.get_untracked()) {
            Ok(c) if c.0 > 0 => {
                pay.dispatch((payment_id.get_untracked(), credit.id, c.0, method));
            }
            _ => toasts.error("Enter the amount paid, like 12.50."),
        }
    };
    view! {
        <section class="split wide-left">
            <div class="card">
                <div class="toolbar">
                    <h1>"Store credit"</h1>
                    <select aria-label="Show" bind:value=status>
                        <option value="open">"Still owed"</option>
                        <option value="overdue">"Overdue"</option>
                        <option value="paid">"Paid"</option>
                        <option value="">"All"</option>
                    </select>
                </div>
                <Transition fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match credits.await {
                            Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <p class="muted">"Nothing here."</p> }.into_any(),
                            Ok(page) => view! {
                                <table class="grid" data-testid="credits">
                                    <thead><tr><th>"Customer"</th><th>"Due"</th><th>"Status"</th><th class="num">"Owed"</th><th class="num">"Paid"</th><th></th></tr></thead>
                                    <tbody>
                                        {page.items.into_iter().map(|c| {
                                            let open = c.status != CreditStatus::Paid;
                                            let chosen = c.clone();
                                            view! {
                                                <tr>
                                                    <td>{c.customer_name.clone()}</td>
                                                    <td>{c.due_date.map(|d| d.to_string()).unwrap_or_default()}</td>
                                                    <td class:low=c.status == CreditStatus::Overdue>{status_words(c.status)}</td>
                                                    <td class="num">{Cents(c.amount_cents).to_string()}</td>
                                                    <td class="num">{Cents(c.paid_cents).to_string()}</td>
                                                    <td class="actions">
                                                        {open.then(|| view! {
                                                            <button class="button" on:click=move |_| {
                                                                amount.set(Cents(chosen.outstanding_cents()).to_string());
                                                                payment_id.set(new_id());
                                                                paying.set(Some(chosen.clone()));
                                                            }>"Take payment"</button>
                                                        })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }
                                .into_any(),
                        }
                    })}
                </Transition>
            </div>
            <div class="card">
                {move || match paying.get() {
                    None => view! { <p class="muted">"Choose a credit to take a payment."</p> }.into_any(),
                    Some(c) => view! {
                        <form on:submit=move |ev| { ev.prevent_default(); take(PaymentMethod::Cash); }>
                            <h2>{format!("Payment from {}", c.customer_name)}</h2>
                            <p>"Still owed: " <strong>{Cents(c.outstanding_cents()).to_string()}</strong></p>
                            <div class="field">
                                <label for="credit-amount">"Amount paid"</label>
                                <input id="credit-amount" inputmode="decimal" autofocus=true bind:value=amount/>
                            </div>
                            <div class="row">
                                <button class="button primary big" type="submit" disabled=move || pay.pending().get()>"Paid in cash"</button>
                                <button class="button big" type="button" disabled=move || pay.pending().get() on:click=move |_| take(PaymentMethod::Card)>"Paid by card"</button>
                                <button class="button big" type="button" on:click=move |_| paying.set(None)>"Cancel"</button>
                            </div>
                        </form>
                    }
                        .into_any(),
                }}
            </div>
        </section>
    }
}
