//! A part of a floor screen that reads the till's own copy of the store.

use leptos::prelude::*;

/// Shows `children` only in the browser, once the page is interactive.
/// The server has no copy of the till's records, so what it rendered and
/// what hydration finds would differ; instead both show "Loading…" and the
/// children take over right after. `quiet`: show nothing meanwhile.
#[component]
pub fn OnTill(children: ChildrenFn, #[prop(optional)] quiet: bool) -> impl IntoView {
    let ready = RwSignal::new(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| ready.set(true));
    move || {
        if ready.get() {
            children().into_any()
        } else if quiet {
            ().into_any()
        } else {
            view! { <p>"Loading…"</p> }.into_any()
        }
    }
}
