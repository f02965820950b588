//! Customers: find, add, correct and (managers) remove them; see what each
//! bought and their totals. A floor screen: it reads the till's copy and
//! saves through the outbox, so it works the same offline.

use crate::api::customers::customer_sales;
use crate::domain::connection::Link;
use crate::domain::customer::{Customer, CustomerDraft};
use crate::domain::error::FieldErrors;
use crate::domain::event::{DELETE, Topic, changed_fields};
use crate::domain::ids::new_id;
use crate::domain::mutation::{EntityKind, Mutation};
use crate::till::connection::use_connection;
use crate::till::live::use_live;
use crate::till::local;
use crate::till::toasts::use_toasts;
use crate::ui::components::field::Field;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::on_till::OnTill;
use crate::ui::format::{use_money, use_store_format};
use crate::ui::session::use_session;
use chrono::Utc;
use leptos::prelude::*;

#[component]
pub fn CustomersPage() -> impl IntoView {
    view! {
        <SignedIn>
            <Customers/>
        </SignedIn>
    }
}

/// Customers shown at once; a search narrows the rest.
const SHOWN: usize = 100;

#[component]
fn Customers() -> impl IntoView {
    let toasts = use_toasts();
    let format = use_store_format();
    let money = use_money();
    let connection = use_connection();
    let session = use_session();
    let is_manager = move || {
        session
            .current
            .get()
            .and_then(|r| r.ok())
            .flatten()
            .is_some_and(|s| s.role.is_manager())
    };
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<Customer>);
    // The till's copy, the same online or offline; re-read whenever it
    // changes (a pull, a save here).
    let list = LocalResource::new(move || {
        let q = query.get();
        connection.records.track();
        async move {
            let mut found: Vec<Customer> = local::records::<Customer>(EntityKind::Customer)
                .await?
                .into_iter()
                .filter(|c| c.matches(&q))
                .collect();
            found.sort_by_key(|c| c.name.to_lowercase());
            let total = found.len();
            found.truncate(SHOWN);
            Ok::<_, String>((found, total))
        }
    });
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
    // The customer open here changed elsewhere (another till, the back
    // office): say so. The form keeps what was typed; saving merges it
    // with their change (or asks, where both changed one field).
    let live = use_live();
    Effect::new(move |_| {
        let events = live.latest();
        let Some(open) = chosen.get_untracked() else {
            return;
        };
        let shown = serde_json::to_value(&open).unwrap_or_default();
        let typed = serde_json::json!({
            "name": name.get_untracked(),
            "phone": phone.get_untracked(),
            "email": email.get_untracked(),
            "notes": notes.get_untracked(),
        });
        for e in events
            .iter()
            .filter(|e| e.name.topic == Topic::Record(EntityKind::Customer) && e.id == open.id)
        {
            if e.op == DELETE {
                toasts.error(format!("{} was removed elsewhere.", open.name));
                continue;
            }
            // A poke without the record: the pull brings it; nothing to say yet.
            let Some(now) = &e.data else {
                continue;
            };
            const SEEN: &[&str] = &["name", "phone", "email", "notes"];
            let theirs = changed_fields(&shown, now, SEEN);
            // A change that is what this form holds is this till's own save.
            if !theirs.is_empty() && !changed_fields(&typed, now, SEEN).is_empty() {
                let what: Vec<String> = theirs
                    .iter()
                    .map(|f| crate::domain::conflict::label(f))
                    .collect();
                toasts.error(format!(
                    "{} was just changed elsewhere ({}). Saving keeps your edits and theirs.",
                    open.name,
                    what.join(", ").to_lowercase()
                ));
            }
        }
    });
    let saving = RwSignal::new(false);
    // Checked by the server's own rules here first, so a mistake is shown
    // at once and nothing bad waits in the outbox.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let data = serde_json::json!({
            "name": name.get_untracked(),
            "phone": phone.get_untracked(),
            "email": email.get_untracked(),
            "notes": notes.get_untracked(),
        });
        let draft = match CustomerDraft::parse(&data) {
            Ok(draft) => draft,
            Err(e) => {
                errors.set(e.field_errors());
                return toasts.error(e.message);
            }
        };
        errors.set(FieldErrors::new());
        let before = chosen.get_untracked();
        let id = before.as_ref().map_or_else(new_id, |c| c.id);
        let after = Customer::saved(before.as_ref(), id, draft, Utc::now());
        let mutation = Mutation {
            id,
            ..Mutation::save(
                EntityKind::Customer,
                before.as_ref().map(|c| c.id),
                before.as_ref().map(|c| c.sync_version),
                data,
            )
        };
        saving.set(true);
        leptos::task::spawn_local(async move {
            let change = local::Change {
                entity: EntityKind::Customer,
                id,
                before,
                after: Some(after.clone()),
            };
            match local::save(connection, mutation, change).await {
                Ok(()) => {
                    toasts.success(format!("Saved {}.", after.name));
                    fill(Some(after));
                }
                Err(message) => toasts.error(message),
            }
            saving.set(false);
        });
    };
    let remove = move |c: Customer| {
        let mutation = Mutation::delete(EntityKind::Customer, c.id, c.sync_version);
        leptos::task::spawn_local(async move {
            let change = local::Change {
                entity: EntityKind::Customer,
                id: c.id,
                before: Some(c),
                after: None,
            };
            match local::save(connection, mutation, change).await {
                Ok(()) => {
                    toasts.success("Customer removed.");
                    fill(None);
                }
                Err(message) => toasts.error(message),
            }
        });
    };
    view! {
        <section class="split">
            <div class="card">
                <div class="toolbar">
                    <h1>"Customers"</h1>
                    <input class="search" type="search" placeholder="Name, phone or e-mail" aria-label="Search customers" bind:value=query/>
                    <button class="button primary big" on:click=move |_| fill(None)>"New customer"</button>
                </div>
                <OnTill>
                    <Transition fallback=|| view! { <p>"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            match list.await {
                                Err(message) => view! { <p class="notice error">{message}</p> }.into_any(),
                                Ok((items, _)) if items.is_empty() => view! { <p class="muted">"No customers match."</p> }.into_any(),
                                Ok((items, total)) => {
                                    let shown = items.len();
                                    view! {
                                        <table class="grid" data-testid="customers">
                                            <thead><tr><th>"Name"</th><th>"Phone"</th><th>"E-mail"</th><th class="num">"Orders"</th><th class="num">"Spent"</th><th></th></tr></thead>
                                            <tbody>
                                                {items.into_iter().map(|c| {
                                                    let pick = c.clone();
                                                    view! {
                                                        <tr>
                                                            <td>{c.name.clone()}</td>
                                                            <td>{c.phone.clone().unwrap_or_default()}</td>
                                                            <td>{c.email.clone().unwrap_or_default()}</td>
                                                            <td class="num">{c.total_orders}</td>
                                                            <td class="num">{money(c.total_spent_cents)}</td>
                                                            <td class="actions"><button class="button" on:click=move |_| fill(Some(pick.clone()))>"Open"</button></td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                        <p class="muted">{if shown < total {
                                            format!("{shown} of {total} customers shown; search to find the others.")
                                        } else {
                                            format!("{total} customers")
                                        }}</p>
                                    }
                                        .into_any()
                                }
                            }
                        })}
                    </Transition>
                </OnTill>
            </div>
            <div class="card">
                <h2>{move || chosen.with(|c| c.as_ref().map_or("New customer".to_string(), |c| c.name.clone()))}</h2>
                {move || chosen.get().map(|c| view! {
                    <p class="muted">{format!("{} order{}, {} spent", c.total_orders, if c.total_orders == 1 { "" } else { "s" }, money(c.total_spent_cents))}
                        {c.last_order_at.map(|t| format!(", last on {}", format.with_untracked(|f| f.date(t))))}</p>
                })}
                <form on:submit=submit>
                    <Field label="Name" name="name" value=name errors=errors/>
                    <Field label="Phone" name="phone" value=phone errors=errors inputmode="tel"/>
                    <Field label="E-mail" name="email" value=email errors=errors kind="email"/>
                    <Field label="Notes" name="notes" value=notes errors=errors/>
                    <div class="row">
                        <button class="button primary big" type="submit" disabled=move || saving.get()>"Save customer"</button>
                        {move || chosen.get().filter(|_| is_manager()).map(|c| view! {
                            <button class="button danger big" type="button" on:click=move |_| remove(c.clone())>"Remove"</button>
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
                                                <td>{format.with_untracked(|f| f.date(s.created_at))}</td>
                                                <td class="num">{money(s.total_cents)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }
                                .into_any(),
                            // Purchases live on the server only.
                            Err(_) if connection.current.get_untracked().link == Link::Offline => view! {
                                <p class="muted">"Purchases show when the till is online."</p>
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
