//! The sale being rung up at this till, kept above the screens. The
//! checkout is rebuilt whenever the session is read again (a PIN switch
//! refreshes it just as the checkout opens) or the cashier steps to another
//! screen and back; what was scanned, typed and paid must outlive that, or a
//! scan made in that moment is lost.

use crate::domain::cart::Cart;
use crate::domain::customer::Customer;
use crate::domain::ids::new_id;
use crate::domain::parked::ParkedSale;
use crate::domain::sale_record::Sale;
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct SaleInProgress {
    pub cart: RwSignal<Cart>,
    /// Made when the cart starts, so paying twice (a retry after a lost
    /// answer) records one sale.
    pub sale_id: RwSignal<Uuid>,
    pub customer: RwSignal<Option<Customer>>,
    pub discount_text: RwSignal<String>,
    pub cash: RwSignal<String>,
    pub card: RwSignal<String>,
    pub on_credit: RwSignal<String>,
    /// The receipt of the sale just paid, until the next one starts.
    pub receipt: RwSignal<Option<Sale>>,
    /// What is typed in the barcode field, not yet sent.
    pub scan: RwSignal<String>,
    /// Scans finished (Enter) while the checkout had no field to take
    /// them (being rebuilt after a PIN switch, say): the checkout adds
    /// them, in order, as soon as it can.
    pub held_scans: RwSignal<Vec<String>>,
}

impl SaleInProgress {
    /// The sale as it stands, to be put aside; `None` when nothing was
    /// rung up yet.
    pub fn to_park(&self, parked_by: String) -> Option<ParkedSale> {
        let cart = self.cart.get_untracked();
        (!cart.is_empty()).then(|| ParkedSale {
            id: self.sale_id.get_untracked(),
            parked_at: chrono::Utc::now(),
            parked_by,
            cart,
            customer: self.customer.get_untracked(),
            discount_text: self.discount_text.get_untracked(),
        })
    }

    /// Carries on with a parked sale, under its own id; what was tendered
    /// before parking is typed again (the customer may pay differently).
    pub fn resume(&self, parked: ParkedSale) {
        self.start_over();
        self.cart.set(parked.cart);
        self.sale_id.set(parked.id);
        self.customer.set(parked.customer);
        self.discount_text.set(parked.discount_text);
    }

    /// An empty cart with a new sale id, for the next customer.
    pub fn start_over(&self) {
        self.cart.set(Cart::default());
        self.sale_id.set(new_id());
        self.customer.set(None);
        self.discount_text.set(String::new());
        self.cash.set(String::new());
        self.card.set(String::new());
        self.on_credit.set(String::new());
        self.receipt.set(None);
    }
}

pub fn provide_sale_in_progress() {
    provide_context(SaleInProgress {
        cart: RwSignal::new(Cart::default()),
        sale_id: RwSignal::new(new_id()),
        customer: RwSignal::new(None),
        discount_text: RwSignal::new(String::new()),
        cash: RwSignal::new(String::new()),
        card: RwSignal::new(String::new()),
        on_credit: RwSignal::new(String::new()),
        receipt: RwSignal::new(None),
        scan: RwSignal::new(String::new()),
        held_scans: RwSignal::new(Vec::new()),
    });
    catch_stray_keys();
}

/// A scanner types into whatever has the focus. On the checkout, keys
/// that land on nothing (the screen just opened, or is being rebuilt, or
/// a tap on a tile took the focus) belong to the barcode field: they are
/// kept and the field gets the focus, so no character of a scan is lost.
/// Listening here, above the screens, catches the keys of the moment the
/// checkout itself does not exist.
fn catch_stray_keys() {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let sale = use_sale_in_progress();
        let keys = window_event_listener(leptos::ev::keydown, move |ev| {
            let doc = document();
            let on_checkout = doc
                .location()
                .and_then(|l| l.pathname().ok())
                .is_some_and(|p| p == "/checkout");
            let nothing_focused = doc
                .active_element()
                .is_none_or(|e| matches!(e.tag_name().as_str(), "BODY" | "HTML"));
            if !on_checkout || !nothing_focused || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let key = ev.key();
            if key == "Enter" {
                let code = sale.scan.get_untracked();
                sale.scan.set(String::new());
                if !code.trim().is_empty() {
                    sale.held_scans.update(|h| h.push(code));
                }
            } else if key.chars().count() == 1 {
                sale.scan.update(|s| s.push_str(&key));
            } else {
                return;
            }
            ev.prevent_default();
            if let Some(field) = doc.get_element_by_id("scan") {
                use wasm_bindgen::JsCast;
                if let Ok(field) = field.dyn_into::<web_sys::HtmlElement>() {
                    let _ = field.focus();
                }
            }
        });
        on_cleanup(move || keys.remove());
    });
}

pub fn use_sale_in_progress() -> SaleInProgress {
    expect_context::<SaleInProgress>()
}
