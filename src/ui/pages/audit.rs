//! The audit log (managers): who did what, when, from where, with the
//! record before and after; and a check that no entry was edited or removed.

use crate::api::audit::{audit_entries, verify_audit};
use crate::domain::audit::{AuditEntry, action_matches};
use crate::domain::event::Topic;
use crate::till::live::use_live;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::pager::Pager;
use leptos::prelude::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <SignedIn manager=true>
            <AuditLog/>
        </SignedIn>
    }
}

fn pretty(v: &Option<serde_json::Value>) -> String {
    v.as_ref()
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_else(|| "—".into())
}

#[component]
fn AuditLog() -> impl IntoView {
    let action = RwSignal::new(String::new());
    let offset = RwSignal::new(0u64);
    let open = RwSignal::new(None::<AuditEntry>);
    Effect::new(move |_| {
        action.track();
        offset.set(0);
    });
    // New entries that pass the filter are read in at the top as they are
    // written, while the newest page is showing (an older page stays put).
    let live = use_live();
    let arrived = RwSignal::new(0u32);
    Effect::new(move |_| {
        let events = live.latest();
        let (filter, newest) = (action.get_untracked(), offset.get_untracked() == 0);
        let wanted = events.iter().any(|e| {
            e.name.topic == Topic::Audit
                && e.data
                    .as_ref()
                    .and_then(|d| d["action"].as_str())
                    .is_some_and(|a| action_matches(&filter, a))
        });
        if newest && wanted {
            arrived.update(|n| *n += 1);
        }
    });
    // The newest entry when the page was first shown: later ones are marked.
    let seen_up_to = RwSignal::new(None::<i64>);
    let entries = Resource::new(
        move || (action.get(), offset.get(), arrived.get()),
        |(a, o, _)| audit_entries(a, o),
    );
    let verify = Action::new(|_: &()| verify_audit());
    view! {
        <section class="split wide-left">
            <div class="card">
                <div class="toolbar">
                    <h1>"Audit log"</h1>
                    <select aria-label="What" bind:value=action>
                        <option value="">"Everything"</option>
                        <option value="sale">"Sales"</option>
                        <option value="product">"Products"</option>
                        <option value="stock_move">"Stock"</option>
                        <option value="customer">"Customers"</option>
                        <option value="credit">"Store credit"</option>
                        <option value="credit_payment">"Credit payments"</option>
                        <option value="employee">"Staff"</option>
                        <option value="shift">"Shifts"</option>
                        <option value="clock_event">"Clock"</option>
                        <option value="conflict">"Conflicts resolved"</option>
                        <option value="auth">"Sign-ins"</option>
                    </select>
                    <button class="button" on:click=move |_| { verify.dispatch(()); }>"Check the chain"</button>
                </div>
                {move || verify.value().get().map(|r| match r {
                    Ok(r) if r.valid => view! { <p class="notice" data-testid="chain">{format!("All {} entries are intact.", r.entries)}</p> }.into_any(),
                    Ok(r) => view! { <p class="notice error" data-testid="chain">{format!("The log was altered at entry {}.", r.first_bad_seq.unwrap_or_default())}</p> }.into_any(),
                    Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                })}
                <Transition fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match entries.await {
                            Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                            Ok(page) => {
                                let (from, limit, shown, total) = (page.offset, page.limit, page.items.len(), page.total);
                                let newest = page.items.first().map(|e| e.seq);
                                let marked_after = seen_up_to.get_untracked().or(newest).unwrap_or_default();
                                if seen_up_to.get_untracked().is_none() {
                                    seen_up_to.set(newest);
                                }
                                view! {
                                    <table class="grid" data-testid="audit">
                                        <thead><tr><th>"#"</th><th>"When (UTC)"</th><th>"Who"</th><th>"What"</th><th></th></tr></thead>
                                        <tbody>
                                            {page.items.into_iter().map(|e| {
                                                let shown = e.clone();
                                                let fresh = e.seq > marked_after;
                                                view! {
                                                    <tr class:fresh=fresh>
                                                        <td>{e.seq}</td>
                                                        <td>{e.created_at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                                        <td>{if e.employee_name.is_empty() { "system".to_string() } else { e.employee_name.clone() }}</td>
                                                        <td>{e.action.clone()}</td>
                                                        <td class="actions"><button class="button" on:click=move |_| open.set(Some(shown.clone()))>"Details"</button></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <Pager offset=from limit shown total noun="entries" at=offset back="Newer" forward="Older"/>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
            </div>
            <div class="card">
                {move || match open.get() {
                    None => view! { <p class="muted">"Choose an entry to see the record before and after."</p> }.into_any(),
                    Some(e) => view! {
                        <h2>{format!("#{} {}", e.seq, e.action)}</h2>
                        <dl class="facts">
                            <dt>"Record"</dt><dd class="mono">{e.entity_id.map(|i| i.to_string()).unwrap_or_default()}</dd>
                            <dt>"From"</dt><dd>{e.ip.clone().unwrap_or_default()}</dd>
                            <dt>"Browser"</dt><dd>{e.user_agent.clone().unwrap_or_default()}</dd>
                            <dt>"Request"</dt><dd class="mono">{e.request_id.clone().unwrap_or_default()}</dd>
                        </dl>
                        <h3>"Before"</h3><pre class="json">{pretty(&e.before)}</pre>
                        <h3>"After"</h3><pre class="json">{pretty(&e.after)}</pre>
                    }
                        .into_any(),
                }}
            </div>
        </section>
    }
}
