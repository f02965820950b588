//! Server functions the screens call (under `/rpc`, so `/api` stays the
//! public REST API). Each is thin: find the caller, call one service.

pub mod auth;
pub mod catalog;
pub mod sales;

#[cfg(feature = "ssr")]
mod context;
