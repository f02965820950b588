//! Store settings (owner): the name on receipts, and whether shelf prices
//! already include tax, which decides how every following sale is taxed.

use crate::api::store::{current_store_settings, save_store_settings};
use crate::till::toasts::use_toasts;
use crate::ui::components::conflict_resolver::use_conflict_dialog;
use crate::ui::components::guard::SignedIn;
use crate::ui::session::use_session;
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <SignedIn manager=true>
            <Settings/>
        </SignedIn>
    }
}

#[component]
fn Settings() -> impl IntoView {
    let (toasts, session, dialog) = (use_toasts(), use_session(), use_conflict_dialog());
    let current = Resource::new(move || dialog.resolved.get(), |_| current_store_settings());
    let name = RwSignal::new(String::new());
    let included = RwSignal::new(false);
    // The version the screen shows: a save edits it, so an owner's save
    // made meanwhile elsewhere is merged or shown in the resolver.
    let version = RwSignal::new(0);
    Effect::new(move |_| {
        if let Some(Ok(s)) = current.get() {
            name.set(s.name);
            included.set(s.prices_include_tax);
            version.set(s.sync_version);
        }
    });
    let save = Action::new(move |_: &()| {
        save_store_settings(
            name.get_untracked(),
            included.get_untracked(),
            version.get_untracked(),
        )
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            version.set(saved.sync_version);
            toasts.success("Settings saved. Every till uses them for its next sale.");
            session.refresh();
        }
        Some(Err(e)) if e.conflict.is_some() => dialog.refused(e),
        Some(Err(e)) => toasts.error(e.field_errors().into_values().next().unwrap_or(e.message)),
        None => {}
    });
    view! {
        <section class="card narrow">
            <h1>"Store settings"</h1>
            <form on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <label>"Store name (on receipts)"
                    <input type="text" name="name" maxlength="120" required bind:value=name/>
                </label>
                <label class="check">
                    <input type="checkbox" name="prices_include_tax" bind:checked=included/>
                    "Shelf prices already include tax"
                </label>
                <p class="hint">
                    {move || if included.get() {
                        "A 2.50 price is what the customer pays; the tax is worked out from inside it."
                    } else {
                        "Tax is added on top of each price at the till."
                    }}
                </p>
                <p class="hint">"Only the owner can change these."</p>
                <button class="button primary big" type="submit" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save" }}
                </button>
            </form>
        </section>
    }
}
