//! The audit log (managers): who did what, when, from where, and what it
//! changed, field by field with names and money as a person reads them;
//! filtered by who, what, day or one record's history; and a check that
//! no entry was edited or removed.

use crate::api::audit::{audit_entries, verify_audit};
use crate::api::staff::list_employees;
use crate::domain::audit::{
    AuditEntry, AuditFilter, action_matches, changes, describe, record_name,
};
use crate::domain::conflict::{Fields, label, show};
use crate::domain::event::Topic;
use crate::till::live::use_live;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::pager::Pager;
use crate::ui::components::record_names::names_of;
use crate::ui::format::use_store_format;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

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

/// "Who" and "what" as the page shows them.
fn who(e: &AuditEntry) -> String {
    if e.employee_name.is_empty() {
        "system".to_string()
    } else {
        e.employee_name.clone()
    }
}

fn what(e: &AuditEntry) -> String {
    match record_name(e) {
        Some(name) => format!("{} · {name}", describe(&e.action)),
        None => describe(&e.action),
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let format = use_store_format();
    let action = RwSignal::new(String::new());
    let employee = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    // One record's history: `/audit?record=<id>`, linked from each entry.
    let query = use_query_map();
    let record =
        Memo::new(move |_| query.with(|q| q.get("record").and_then(|r| r.parse::<Uuid>().ok())));
    let filter = Memo::new(move |_| AuditFilter {
        action: action.get(),
        employee_id: employee.get().parse().ok(),
        day: chrono::NaiveDate::parse_from_str(&day.get(), "%Y-%m-%d").ok(),
        entity_id: record.get(),
    });
    let offset = RwSignal::new(0u64);
    let open = RwSignal::new(None::<AuditEntry>);
    Effect::new(move |_| {
        filter.track();
        offset.set(0);
    });
    let staff = Resource::new(|| (), |_| list_employees());
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
        move || (filter.get(), offset.get(), arrived.get()),
        |(f, o, _)| audit_entries(f, o),
    );
    let verify = Action::new(|_: &()| verify_audit());
    view! {
        <section class="split wide-left">
            <div class="card">
                <div class="toolbar">
                    <h1>"Audit log"</h1>
                    <button class="button" on:click=move |_| { verify.dispatch(()); }>"Check the chain"</button>
                </div>
                <div class="toolbar filters" role="group" aria-label="Filters">
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
                        <option value="store_settings">"Settings"</option>
                        <option value="conflict">"Conflicts resolved"</option>
                        <option value="auth">"Sign-ins"</option>
                    </select>
                    <select aria-label="Who" bind:value=employee>
                        <option value="">"Anyone"</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                staff.await.unwrap_or_default().into_iter().map(|p| {
                                    view! { <option value=p.id.to_string()>{p.name}</option> }
                                }).collect_view()
                            })}
                        </Transition>
                    </select>
                    <input type="date" aria-label="Day" bind:value=day/>
                    {move || record.get().map(|_| view! {
                        <a class="chip" href="/audit" aria-label="Show every record again">"One record's history ×"</a>
                    })}
                    <button class="button subtle" on:click=move |_| { action.set(String::new()); employee.set(String::new()); day.set(String::new()); }>
                        "Clear filters"
                    </button>
                </div>
                {move || verify.value().get().map(|r| match r {
                    Ok(r) if r.valid => view! { <p class="notice" data-testid="chain">{format!("All {} entries are intact.", r.entries)}</p> }.into_any(),
                    Ok(r) => view! { <p class="notice error" data-testid="chain">{r.problem.clone().unwrap_or_else(|| format!("The log was altered at entry {}.", r.first_bad_seq.unwrap_or_default()))}</p> }.into_any(),
                    Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                })}
                <Transition fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match entries.await {
                            Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <p class="muted">"No entries match."</p> }.into_any(),
                            Ok(page) => {
                                let (from, limit, shown, total) = (page.offset, page.limit, page.items.len(), page.total);
                                let newest = page.items.first().map(|e| e.seq);
                                let marked_after = seen_up_to.get_untracked().or(newest).unwrap_or_default();
                                if seen_up_to.get_untracked().is_none() {
                                    seen_up_to.set(newest);
                                }
                                view! {
                                    <table class="grid" data-testid="audit">
                                        <thead><tr><th>"#"</th><th>"When"</th><th>"Who"</th><th>"What"</th><th></th></tr></thead>
                                        <tbody>
                                            {page.items.into_iter().map(|e| {
                                                let shown = e.clone();
                                                let fresh = e.seq > marked_after;
                                                let id = e.id;
                                                view! {
                                                    <tr class:fresh=fresh class:selected=move || open.with(|o| o.as_ref().map(|o| o.id) == Some(id))>
                                                        <td>{e.seq}</td>
                                                        <td>{format.with_untracked(|f| f.time(e.created_at))}</td>
                                                        <td>{who(&e)}</td>
                                                        <td data-action=e.action.clone()>{what(&e)}</td>
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
                    None => view! { <p class="muted">"Choose an entry to see what it changed."</p> }.into_any(),
                    Some(e) => view! { <EntryDetails entry=e/> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// One entry: who, when, from where, and each field it changed, before
/// and after, in words; the raw record below for whoever needs it.
#[component]
fn EntryDetails(entry: AuditEntry) -> impl IntoView {
    let format = use_store_format();
    let changed = changes(entry.before.as_ref(), entry.after.as_ref());
    let fields: Vec<String> = changed.iter().map(|c| c.field.clone()).collect();
    let (before, after): (Fields, Fields) = (
        entry
            .before
            .as_ref()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default(),
        entry
            .after
            .as_ref()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default(),
    );
    let names = names_of(&fields, &[&before, &after]);
    // Money in the store's currency, records by name, the rest as the
    // resolver shows it.
    let text = move |field: &str, value: &serde_json::Value| -> String {
        if let (true, Some(cents)) = (field.ends_with("_cents"), value.as_i64()) {
            return format.with_untracked(|f| f.money(cents));
        }
        let plain = show(field, value);
        names.with(|n| n.get(&plain).cloned()).unwrap_or(plain)
    };
    let history = entry.entity_id.map(|id| format!("/audit?record={id}"));
    view! {
        <h2>{format!("#{} {}", entry.seq, what(&entry))}</h2>
        <dl class="facts">
            <dt>"When"</dt><dd>{format.with_untracked(|f| f.time(entry.created_at))}</dd>
            <dt>"Who"</dt><dd>{who(&entry)}</dd>
            <dt>"From"</dt><dd>{entry.ip.clone().unwrap_or_default()}</dd>
            <dt>"Browser"</dt><dd>{entry.user_agent.clone().unwrap_or_default()}</dd>
        </dl>
        {history.map(|href| view! { <p><a class="button" href=href>"History of this record"</a></p> })}
        {if changed.is_empty() {
            view! { <p class="muted">"No fields changed."</p> }.into_any()
        } else {
            view! {
                <table class="grid changes" data-testid="audit-changes">
                    <thead><tr><th>"Field"</th><th>"Before"</th><th>"After"</th></tr></thead>
                    <tbody>
                        {changed.into_iter().map(|c| {
                            let field = c.field.clone();
                            let (b, a) = (c.before.clone(), c.after.clone());
                            view! {
                                <tr data-field=c.field.clone()>
                                    <th scope="row">{label(&c.field)}</th>
                                    <td>{let f = field.clone(); move || text(&f, &b)}</td>
                                    <td>{move || text(&field, &a)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <details class="raw">
            <summary>"The entry as stored"</summary>
            <p class="mono">{format!("Record {}", entry.entity_id.map(|i| i.to_string()).unwrap_or_default())}</p>
            <p class="mono">{format!("Request {}", entry.request_id.clone().unwrap_or_default())}</p>
            <h3>"Before"</h3><pre class="json">{pretty(&entry.before)}</pre>
            <h3>"After"</h3><pre class="json">{pretty(&entry.after)}</pre>
        </details>
    }
}
