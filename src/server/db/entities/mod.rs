//! Row types, one file per table, kept apart from the wire types in
//! `crate::domain`. Tables that later features fill get their row type with
//! that feature.

pub mod audit_entry;
pub mod category;
pub mod change;
pub mod clock_event;
pub mod conflict;
pub mod credit;
pub mod credit_payment;
pub mod customer;
pub mod device;
pub mod employee;
pub mod note;
pub mod payment;
pub mod product;
pub mod sale;
pub mod sale_line;
pub mod session;
pub mod shift;
pub mod sign_in_failure;
pub mod stock_move;
pub mod store;
pub mod sync_client;
pub mod sync_result;
