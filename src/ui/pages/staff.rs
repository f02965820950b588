//! Staff (managers): the people of the store, their PINs and roles, the
//! shifts of the next two weeks, and the store's paired tills.

use crate::api::staff::{delete_shift, list_employees, list_shifts, save_employee, save_shift};
use crate::domain::error::FieldErrors;
use crate::domain::event::Topic;
use crate::domain::mutation::EntityKind;
use crate::domain::shift::Shift;
use crate::domain::staff::Employee;
use crate::till::live::use_live;
use crate::till::toasts::use_toasts;
use crate::ui::components::conflict_resolver::use_conflict_dialog;
use crate::ui::components::field::Field;
use crate::ui::components::guard::SignedIn;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn StaffPage() -> impl IntoView {
    view! {
        <SignedIn manager=true>
            <section class="split">
                <People/>
                <Shifts/>
            </section>
            <super::tills::PairedTills/>
        </SignedIn>
    }
}

#[component]
fn People() -> impl IntoView {
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let conflicts = use_conflict_dialog();
    let live = use_live();
    let people = Resource::new(
        move || {
            (
                reload.get(),
                conflicts.resolved.get(),
                live.about(Topic::Record(EntityKind::Employee)),
            )
        },
        |_| list_employees(),
    );
    let editing = RwSignal::new(None::<Employee>);
    let (name, email, role) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("cashier".to_string()),
    );
    let (pin, password, active) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(true),
    );
    let errors = RwSignal::new(FieldErrors::new());
    let clear = move || {
        editing.set(None);
        for s in [name, email, pin, password] {
            s.set(String::new());
        }
        role.set("cashier".into());
        active.set(true);
        errors.set(FieldErrors::new());
    };
    let save = Action::new(
        move |(id, v, data): &(Option<Uuid>, Option<i64>, serde_json::Value)| {
            save_employee(*id, *v, data.clone())
        },
    );
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(e) => {
                    toasts.success(format!("Saved {}.", e.name));
                    clear();
                    reload.update(|r| *r += 1);
                }
                // The edit lives in the conflict now.
                Err(e) if e.conflict.is_some() => {
                    clear();
                    conflicts.refused(e);
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    conflicts.refused(e);
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut data = serde_json::json!({
            "name": name.get_untracked(),
            "role": role.get_untracked(),
            "active": active.get_untracked(),
        });
        for (key, value) in [("email", email), ("pin", pin), ("password", password)] {
            let v = value.get_untracked();
            if !v.trim().is_empty() {
                data[key] = serde_json::Value::String(v);
            }
        }
        let current = editing.get_untracked();
        save.dispatch((
            current.as_ref().map(|e| e.id),
            current.as_ref().map(|e| e.sync_version),
            data,
        ));
    };
    view! {
        <div class="card">
            <h1>"Staff"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match people.await {
                        Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="grid" data-testid="staff">
                                <thead><tr><th>"Name"</th><th>"Role"</th><th>"E-mail"</th><th>"PIN"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| {
                                        let chosen = e.clone();
                                        view! {
                                            <tr class:inactive=!e.active>
                                                <td>{e.name.clone()} {(!e.active).then(|| view! { <span class="badge">"switched off"</span> })}</td>
                                                <td>{e.role.as_str()}</td>
                                                <td>{e.email.clone().unwrap_or_default()}</td>
                                                <td>{if e.has_pin { "set" } else { "—" }}</td>
                                                <td class="actions"><button class="button" on:click=move |_| {
                                                    let e = chosen.clone();
                                                    name.set(e.name.clone());
                                                    email.set(e.email.clone().unwrap_or_default());
                                                    role.set(e.role.as_str().into());
                                                    active.set(e.active);
                                                    pin.set(String::new());
                                                    password.set(String::new());
                                                    errors.set(FieldErrors::new());
                                                    editing.set(Some(e));
                                                }>"Edit"</button></td>
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
            <h2 class="spaced">{move || editing.with(|e| e.as_ref().map_or("New employee".to_string(), |e| format!("Edit {}", e.name)))}</h2>
            <form on:submit=submit>
                <div class="form-grid">
                    <Field label="Name" name="name" value=name errors=errors/>
                    <div class="field">
                        <label for="field-role">"Role"</label>
                        <select id="field-role" bind:value=role>
                            <option value="cashier">"Cashier"</option>
                            <option value="manager">"Manager"</option>
                            <option value="owner">"Owner"</option>
                        </select>
                    </div>
                    <Field label="PIN (4–6 digits)" name="pin" value=pin errors=errors inputmode="numeric" kind="password" hint="leave empty to keep the current PIN"/>
                    <Field label="E-mail (managers)" name="email" value=email errors=errors kind="email"/>
                    <Field label="Password (managers)" name="password" value=password errors=errors kind="password" hint="leave empty to keep the current one"/>
                    <label class="check"><input type="checkbox" bind:checked=active/>"Can sign in"</label>
                </div>
                <div class="row">
                    <button class="button primary big" type="submit" disabled=move || save.pending().get()>"Save employee"</button>
                    <button class="button big" type="button" on:click=move |_| clear()>"Cancel"</button>
                </div>
            </form>
        </div>
    }
}

#[component]
fn Shifts() -> impl IntoView {
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let today = chrono::Utc::now().date_naive();
    let conflicts = use_conflict_dialog();
    let live = use_live();
    let shifts = Resource::new(
        move || {
            (
                reload.get(),
                conflicts.resolved.get(),
                live.about(Topic::Record(EntityKind::Shift)),
            )
        },
        move |_| list_shifts(today),
    );
    let people = Resource::new(|| (), |_| list_employees());
    let editing = RwSignal::new(None::<Shift>);
    let employee = RwSignal::new(String::new());
    let (date, start, end) = (
        RwSignal::new(today.to_string()),
        RwSignal::new("09:00".to_string()),
        RwSignal::new("17:00".to_string()),
    );
    let status = RwSignal::new("scheduled".to_string());
    let errors = RwSignal::new(FieldErrors::new());
    let save = Action::new(
        move |(id, v, data): &(Option<Uuid>, Option<i64>, serde_json::Value)| {
            save_shift(*id, *v, data.clone())
        },
    );
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(_) => {
                    toasts.success("Shift saved.");
                    editing.set(None);
                    errors.set(FieldErrors::new());
                    reload.update(|r| *r += 1);
                }
                Err(e) if e.conflict.is_some() => {
                    editing.set(None);
                    conflicts.refused(e);
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    conflicts.refused(e);
                }
            }
        }
    });
    let remove = Action::new(move |(id, v): &(Uuid, i64)| delete_shift(*id, *v));
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            match result {
                Ok(()) => toasts.success("Shift removed."),
                Err(e) => conflicts.refused(e),
            }
            reload.update(|r| *r += 1);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let data = serde_json::json!({
            "employee_id": employee.get_untracked(),
            "shift_date": date.get_untracked(),
            "start_time": start.get_untracked(),
            "end_time": end.get_untracked(),
            "status": status.get_untracked(),
        });
        let current = editing.get_untracked();
        save.dispatch((
            current.as_ref().map(|s| s.id),
            current.as_ref().map(|s| s.sync_version),
            data,
        ));
    };
    view! {
        <div class="card">
            <h2>"Shifts, next two weeks"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let names = people.await.unwrap_or_default();
                    let name_of = move |id: Uuid| names.iter().find(|e| e.id == id).map(|e| e.name.clone()).unwrap_or_default();
                    match shifts.await {
                        Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                        Ok(page) if page.items.is_empty() => view! { <p class="muted">"No shifts planned."</p> }.into_any(),
                        Ok(page) => view! {
                            <table class="grid" data-testid="shifts">
                                <thead><tr><th>"Who"</th><th>"Day"</th><th>"Hours"</th><th>"Status"</th><th></th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|s| {
                                        let chosen = s.clone();
                                        let (id, version) = (s.id, s.sync_version);
                                        view! {
                                            <tr>
                                                <td>{name_of(s.employee_id)}</td>
                                                <td>{s.shift_date.to_string()}</td>
                                                <td>{format!("{}–{}", s.start_time.format("%H:%M"), s.end_time.format("%H:%M"))}</td>
                                                <td>{s.status.as_str()}</td>
                                                <td class="actions">
                                                    <button class="button" on:click=move |_| {
                                                        let s = chosen.clone();
                                                        employee.set(s.employee_id.to_string());
                                                        date.set(s.shift_date.to_string());
                                                        start.set(s.start_time.format("%H:%M").to_string());
                                                        end.set(s.end_time.format("%H:%M").to_string());
                                                        status.set(s.status.as_str().into());
                                                        editing.set(Some(s));
                                                    }>"Edit"</button>
                                                    <button class="button danger" on:click=move |_| { remove.dispatch((id, version)); }>"Remove"</button>
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
            <form on:submit=submit class="spaced">
                <div class="field" class:invalid=move || errors.with(|e| e.contains_key("employee_id"))>
                    <label for="field-employee">"Who"</label>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = people.await.unwrap_or_default();
                            view! {
                                <select id="field-employee" bind:value=employee>
                                    <option value="">"Choose…"</option>
                                    {list.into_iter().filter(|e| e.active).map(|e| view! { <option value=e.id.to_string()>{e.name}</option> }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                    <small class="field-error">{move || errors.with(|e| e.get("employee_id").cloned().unwrap_or_default())}</small>
                </div>
                <div class="form-grid">
                    <Field label="Day" name="shift_date" value=date errors=errors kind="date"/>
                    <div class="field">
                        <label for="field-status">"Status"</label>
                        <select id="field-status" bind:value=status>
                            <option value="scheduled">"Scheduled"</option>
                            <option value="in_progress">"In progress"</option>
                            <option value="completed">"Completed"</option>
                            <option value="cancelled">"Cancelled"</option>
                        </select>
                    </div>
                    <Field label="Starts" name="start_time" value=start errors=errors kind="time"/>
                    <Field label="Ends" name="end_time" value=end errors=errors kind="time"/>
                </div>
                <div class="row">
                    <button class="button primary big" type="submit" disabled=move || save.pending().get()>
                        {move || if editing.with(Option::is_some) { "Save shift" } else { "Plan shift" }}
                    </button>
                    <button class="button big" type="button" on:click=move |_| editing.set(None)>"New"</button>
                </div>
            </form>
        </div>
    }
}
