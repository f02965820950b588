//! Customers: find, add, correct and (managers) remove them; see what each
//! bought and their totals.

use crate::api::customers::{customer_sales, delete_customer, list_customers, save_customer};
use crate::domain::customer::Customer;
use crate::domain::error::FieldErrors;
use crate::domain::money::Cents;
use crate::ui::components::field::Field;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::toast::use_toasts;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn CustomersPage() -> impl IntoView {
    view! {
        <SignedIn>
            <Customers/>
        </SignedIn>
    }
}

#[component]
fn Customers() -> impl IntoView {
    let toasts = use_toasts();
    let query = RwSignal::new(String::new());
    let offset = RwSignal::new(0u64);
    let reload = RwSignal::new(0u32);
    let chosen = RwSignal::new(None::<Customer>);
    Effect::new(move |_| {
        query.track();
        offset.set(0);
    });
    let list = Resource::new(
        move || (query.get(), offset.get(), reload.get()),
        |(q, o, _)| list_customers(q, o),
    );
    let history = Resource::new(
        move || chosen.with(|c| c.as_ref().map(|c| c.id)),
        |id| async move {
            match id {
                Some(id) => customer_sales(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let (name, phone, email, notes) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = RwSignal::new(FieldErrors::new());
    let fill = move |c: Option<Customer>| {
        let c2 = c.clone();
        name.set(c2.as_ref().map(|c| c.name.clone()).unwrap_or_default());
        phone.set(
            c2.as_ref()
                .and_then(|c| c.phone.clone())
                .unwrap_or_default(),
        );
        email.set(
            c2.as_ref()
                .and_then(|c| c.email.clone())
                .unwrap_or_default(),
        );
        notes.set(
            c2.as_ref()
                .and_then(|c| c.notes.clone())
                .unwrap_or_default(),
        );
        errors.set(FieldErrors::new());
        chosen.set(c);
    };
    let save = Action::new(
        move |(id, v, data): &(Option<Uuid>, Option<i64>, serde_json::Value)| {
            save_customer(*id, *v, data.clone())
        },
    );
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(c) => {
                    toasts.success(format!("Saved {}.", c.name));
                    fill(Some(c));
                    reload.update(|r| *r += 1);
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.error(e.message);
                }
            }
        }
    });
    let remove = Action::new(move |(id, v): &(Uuid, i64)| delete_customer(*id, *v));
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            match result {
                Ok(()) => {
                    toasts.success("Customer removed.");
                    fill(None);
                }
                Err(e) => toasts.error(e.message),
            }
            reload.update(|r| *r += 1);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let data = serde_json::json!({
            "name": name.get_untracked(),
            "phone": phone.get_untracked(),
            "email": email.get_untracked(),
            "notes": notes.get_untracked(),
        });
        let current = chosen.get_untracked();
        save.dispatch((
            current.as_ref().map(|c| c.id),
            current.as_ref().map(|c| c.sync_version),
            data,
        ));
    };
    view! {
        <section class="split">
            <div class="card">
                <div class="toolbar">
                    <h1>"Customers"</h1>
                    <input class="search" type="search" placeholder="Name, phone or e-mail" aria-label="Search customers" bind:value=query/>
                    <button class="button primary big" on:click=move |_| fill(None)>"New customer"</button>
                </div>
                <Transition fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <p class="muted">"No customers match."</p> }.into_any(),
                            Ok(page) => {
                                let (first, last) = (page.offset + 1, page.offset + page.items.len() as u64);
                                let (limit, total) = (page.limit, page.total);
                                view! {
                                    <table class="grid" data-testid="customers">
                                        <thead><tr><th>"Name"</th><th>"Phone"</th><th>"E-mail"</th><th class="num">"Orders"</th><th class="num">"Spent"</th><th></th></tr></thead>
                                        <tbody>
                                            {page.items.into_iter().map(|c| {
                                                let pick = c.clone();
                                                view! {
                                                    <tr>
                                                        <td>{c.name.clone()}</td>
                                                        <td>{c.phone.clone().unwrap_or_default()}</td>
                                                        <td>{c.email.clone().unwrap_or_default()}</td>
                                                        <td class="num">{c.total_orders}</td>
                                                        <td class="num">{Cents(c.total_spent_cents).to_string()}</td>
                                                        <td class="actions"><button class="button" on:click=move |_| fill(Some(pick.clone()))>"Open"</button></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <div class="pager">
                                        <span class="muted">{format!("{first}–{last} of {total} customers")}</span>
                                        <button class="button" disabled=first == 1 on:click=move |_| offset.update(|o| *o = o.saturating_sub(limit))>"Previous"</button>
                                        <button class="button" disabled=last >= total on:click=move |_| offset.update(|o| *o += limit)>"Next"</button>
                                    </div>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
            </div>
            <div class="card">
                <h2>{move || chosen.with(|c| c.as_ref().map_or("New customer".to_string(), |c| c.name.clone()))}</h2>
                {move || chosen.get().map(|c| view! {
                    <p class="muted">{format!("{} order{}, {} spent", c.total_orders, if c.total_orders == 1 { "" } else { "s" }, Cents(c.total_spent_cents))}
                        {c.last_order_at.map(|t| format!(", last on {}", t.format("%Y-%m-%d")))}</p>
                })}
                <form on:submit=submit>
                    <Field label="Name" name="name" value=name errors=errors/>
                    <Field label="Phone" name="phone" value=phone errors=errors inputmode="tel"/>
                    <Field label="E-mail" name="email" value=email errors=errors kind="email"/>
                    <Field label="Notes" name="notes" value=notes errors=errors/>
                    <div class="row">
                        <button class="button primary big" type="submit" disabled=move || save.pending().get()>"Save customer"</button>
                        {move || chosen.get().map(|c| view! {
                            <button class="button danger big" type="button" on:click=move |_| { remove.dispatch((c.id, c.sync_version)); }>"Remove"</button>
                        })}
                    </div>
                </form>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match history.await {
                            Ok(Some(page)) if !page.items.is_empty() => view! {
                                <h2 class="spaced">"Purchases"</h2>
                                <table class="grid" data-testid="customer-sales">
                                    <tbody>
                                        {page.items.into_iter().map(|s| view! {
                                            <tr>
                                                <td>{format!("Sale {}", s.number)}</td>
                                                <td>{s.created_at.format("%Y-%m-%d").to_string()}</td>
                                                <td class="num">{Cents(s.total_cents).to_string()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }
                                .into_any(),
                            Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                            _ => ().into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
    }
}
