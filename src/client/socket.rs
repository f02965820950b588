//! The store's socket (`/api/ws`, docs/ARCHITECTURE.md, "Realtime"): one
//! per browser, held by the tab that wins the Web Lock `tillwise-socket`.
//! It applies the events it hears to the till's copy (`catch_up`: the next
//! change with its data is applied like a pulled page; a gap or a poke
//! pulls), then tells the page and the other tabs (BroadcastChannel
//! `tillwise-live`). It pulls on every (re)connect, reconnects with
//! backoff and jitter (1 s doubling to 30 s), closes while the browser is
//! offline, and drops a socket that has been silent for far longer than
//! the server's ping period. Its state feeds the connection badge.

use super::locks::with_lock;
use super::{pull, store};
use crate::domain::connection::{Signal, reconnect_delay_ms};
use crate::domain::event::{Notice, SocketMessage, StoreEvent, catch_up, close};
use crate::domain::sync::PullResponse;
use crate::till::connection::{ConnectionState, SignedIn};
use crate::till::live::Live;
use crate::till::toasts::Toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use std::time::Duration;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, CloseEvent, MessageEvent, WebSocket};

const LOCK: &str = "tillwise-socket";
const CHANNEL: &str = "tillwise-live";
/// Silence longer than this many ping periods closes the socket.
const SILENT_PINGS: f64 = 2.5;

thread_local! {
    static SOCKET: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
    static QUEUE: RefCell<Vec<StoreEvent>> = const { RefCell::new(Vec::new()) };
    static APPLYING: Cell<bool> = const { Cell::new(false) };
    static LAST_HEARD_MS: Cell<f64> = const { Cell::new(0.0) };
    static PING_MS: Cell<f64> = const { Cell::new(20_000.0) };
    /// Wakes the reconnect loop from its wait (sign-in, back online).
    static WAKE: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    /// Ends the open socket's wait with a close code: its close event, or
    /// this tab giving up on it (a closing handshake over a dead network
    /// can take long).
    static FINISH: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    static TABS: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
}

/// What one tab tells the others.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum TabMessage {
    /// The socket opened or closed.
    Socket { up: bool },
    /// Events the socket's tab applied to the till's copy.
    Events { events: Vec<StoreEvent> },
}

pub fn start(state: ConnectionState, toasts: Toasts, live: Live) {
    listen_to_other_tabs(state, live);
    // A new person signed in (or out): the socket must be theirs.
    Effect::new(move |previous: Option<SignedIn>| {
        let now = state.signed_in.get();
        if previous.is_some_and(|p| p != now) {
            close_socket();
            wake();
        }
        now
    });
    let on_offline = window_event_listener(leptos::ev::offline, |_| close_socket());
    let on_online = window_event_listener(leptos::ev::online, |_| wake());
    std::mem::forget((on_offline, on_online));
    spawn_local(with_lock(LOCK, async move {
        // Held for as long as this tab lives.
        keep_connected(state, toasts, live).await;
    }));
    watch_for_silence();
}

async fn keep_connected(state: ConnectionState, toasts: Toasts, live: Live) {
    let mut failures = 0u32;
    loop {
        while !state.signed_in.get_untracked().maybe() || !window().navigator().on_line() {
            nap(30_000).await;
        }
        let opened = connect(state, toasts, live).await;
        feed_socket(state, toasts, false);
        match opened {
            Closed::SessionEnded => {
                // Signed out elsewhere, or the session expired.
                state.signed_in.set(SignedIn::Nobody);
                continue;
            }
            // Up long enough to have been of use: the server is fine again.
            // (One that says hello and drops it at once, or drops it as
            // too slow, is struggling: back off from it as from a failure.)
            Closed::AfterOpening { lasted_ms, code }
                if lasted_ms >= PING_MS.with(Cell::get) && code != close::TOO_SLOW =>
            {
                failures = 0
            }
            Closed::AfterOpening { .. } | Closed::NeverOpened => {}
        }
        failures += 1;
        if let Some(ms) = reconnect_delay_ms(failures, js_sys::Math::random()) {
            nap(ms).await;
        }
    }
}

enum Closed {
    NeverOpened,
    AfterOpening { lasted_ms: f64, code: u16 },
    SessionEnded,
}

/// Opens one socket and serves it until it closes.
async fn connect(state: ConnectionState, toasts: Toasts, live: Live) -> Closed {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    let Ok(socket) = WebSocket::new(&format!("{scheme}://{host}/api/ws")) else {
        return Closed::NeverOpened;
    };
    // When it said hello (0: never).
    let opened = std::rc::Rc::new(Cell::new(0.0f64));
    let seen = opened.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        LAST_HEARD_MS.with(|t| t.set(js_sys::Date::now()));
        let Some(text) = e.data().as_string() else {
            return;
        };
        match serde_json::from_str::<SocketMessage>(&text) {
            Ok(SocketMessage::Notice(Notice::Hello { ping_seconds, .. })) => {
                seen.set(js_sys::Date::now());
                PING_MS.with(|p| p.set(ping_seconds.max(1) as f64 * 1000.0));
                feed_socket(state, toasts, true);
                // What happened while it was away: push, then pull.
                state.sync_now();
            }
            Ok(SocketMessage::Notice(Notice::Ping)) => answer_ping(),
            Ok(SocketMessage::Notice(Notice::Resync)) => state.sync_now(),
            Ok(SocketMessage::Event(event)) => {
                QUEUE.with(|q| q.borrow_mut().push(event));
                spawn_local(apply_queued(state, live));
            }
            Err(_) => {}
        }
    });
    let (done, finished) = promise();
    FINISH.with(|f| *f.borrow_mut() = Some(finished));
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
        finish(e.code());
    });
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    LAST_HEARD_MS.with(|t| t.set(js_sys::Date::now()));
    SOCKET.with(|s| *s.borrow_mut() = Some(socket.clone()));
    let code = wasm_bindgen_futures::JsFuture::from(done)
        .await
        .ok()
        .and_then(|c| c.as_f64())
        .unwrap_or(1006.0) as u16;
    socket.set_onmessage(None);
    socket.set_onclose(None);
    SOCKET.with(|s| s.borrow_mut().take());
    FINISH.with(|f| f.borrow_mut().take());
    drop((on_message, on_close));
    if !close::reconnect(code) {
        Closed::SessionEnded
    } else if opened.get() > 0.0 {
        Closed::AfterOpening {
            lasted_ms: js_sys::Date::now() - opened.get(),
            code,
        }
    } else {
        Closed::NeverOpened
    }
}

/// The socket is up (it said hello) or down: the badge, and the other tabs.
fn feed_socket(state: ConnectionState, toasts: Toasts, up: bool) {
    let signal = if up {
        Signal::SocketOpened
    } else {
        Signal::SocketClosed
    };
    super::connection::feed(state, toasts, signal);
    tell_other_tabs(&TabMessage::Socket { up });
}

fn answer_ping() {
    SOCKET.with(|s| {
        if let Some(socket) = s.borrow().as_ref() {
            let _ = socket.send_with_str(r#"{"type":"pong"}"#);
        }
    });
}

/// Closes the socket and stops waiting for it (it reconnects when it can).
fn close_socket() {
    SOCKET.with(|s| {
        if let Some(socket) = s.borrow().as_ref() {
            let _ = socket.close();
        }
    });
    finish(1006);
}

fn finish(code: u16) {
    if let Some(finished) = FINISH.with(|f| f.borrow_mut().take()) {
        let _ = finished.call1(&JsValue::NULL, &JsValue::from(code));
    }
}

/// Applies what arrived, in batches, one batch at a time; then tells the
/// screens and the other tabs.
async fn apply_queued(state: ConnectionState, live: Live) {
    if APPLYING.with(|a| a.replace(true)) {
        return;
    }
    loop {
        let batch = QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()));
        if batch.is_empty() {
            break;
        }
        apply(&batch).await;
        state.records_changed();
        tell_other_tabs(&TabMessage::Events {
            events: batch.clone(),
        });
        live.heard(batch);
    }
    APPLYING.with(|a| a.set(false));
}

/// Brings the till's copy up to date with `events`: applies the run that
/// follows its cursor (as a pulled page, in one transaction), and pulls
/// when an event was missed or came without its data.
async fn apply(events: &[StoreEvent]) {
    // The cursor can move under us (a pull finished meanwhile): then the
    // page is not applied, and the plan is made again from the new one.
    for _ in 0..3 {
        let Ok(cursor) = store::cursor().await else {
            break;
        };
        let plan = catch_up(cursor, events);
        if plan.apply.is_empty() {
            if plan.pull {
                pull::pull_all(|_| {}).await;
            }
            return;
        }
        let page = PullResponse {
            changes: plan.apply,
            cursor: plan.cursor,
            has_more: false,
            head: None,
        };
        match store::apply_pulled(cursor, &page).await {
            Ok(true) => {
                if plan.pull {
                    pull::pull_all(|_| {}).await;
                }
                return;
            }
            Ok(false) => continue,
            Err(_) => break,
        }
    }
    pull::pull_all(|_| {}).await;
}

fn listen_to_other_tabs(state: ConnectionState, live: Live) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(text) = e.data().as_string() else {
            return;
        };
        match serde_json::from_str::<TabMessage>(&text) {
            Ok(TabMessage::Socket { up }) => {
                let signal = if up {
                    Signal::SocketOpened
                } else {
                    Signal::SocketClosed
                };
                state
                    .current
                    .update(|c| *c = c.on(signal, js_sys::Date::now()).0);
            }
            Ok(TabMessage::Events { events }) => {
                state.records_changed();
                live.heard(events);
            }
            Err(_) => {}
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    TABS.with(|t| *t.borrow_mut() = Some(channel));
}

fn tell_other_tabs(message: &TabMessage) {
    let Ok(text) = serde_json::to_string(message) else {
        return;
    };
    TABS.with(|t| {
        if let Some(channel) = t.borrow().as_ref() {
            let _ = channel.post_message(&JsValue::from_str(&text));
        }
    });
}

/// Closes a socket that has heard nothing (not even a ping) for far longer
/// than the server's ping period: the network went without a word.
fn watch_for_silence() {
    let _ = set_interval_with_handle(
        || {
            let silent_ms = js_sys::Date::now() - LAST_HEARD_MS.with(Cell::get);
            if silent_ms > PING_MS.with(Cell::get) * SILENT_PINGS {
                close_socket();
            }
        },
        Duration::from_secs(5),
    );
}

/// A promise and the function that resolves it.
fn promise() -> (js_sys::Promise, js_sys::Function) {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |r, _| resolve = Some(r));
    (promise, resolve.unwrap_or_else(js_sys::Function::default))
}

/// Waits `ms`, or less if woken.
async fn nap(ms: u32) {
    let (woken, resolve) = promise();
    let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    WAKE.with(|w| *w.borrow_mut() = Some(resolve));
    let _ = wasm_bindgen_futures::JsFuture::from(woken).await;
    WAKE.with(|w| w.borrow_mut().take());
}

fn wake() {
    if let Some(resolve) = WAKE.with(|w| w.borrow_mut().take()) {
        let _ = resolve.call0(&JsValue::NULL);
    }
}
