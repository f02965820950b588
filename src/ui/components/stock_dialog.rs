//! A stock adjustment: a change in units (+12 received, -2 damaged), never a
//! new total, so it cannot undo a sale made meanwhile.

use super::field::Field;
use crate::api::catalog::adjust_stock;
use crate::domain::catalog::{Product, StockReason};
use crate::domain::error::FieldErrors;
use crate::till::toasts::use_toasts;
use leptos::prelude::*;

#[component]
pub fn StockDialog(product: Product, on_done: Callback<Option<Product>>) -> impl IntoView {
    let toasts = use_toasts();
    let delta = RwSignal::new(String::new());
    let reason = RwSignal::new("received".to_string());
    let note = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let product_id = product.id;
    let adjust = Action::new(move |(d, r, n): &(String, String, String)| {
        adjust_stock(product_id, d.clone(), r.clone(), n.clone())
    });
    Effect::new(move |_| {
        if let Some(result) = adjust.value().get() {
            match result {
                Ok(p) => {
                    toasts.success(format!("“{}” now has {} in stock.", p.name, p.quantity));
                    on_done.run(Some(p));
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.error(e.message);
                }
            }
        }
    });
    view! {
        <div class="dialog-backdrop">
            <form
                class="dialog card"
                role="dialog"
                aria-label="Adjust stock"
                on:submit=move |ev| {
                    ev.prevent_default();
                    adjust.dispatch((delta.get_untracked(), reason.get_untracked(), note.get_untracked()));
                }
                on:keydown=move |ev| if ev.key() == "Escape" { on_done.run(None) }
            >
                <h2>"Adjust stock: " {product.name.clone()}</h2>
                <p class="muted">"In stock now: " <strong>{product.quantity}</strong></p>
                <Field label="Change (units)" name="delta" value=delta errors=errors inputmode="numeric" autofocus=true hint="12 received, -2 damaged"/>
                <div class="field">
                    <label for="field-reason">"Reason"</label>
                    <select id="field-reason" name="reason" bind:value=reason>
                        {StockReason::ADJUSTMENTS.iter().map(|r| view! { <option value=r.as_str()>{r.as_str()}</option> }).collect_view()}
                    </select>
                </div>
                <Field label="Note" name="note" value=note errors=errors hint="optional"/>
                <div class="row">
                    <button class="button primary big" type="submit" disabled=move || adjust.pending().get()>"Save adjustment"</button>
                    <button class="button big" type="button" on:click=move |_| on_done.run(None)>"Cancel"</button>
                </div>
            </form>
        </div>
    }
}
