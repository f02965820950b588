//! The till's connection as every screen and the sync loop share it:
//! online, syncing or offline (the rules are `domain::connection`), what
//! waits to be sent, what the server refused or found clashing, and the
//! signals that wake the sync loop and re-read the till's copy.

use crate::domain::connection::{Connection, HEARTBEAT_EVERY_MS};
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct ConnectionState {
    pub current: RwSignal<Connection>,
    /// Changes made on this till that the server has not confirmed yet.
    pub pending: RwSignal<u32>,
    /// Changes the server refused; kept on the till for review.
    pub rejected: RwSignal<u32>,
    /// Edits of this till that clashed with others, waiting to be resolved.
    pub conflicts: RwSignal<u32>,
    /// Bumped to ask the sync loop to try now (Retry, reconnect, a sale).
    pub wake: RwSignal<u32>,
    /// A new version of the app is installed and waits to take over.
    pub update_ready: RwSignal<bool>,
    /// Bumped whenever the till's copy of the store changed (a pull, a
    /// change saved here, a refused one put back): floor screens re-read.
    pub records: RwSignal<u32>,
    /// How often to ask the server whether it is there while online: the
    /// server's `heartbeat_seconds` setting, as its last answer said.
    pub heartbeat_ms: RwSignal<u32>,
    /// Who is signed in here (the store's socket is theirs), as the
    /// layout last read the session.
    pub signed_in: RwSignal<SignedIn>,
    /// While the till's copy is more than a page behind (a new till's
    /// first download): where it stands and where the store stands.
    pub download: RwSignal<Option<(i64, i64)>>,
}

/// Who is signed in on this page, as far as it knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignedIn {
    /// Not read yet (a till that started offline): assume someone is.
    Unknown,
    Nobody,
    Person(Uuid),
}

impl SignedIn {
    /// Whether the store's socket is worth opening.
    pub fn maybe(self) -> bool {
        self != SignedIn::Nobody
    }
}

impl ConnectionState {
    pub fn sync_now(&self) {
        self.wake.update(|w| *w += 1);
    }

    pub fn records_changed(&self) {
        self.records.update(|r| *r += 1);
    }
}

/// Makes the till's connection state for the page and starts the till's
/// background work once the page is interactive.
pub fn provide_connection() {
    let state = ConnectionState {
        current: RwSignal::new(Connection::default()),
        pending: RwSignal::new(0),
        rejected: RwSignal::new(0),
        conflicts: RwSignal::new(0),
        wake: RwSignal::new(0),
        update_ready: RwSignal::new(false),
        records: RwSignal::new(0),
        heartbeat_ms: RwSignal::new(HEARTBEAT_EVERY_MS),
        signed_in: RwSignal::new(SignedIn::Unknown),
        download: RwSignal::new(None),
    };
    provide_context(state);
    super::local::start(state, super::toasts::use_toasts(), super::live::use_live());
}

pub fn use_connection() -> ConnectionState {
    expect_context::<ConnectionState>()
}
