//! HTTP and service tests against the real app on a random port, with a
//! database of their own: SQLite always, PostgreSQL when
//! `TEST_DATABASE_URL` is set (CI sets it; so does `.ci/run`).

mod helpers;

mod audit;
mod auth;
mod cache;
mod catalog;
mod conflicts;
mod credits;
mod customers;
mod group_commit;
mod indexes;
mod isolation;
mod migrations;
mod notes;
mod openapi;
mod permissions;
mod platform;
mod realtime;
mod reports;
mod sales;
mod staff;
mod store;
mod sync;
mod tills;
mod write_path;
