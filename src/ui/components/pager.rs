//! Where a paged list stands ("51–100 of 2,000 products") and the buttons
//! that move through it.

use leptos::prelude::*;

#[component]
pub fn Pager(
    /// The shown page's offset, size limit and item count, and the total.
    offset: u64,
    limit: u64,
    shown: usize,
    total: u64,
    /// What the list holds, for the summary ("products").
    noun: &'static str,
    /// The offset the list reads; the buttons move it by `limit`.
    at: RwSignal<u64>,
    #[prop(default = "Previous")] back: &'static str,
    #[prop(default = "Next")] forward: &'static str,
) -> impl IntoView {
    let (first, last) = (offset + 1, offset + shown as u64);
    let (at_start, at_end) = (offset == 0, last >= total);
    view! {
        <div class="pager">
            <span class="muted">{format!("{first}–{last} of {total} {noun}")}</span>
            <button class="button" disabled=at_start on:click=move |_| at.update(|o| *o = o.saturating_sub(limit))>
                {back}
            </button>
            <button class="button" disabled=at_end on:click=move |_| at.update(|o| *o += limit)>
                {forward}
            </button>
        </div>
    }
}
