//! The till's connection as every screen shows it: a badge in the navbar
//! (online, syncing, offline, with what is waiting to be sent) and a banner
//! while offline with a Retry button. The state is `till::connection`; the
//! rules are `domain::connection`; the browser feeds them from `client`.

use crate::domain::connection::Link;
use crate::till::connection::use_connection;
use crate::till::local;
use leptos::prelude::*;

fn waiting(n: u32) -> String {
    match n {
        0 => String::new(),
        1 => " · 1 to send".into(),
        n => format!(" · {n} to send"),
    }
}

/// Online, syncing or offline; "Live" while the store's socket is open
/// (what other tills change shows here at once), else changes arrive with
/// the next pull.
#[component]
pub fn ConnectionBadge() -> impl IntoView {
    let c = use_connection();
    let link = move || c.current.get().link;
    let live = move || c.current.get().live;
    view! {
        <span
            class=move || match link() {
                Link::Online => "badge online",
                Link::Syncing => "badge syncing",
                Link::Offline => "badge offline",
            }
            class:live=live
            data-testid="connection"
            data-link=move || format!("{:?}", link()).to_lowercase()
            data-live=move || live().to_string()
            data-pending=move || c.pending.get().to_string()
            role="status"
            title=move || if live() {
                "Connected: changes made on other tills show here as they happen."
            } else {
                "Changes made on other tills show here within a minute."
            }
        >
            {move || match (link(), live()) {
                (Link::Online, true) => "Live",
                (Link::Online, false) => "Online",
                (Link::Syncing, _) => "Syncing",
                (Link::Offline, _) => "Offline",
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
    let rows = LocalResource::new(local::refused);
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
    let activate = move |_| local::activate_update();
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

/// A till getting its copy of the store (a new till's first download, or
/// one back after a long time away): how far it is, so an empty search
/// reads as "not yet", not as "nothing there".
#[component]
pub fn DownloadProgress() -> impl IntoView {
    let c = use_connection();
    let share = move || {
        c.download.get().map(|(at, of)| {
            if of > 0 {
                (at.min(of) * 100 / of) as u32
            } else {
                0
            }
        })
    };
    view! {
        <Show when=move || share().is_some()>
            <div class="banner download" role="status" data-testid="download">
                <span>"Getting this store onto the till: " {move || share().unwrap_or(0)} " %"</span>
                <progress max="100" value=move || share().unwrap_or(0) aria-label="Download of the store"></progress>
                <span class="banner-detail">"Searches find more as it arrives; selling works meanwhile."</span>
            </div>
        </Show>
    }
}
