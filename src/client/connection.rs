//! Feeds the connection rules (`domain::connection`) from the browser: its
//! online/offline events, a heartbeat to `/api/health` (while online as
//! often as the server's `heartbeat_seconds` setting says, every 5 s while
//! offline, 5 s timeout each) and the pushes; and tells the person when
//! the connection goes and comes back.

use crate::domain::connection::{
    Change, FULL_PULL_AFTER_MS, HEARTBEAT_TIMEOUT_MS, Link, Signal, heartbeat_every_ms,
};
use crate::till::connection::ConnectionState;
use crate::till::toasts::Toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How often to look for the server while offline.
const OFFLINE_HEARTBEAT_MS: u32 = 5_000;

/// One place where everything the till learns about the network lands.
pub fn feed(state: ConnectionState, toasts: Toasts, signal: Signal) {
    let (next, change) = state
        .current
        .get_untracked()
        .on(signal, js_sys::Date::now());
    state.current.set(next);
    match change {
        Change::WentOffline => toasts.info(
            "The connection is gone. Keep selling: sales stay on this till until it is back.",
        ),
        Change::CameBack { offline_ms } => {
            toasts.success(if offline_ms > FULL_PULL_AFTER_MS {
                "Back online. Sending what this till kept, and catching up."
            } else {
                "Back online. Sending what this till kept."
            });
            state.sync_now();
        }
        Change::Same => {}
    }
}

pub fn watch(state: ConnectionState, toasts: Toasts) {
    let apply = move |signal| feed(state, toasts, signal);
    if !window().navigator().on_line() {
        apply(Signal::BrowserOffline);
    }
    let on_offline =
        window_event_listener(leptos::ev::offline, move |_| apply(Signal::BrowserOffline));
    let on_online = window_event_listener(leptos::ev::online, move |_| {
        apply(Signal::BrowserOnline);
        spawn_local(async move { apply(heartbeat(state).await) });
    });
    // A new version installed before or after the app started.
    let waiting = js_sys::Reflect::get(&window(), &"tillwiseUpdateReady".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if waiting {
        state.update_ready.set(true);
    }
    let on_update =
        window_event_listener_untyped("tillwise-update", move |_| state.update_ready.set(true));
    // The listeners live as long as the page.
    std::mem::forget((on_offline, on_online, on_update));
    schedule(state, toasts, state.heartbeat_ms.get_untracked());
}

fn schedule(state: ConnectionState, toasts: Toasts, after_ms: u32) {
    set_timeout(
        move || {
            spawn_local(async move {
                feed(state, toasts, heartbeat(state).await);
                let next = if state.current.get_untracked().link == Link::Offline {
                    OFFLINE_HEARTBEAT_MS
                } else {
                    state.heartbeat_ms.get_untracked()
                };
                schedule(state, toasts, next);
            })
        },
        Duration::from_millis(u64::from(after_ms)),
    );
}

/// Asks `/api/health`; any answer from the server counts as reached, none
/// within the timeout as unreachable. The answer also says how often to
/// ask while online.
pub async fn heartbeat(state: ConnectionState) -> Signal {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    if let Some(c) = controller.clone() {
        set_timeout(
            move || c.abort(),
            Duration::from_millis(u64::from(HEARTBEAT_TIMEOUT_MS)),
        );
    }
    let request = gloo_net::http::Request::get("/api/health")
        .cache(web_sys::RequestCache::NoStore)
        .abort_signal(signal.as_ref());
    match request.send().await {
        Ok(answer) => {
            #[derive(serde::Deserialize)]
            struct Health {
                heartbeat_seconds: Option<u64>,
            }
            if let Ok(health) = answer.json::<Health>().await {
                state
                    .heartbeat_ms
                    .set(heartbeat_every_ms(health.heartbeat_seconds));
            }
            Signal::Reached
        }
        Err(_) => Signal::Unreachable,
    }
}
