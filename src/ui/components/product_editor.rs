//! Create or edit a product. Prices are typed as money ("12.50"); the
//! server gets cents. An edit that clashes with one saved meanwhile opens
//! the resolver; one that merges with it saves without a word.

use super::conflict_resolver::use_conflict_dialog;
use super::field::Field;
use crate::api::catalog::save_product;
use crate::domain::catalog::{Category, Product, ProductForm};
use crate::domain::error::{ErrorCode, FieldErrors};
use crate::till::toasts::use_toasts;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ProductEditor(
    /// The product to edit, or `None` for a new one.
    product: Option<Product>,
    /// Live: a category made elsewhere while the dialog is open joins the
    /// list without the dialog being made again (which lost what was typed).
    #[prop(into)]
    categories: Signal<Vec<Category>>,
    /// Called with the saved product, or `None` when closed without saving.
    on_done: Callback<Option<Product>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let start = product
        .as_ref()
        .map(ProductForm::from_product)
        .unwrap_or(ProductForm {
            active: true,
            low_stock_threshold: "5".into(),
            ..Default::default()
        });
    let name = RwSignal::new(start.name);
    let sku = RwSignal::new(start.sku);
    let barcode = RwSignal::new(start.barcode);
    let category_id = RwSignal::new(start.category_id);
    let price = RwSignal::new(start.price);
    let cost = RwSignal::new(start.cost);
    let tax_percent = RwSignal::new(start.tax_percent);
    let low_stock = RwSignal::new(start.low_stock_threshold);
    let active = RwSignal::new(start.active);
    let errors = RwSignal::new(FieldErrors::new());
    let (id, version) = (
        product.as_ref().map(|p| p.id),
        product.as_ref().map(|p| p.sync_version),
    );
    let is_new = product.is_none();
    let conflicts = use_conflict_dialog();

    let save = Action::new(move |form: &ProductForm| save_product(id, version, form.clone()));
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(saved) => {
                    toasts.success(format!("Saved “{}”.", saved.name));
                    on_done.run(Some(saved));
                }
                // The edit lives in the conflict now: the resolver takes
                // over and the form has nothing more to save.
                Err(e) if e.code == ErrorCode::Conflict => {
                    conflicts.refused(e);
                    on_done.run(None);
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.error(e.message);
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = ProductForm {
            name: name.get_untracked(),
            sku: sku.get_untracked(),
            barcode: barcode.get_untracked(),
            category_id: category_id.get_untracked(),
            price: price.get_untracked(),
            cost: cost.get_untracked(),
            tax_percent: tax_percent.get_untracked(),
            low_stock_threshold: low_stock.get_untracked(),
            active: active.get_untracked(),
        };
        // The same check the server makes, for instant feedback.
        match form.to_data() {
            Ok(_) => {
                errors.set(FieldErrors::new());
                save.dispatch(form);
            }
            Err(e) => {
                errors.set(e.field_errors());
                toasts.error(e.message);
            }
        }
    };
    let category_error = move || errors.with(|e| e.get("category_id").cloned());
    view! {
        <div class="dialog-backdrop">
            <form
                class="dialog card"
                role="dialog"
                aria-label=if is_new { "New product" } else { "Edit product" }
                on:submit=submit
                on:keydown=move |ev| if ev.key() == "Escape" { on_done.run(None) }
            >
                <h2>{if is_new { "New product" } else { "Edit product" }}</h2>
                <div class="form-grid">
                    <Field label="Name" name="name" value=name errors=errors autofocus=true/>
                    <Field label="SKU" name="sku" value=sku errors=errors/>
                    <Field label="Barcode" name="barcode" value=barcode errors=errors inputmode="numeric" hint="Scan or type; optional"/>
                    <div class="field" class:invalid=move || category_error().is_some()>
                        <label for="field-category_id">"Category"</label>
                        <select id="field-category_id" name="category_id" bind:value=category_id>
                            <option value="">"No category"</option>
                            {move || categories.get().into_iter().map(|c| {
                                let id = c.id.to_string();
                                // Kept selected when the options are drawn again.
                                let chosen = id.clone();
                                view! {
                                    <option value=id selected=move || category_id.with(|v| *v == chosen)>{c.name}</option>
                                }
                            }).collect_view()}
                        </select>
                        <small class="field-error">{move || category_error().unwrap_or_default()}</small>
                    </div>
                    <Field label="Price" name="price_cents" value=price errors=errors inputmode="decimal" hint="e.g. 12.50"/>
                    <Field label="Cost" name="cost_cents" value=cost errors=errors inputmode="decimal" hint="optional"/>
                    <Field label="Tax %" name="tax_rate_bp" value=tax_percent errors=errors inputmode="decimal" hint="e.g. 20 or 7.25"/>
                    <Field label="Low-stock alert at" name="low_stock_threshold" value=low_stock errors=errors inputmode="numeric"/>
                    <label class="check">
                        <input type="checkbox" name="active" bind:checked=active/>
                        "On sale"
                    </label>
                </div>
                <div class="row">
                    <button class="button primary big" type="submit" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save product" }}
                    </button>
                    <button class="button big" type="button" on:click=move |_| on_done.run(None)>"Cancel"</button>
                </div>
            </form>
        </div>
    }
}

/// Which product the editor is open for.
#[derive(Clone, Debug, PartialEq)]
pub enum Editing {
    New,
    Existing(Product),
}

impl Editing {
    pub fn product(&self) -> Option<Product> {
        match self {
            Editing::New => None,
            Editing::Existing(p) => Some(p.clone()),
        }
    }

    pub fn id(&self) -> Option<Uuid> {
        self.product().map(|p| p.id)
    }
}
