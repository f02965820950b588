//! The till's parked sales, for the cashier to pick one to resume: what
//! it comes to, its first items, who parked it and when, and for whom.

use crate::domain::parked::ParkedSale;
use crate::ui::format::use_store_format;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ParkedList(
    parked: RwSignal<Vec<ParkedSale>>,
    /// How the store prices (for each sale's total).
    include_tax: Signal<bool>,
    on_resume: Callback<Uuid>,
) -> impl IntoView {
    let format = use_store_format();
    view! {
        <div class="parked" role="region" aria-label="Parked sales">
            {move || if parked.with(Vec::is_empty) {
                view! { <p class="muted">"No parked sales on this till."</p> }.into_any()
            } else {
                view! {
                    <ul class="parked-list">
                        {parked.get().into_iter().map(|p| {
                            let id = p.id;
                            let (when, total) = format.with_untracked(|f| {
                                let total = p.cart.totals(include_tax.get_untracked()).map(|t| t.total_cents).unwrap_or_default();
                                (f.clock(p.parked_at), f.money(total))
                            });
                            view! {
                                <li>
                                    <span>
                                        <strong>{total}</strong> " · " {p.summary()}
                                        <small class="muted">{format!(" parked by {} at {when}", p.parked_by)}
                                            {p.customer.as_ref().map(|c| format!(" for {}", c.name))}</small>
                                    </span>
                                    <button class="button primary" on:click=move |_| on_resume.run(id)>"Resume"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}
