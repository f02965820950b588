//! Store credit: who owes what, overdue first, and taking a payment. A
//! floor screen: it reads the till's copy and saves through the outbox.

use crate::domain::credit::{Credit, CreditStatus, to_show};
use crate::domain::customer::Customer;
use crate::domain::ids::new_id;
use crate::domain::money::Cents;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::domain::sale::PaymentMethod;
use crate::till::connection::use_connection;
use crate::till::local;
use crate::till::toasts::use_toasts;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::on_till::OnTill;
use crate::ui::format::use_money;
use chrono::Utc;
use leptos::prelude::*;

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
    let money = use_money();
    let connection = use_connection();
    let status = RwSignal::new("open".to_string());
    let paying = RwSignal::new(None::<Credit>);
    // The till's copy: a customer can pay off credit while the till is
    // offline; the payment waits in the outbox like a sale.
    let credits = LocalResource::new(move || {
        let wanted = status.get();
        connection.records.track();
        async move {
            let credits = local::records::<Credit>(EntityKind::Credit).await?;
            let customers = local::records::<Customer>(EntityKind::Customer).await?;
            Ok::<_, String>(to_show(
                credits,
                &customers,
                &wanted,
                Utc::now().date_naive(),
            ))
        }
    });
    let amount = RwSignal::new(String::new());
    // One id per payment form, so a payment is made once however often the
    // till sends it.
    let payment_id = RwSignal::new(new_id());
    let saving = RwSignal::new(false);
    let take = move |method: PaymentMethod| {
        let Some(credit) = paying.get_untracked() else {
            return;
        };
        let cents = match Cents::parse(&amount.get_untracked()) {
            Ok(c) if c.0 > 0 => c.0,
            _ => return toasts.error("Enter the amount paid, like 12.50."),
        };
        let after = match credit.with_payment(cents, Utc::now()) {
            Ok(after) => after,
            Err(problem) => return toasts.error(format!("The amount {problem}.")),
        };
        let mutation = Mutation {
            id: payment_id.get_untracked(),
            ..Mutation::create(
                EntityKind::CreditPayment,
                serde_json::json!({"credit_id": credit.id, "amount_cents": cents, "method": method}),
            )
        };
        let change = local::Change {
            entity: EntityKind::Credit,
            id: credit.id,
            before: Some(credit),
            after: Some(after.clone()),
        };
        saving.set(true);
        leptos::task::spawn_local(async move {
            match local::save(connection, mutation, change).await {
                Ok(()) => {
                    toasts.success(format!(
                        "Payment recorded. {} still owes {}.",
                        after.customer_name,
                        money(after.outstanding_cents())
                    ));
                    paying.set(None);
                }
                Err(message) => toasts.error(message),
            }
            saving.set(false);
        });
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
                <OnTill>
                    <Transition fallback=|| view! { <p>"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            match credits.await {
                                Err(message) => view! { <p class="notice error">{message}</p> }.into_any(),
                                Ok(items) if items.is_empty() => view! { <p class="muted">"Nothing here."</p> }.into_any(),
                                Ok(items) => view! {
                                    <table class="grid" data-testid="credits">
                                        <thead><tr><th>"Customer"</th><th>"Due"</th><th>"Status"</th><th class="num">"Owed"</th><th class="num">"Paid"</th><th></th></tr></thead>
                                        <tbody>
                                            {items.into_iter().map(|c| {
                                                let open = c.status != CreditStatus::Paid;
                                                let chosen = c.clone();
                                                view! {
                                                    <tr>
                                                        <td>{c.customer_name.clone()}</td>
                                                        <td>{c.due_date.map(|d| d.to_string()).unwrap_or_default()}</td>
                                                        <td class:low=c.status == CreditStatus::Overdue>{status_words(c.status)}</td>
                                                        <td class="num">{money(c.amount_cents)}</td>
                                                        <td class="num">{money(c.paid_cents)}</td>
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
                </OnTill>
            </div>
            <div class="card">
                {move || match paying.get() {
                    None => view! { <p class="muted">"Choose a credit to take a payment."</p> }.into_any(),
                    Some(c) => view! {
                        <form on:submit=move |ev| { ev.prevent_default(); take(PaymentMethod::Cash); }>
                            <h2>{format!("Payment from {}", c.customer_name)}</h2>
                            <p>"Still owed: " <strong>{money(c.outstanding_cents())}</strong></p>
                            <div class="field">
                                <label for="credit-amount">"Amount paid"</label>
                                <input id="credit-amount" inputmode="decimal" autofocus=true bind:value=amount/>
                            </div>
                            <div class="row">
                                <button class="button primary big" type="submit" disabled=move || saving.get()>"Paid in cash"</button>
                                <button class="button big" type="button" disabled=move || saving.get() on:click=move |_| take(PaymentMethod::Card)>"Paid by card"</button>
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
