//! The till's side as the screens and the sync loop share it: its
//! connection and what waits to be sent (`connection`), the notices it
//! shows (`toasts`), what the store's socket told it (`live`), and its own
//! copy of the store (`local`, the one way screens read and write it), and the
//! sale being rung up (`sale_in_progress`). `client/` (the browser's machinery: the
//! IndexedDB store, the sync loop, the heartbeat) and `ui/` (the screens)
//! both build on this module; `client/` never reaches into `ui/`.

pub mod connection;
pub mod live;
pub mod local;
pub mod sale_in_progress;
pub mod toasts;

/// Asks the person a yes/no question in the browser (always "no" while a
/// page renders on the server, where nobody can answer).
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .confirm_with_message(question)
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}
