//! Tillwise: an offline-first point of sale. One crate builds the axum
//! server (`ssr`) and the WASM client (`hydrate`); see README.md for the
//! module map.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
#[cfg(feature = "hydrate")]
pub mod client;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod till;
pub mod ui;

/// The client's entry point: hydrates the server-rendered page. Lazily, as
/// a back-office page's piece of the client may have to be fetched first.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
