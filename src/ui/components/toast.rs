//! Toasts: every outcome that matters to the person, in plain words, for a
//! few seconds, announced to screen readers.

use leptos::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

#[derive(Clone, Copy)]
pub struct Toasts(RwSignal<Vec<Toast>>);

impl Toasts {
    pub fn success(&self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    fn push(&self, kind: ToastKind, text: String) {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let list = self.0;
        list.update(|l| l.push(Toast { id, kind, text }));
        let seconds = if kind == ToastKind::Error { 8 } else { 4 };
        set_timeout(
            move || list.update(|l| l.retain(|t| t.id != id)),
            Duration::from_secs(seconds),
        );
    }

    fn dismiss(&self, id: u64) {
        self.0.update(|l| l.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts(RwSignal::new(Vec::new())));
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.0.get() key=|t| t.id let:toast>
                <button
                    class="toast"
                    class:toast-error=toast.kind == ToastKind::Error
                    title="Dismiss"
                    on:click=move |_| toasts.dismiss(toast.id)
                >
                    {toast.text.clone()}
                </button>
            </For>
        </div>
    }
}
