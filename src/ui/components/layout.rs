//! The frame around every screen: who is signed in, where to go, sign out.

use super::conflict_resolver::{ConflictHost, TillConflicts};
use super::toast::ToastHost;
use crate::api::auth::sign_out;
use crate::domain::auth::Role;
use crate::till::connection::{SignedIn, use_connection};
use crate::till::toasts::use_toasts;
use crate::ui::connection::{ConnectionBadge, DownloadProgress, OfflineBanner, UpdateNotice};
use crate::ui::session::use_session;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// Signing out with changes not yet on the server asks first: they stay
/// on this till, but nobody should walk away thinking they were sent.
fn confirm_sign_out(pending: u32) -> bool {
    pending == 0
        || crate::till::confirm(&format!(
            "{pending} change(s) made on this till have not reached the server yet. \
             They stay here and are sent when the connection is back. Sign out anyway?"
        ))
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let connection = use_connection();
    let navigate = use_navigate();
    let sign_out_action = Action::new(move |_: &()| sign_out());
    Effect::new(move |_| {
        let signed_in = session
            .current
            .get()
            .and_then(|r| r.ok())
            .flatten()
            .is_some();
        if signed_in
            && connection.current.get_untracked().link != crate::domain::connection::Link::Offline
        {
            crate::till::local::keep_floor_screens();
        }
    });
    // The store's socket is the signed-in person's: it follows the session
    // as last read (an unreadable session, offline say, changes nothing).
    Effect::new(move |_| {
        if let Some(Ok(who)) = session.current.get() {
            connection.signed_in.set(match who {
                Some(s) => SignedIn::Person(s.employee_id),
                None => SignedIn::Nobody,
            });
        }
    });
    Effect::new(move |_| {
        if let Some(result) = sign_out_action.value().get() {
            match result {
                Ok(()) => {
                    session.refresh();
                    toasts.success("Signed out.");
                    navigate("/login", Default::default());
                }
                Err(e) => toasts.error(e.message),
            }
        }
    });
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">"Tillwise"</A>
            // The floor's screens for everyone; the back office, grouped
            // after them, for managers and owners (the server checks each
            // page's reads whatever the menu shows).
            <nav aria-label="Main">
                <A href="/checkout">"Checkout"</A>
                <A href="/customers">"Customers"</A>
                <A href="/credits">"Credit"</A>
                <A href="/sales">"Sales"</A>
                <A href="/clock">"Clock"</A>
                <A href="/till">"Switch cashier"</A>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let manages = matches!(session.current.await, Ok(Some(s)) if s.role >= Role::Manager);
                        manages.then(|| view! {
                            <span class="nav-group" role="group" aria-label="Back office">
                                <A href="/products">"Products"</A>
                                <A href="/categories">"Categories"</A>
                                <A href="/reports">"Reports"</A>
                                <A href="/staff">"Staff"</A>
                                <A href="/audit">"Audit"</A>
                                <A href="/conflicts">"Conflicts"</A>
                                <A href="/settings">"Settings"</A>
                                <A href="/system">"System"</A>
                                <A href="/pair">"Pair till"</A>
                            </span>
                        })
                    })}
                </Transition>
            </nav>
            <ConnectionBadge/>
            <div class="who">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match session.current.await {
                            Ok(Some(s)) => view! {
                                <span class="who-name">{s.employee_name.clone()}</span>
                                <span class="who-role">{s.role.as_str()}</span>
                                <span class="who-store">{s.store_name.clone()}</span>
                                <button class="button subtle" on:click=move |_| {
                                    if confirm_sign_out(connection.pending.get_untracked()) {
                                        sign_out_action.dispatch(());
                                    }
                                }>
                                    "Sign out"
                                </button>
                            }
                                .into_any(),
                            _ => view! { <A href="/login">"Sign in"</A> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </header>
        <OfflineBanner/>
        <TillConflicts/>
        <UpdateNotice/>
        <DownloadProgress/>
        <main class="page">{children()}</main>
        <ConflictHost/>
        <ToastHost/>
    }
}
