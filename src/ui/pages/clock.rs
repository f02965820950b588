//! The time clock at the till: clock in when the shift starts, clock out
//! when it ends, and see what was sold in between. A floor screen: it
//! works offline, from the till's copy and through the outbox.

use crate::domain::ids::new_id;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::shift::{ClockEvent, clock_of};
use crate::till::connection::use_connection;
use crate::till::local;
use crate::till::toasts::use_toasts;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::on_till::OnTill;
use crate::ui::format::{use_money, use_store_format};
use crate::ui::session::use_session;
use chrono::Utc;
use leptos::prelude::*;

#[component]
pub fn ClockPage() -> impl IntoView {
    view! {
        <SignedIn>
            <Clock/>
        </SignedIn>
    }
}

#[component]
fn Clock() -> impl IntoView {
    let toasts = use_toasts();
    let format = use_store_format();
    let money = use_money();
    let connection = use_connection();
    let session = use_session();
    let me = move || {
        session
            .current
            .get()
            .and_then(|r| r.ok())
            .flatten()
            .map(|s| s.employee_id)
    };
    // The till's copy: clocking in and out works offline, at the time the
    // button was pressed.
    let state = LocalResource::new(move || {
        connection.records.track();
        let me = me();
        async move {
            let events = local::records::<ClockEvent>(EntityKind::ClockEvent).await?;
            Ok::<_, String>(me.map(|me| clock_of(events, me)).unwrap_or_default())
        }
    });
    let busy = RwSignal::new(false);
    let punch = move |open: Option<ClockEvent>| {
        let Some(employee) = me() else {
            return;
        };
        let now = Utc::now();
        let data = serde_json::json!({ "at": now });
        let (mutation, change) = match open {
            None => {
                let id = new_id();
                (
                    Mutation {
                        id,
                        ..Mutation::create(EntityKind::ClockEvent, data)
                    },
                    local::Change {
                        entity: EntityKind::ClockEvent,
                        id,
                        before: None,
                        after: Some(ClockEvent::opened(id, employee, now)),
                    },
                )
            }
            Some(open) => (
                Mutation {
                    entity: EntityKind::ClockEvent,
                    op: Op::Update,
                    id: open.id,
                    base_version: Some(open.sync_version),
                    data,
                    base: None,
                },
                local::Change {
                    entity: EntityKind::ClockEvent,
                    id: open.id,
                    after: Some(open.closed(now)),
                    before: Some(open),
                },
            ),
        };
        let clocking_in = change.before.is_none();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match local::save(connection, mutation, change).await {
                Ok(()) if clocking_in => toasts.success(format!(
                    "Clocked in at {}.",
                    format.with_untracked(|f| f.clock(now))
                )),
                Ok(()) => toasts.success(format!(
                    "Clocked out at {}.",
                    format.with_untracked(|f| f.clock(now))
                )),
                Err(message) => toasts.error(message),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card">
            <h1>"Time clock"</h1>
            <OnTill>
                <Transition fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match state.await {
                            Err(message) => view! { <p class="notice error">{message}</p> }.into_any(),
                            Ok((current, recent)) => view! {
                                {match current {
                                    Some(open) => view! {
                                        <p class="summary">"Clocked in since " <strong>{format.with_untracked(|f| f.clock(open.clock_in))}</strong> "."</p>
                                        <button class="button primary big" disabled=move || busy.get()
                                            on:click=move |_| punch(Some(open.clone()))>"Clock out"</button>
                                    }.into_any(),
                                    None => view! {
                                        <p class="summary">"You are not clocked in."</p>
                                        <button class="button primary big" disabled=move || busy.get()
                                            on:click=move |_| punch(None)>"Clock in"</button>
                                    }.into_any(),
                                }}
                                <h2 class="spaced">"Recent"</h2>
                                <table class="grid" data-testid="clock-events">
                                    <thead><tr><th>"In"</th><th>"Out"</th><th class="num">"Sales"</th></tr></thead>
                                    <tbody>
                                        {recent.into_iter().take(20).map(|e| view! {
                                            <tr>
                                                <td>{format.with_untracked(|f| f.time(e.clock_in))}</td>
                                                <td>{e.clock_out.map(|t| format.with_untracked(|f| f.clock(t))).unwrap_or_else(|| "still in".into())}</td>
                                                <td class="num">{money(e.sales_total_cents)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }
                                .into_any(),
                        }
                    })}
                </Transition>
            </OnTill>
        </section>
    }
}
