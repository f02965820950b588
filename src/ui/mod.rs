//! Screens (`pages/`) and the pieces they share (`components/`).

pub mod components;
pub mod connection;
pub mod format;
pub mod pages;
pub mod session;
