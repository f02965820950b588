//! Sends the outbox to `POST /api/sync/push`, oldest first, whenever there
//! is something to send: after a sale, on reconnect, on Retry, and every
//! few seconds while anything waits; then pulls what changed elsewhere. Only one tab of the browser pushes at
//! a time (a Web Lock), so two tabs never send one entry twice at once; the
//! server would answer a repeat as a replay anyway.

use super::connection::feed;
use super::locks::with_lock;
use super::store::{self, Kept};
use crate::domain::connection::{Signal, retry_delay_ms, worth_retrying};
use crate::domain::sync::{Fate, PushRequest, PushResponse};
use crate::till::connection::ConnectionState;
use crate::till::toasts::Toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::Cell;
use std::time::Duration;

/// One tab of the browser pushes at a time.
const PUSH_LOCK: &str = "tillwise-push";
/// Entries per push (the server takes up to 1,000).
const BATCH: u32 = 200;
/// The server's answer to a push over its size limit.
const TOO_LARGE: u16 = 413;
/// While entries wait, how often to try again without being asked.
const IDLE_RETRY_MS: u64 = 10_000;

thread_local! {
    static BUSY: Cell<bool> = const { Cell::new(false) };
    static AGAIN: Cell<bool> = const { Cell::new(false) };
}

pub fn start(state: ConnectionState, toasts: Toasts) {
    Effect::new(move |_| {
        state.wake.track();
        spawn_local(push_soon(state, toasts));
    });
    spawn_local(refresh_counts(state));
    keep_trying(state);
}

/// While anything waits, try again every few seconds; otherwise look for
/// changes made elsewhere every 30 s.
fn keep_trying(state: ConnectionState) {
    thread_local! {
        static TICKS: Cell<u32> = const { Cell::new(0) };
    }
    set_timeout(
        move || {
            let tick = TICKS.with(|t| t.replace(t.get() + 1));
            let online =
                state.current.get_untracked().link != crate::domain::connection::Link::Offline;
            if state.pending.get_untracked() > 0 || (online && tick % 3 == 2) {
                state.sync_now();
            } else {
                spawn_local(refresh_counts(state));
            }
            keep_trying(state);
        },
        Duration::from_millis(IDLE_RETRY_MS),
    );
}

/// Shows what waits and what was refused (another tab may have changed it).
pub async fn refresh_counts(state: ConnectionState) {
    if let Ok(counts) = store::counts().await {
        state.pending.set(counts.waiting);
        state.rejected.set(counts.kept);
        state.conflicts.set(counts.conflicts);
    }
}

async fn push_soon(state: ConnectionState, toasts: Toasts) {
    if BUSY.with(|b| b.replace(true)) {
        AGAIN.with(|a| a.set(true));
        return;
    }
    loop {
        AGAIN.with(|a| a.set(false));
        with_lock(PUSH_LOCK, async move {
            push_all(state, toasts).await;
            // Then what changed elsewhere: new prices, other tills' stock.
            // Nobody signed in (the sign-in page) has no store to pull.
            if state.current.get_untracked().link != crate::domain::connection::Link::Offline
                && state.signed_in.get_untracked().maybe()
                && super::pull::pull_all(|at| {
                    // Each page shows at once: a new till's screens fill as
                    // its copy does.
                    state.download.set(at);
                    if at.is_some() {
                        state.records_changed();
                    }
                })
                .await
                .is_some_and(|changes| changes > 0)
            {
                state.records_changed();
            }
        })
        .await;
        if !AGAIN.with(Cell::get) {
            break;
        }
    }
    BUSY.with(|b| b.set(false));
}

/// Pushes batches until the outbox is empty or the server cannot be reached.
async fn push_all(state: ConnectionState, toasts: Toasts) {
    let Ok(mut client_id) = store::client_id().await else {
        return;
    };
    // Halved when the server finds a push too big (413), so sales with
    // many lines still go, fewer at a time.
    let mut size = BATCH;
    let mut renumbered = false;
    loop {
        let batch = match store::waiting(size).await {
            Ok(batch) if !batch.is_empty() => batch,
            _ => break,
        };
        feed(state, toasts, Signal::PushStarted);
        let request = PushRequest {
            client_id,
            mutations: batch.iter().map(|q| q.mutation.clone()).collect(),
        };
        let answer = send_with_retries(&request).await;
        feed(state, toasts, Signal::PushFinished);
        let answer = match answer {
            Ok(answer) => answer,
            Err(Failure { status: None }) => {
                feed(state, toasts, Signal::Unreachable);
                break;
            }
            Err(Failure {
                status: Some(TOO_LARGE),
            }) if size > 1 => {
                feed(state, toasts, Signal::Reached);
                size = (size / 2).max(1);
                continue;
            }
            Err(Failure {
                status: Some(status),
            }) => {
                feed(state, toasts, Signal::Reached);
                toasts.error(format!(
                    "The server would not take this till's changes (error {status}). They are kept here; ask a manager."
                ));
                break;
            }
        };
        feed(state, toasts, Signal::Reached);
        let mut done = Vec::new();
        let mut kept = Vec::new();
        let mut clashed = Vec::new();
        let mut renumber = false;
        for q in &batch {
            match answer.fate(&q.mutation) {
                Fate::Done => done.push(q.mutation.mutation_id),
                Fate::Kept { reason } => kept.push(Kept {
                    queued: q.clone(),
                    reason,
                }),
                Fate::Conflict(report) => clashed.push((q.clone(), *report)),
                Fate::Renumber => renumber = true,
                Fate::Waiting => {}
            }
        }
        let progressed = !done.is_empty() || !kept.is_empty() || !clashed.is_empty();
        if !kept.is_empty() {
            toasts.error(format!(
                "{} change(s) were refused by the server and are kept on this till for review.",
                kept.len()
            ));
        }
        if !clashed.is_empty() {
            toasts.error(format!(
                "{} change(s) clash with edits made elsewhere. Choose which version to keep under “Conflicts”.",
                clashed.len()
            ));
        }
        let undone = !kept.is_empty() || !clashed.is_empty();
        if let Err(e) = store::clear_answered(client_id, &done, kept, clashed).await {
            toasts.error(format!("This till could not update its queue: {e:?}"));
            break;
        }
        if undone {
            state.records_changed();
        }
        if renumber && !renumbered {
            // What the server took is off the outbox; the rest goes again
            // under an id of this till's own (once: a new id cannot clash).
            renumbered = true;
            match store::take_new_client_id().await {
                Ok(id) => {
                    client_id = id;
                    toasts.error("This till shared its sync id with another device (a copied tablet?). It has taken its own and is sending its sales again.");
                    continue;
                }
                Err(e) => {
                    toasts.error(format!(
                        "This till could not take a sync id of its own: {e:?}"
                    ));
                    break;
                }
            }
        }
        refresh_counts(state).await;
        if !progressed {
            break;
        }
    }
    refresh_counts(state).await;
}

struct Failure {
    /// `None`: no answer at all.
    status: Option<u16>,
}

/// One push, tried again after 1, 2 and 4 s (with jitter) when that could
/// help: no answer, 408, 429, 5xx. Other answers are final.
async fn send_with_retries(request: &PushRequest) -> Result<PushResponse, Failure> {
    let mut retry = 0;
    loop {
        let status = match send(request).await {
            Ok(answer) => return Ok(answer),
            Err(status) => status,
        };
        retry += 1;
        match retry_delay_ms(retry, js_sys::Math::random()) {
            Some(ms) if worth_retrying(status) => sleep(ms).await,
            _ => return Err(Failure { status }),
        }
    }
}

async fn send(request: &PushRequest) -> Result<PushResponse, Option<u16>> {
    let response = gloo_net::http::Request::post("/api/sync/push")
        .json(request)
        .map_err(|_| None)?
        .send()
        .await
        .map_err(|_| None)?;
    if !response.ok() {
        return Err(Some(response.status()));
    }
    response.json::<PushResponse>().await.map_err(|_| Some(500))
}

async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
