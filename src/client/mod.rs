//! The browser side of a till (hydrate only, docs/ARCHITECTURE.md, "Layers"): its own
//! IndexedDB store with the outbox and a copy of the store's records, the
//! sync loop that empties the one and refreshes the other, the store's
//! socket that keeps the copy live, and the connection monitor.

mod connection;
mod locks;
mod pull;
mod socket;
pub mod store;
mod sync;

pub use sync::refresh_counts;

use crate::till::connection::ConnectionState;
use crate::till::live::Live;
use crate::till::toasts::Toasts;

/// Starts the till's background work once the page is interactive.
pub fn start(state: ConnectionState, toasts: Toasts, live: Live) {
    connection::watch(state, toasts);
    sync::start(state, toasts);
    socket::start(state, toasts, live);
}

/// Switches to the new version waiting in the service worker (the page
/// reloads when it has taken over).
pub fn activate_update() {
    use wasm_bindgen::JsCast;
    let activate =
        js_sys::Reflect::get(&leptos::prelude::window(), &"tillwiseActivateUpdate".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(activate) = activate {
        let _ = activate.call0(&wasm_bindgen::JsValue::NULL);
    }
}

/// Asks the service worker to keep the floor screens as the server renders
/// them for whoever is signed in, so each opens offline after a reload even
/// if it was only reached by a link inside the app.
pub fn keep_floor_screens() {
    if let Some(worker) = leptos::prelude::window()
        .navigator()
        .service_worker()
        .controller()
    {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &"keep-floor-screens".into());
        let _ = worker.post_message(&message);
    }
}
