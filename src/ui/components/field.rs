//! A labelled input that shows its own error under it.

use crate::domain::error::FieldErrors;
use leptos::prelude::*;

#[component]
pub fn Field(
    label: &'static str,
    /// The field's name in the server's field errors.
    name: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(optional)] autofocus: bool,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let error = move || errors.with(|e| e.get(name).cloned());
    let id = format!("field-{name}");
    let error_id = format!("field-{name}-error");
    // What was wrong stops being said as soon as the person changes it.
    let forget_error = move |_| {
        if errors.with_untracked(|e| e.contains_key(name)) {
            errors.update(|e| {
                e.remove(name);
            });
        }
    };
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                inputmode=inputmode
                autofocus=autofocus
                autocomplete="off"
                bind:value=value
                on:input=forget_error
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
            />
            {hint.map(|h| view! { <small class="hint">{h}</small> })}
            <small class="field-error" id=error_id>{move || error().unwrap_or_default()}</small>
        </div>
    }
}
