//! The browser side of a till (hydrate only, DESIGN.md "Layout"): its own
//! IndexedDB store with the outbox, the sync loop that empties it, and the
//! connection monitor.

mod connection;
pub mod store;
mod sync;

use crate::ui::components::toast::Toasts;
use crate::ui::connection::ConnectionState;

/// Starts the till's background work once the page is interactive.
pub fn start(state: ConnectionState, toasts: Toasts) {
    connection::watch(state, toasts);
    sync::start(state, toasts);
}
