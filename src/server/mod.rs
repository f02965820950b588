//! Server only (`ssr`): settings, database, services (the one write path),
//! REST handlers, telemetry and start-up.

pub mod audit_keys;
pub mod client_build;
pub mod db;
pub mod error;
pub mod front_door;
pub mod http;
#[path = "../../migrations/mod.rs"]
pub mod migrations;
pub mod request;
pub mod services;
pub mod settings;
pub mod startup;
pub mod telemetry;
