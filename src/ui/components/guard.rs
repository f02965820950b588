//! Screens that need someone signed in (and sometimes a manager) say so in
//! plain words instead of showing an empty page. The server checks again.

use crate::domain::auth::SessionInfo;
use crate::ui::session::use_session;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SignedIn(
    /// Only managers and owners may use this screen.
    #[prop(optional)]
    manager: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="notice">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.current.await {
                    Ok(Some(SessionInfo { role, .. })) if manager && !role.is_manager() => {
                        view! { <p class="notice">"This screen is for managers. Ask a manager to sign in."</p> }
                            .into_any()
                    }
                    Ok(Some(_)) => {
                        past_the_dry_walks().await;
                        children.with_value(|c| c()).into_any()
                    }
                    Ok(None) => view! {
                        <p class="notice">"Please " <A href="/login">"sign in"</A> " or " <A href="/till">"switch in with your PIN"</A> "."</p>
                    }
                        .into_any(),
                    Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Before the server streams a screen, Leptos walks its view to find what
/// it waits for, polling each `Suspend` once, and then renders it. A
/// screen created on a walk (the session already known) fetched its data
/// on each walk as well as for the render, and the browser hydrated the
/// HTML of one fetch with the answer of another: where the two differed
/// (a list that grew meanwhile) the page died. A walk polls once, so the
/// screen is made only after one yield, when the render itself polls it.
/// Its panels wait for their data in boundaries of their own: a screen
/// under `SignedIn` reads a resource only inside its own `Suspense` or
/// `Transition` (or in an effect), never directly in its view, or the
/// server would render it before the data came. When Leptos is upgraded,
/// `platform::a_guarded_page_reads_its_data_once_when_the_server_renders_it`
/// says whether the walks still poll once.
async fn past_the_dry_walks() {
    #[cfg(feature = "ssr")]
    tokio::task::yield_now().await;
}
