//! The till: scan or tap products into the cart, discount, take payment,
//! print the receipt. The barcode field keeps the focus, so a keyboard-wedge
//! scanner (digits + Enter) adds items without touching the screen.

use crate::api::catalog::{find_barcode, list_categories, list_products};
use crate::domain::cart::{Cart, CartDiscount, CartLine, Scan, Seller};
use crate::domain::catalog::Product;
use crate::domain::customer::Customer;
use crate::domain::event::Topic;
use crate::domain::money::{Cents, TaxRate, quick_cash};
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::parked::ParkedSale;
use crate::domain::sale::{Payment, PaymentMethod};
use crate::domain::sale_input::SaleInput;
use crate::domain::sale_record::Sale;
use crate::till::connection::use_connection;
use crate::till::live::use_live;
use crate::till::local;
use crate::till::sale_in_progress::{SaleInProgress, use_sale_in_progress};
use crate::till::toasts::use_toasts;
use crate::ui::components::floor_notes::FloorNotes;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::on_till::OnTill;
use crate::ui::components::pager::Pager;
use crate::ui::components::receipt::Receipt;
use crate::ui::format::use_store_format;
use crate::ui::session::use_session;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn CheckoutPage() -> impl IntoView {
    view! {
        <SignedIn>
            <CheckoutScreen/>
        </SignedIn>
    }
}

/// "10%" is a percentage; "2.50" an amount; empty is no discount.
fn parse_discount(text: &str) -> Option<CartDiscount> {
    let t = text.trim();
    if t.is_empty() {
        return Some(CartDiscount::None);
    }
    match t.strip_suffix('%') {
        Some(p) => TaxRate::parse_percent(p)
            .ok()
            .map(|r| CartDiscount::Percent(r.0)),
        None => Cents::parse(t)
            .ok()
            .filter(|c| c.0 >= 0)
            .map(|c| CartDiscount::Amount(c.0)),
    }
}

/// An amount as a cashier types it ("12.50"), for the inputs; what is
/// shown to be read carries the currency (`StoreFormat::money`).
fn money(cents: i64) -> String {
    Cents(cents).to_string()
}

#[component]
fn CheckoutScreen() -> impl IntoView {
    let (session, toasts, connection) = (use_session(), use_toasts(), use_connection());
    // The sale itself outlives this screen (see `sale_in_progress`).
    let current_sale = use_sale_in_progress();
    let format = use_store_format();
    let price_text = move |cents: i64| format.with_untracked(|f| f.money(cents));
    let SaleInProgress {
        cart,
        sale_id,
        customer,
        discount_text,
        cash,
        card,
        on_credit,
        receipt,
        scan,
        held_scans,
    } = current_sale;
    let query = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    // What was typed into the barcode field before the page came alive
    // stays there.
    let typed_early = early_scans::typed();
    if !typed_early.is_empty() {
        scan.set(typed_early);
    }
    let customer_query = RwSignal::new(String::new());
    let scan_input = NodeRef::<leptos::html::Input>::new();
    let refocus = move || {
        if let Some(input) = scan_input.get_untracked() {
            let _ = input.focus();
        }
    };

    // The receipt shows the sale's number as soon as the till hears it
    // from the server (the pull brings the numbered sale into the till's
    // copy), instead of the reference it had offline.
    Effect::new(move |_| {
        connection.records.track();
        let Some(id) = receipt.with(|r| r.as_ref().filter(|s| s.number == 0).map(|s| s.id)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Some(numbered) = local::receipt(id).await.filter(|s| s.number > 0)
                && receipt.with_untracked(|r| r.as_ref().is_some_and(|s| s.id == id))
            {
                receipt.set(Some(numbered));
            }
        });
    });

    // While the receipt shows, its own field waits for the next scan.
    let next_scan = RwSignal::new(String::new());
    let next_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = next_input.get() {
            request_animation_frame(move || {
                let _ = input.focus();
            });
        }
    });

    // The barcode field has the focus from the start, whichever way the
    // page was reached (autofocus only counts on a full page load).
    // The element exists before it is in the page, so focus it on the next
    // frame.
    Effect::new(move |_| {
        if scan_input.get().is_some() {
            request_animation_frame(refocus);
        }
    });

    // The server's search; when it cannot be reached, the till's own copy,
    // so a cashier offline can still search and change category.
    // Beyond the first page of the grid: a search or a category goes back
    // to its start.
    let grid_at = RwSignal::new(0u64);
    Effect::new(move |_| {
        query.track();
        category.track();
        grid_at.set(0);
    });
    let products = Resource::new(
        move || (query.get(), category.get(), grid_at.get()),
        |(q, c, at)| async move {
            let category = Uuid::parse_str(&c).ok();
            let answer = list_products(q.clone(), category, false, at).await;
            if answer.is_err()
                && let Ok(items) = local::find_products(q, category, 60).await
            {
                let total = items.len() as u64;
                return Ok(crate::domain::page::Page {
                    items,
                    total,
                    limit: 60,
                    offset: 0,
                });
            }
            answer
        },
    );
    let live = use_live();
    let categories = Resource::new(
        move || live.about(Topic::Record(EntityKind::Category)),
        |_| list_categories(),
    );
    // The grid's products as the till's copy has them now: the store's
    // socket keeps the copy current, so a sale on another till or a new
    // price shows on the tiles without asking the server again. A signal
    // the grid fills (see `keep_current`), not a resource: reading one
    // here would suspend the screen and lose the barcode field's focus.
    let current = RwSignal::new(std::collections::HashMap::<Uuid, Product>::new());
    let shown = move |p: &Product| -> Product {
        current
            .with(|now| now.get(&p.id).cloned())
            .unwrap_or_else(|| p.clone())
    };
    let keep_current = move |ids: Vec<Uuid>| {
        Effect::new(move |_| {
            connection.records.track();
            let ids = ids.clone();
            leptos::task::spawn_local(async move {
                let now = local::records_with_ids::<Product>(EntityKind::Product, ids).await;
                current.set(now.into_iter().map(|p| (p.id, p)).collect());
            });
        });
    };
    // A product in the cart that changed elsewhere (a new price, taken
    // off sale): the cashier is told; the sale keeps what was scanned.
    Effect::new(move |_| {
        for event in live.latest() {
            if event.name.topic != Topic::Record(EntityKind::Product) {
                continue;
            }
            let Some(now) = event
                .data
                .and_then(|d| serde_json::from_value::<Product>(d).ok())
            else {
                continue;
            };
            let told = cart.with_untracked(|c| {
                c.lines
                    .iter()
                    .find_map(|line| line.changed_since_scanned(&now))
            });
            if let Some(text) = told {
                toasts.error(text);
            }
        }
    });
    // From the till's copy, so a customer can be named offline too.
    let customer_matches = LocalResource::new(move || {
        let q = customer_query.get();
        async move {
            if q.trim().chars().count() < 2 {
                return Vec::new();
            }
            let mut found: Vec<Customer> = local::records::<Customer>(EntityKind::Customer)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c.matches(&q))
                .collect();
            found.sort_by(|a, b| a.name.cmp(&b.name));
            found.truncate(8);
            found
        }
    });
    // How shelf prices are taxed: as the till's copy of the store's
    // settings says (pulled with the rest, so an owner's change reaches a
    // till that was offline when it was made), else as the sign-in said.
    // A signal the till fills, not a resource: reading a resource here
    // would suspend the whole screen (and lose the barcode field's focus)
    // each time the copy changes.
    let pulled_tax = RwSignal::new(None::<bool>);
    Effect::new(move |_| {
        connection.records.track();
        leptos::task::spawn_local(async move {
            if let Some(settings) = local::store_settings().await {
                pulled_tax.set(Some(settings.prices_include_tax));
            }
        });
    });
    let include_tax = move || match pulled_tax.get() {
        Some(included) => included,
        None => session
            .current
            .get()
            .and_then(|r| r.ok())
            .flatten()
            .is_some_and(|s| s.prices_include_tax),
    };
    let totals = Memo::new(move |_| cart.with(|c| c.totals(include_tax()).ok()));
    let total = move || totals.get().map_or(0, |t| t.total_cents);

    // The till's own copy first (instant, and there when offline); the
    // server for a product the copy does not have yet. Each scan is looked
    // up on its own, so scans in quick succession are all added.
    // Scans still being looked up: a key to pay waits for them.
    let scans_in_flight = RwSignal::new(0u32);
    // "24*" before the code means 24 of it.
    let add_scanned = move |typed: String| {
        let Scan { quantity, code } = match Scan::parse(&typed) {
            Ok(scan) => scan,
            Err(why) => return toasts.error(why),
        };
        scans_in_flight.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            let found = match local::product_by_barcode(&code).await {
                Some(p) => Ok(Some(p)),
                None => find_barcode(code.clone()).await,
            };
            match found {
                Ok(Some(p)) => cart.update(|c| c.add_many(&p, quantity)),
                Ok(None) => toasts.error(format!("No product has the barcode {code}.")),
                Err(e) => toasts.error(e.message),
            }
            scans_in_flight.update(|n| *n = n.saturating_sub(1));
            refocus();
        });
    };
    // The field is emptied as the scan is taken, found or not, so the next
    // scan never runs into what is left of this one.
    let take_scan = move || {
        let code = scan.get_untracked().trim().to_string();
        scan.set(String::new());
        if !code.is_empty() {
            add_scanned(code);
        }
    };
    // Scans made before the page came alive were held by the form itself
    // (`early_scans`); they are added now, in order.
    Effect::new(move |_| {
        for code in early_scans::take() {
            add_scanned(code);
        }
    });
    // Scans finished while the screen had no field for them
    // (`sale_in_progress::catch_stray_keys`); while a receipt shows, the
    // first starts the next customer's sale.
    Effect::new(move |_| {
        let held = held_scans.get();
        if held.is_empty() {
            return;
        }
        held_scans.set(Vec::new());
        if receipt.with_untracked(Option::is_some) {
            current_sale.start_over();
        }
        for code in held {
            add_scanned(code);
        }
    });

    // A sale is kept on the till first (the outbox and its receipt, in one
    // IndexedDB transaction), then the receipt shows, then it is sent: the
    // same whether the network is there or not.
    let saving = RwSignal::new(false);
    let record_locally = move |id: Uuid, sale: SaleInput, receipt_now: Sale| {
        saving.set(true);
        leptos::task::spawn_local(async move {
            let mutation = Mutation {
                entity: EntityKind::Sale,
                op: Op::Create,
                id,
                base_version: None,
                data: serde_json::to_value(&sale).unwrap_or_default(),
                base: None,
            };
            match local::sell(connection, mutation, &receipt_now).await {
                Ok(()) => {
                    toasts.success("Sale recorded.");
                    receipt.set(Some(receipt_now));
                }
                Err(why) => toasts.error(why),
            }
            saving.set(false);
        });
    };
    let take_payment = move || {
        let mut payments = Vec::new();
        for (text, method) in [
            (cash.get_untracked(), PaymentMethod::Cash),
            (card.get_untracked(), PaymentMethod::Card),
            (on_credit.get_untracked(), PaymentMethod::Credit),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            match Cents::parse(&text) {
                Ok(c) if c.0 > 0 => payments.push(Payment {
                    method,
                    amount_cents: c.0,
                }),
                _ => {
                    return toasts
                        .error(format!("“{text}” is not an amount. Enter it like 12.50."));
                }
            }
        }
        if payments.is_empty() {
            return toasts.error("Enter what the customer pays in cash or by card.");
        }
        let Some(who) = session
            .current
            .get_untracked()
            .and_then(|r| r.ok())
            .flatten()
        else {
            return toasts.error("Sign in or switch in with your PIN first.");
        };
        let seller = Seller {
            employee_id: who.employee_id,
            employee_name: who.employee_name,
            prices_include_tax: untrack(include_tax),
        };
        let (customer_id, customer_name) = customer
            .with_untracked(|c| (c.as_ref().map(|c| c.id), c.as_ref().map(|c| c.name.clone())));
        let sale = cart.with_untracked(|c| c.to_sale(payments, customer_id, chrono::Utc::now()));
        let id = sale_id.get_untracked();
        // The same rules the server records it by, so a sale it would refuse
        // (say, underpaid) is refused here, at once, with the reason.
        match cart.with_untracked(|c| c.receipt(id, &sale, &seller, customer_name)) {
            Ok(local) => record_locally(id, sale, local),
            Err(why) => toasts.error(format!("Not recorded: {why}.")),
        }
    };
    let new_sale = move || {
        current_sale.start_over();
        customer_query.set(String::new());
        refocus();
    };
    // Sales put aside on this till: any cashier resumes one, with all it had.
    let parked = RwSignal::new(Vec::<ParkedSale>::new());
    let parked_open = RwSignal::new(false);
    let reload_parked = move || {
        leptos::task::spawn_local(async move { parked.set(local::parked().await) });
    };
    Effect::new(move |_| reload_parked());
    let cashier_name = move || {
        session
            .current
            .get_untracked()
            .and_then(|r| r.ok())
            .flatten()
            .map(|s| s.employee_name)
            .unwrap_or_default()
    };
    let park = move || {
        let Some(sale) = current_sale.to_park(cashier_name()) else {
            return toasts.error("Nothing to park yet: scan an item first.");
        };
        leptos::task::spawn_local(async move {
            match local::park(sale).await {
                Ok(()) => {
                    current_sale.start_over();
                    toasts.success("Sale parked. Resume it from “Parked sales”.");
                    reload_parked();
                }
                Err(why) => toasts.error(why),
            }
            refocus();
        });
    };
    // The sale on the till is parked first, so resuming never loses it.
    let resume = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            if let Some(now) = current_sale.to_park(cashier_name())
                && let Err(why) = local::park(now).await
            {
                return toasts.error(why);
            }
            match local::unpark(id).await {
                Ok(Some(sale)) => {
                    let whose = sale.parked_by.clone();
                    current_sale.resume(sale);
                    parked_open.set(false);
                    toasts.info(format!("Resumed the sale {whose} parked."));
                }
                Ok(None) => toasts.error("That sale was already resumed."),
                Err(why) => toasts.error(why),
            }
            reload_parked();
            refocus();
        });
    };
    // Everything on one tender, then pay: F4 and F6.
    let pay_all = move |method: PaymentMethod| {
        if cart.with_untracked(Cart::is_empty) {
            return toasts.error("Nothing to pay yet: scan an item first.");
        }
        let all = money(untrack(total));
        let (to, other) = match method {
            PaymentMethod::Card => (card, cash),
            _ => (cash, card),
        };
        to.set(all);
        other.set(String::new());
        on_credit.set(String::new());
        take_payment();
    };
    // A key to pay pressed while a scan is still being looked up pays
    // once the scan is in the cart, for the whole of it.
    let pay_after_scans = RwSignal::new(None::<PaymentMethod>);
    Effect::new(move |_| {
        if scans_in_flight.get() == 0
            && let Some(method) = pay_after_scans.get()
        {
            pay_after_scans.set(None);
            pay_all(method);
        }
    });
    // The keys a cashier with a queue reaches for (shown on the buttons).
    let shortcuts = window_event_listener(leptos::ev::keydown, move |ev| {
        let busy_with_receipt = receipt.with_untracked(Option::is_some);
        let act = match ev.key().as_str() {
            "F4" if !busy_with_receipt => Some(Shortcut::ExactCash),
            "F6" if !busy_with_receipt => Some(Shortcut::AllOnCard),
            "F8" if !busy_with_receipt => Some(Shortcut::Park),
            "F9" if !busy_with_receipt => Some(Shortcut::Parked),
            _ => None,
        };
        let Some(act) = act else { return };
        ev.prevent_default();
        let pay = |method| {
            if scans_in_flight.get_untracked() > 0 {
                pay_after_scans.set(Some(method));
            } else {
                pay_all(method);
            }
        };
        match act {
            Shortcut::ExactCash => pay(PaymentMethod::Cash),
            Shortcut::AllOnCard => pay(PaymentMethod::Card),
            Shortcut::Park => park(),
            Shortcut::Parked => parked_open.update(|o| *o = !*o),
        }
    });
    on_cleanup(move || shortcuts.remove());
    // A line's price changed with a manager's approval (`price.rs`).
    let pricing = RwSignal::new(None::<CartLine>);
    let priced = move |answer: Option<(i64, String)>| {
        if let (Some((cents, by)), Some(line)) = (answer, pricing.get_untracked()) {
            cart.update(|c| c.set_price(line.product_id, cents, by.clone()));
            toasts.success(format!(
                "{} now {} each, approved by {by}.",
                line.name,
                price_text(cents)
            ));
        }
        pricing.set(None);
        refocus();
    };
    let apply_discount = move || match parse_discount(&discount_text.get_untracked()) {
        Some(d) => cart.update(|c| c.discount = d),
        None => toasts.error("Enter a discount like 10% or 2.50."),
    };
    let change_due = move || {
        let paid = [cash.get(), card.get(), on_credit.get()]
            .iter()
            .filter_map(|t| Cents::parse(t).ok())
            .map(|c| c.0)
            .sum::<i64>();
        (paid - total()).max(0)
    };

    view! {
        <Show when=move || receipt.get().is_none() fallback=move || view! {
            // The next customer's first scan starts their sale: the
            // receipt is no reason to lose it.
            <form class="scan no-print" on:submit=move |ev| {
                ev.prevent_default();
                let code = next_scan.get_untracked().trim().to_string();
                next_scan.set(String::new());
                new_sale();
                if !code.is_empty() {
                    add_scanned(code);
                }
            }>
                <label for="next-scan">"Next customer"</label>
                <input id="next-scan" inputmode="numeric" autocomplete="off" node_ref=next_input bind:value=next_scan placeholder="Scan the first item to start a new sale"/>
            </form>
            <Receipt sale=receipt.get().unwrap() on_new_sale=Callback::new(move |_| new_sale())/>
        }>
            <h1 class="visually-hidden">"Checkout"</h1>
            {move || pricing.get().map(|line| view! {
                <PriceDialog line sale_id=sale_id.get_untracked() on_done=Callback::new(priced)/>
            })}
            <section class="checkout">
                <div class="card catalog">
                    <p class="hint shortcuts">
                        <kbd>"24*"</kbd>" scan: 24 of it · "<kbd>"F4"</kbd>" pay cash · "
                        <kbd>"F6"</kbd>" pay card · "<kbd>"F8"</kbd>" park · "<kbd>"F9"</kbd>" parked"
                    </p>
                    <FloorNotes/>
                    <form class="scan" onsubmit=early_scans::HOLD on:submit=move |ev| {
                        ev.prevent_default();
                        take_scan();
                    }>
                        <label for="scan">"Barcode"</label>
                        <input id="scan" name="scan" inputmode="numeric" autocomplete="off" autofocus=true node_ref=scan_input bind:value=scan placeholder="Scan or type, then Enter"/>
                    </form>
                    <input class="search" type="search" placeholder="Search products" aria-label="Search products" bind:value=query/>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = categories.await.unwrap_or_default();
                            view! {
                                <div class="chips" role="group" aria-label="Categories">
                                    <button class="chip" aria-pressed=move || (category.get().is_empty()).to_string() on:click=move |_| category.set(String::new())>"All"</button>
                                    {list.into_iter().map(|c| {
                                        let id = c.id.to_string();
                                        let pressed = id.clone();
                                        view! {
                                            <button class="chip" aria-pressed=move || (category.get() == pressed).to_string() on:click=move |_| category.set(id.clone())>{c.name}</button>
                                        }
                                    }).collect_view()}
                                </div>
                            }
                        })}
                    </Transition>
                    <Transition fallback=|| view! { <p>"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            match products.await {
                                Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                                Ok(page) => {
                                    keep_current(page.items.iter().map(|p| p.id).collect());
                                    let (shown_count, matching) = (page.items.len() as u64, page.total);
                                    let (from, limit) = (page.offset, page.limit);
                                    view! {
                                    // How many match, so a long list says to narrow it.
                                    <p class="hint grid-count" data-testid="grid-count">
                                        {if matching > shown_count {
                                            format!("{shown_count} of {matching} products: search, pick a category or page on to find the rest.")
                                        } else {
                                            format!("{matching} product(s).")
                                        }}
                                    </p>
                                    <div class="product-grid">
                                        {page.items.into_iter().map(|p| {
                                            let id = p.id.to_string();
                                            let now = Memo::new(move |_| shown(&p));
                                            view! {
                                                <button
                                                    class="product-tile"
                                                    class:low=move || now.with(Product::is_low_on_stock)
                                                    data-product=id
                                                    on:click=move |_| { cart.update(|c| c.add(&now.get_untracked())); refocus(); }
                                                >
                                                    <span class="tile-name">{move || now.with(|p| p.name.clone())}</span>
                                                    <span class="tile-price">{move || price_text(now.with(|p| p.price_cents))}</span>
                                                    <span class="tile-stock" data-testid="stock">{move || format!("{} in stock", now.with(|p| p.quantity))}</span>
                                                </button>
                                            }
                                        }).collect_view()}
                                    </div>
                                    {(matching > shown_count || from > 0).then(|| view! {
                                        <Pager offset=from limit shown=shown_count as usize total=matching noun="products" at=grid_at/>
                                    })}
                                }
                                    .into_any()
                                }
                            }
                        })}
                    </Transition>
                </div>
                <div class="card cart" role="region" aria-label="Cart">
                    <div class="cart-head">
                        <h2>"Cart"</h2>
                        <button class="button compact" disabled=move || cart.with(Cart::is_empty) on:click=move |_| park()
                            aria-keyshortcuts="F8">"Park " <kbd>"F8"</kbd></button>
                        <button class="button compact" aria-expanded=move || parked_open.get().to_string()
                            aria-keyshortcuts="F9" data-testid="parked-toggle"
                            on:click=move |_| parked_open.update(|o| *o = !*o)>
                            {move || format!("Parked ({}) ", parked.with(Vec::len))} <kbd>"F9"</kbd>
                        </button>
                    </div>
                    <Show when=move || parked_open.get()>
                        <ParkedList parked include_tax=Signal::derive(include_tax) on_resume=Callback::new(resume)/>
                    </Show>
                    <Show when=move || !cart.with(Cart::is_empty) fallback=|| view! { <p class="muted">"Scan or tap a product to start a sale."</p> }>
                        <div class="cart-scroll">
                        <table class="grid cart-lines">
                            <tbody>
                                <For each=move || cart.get().lines key=|l| (l.product_id, l.quantity, l.discount_cents, l.unit_price_cents) let:line>
                                    {
                                        let id = line.product_id;
                                        let qty = line.quantity;
                                        view! {
                                            <tr>
                                                <td>{line.name.clone()}
                                                    <button class="link-button muted" aria-label=format!("Change the price of {}", line.name)
                                                        on:click={let line = line.clone(); move |_| pricing.set(Some(line.clone()))}>
                                                        {format!("{} each", price_text(line.unit_price_cents))}
                                                        {line.price_set_by.as_ref().map(|m| format!(" · price by {m}"))}
                                                    </button>
                                                </td>
                                                <td class="qty">
                                                    <button class="button" aria-label="One fewer" on:click=move |_| cart.update(|c| c.set_quantity(id, qty - 1))>"−"</button>
                                                    <span class="qty-n">{qty}</span>
                                                    <button class="button" aria-label="One more" on:click=move |_| cart.update(|c| c.set_quantity(id, qty + 1))>"+"</button>
                                                </td>
                                                <td class="line-discount">
                                                    <input
                                                        aria-label=format!("Discount on {}", line.name)
                                                        placeholder="Disc."
                                                        value=(line.discount_cents > 0).then(|| money(line.discount_cents))
                                                        on:change=move |ev| match parse_discount(&event_target_value(&ev)) {
                                                            Some(d) => cart.update(|c| c.set_line_discount(id, d)),
                                                            None => toasts.error("Enter a discount like 10% or 2.50."),
                                                        }
                                                    />
                                                </td>
                                                <td class="num">{price_text(line.quantity * line.unit_price_cents - line.discount_cents)}</td>
                                                <td><button class="button danger" aria-label="Remove" on:click=move |_| cart.update(|c| c.set_quantity(id, 0))>"×"</button></td>
                                            </tr>
                                        }
                                    }
                                </For>
                            </tbody>
                        </table>
                        </div>
                    </Show>
                    <form class="row discount" on:submit=move |ev| { ev.prevent_default(); apply_discount(); }>
                        <input aria-label="Cart discount" placeholder="Discount: 10% or 2.50" bind:value=discount_text/>
                        <button class="button" type="submit">"Apply"</button>
                    </form>
                    <dl class="totals">
                        <dt>"Subtotal"</dt><dd>{move || price_text(totals.get().map_or(0, |t| t.subtotal_cents))}</dd>
                        <dt>"Discount"</dt><dd>{move || price_text(-totals.get().map_or(0, |t| t.discount_cents))}</dd>
                        <dt>{move || if include_tax() { "Tax (included)" } else { "Tax" }}</dt><dd>{move || price_text(totals.get().map_or(0, |t| t.tax_cents))}</dd>
                        <dt class="total">"Total"</dt><dd class="total" data-testid="total">{move || price_text(total())}</dd>
                    </dl>
                    <div class="customer-pick">
                        {move || match customer.get() {
                            Some(c) => view! {
                                <p class="attached">"Customer: " <strong>{c.name.clone()}</strong>
                                    <button class="button subtle" aria-label="Remove customer" on:click=move |_| { customer.set(None); on_credit.set(String::new()); }>"×"</button>
                                </p>
                            }.into_any(),
                            None => view! {
                                <input type="search" aria-label="Customer" placeholder="Customer: name, phone or e-mail" bind:value=customer_query/>
                                <OnTill quiet=true>
                                    <Transition fallback=|| ()>
                                        {move || Suspend::new(async move {
                                            let found = customer_matches.await;
                                            view! {
                                                <div class="matches">
                                                    {found.into_iter().map(|c| {
                                                        let label = match &c.phone { Some(p) => format!("{} · {p}", c.name), None => c.name.clone() };
                                                        view! { <button class="chip" on:click=move |_| { customer.set(Some(c.clone())); customer_query.set(String::new()); refocus(); }>{label}</button> }
                                                    }).collect_view()}
                                                </div>
                                            }
                                        })}
                                    </Transition>
                                </OnTill>
                            }.into_any(),
                        }}
                    </div>
                    <div class="pay">
                        <label>"Cash" <input name="cash" inputmode="decimal" bind:value=cash/></label>
                        <label>"Card" <input name="card" inputmode="decimal" bind:value=card/></label>
                        <Show when=move || customer.with(Option::is_some)>
                            <label>"On store credit" <input name="credit" inputmode="decimal" bind:value=on_credit/></label>
                        </Show>
                        // What the customer hands over, a tap away: the exact
                        // amount, then the round notes above it.
                        <div class="row quick-cash" role="group" aria-label="Quick amounts">
                            <button class="button" aria-keyshortcuts="F4" on:click=move |_| { cash.set(money(total())); card.set(String::new()); }>"Exact cash"</button>
                            <For each=move || quick_cash(total()).into_iter().skip(1) key=|a| *a let:amount>
                                <button class="button" data-testid="quick-cash" on:click=move |_| { cash.set(money(amount)); card.set(String::new()); }>
                                    {price_text(amount)}
                                </button>
                            </For>
                            <button class="button" on:click=move |_| { card.set(money(total())); cash.set(String::new()); }>"All on card"</button>
                        </div>
                        <p class="change">"Change due: " <strong data-testid="change">{move || price_text(change_due())}</strong></p>
                        <button class="button primary big pay-button" disabled=move || cart.with(Cart::is_empty) || saving.get() on:click=move |_| take_payment()>
                            {move || if saving.get() { "Recording…".to_string() } else { format!("Pay {}", price_text(total())) }}
                        </button>
                    </div>
                </div>
            </section>
        </Show>
    }
}

mod early_scans;
mod parked;
mod price;

use parked::ParkedList;
use price::PriceDialog;

/// A key the checkout answers to.
enum Shortcut {
    ExactCash,
    AllOnCard,
    Park,
    Parked,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discounts_are_typed_as_percent_or_amount() {
        assert_eq!(parse_discount("10%"), Some(CartDiscount::Percent(1000)));
        assert_eq!(parse_discount(" 2.50 "), Some(CartDiscount::Amount(250)));
        assert_eq!(parse_discount(""), Some(CartDiscount::None));
        assert_eq!(parse_discount("ten"), None);
        assert_eq!(parse_discount("-1"), None);
    }
}
