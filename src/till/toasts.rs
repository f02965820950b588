//! Toasts: every outcome that matters to the person, in plain words, for a
//! few seconds. Any screen, and the sync loop, can raise one; `ToastHost`
//! (`ui::components::toast`) shows them.

use leptos::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    /// Worth knowing, nothing wrong (the till went offline and keeps
    /// selling).
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

#[derive(Clone, Copy)]
pub struct Toasts(RwSignal<Vec<Toast>>);

impl Toasts {
    pub fn success(&self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub fn info(&self, text: impl Into<String>) {
        self.push(ToastKind::Info, text.into());
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    /// Shows `text`. The same words already showing are replaced, not
    /// stacked (a scanner repeating a bad code says it once); a success
    /// clears the errors before it, which it settles (a wrong PIN, then the
    /// right one).
    fn push(&self, kind: ToastKind, text: String) {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let list = self.0;
        list.update(|l| {
            l.retain(|t| {
                t.text != text && !(kind == ToastKind::Success && t.kind == ToastKind::Error)
            });
            l.push(Toast { id, kind, text });
        });
        let seconds = if kind == ToastKind::Error { 8 } else { 4 };
        set_timeout(
            move || list.update(|l| l.retain(|t| t.id != id)),
            Duration::from_secs(seconds),
        );
    }

    /// The toasts showing now, oldest first.
    pub fn showing(&self) -> Vec<Toast> {
        self.0.get()
    }

    pub fn dismiss(&self, id: u64) {
        self.0.update(|l| l.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts(RwSignal::new(Vec::new())));
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}
