use crate::api::catalog::{delete_category, list_categories, save_category};
use crate::domain::catalog::Category;
use crate::domain::error::FieldErrors;
use crate::domain::event::Topic;
use crate::domain::mutation::EntityKind;
use crate::till::live::use_live;
use crate::till::toasts::use_toasts;
use crate::ui::components::conflict_resolver::use_conflict_dialog;
use crate::ui::components::field::Field;
use crate::ui::components::guard::SignedIn;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn CategoriesPage() -> impl IntoView {
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let conflicts = use_conflict_dialog();
    let live = use_live();
    let categories = Resource::new(
        move || {
            (
                reload.get(),
                conflicts.resolved.get(),
                live.about(Topic::Record(EntityKind::Category)),
            )
        },
        |_| list_categories(),
    );
    // The category being edited: None = the "new" form.
    let editing = RwSignal::new(None::<Category>);
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let sort_order = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let clear = move || {
        editing.set(None);
        name.set(String::new());
        description.set(String::new());
        sort_order.set(String::new());
        errors.set(FieldErrors::new());
    };
    let save = Action::new(
        move |(id, version, n, d, s): &(Option<Uuid>, Option<i64>, String, String, String)| {
            save_category(*id, *version, n.clone(), d.clone(), s.clone())
        },
    );
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(c) => {
                    toasts.success(format!("Saved category “{}”.", c.name));
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
    let remove = Action::new(move |(id, version): &(Uuid, i64)| delete_category(*id, *version));
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            match result {
                Ok(()) => toasts.success("Category deleted."),
                Err(e) => toasts.error(e.field_errors().into_values().next().unwrap_or(e.message)),
            }
            reload.update(|r| *r += 1);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let current = editing.get_untracked();
        save.dispatch((
            current.as_ref().map(|c| c.id),
            current.as_ref().map(|c| c.sync_version),
            name.get_untracked(),
            description.get_untracked(),
            sort_order.get_untracked(),
        ));
    };
    view! {
        <SignedIn manager=true>
            <section class="split">
                <div class="card">
                    <h1>"Categories"</h1>
                    <Transition fallback=|| view! { <p>"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            match categories.await {
                                Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                                Ok(list) if list.is_empty() => view! { <p class="muted">"No categories yet."</p> }.into_any(),
                                Ok(list) => view! {
                                    <table class="grid">
                                        <thead><tr><th>"Name"</th><th>"Description"</th><th>"Order"</th><th></th></tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|c| {
                                                let for_edit = c.clone();
                                                let (id, version) = (c.id, c.sync_version);
                                                view! {
                                                    <tr>
                                                        <td>{c.name.clone()}</td>
                                                        <td>{c.description.clone().unwrap_or_default()}</td>
                                                        <td>{c.sort_order}</td>
                                                        <td class="actions">
                                                            <button class="button" on:click=move |_| {
                                                                name.set(for_edit.name.clone());
                                                                description.set(for_edit.description.clone().unwrap_or_default());
                                                                sort_order.set(for_edit.sort_order.to_string());
                                                                errors.set(FieldErrors::new());
                                                                editing.set(Some(for_edit.clone()));
                                                            }>"Edit"</button>
                                                            <button class="button danger" on:click=move |_| { remove.dispatch((id, version)); }>"Delete"</button>
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
                    <h2>{move || if editing.get().is_some() { "Edit category" } else { "New category" }}</h2>
                    <form on:submit=on_submit>
                        <Field label="Name" name="name" value=name errors=errors/>
                        <Field label="Description" name="description" value=description errors=errors/>
                        <Field label="Order on the till" name="sort_order" value=sort_order errors=errors inputmode="numeric"/>
                        <div class="row">
                            <button class="button primary big" type="submit" disabled=move || save.pending().get()>"Save category"</button>
                            <button class="button big" type="button" on:click=move |_| clear()>"Cancel"</button>
                        </div>
                    </form>
                </div>
            </section>
        </SignedIn>
    }
}
