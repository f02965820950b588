//! The till's connection as every screen shows it: a badge in the navbar
//! (online, syncing, offline, with what is waiting to be sent), a banner
//! while offline with a Retry button, and toasts when it changes. The rules
//! are in `domain::connection`; the browser feeds them from `client`.

use crate::domain::connection::{Connection, Link};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct ConnectionState {
    pub current: RwSignal<Connection>,
    /// Changes made on this till that the server has not confirmed yet.
    pub pending: RwSignal<u32>,
    /// Changes the server refused; kept on the till for review.
    pub rejected: RwSignal<u32>,
    /// Edits of this till that clashed with others, waiting to be settled.
    pub conflicts: RwSignal<u32>,
    /// Bumped to ask the sync loop to try now (Retry, reconnect, a sale).
    pub wake: RwSignal<u32>,
    /// A new version of the app is installed and waits to take over.
    pub update_ready: RwSignal<bool>,
    /// Bumped whenever the till's copy of the store changed (a pull, a
    /// change saved here, a refused one put back): floor screens re-read.
    pub records: RwSignal<u32>,
}

impl ConnectionState {
    pub fn sync_now(&self) {
        self.wake.update(|w| *w += 1);
    }

    pub fn records_changed(&self) {
        self.records.update(|r| *r += 1);
    }
}

pub fn provide_connection() {
    let state = ConnectionState {
        current: RwSignal::new(Connection::default()),
        pending: RwSignal::new(0),
        rejected: RwSignal::new(0),
        conflicts: RwSignal::new(0),
        wake: RwSignal::new(0),
        update_ready: RwSignal::new(false),
        records: RwSignal::new(0),
    };
    provide_context(state);
    // After hydration: what the browser knows (offline, queued sales) must
    // not change the page before it matches the server's HTML.
    #[cfg(feature = "hydrate")]
    {
        let toasts = crate::ui::components::toast::use_toasts();
        let owner = Owner::current();
        request_animation_frame(move || match owner {
            Some(owner) => owner.with(|| crate::client::start(state, toasts)),
            None => crate::client::start(state, toasts),
        });
    }
}

pub fn use_connection() -> ConnectionState {
    expect_context::<ConnectionState>()
}

fn waiting(n: u32) -> String {
    match n {
        0 => String::new(),
        1 => " · 1 to send".into(),
        n => format!(" · {n} to send"),
    }
}

#[component]
pub fn ConnectionBadge() -> impl IntoView {
    let c = use_connection();
    let link = move || c.current.get().link;
    view! {
        <span
            class=move || match link() {
                Link::Online => "badge online",
                Link::Syncing => "badge syncing",
                Link::Offline => "badge offline",
            }
            data-testid="connection"
            data-link=move || format!("{:?}", link()).to_lowercase()
            data-pending=move || c.pending.get().to_string()
            role="status"
        >
            {move || match link() {
                Link::Online => "Online",
                Link::Syncing => "Syncing",
                Link::Offline => "Offline",
            }}
            {move || waiting(c.pending.get())}
        </span>
    }
}

#[component]
pub fn OfflineBanner() -> impl IntoView {
    let c = use_connection();
    view! {
        <Show when=move || { c.current.get().link == Link::Offline || c.rejected.get() > 0 }>
            <div class="banner" role="alert" data-testid="offline-banner">
                <Show when=move || c.current.get().link == Link::Offline>
                    <span>
                        "No connection. Keep selling: sales stay on this till and are sent when it is back."
                    </span>
                    <span class="banner-detail">
                        {move || {
                            let pending = c.pending.get();
                            let tries = c.current.get().attempts;
                            format!("{pending} waiting · {tries} tries to reconnect")
                        }}
                    </span>
                    <button class="button" on:click=move |_| c.sync_now()>"Retry now"</button>
                </Show>
                <Show when=move || { c.rejected.get() > 0 }>
                    <span class="banner-detail">
                        {move || format!("{} change(s) were refused by the server and are kept on this till for a manager to review.", c.rejected.get())}
                    </span>
                    <KeptList/>
                </Show>
            </div>
        </Show>
    }
}

/// What the server refused, and why, as this till keeps it: shown on
/// request, so a manager can redo it by hand.
#[component]
fn KeptList() -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button class="button" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {move || if open.get() { "Hide refused" } else { "Show refused" }}
        </button>
        <Show when=move || open.get()>
            <KeptRows/>
        </Show>
    }
}

#[component]
fn KeptRows() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let rows = LocalResource::new(|| async {
        crate::client::store::kept()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|k| {
                (
                    k.queued.mutation.entity.as_str().to_string(),
                    k.queued.mutation.id.to_string(),
                    k.reason,
                )
            })
            .collect::<Vec<_>>()
    });
    #[cfg(not(feature = "hydrate"))]
    let rows = LocalResource::new(|| async { Vec::<(String, String, String)>::new() });
    view! {
        <table class="grid kept" data-testid="kept">
            <thead><tr><th>"What"</th><th>"Record"</th><th>"Why the server refused it"</th></tr></thead>
            <tbody>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        rows.await.into_iter().map(|(what, id, why)| view! {
                            <tr><td>{what}</td><td>{id}</td><td>{why}</td></tr>
                        }).collect_view()
                    })}
                </Suspense>
            </tbody>
        </table>
    }
}

/// A new version waits: it takes over only when nothing on this till is
/// waiting to be sent, so no sale is left behind by an old version's queue.
#[component]
pub fn UpdateNotice() -> impl IntoView {
    let c = use_connection();
    let activate = move |_| {
        #[cfg(feature = "hydrate")]
        crate::client::activate_update();
    };
    view! {
        <Show when=move || c.update_ready.get()>
            <div class="banner update" role="status" data-testid="update">
                <span>"A new version of Tillwise is ready."</span>
                <Show
                    when=move || c.pending.get() == 0
                    fallback=|| view! {
                        <span class="banner-detail">"It installs once every sale on this till has been sent."</span>
                    }
                >
                    <button class="button primary" on:click=activate>"Update now"</button>
                </Show>
            </div>
        </Show>
    }
}
