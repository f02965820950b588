//! The browser side of a till (hydrate only, DESIGN.md "Layout"): its own
//! IndexedDB store with the outbox and a copy of the store's records, the
//! sync loop that empties the one and refreshes the other, and the
//! connection monitor.

mod connection;
mod pull;
pub mod store;
mod sync;

use crate::ui::components::toast::Toasts;
use crate::ui::connection::ConnectionState;

/// Starts the till's background work once the page is interactive.
pub fn start(state: ConnectionState, toasts: Toasts) {
    connection::watch(state, toasts);
    sync::start(state, toasts);
}
