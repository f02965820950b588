//! The services: everything the app does, behind plain async functions that
//! take the database and an [`Actor`]. REST handlers and server functions
//! both call these and nothing below them.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod catalog;
pub mod checkpoints;
pub mod conflicts;
pub mod credits;
pub mod customers;
mod db;
pub mod feed;
pub mod group_commit;
pub mod health;
pub mod indexes;
mod kinds;
pub mod ledger;
mod names;
pub mod notes;
mod paging;
pub mod realtime;
pub mod reports;
pub mod sales;
mod search;
pub mod seed;
mod sessions;
pub mod shifts;
pub mod sign_in_limits;
pub mod staff;
pub mod statistics;
pub mod stock;
pub mod stores;
pub mod sync;
mod versioned;
pub mod write_path;

use crate::domain::auth::Role;
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::EntityKind;
use crate::domain::permissions::{self, Action, Subject};
use crate::server::request::RequestMeta;
use uuid::Uuid;

pub use db::Db;

/// Who is acting, for which store, from where. Every service call that reads
/// or writes store data takes one, so every query is scoped to its store.
#[derive(Clone, Debug)]
pub struct Actor {
    pub store_id: Uuid,
    /// `None` for the system itself (demo seeding).
    pub employee_id: Option<Uuid>,
    /// The employee's name as the session knew it (receipts show it).
    pub employee_name: Option<String>,
    pub role: Role,
    pub device_id: Option<Uuid>,
    /// The session acting, when a signed-in request does (a password
    /// reset ends the person's other sessions, not this one).
    pub session_id: Option<Uuid>,
    pub meta: RequestMeta,
}

impl Actor {
    /// The system acting on a store, e.g. when seeding demo data.
    pub fn system(store_id: Uuid) -> Actor {
        Actor {
            store_id,
            employee_id: None,
            employee_name: None,
            role: permissions::SYSTEM_ROLE,
            device_id: None,
            session_id: None,
            meta: RequestMeta::default(),
        }
    }

    /// Whether the permission table lets this actor do `action` on `subject`.
    pub fn may(&self, subject: Subject, action: Action) -> bool {
        permissions::may(self.role, subject, action)
    }

    /// `forbidden` unless the permission table lets this actor do it; what
    /// nobody may do is refused with the table's reason.
    pub fn must(&self, subject: Subject, action: Action) -> Result<(), AppError> {
        if self.may(subject, action) {
            return Ok(());
        }
        match permissions::why_not(subject, action) {
            Some(why) => Err(AppError::new(ErrorCode::Validation, why)),
            None => Err(AppError::forbidden()),
        }
    }

    pub fn may_on(&self, kind: EntityKind, action: Action) -> bool {
        self.may(Subject::Record(kind), action)
    }

    pub fn must_on(&self, kind: EntityKind, action: Action) -> Result<(), AppError> {
        self.must(Subject::Record(kind), action)
    }
}

pub use crate::domain::page::{Page, page_limit, page_offset};
