//! The time clock at the till: clock in when the shift starts, clock out
//! when it ends, and see what was sold in between.

use crate::api::staff::{clock_state, punch_clock};
use crate::domain::money::Cents;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::toast::use_toasts;
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
    let reload = RwSignal::new(0u32);
    let state = Resource::new(move || reload.get(), |_| clock_state());
    let punch = Action::new(move |open: &Option<(uuid::Uuid, i64)>| punch_clock(*open));
    Effect::new(move |_| {
        if let Some(result) = punch.value().get() {
            match result {
                Ok(()) => toasts.success("Done."),
                Err(e) => toasts.error(e.field_errors().into_values().next().unwrap_or(e.message)),
            }
            reload.update(|r| *r += 1);
        }
    });
    view! {
        <section class="card">
            <h1>"Time clock"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                        Ok((current, recent)) => view! {
                            {match current {
                                Some(open) => view! {
                                    <p class="summary">"Clocked in since " <strong>{open.clock_in.format("%H:%M UTC").to_string()}</strong> "."</p>
                                    <button class="button primary big" disabled=move || punch.pending().get()
                                        on:click=move |_| { punch.dispatch(Some((open.id, open.sync_version))); }>"Clock out"</button>
                                }.into_any(),
                                None => view! {
                                    <p class="summary">"You are not clocked in."</p>
                                    <button class="button primary big" disabled=move || punch.pending().get()
                                        on:click=move |_| { punch.dispatch(None); }>"Clock in"</button>
                                }.into_any(),
                            }}
                            <h2 class="spaced">"Recent"</h2>
                            <table class="grid" data-testid="clock-events">
                                <thead><tr><th>"In (UTC)"</th><th>"Out"</th><th class="num">"Sales"</th></tr></thead>
                                <tbody>
                                    {recent.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{e.clock_in.format("%Y-%m-%d %H:%M").to_string()}</td>
                                            <td>{e.clock_out.map(|t| t.format("%H:%M").to_string()).unwrap_or_else(|| "still in".into())}</td>
                                            <td class="num">{Cents(e.sales_total_cents).to_string()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
