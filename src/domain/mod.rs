//! The shop's own rules, shared by server and client. No I/O lives here:
//! every type is parsed once at the edge and trusted afterwards.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod cart;
pub mod catalog;
pub mod conflict;
pub mod connection;
pub mod credit;
pub mod customer;
pub mod error;
pub mod event;
pub mod fields;
pub mod health;
pub mod ids;
pub mod indexes;
pub mod money;
pub mod mutation;
pub mod note;
pub mod page;
pub mod parked;
pub mod permissions;
pub mod report;
pub mod sale;
pub mod sale_input;
pub mod sale_record;
pub mod search;
pub mod shift;
pub mod sign_in_limit;
pub mod staff;
pub mod store;
pub mod sync;
