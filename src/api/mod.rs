//! Server functions the screens call (under `/rpc`, so `/api` stays the
//! public REST API). Each is thin: find the caller, call one service.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod catalog;
pub mod conflicts;
pub mod customers;
pub mod indexes;
pub mod reports;
pub mod sales;
pub mod staff;
pub mod store;
pub mod system;

#[cfg(feature = "ssr")]
mod context;
