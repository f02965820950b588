//! Switching cashier on a paired till: tap your name, type your PIN.

use crate::api::auth::{switch_in, till_people};
use crate::domain::auth::TillPerson;
use crate::till::toasts::use_toasts;
use crate::ui::session::use_session;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

#[component]
pub fn TillPage() -> impl IntoView {
    let (session, toasts, navigate) = (use_session(), use_toasts(), use_navigate());
    let people = Resource::new(|| (), |_| till_people());
    let chosen = RwSignal::new(None::<TillPerson>);
    let pin = RwSignal::new(String::new());
    let switch = Action::new(move |(id, pin): &(Uuid, String)| switch_in(*id, pin.clone()));
    Effect::new(move |_| {
        if let Some(result) = switch.value().get() {
            pin.set(String::new());
            match result {
                Ok(info) => {
                    session.refresh();
                    toasts.success(format!("{} is on the till.", info.employee_name));
                    let home = if info.role.is_manager() {
                        "/products"
                    } else {
                        "/checkout"
                    };
                    navigate(home, Default::default());
                }
                Err(e) => toasts.error(e.message),
            }
        }
    });
    let submit = move || {
        if let Some(person) = chosen.get_untracked() {
            switch.dispatch((person.employee_id, pin.get_untracked()));
        }
    };
    // Choosing a person puts the cursor in the PIN field, ready to type.
    let pin_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if chosen.get().is_some()
            && let Some(input) = pin_input.get()
        {
            let _ = input.focus();
        }
    });
    let press = move |digit: char| {
        pin.update(|p| {
            if p.len() < 6 {
                p.push(digit)
            }
        })
    };
    view! {
        <section class="card narrow till">
            <h1>"Who is on the till?"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match people.await {
                        Err(e) => view! {
                            <p class="notice">{e.message}</p>
                            <p><A href="/login">"Sign in as a manager"</A> " to pair it."</p>
                        }
                            .into_any(),
                        Ok(list) => view! {
                            <div class="people" role="radiogroup" aria-label="Employees">
                                {list
                                    .into_iter()
                                    .map(|p| {
                                        let id = p.employee_id;
                                        let person = p.clone();
                                        view! {
                                            <button
                                                class="person"
                                                role="radio"
                                                aria-checked=move || (chosen.get().map(|c| c.employee_id) == Some(id)).to_string()
                                                on:click=move |_| {
                                                    chosen.set(Some(person.clone()));
                                                    pin.set(String::new());
                                                }
                                            >
                                                <span class="person-name">{p.name.clone()}</span>
                                                <span class="person-role">{p.role.as_str()}</span>
                                            </button>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
            <Show when=move || chosen.get().is_some()>
                <form class="pin-form" on:submit=move |ev| {
                    ev.prevent_default();
                    submit();
                }>
                    <label for="pin">{move || format!("PIN for {}", chosen.get().map(|c| c.name).unwrap_or_default())}</label>
                    <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="off" maxlength="6" node_ref=pin_input bind:value=pin/>
                    <div class="keypad">
                        {"123456789".chars().map(|d| view! {
                            <button type="button" class="key" on:click=move |_| press(d)>{d.to_string()}</button>
                        }).collect_view()}
                        <button type="button" class="key" on:click=move |_| pin.set(String::new())>"Clear"</button>
                        <button type="button" class="key" on:click=move |_| press('0')>"0"</button>
                        <button type="submit" class="key key-enter" disabled=move || switch.pending().get()>"Enter"</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
