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
                    Ok(Some(_)) => children.with_value(|c| c()).into_any(),
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
