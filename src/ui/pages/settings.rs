//! Store settings: what the receipt says (name, address, tax number,
//! footer), the store's clock and currency, and whether shelf prices
//! already include tax. The owner edits them; a manager reads them.

use crate::api::store::{current_store_settings, save_store_settings};
use crate::domain::auth::Role;
use crate::domain::error::FieldErrors;
use crate::domain::money::CURRENCIES;
use crate::domain::store::{ADDRESS_CHARS, FOOTER_CHARS, SettingsEdit, StoreSettings};
use crate::till::toasts::use_toasts;
use crate::ui::components::conflict_resolver::use_conflict_dialog;
use crate::ui::components::field::Field;
use crate::ui::components::guard::SignedIn;
use crate::ui::session::use_session;
use leptos::prelude::*;

/// Offered in the time zone field; any IANA name the server knows is taken.
const ZONES: [&str; 16] = [
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
];

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <SignedIn manager=true>
            <Settings/>
        </SignedIn>
    }
}

/// The form's fields, as typed.
#[derive(Clone, Copy)]
struct Form {
    name: RwSignal<String>,
    address: RwSignal<String>,
    tax_number: RwSignal<String>,
    receipt_footer: RwSignal<String>,
    time_zone: RwSignal<String>,
    currency: RwSignal<String>,
    included: RwSignal<bool>,
}

impl Form {
    fn new() -> Form {
        Form {
            name: RwSignal::new(String::new()),
            address: RwSignal::new(String::new()),
            tax_number: RwSignal::new(String::new()),
            receipt_footer: RwSignal::new(String::new()),
            time_zone: RwSignal::new(String::new()),
            currency: RwSignal::new(String::new()),
            included: RwSignal::new(false),
        }
    }

    fn show(&self, s: StoreSettings) {
        self.name.set(s.name);
        self.address.set(s.address);
        self.tax_number.set(s.tax_number);
        self.receipt_footer.set(s.receipt_footer);
        self.time_zone.set(s.time_zone);
        self.currency.set(s.currency);
        self.included.set(s.prices_include_tax);
    }

    fn edit(&self) -> SettingsEdit {
        SettingsEdit {
            name: Some(self.name.get_untracked()),
            prices_include_tax: Some(self.included.get_untracked()),
            time_zone: Some(self.time_zone.get_untracked()),
            address: Some(self.address.get_untracked()),
            tax_number: Some(self.tax_number.get_untracked()),
            receipt_footer: Some(self.receipt_footer.get_untracked()),
            currency: Some(self.currency.get_untracked()),
        }
    }
}

#[component]
fn Settings() -> impl IntoView {
    let (toasts, session, dialog) = (use_toasts(), use_session(), use_conflict_dialog());
    let current = Resource::new(move || dialog.resolved.get(), |_| current_store_settings());
    let form = Form::new();
    let errors = RwSignal::new(FieldErrors::new());
    // Managers read the settings; the server refuses their save anyway.
    let is_owner =
        move || matches!(session.current.get(), Some(Ok(Some(s))) if s.role == Role::Owner);
    // The version the screen shows: a save edits it, so an owner's save
    // made meanwhile elsewhere is merged or shown in the resolver.
    let version = RwSignal::new(0);
    Effect::new(move |_| {
        if let Some(Ok(s)) = current.get() {
            version.set(s.sync_version);
            form.show(s);
        }
    });
    let save = Action::new(move |_: &()| save_store_settings(form.edit(), version.get_untracked()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            version.set(saved.sync_version);
            errors.set(FieldErrors::new());
            toasts.success("Settings saved. Every till uses them for its next sale.");
            session.refresh();
        }
        Some(Err(e)) if e.conflict.is_some() => dialog.refused(e),
        Some(Err(e)) => {
            let fields = e.field_errors();
            toasts.error(fields.values().next().cloned().unwrap_or(e.message));
            errors.set(fields);
        }
        None => {}
    });
    let text_area = move |label: &'static str,
                          name: &'static str,
                          value: RwSignal<String>,
                          max: usize| {
        view! {
            <label>{label}
                <textarea name=name rows="2" maxlength=max.to_string() bind:value=value></textarea>
            </label>
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Store settings"</h1>
            <form on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                // A manager sees every setting, greyed, and no Save.
                <fieldset class="plain" disabled=move || !is_owner()>
                    <Field label="Store name (on receipts)" name="name" value=form.name errors=errors/>
                    {text_area("Address (on receipts)", "address", form.address, ADDRESS_CHARS)}
                    <Field label="Tax number (on receipts)" name="tax_number" value=form.tax_number errors=errors
                        hint="Leave blank if your receipts need none."/>
                    {text_area("Receipt footer, e.g. your returns policy", "receipt_footer", form.receipt_footer, FOOTER_CHARS)}
                    <div class="field" class:invalid=move || errors.with(|e| e.contains_key("time_zone"))>
                        <label for="field-time_zone">"Time zone (the clock on screens and receipts)"</label>
                        <input id="field-time_zone" name="time_zone" list="time-zones" autocomplete="off"
                            bind:value=form.time_zone aria-describedby="field-time_zone-error"/>
                        <datalist id="time-zones">
                            {ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}
                        </datalist>
                        <small class="field-error" id="field-time_zone-error">
                            {move || errors.with(|e| e.get("time_zone").cloned()).unwrap_or_default()}
                        </small>
                    </div>
                    <label>"Currency"
                        <select name="currency" prop:value=move || form.currency.get()
                            on:change=move |ev| form.currency.set(event_target_value(&ev))>
                            {CURRENCIES.iter().map(|(code, _)| view! { <option value=*code>{*code}</option> }).collect_view()}
                        </select>
                    </label>
                    <p class="hint">"The currency can change only until the store's first sale."</p>
                    <label class="check">
                        <input type="checkbox" name="prices_include_tax" bind:checked=form.included/>
                        "Shelf prices already include tax"
                    </label>
                    <p class="hint">
                        {move || if form.included.get() {
                            "A 2.50 price is what the customer pays; the tax is worked out from inside it."
                        } else {
                            "Tax is added on top of each price at the till."
                        }}
                    </p>
                </fieldset>
                <Show
                    when=is_owner
                    fallback=|| view! { <p class="hint" role="note">"Only the owner can change these."</p> }
                >
                    <button class="button primary big" type="submit" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                </Show>
            </form>
        </section>
    }
}
