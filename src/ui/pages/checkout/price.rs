//! A price other than the shelf's for one line (a dented tin, a price
//! match), approved on the spot by a manager's PIN. The server checks the
//! PIN and keeps who approved what in the audit log; offline there is no
//! approval, and the line keeps its shelf price.

use crate::api::auth::{approve_price, till_people};
use crate::domain::auth::{PriceApproval, PriceApprovalRequest};
use crate::domain::cart::CartLine;
use crate::domain::money::Cents;
use crate::ui::format::use_store_format;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn PriceDialog(
    line: CartLine,
    sale_id: Uuid,
    /// The new unit price and who approved it; `None`: left as it was.
    on_done: Callback<Option<(i64, String)>>,
) -> impl IntoView {
    let format = use_store_format();
    let price = RwSignal::new(String::new());
    let manager = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let managers = Resource::new(|| (), |_| till_people());
    let shelf = line.unit_price_cents;
    let (product_id, name) = (line.product_id, line.name.clone());
    let approve = Action::new(move |request: &PriceApprovalRequest| approve_price(request.clone()));
    Effect::new(move |_| match approve.value().get() {
        Some(Ok(PriceApproval {
            approved_by_name, ..
        })) => {
            let cents = Cents::parse(&price.get_untracked())
                .map(|c| c.0)
                .unwrap_or(shelf);
            on_done.run(Some((cents, approved_by_name)));
        }
        Some(Err(e)) => {
            pin.set(String::new());
            problem.set(Some(if e.code == crate::domain::error::ErrorCode::Unavailable {
                "The manager's PIN is checked by the server, which cannot be reached. Ring the item at its shelf price, or try again when online.".into()
            } else {
                e.field_errors().into_values().next().unwrap_or(e.message)
            }));
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cents = match Cents::parse(&price.get_untracked()) {
            Ok(c) if c.0 >= 0 => c.0,
            _ => return problem.set(Some("Enter the new price like 2.50.".into())),
        };
        let Ok(manager_id) = manager.get_untracked().parse::<Uuid>() else {
            return problem.set(Some("Choose the manager who approves it.".into()));
        };
        problem.set(None);
        approve.dispatch(PriceApprovalRequest {
            manager_id,
            pin: pin.get_untracked(),
            sale_id,
            product_id,
            name: name.clone(),
            shelf_price_cents: shelf,
            price_cents: cents,
        });
    };
    view! {
        <div class="dialog-backdrop">
            <form class="dialog card narrow" role="dialog" aria-label="Change the price"
                on:submit=submit on:keydown=move |ev| if ev.key() == "Escape" { on_done.run(None) }>
                <h2>{format!("Price of {}", line.name)}</h2>
                <p class="hint">{format!("On the shelf at {} each. A manager approves a different price with their PIN.", format.with_untracked(|f| f.money(shelf)))}</p>
                <label>"New price each"
                    <input inputmode="decimal" autocomplete="off" autofocus=true bind:value=price/>
                </label>
                <label>"Approved by"
                    <select bind:value=manager>
                        <option value="">"Choose a manager"</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                managers.await.unwrap_or_default().into_iter()
                                    .filter(|p| p.role.is_manager())
                                    .map(|p| view! { <option value=p.employee_id.to_string()>{p.name}</option> })
                                    .collect_view()
                            })}
                        </Transition>
                    </select>
                </label>
                <label>"Manager's PIN"
                    <input type="password" inputmode="numeric" autocomplete="off" bind:value=pin/>
                </label>
                {move || problem.get().map(|p| view! { <p class="notice error" role="alert">{p}</p> })}
                <div class="row">
                    <button class="button primary big" type="submit" disabled=move || approve.pending().get()>
                        {move || if approve.pending().get() { "Checking…" } else { "Approve price" }}
                    </button>
                    <button class="button big subtle" type="button" on:click=move |_| on_done.run(None)>"Cancel"</button>
                </div>
            </form>
        </div>
    }
}
