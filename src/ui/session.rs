//! Who is signed in, for every screen: one resource, refreshed after
//! signing in, switching cashier or signing out.

use crate::api::auth::current_session;
use crate::domain::auth::SessionInfo;
use crate::domain::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    pub current: Resource<Result<Option<SessionInfo>, AppError>>,
    version: RwSignal<u32>,
}

impl Session {
    /// Reads the session again from the server.
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn provide_session() {
    let version = RwSignal::new(0u32);
    let current = Resource::new(move || version.get(), |_| current_session());
    provide_context(Session { current, version });
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
