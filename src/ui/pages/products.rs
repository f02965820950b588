//! The catalog screen: search, find by barcode, create, edit, delete,
//! adjust stock.

use crate::api::catalog::{delete_product, find_barcode, list_categories, list_products};
use crate::domain::catalog::{Category, Product};
use crate::domain::event::Topic;
use crate::domain::money::TaxRate;
use crate::domain::mutation::EntityKind;
use crate::till::live::use_live;
use crate::till::toasts::use_toasts;
use crate::ui::components::conflict_resolver::use_conflict_dialog;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::pager::Pager;
use crate::ui::components::product_editor::{Editing, ProductEditor};
use crate::ui::components::stock_dialog::StockDialog;
use crate::ui::format::use_money;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ProductsPage() -> impl IntoView {
    view! {
        <SignedIn manager=true>
            <ProductsScreen/>
        </SignedIn>
    }
}

#[component]
fn ProductsScreen() -> impl IntoView {
    let toasts = use_toasts();
    let query = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let barcode = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<Editing>);
    let stocking = RwSignal::new(None::<Product>);
    let confirm_delete = RwSignal::new(None::<Uuid>);
    let offset = RwSignal::new(0u64);
    // A new search starts at the first page.
    Effect::new(move |_| {
        query.track();
        category.track();
        offset.set(0);
    });

    let conflicts = use_conflict_dialog();
    // Read again whenever a product or category changes anywhere (a sale's
    // stock, another manager's edit), as the store's socket tells.
    let live = use_live();
    let products = Resource::new(
        move || {
            (
                query.get(),
                category.get(),
                offset.get(),
                (reload.get(), conflicts.resolved.get()),
                live.about(Topic::Record(EntityKind::Product)),
            )
        },
        |(q, c, offset, _, _)| list_products(q, Uuid::parse_str(&c).ok(), true, offset),
    );
    let categories = Resource::new(
        move || {
            (
                reload.get(),
                live.about(Topic::Record(EntityKind::Category)),
            )
        },
        |_| list_categories(),
    );

    let lookup = Action::new(move |code: &String| find_barcode(code.clone()));
    Effect::new(move |_| {
        if let Some(result) = lookup.value().get() {
            match result {
                Ok(Some(p)) => {
                    barcode.set(String::new());
                    editing.set(Some(Editing::Existing(p)));
                }
                Ok(None) => toasts.error(format!(
                    "No product has the barcode {}.",
                    barcode.get_untracked()
                )),
                Err(e) => toasts.error(e.message),
            }
        }
    });
    let remove = Action::new(move |(id, version): &(Uuid, i64)| delete_product(*id, *version));
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            match result {
                Ok(()) => toasts.success("Product deleted."),
                Err(e) => conflicts.refused(e),
            }
            confirm_delete.set(None);
            reload.update(|r| *r += 1);
        }
    });
    let closed = Callback::new(move |saved: Option<Product>| {
        editing.set(None);
        stocking.set(None);
        if saved.is_some() {
            reload.update(|r| *r += 1);
        }
    });

    view! {
        <section class="card">
            <div class="toolbar">
                <h1>"Products"</h1>
                <input
                    class="search"
                    type="search"
                    placeholder="Search name or SKU"
                    aria-label="Search products"
                    bind:value=query
                />
                <form class="barcode-form" on:submit=move |ev| {
                    ev.prevent_default();
                    let code = barcode.get_untracked();
                    if !code.trim().is_empty() {
                        lookup.dispatch(code);
                    }
                }>
                    <input name="barcode-lookup" inputmode="numeric" placeholder="Scan a barcode" aria-label="Find by barcode" bind:value=barcode/>
                    <button class="button" type="submit">"Find"</button>
                </form>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = categories.await.unwrap_or_default();
                        view! {
                            <select aria-label="Filter by category" bind:value=category>
                                <option value="">"All categories"</option>
                                {list.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </Transition>
                <button class="button primary big" on:click=move |_| editing.set(Some(Editing::New))>"New product"</button>
            </div>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let names = categories.await.unwrap_or_default();
                    match products.await {
                        Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                        Ok(page) if page.items.is_empty() => view! { <p class="muted">"No products match."</p> }.into_any(),
                        Ok(page) => {
                            let (from, limit, shown, total) = (page.offset, page.limit, page.items.len(), page.total);
                            view! {
                                <ProductTable items=page.items categories=names editing stocking confirm_delete remove/>
                                <Pager offset=from limit shown total noun="products" at=offset/>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
        // The editor is made once per opening: the category list is handed
        // in live, so a category arriving meanwhile does not remake the
        // dialog and lose what was typed.
        {move || editing.get().map(|e| {
            let list = Signal::derive(move || {
                categories.get().and_then(Result::ok).unwrap_or_default()
            });
            view! { <ProductEditor product=e.product() categories=list on_done=closed/> }
        })}
        {move || stocking.get().map(|p| view! { <StockDialog product=p on_done=closed/> })}
    }
}

#[component]
fn ProductTable(
    items: Vec<Product>,
    categories: Vec<Category>,
    editing: RwSignal<Option<Editing>>,
    stocking: RwSignal<Option<Product>>,
    confirm_delete: RwSignal<Option<Uuid>>,
    remove: Action<(Uuid, i64), Result<(), crate::domain::error::AppError>>,
) -> impl IntoView {
    let money = use_money();
    let category_name = move |id: Option<Uuid>| {
        id.and_then(|id| {
            categories
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.name.clone())
        })
        .unwrap_or_default()
    };
    view! {
        <table class="grid">
            <thead>
                <tr><th>"Name"</th><th>"SKU"</th><th>"Barcode"</th><th>"Category"</th><th class="num">"Price"</th><th class="num">"Tax"</th><th class="num">"Stock"</th><th></th></tr>
            </thead>
            <tbody>
                {items.into_iter().map(|p| {
                    let (for_edit, for_stock) = (p.clone(), p.clone());
                    let (id, version) = (p.id, p.sync_version);
                    let low = p.is_low_on_stock();
                    view! {
                        <tr class:inactive=!p.active>
                            <td>{p.name.clone()} {(!p.active).then(|| view! { <span class="badge">"off sale"</span> })}</td>
                            <td>{p.sku.clone()}</td>
                            <td class="mono">{p.barcode.clone().unwrap_or_default()}</td>
                            <td>{category_name(p.category_id)}</td>
                            <td class="num">{money(p.price_cents)}</td>
                            <td class="num">{format!("{}%", TaxRate(p.tax_rate_bp).percent_text())}</td>
                            <td class="num" class:low=low>{p.quantity}</td>
                            <td class="actions">
                                <button class="button" on:click=move |_| editing.set(Some(Editing::Existing(for_edit.clone())))>"Edit"</button>
                                <button class="button" on:click=move |_| stocking.set(Some(for_stock.clone()))>"Stock"</button>
                                <Show
                                    when=move || confirm_delete.get() == Some(id)
                                    fallback=move || view! { <button class="button danger" on:click=move |_| confirm_delete.set(Some(id))>"Delete"</button> }
                                >
                                    <button class="button danger" on:click=move |_| { remove.dispatch((id, version)); }>"Really delete?"</button>
                                </Show>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
