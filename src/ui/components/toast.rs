//! Where toasts (`till::toasts`) appear: above every screen, announced to
//! screen readers, dismissed with a tap.

use crate::till::toasts::{ToastKind, use_toasts};
use leptos::prelude::*;

#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.showing() key=|t| t.id let:toast>
                <button
                    class="toast"
                    class:toast-error=toast.kind == ToastKind::Error
                    class:toast-info=toast.kind == ToastKind::Info
                    title="Dismiss"
                    on:click=move |_| toasts.dismiss(toast.id)
                >
                    {toast.text.clone()}
                </button>
            </For>
        </div>
    }
}
