//! The System page (managers read it, owners act on it): how the cache of
//! reads is doing, and clearing it; for owners, the database's indexes
//! (rebuilding a table's) and the statements that ran slow, with plans;
//! how the server, its database and Redis are doing, and the API reference.

use crate::api::cache::{cache_figures, clear_cache};
use crate::api::indexes::{database_indexes, rebuild_indexes, slow_statements};
use crate::api::system::server_health;
use crate::domain::auth::Role;
use crate::domain::cache::{CachedRead, ReadFigures};
use crate::domain::error::{AppError, ErrorCode};
use crate::till::confirm;
use crate::till::toasts::use_toasts;
use crate::ui::components::guard::SignedIn;
use crate::ui::session::use_session;
use leptos::prelude::*;

#[component]
pub fn SystemPage() -> impl IntoView {
    view! {
        <SignedIn manager=true>
            <CachePanel/>
            <ServerPanel/>
            <IndexPanel/>
            <SlowPanel/>
        </SignedIn>
    }
}

#[component]
fn CachePanel() -> impl IntoView {
    let (toasts, session) = (use_toasts(), use_session());
    let clear = Action::new(|which: &Option<CachedRead>| {
        let which = which.map(|r| r.as_str().to_string());
        clear_cache(which)
    });
    let refresh = RwSignal::new(0u32);
    let stats = Resource::new(
        move || (refresh.get(), clear.version().get()),
        |_| cache_figures(),
    );
    Effect::new(move |_| match clear.value().get() {
        Some(Ok(cleared)) => toasts.success(format!(
            "Cleared: {}. The next read of each comes from the database.",
            cleared
                .cleared
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let ask_and_clear = move |which: Option<CachedRead>| {
        let what = which.map_or("every cached list of this store".to_string(), |r| {
            format!("the cached {}", r.label().to_lowercase())
        });
        if confirm(&format!(
            "Clear {what}? Nothing is lost; the next reads are slower."
        )) {
            clear.dispatch(which);
        }
    };
    view! {
        <section class="card">
            <h1>"System"</h1>
            <h2>"Cache"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    // Clearing is the owner's (the server checks; this only
                    // hides buttons a manager could not use).
                    let owner = matches!(session.current.await, Ok(Some(me)) if me.role == Role::Owner);
                    match stats.await {
                        Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                        Ok(s) => {
                            let backend = match (s.backend.as_str(), s.redis.as_deref()) {
                                ("redis", Some("ok")) => "Redis, shared by every server".to_string(),
                                ("redis", _) => "Redis, not answering: lists come straight from the database".to_string(),
                                _ => "this server's memory".to_string(),
                            };
                            view! {
                                <p data-testid="cache-backend">"Kept in " {backend} "."</p>
                                <p class="hint">
                                    "Counted on this server since "
                                    {s.since.format("%Y-%m-%d %H:%M UTC").to_string()}
                                    {(s.outages > 0).then(|| format!("; Redis stopped answering {} time(s)", s.outages))}
                                    "."
                                </p>
                                <table class="grid" data-testid="cache-stats">
                                    <thead><tr>
                                        <th>"List"</th><th>"Kept for"</th><th>"Hits"</th><th>"Misses"</th>
                                        <th>"Hit ratio"</th><th>"Entries"</th><th>"Size"</th><th></th>
                                    </tr></thead>
                                    <tbody>
                                        {s.reads.into_iter().map(|f| {
                                            let read = CachedRead::parse(&f.kind);
                                            view! {
                                                <tr data-kind=f.kind.clone()>
                                                    <td>{read.map_or(f.kind.clone(), |r| r.label().to_string())}</td>
                                                    {figures_cells(&f)}
                                                    <td class="actions">
                                                        {owner.then(|| view! {
                                                            <button class="button" disabled=move || clear.pending().get()
                                                                on:click=move |_| ask_and_clear(read)>"Clear"</button>
                                                        })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                    <tfoot><tr>
                                        <th>"All"</th>
                                        {figures_cells(&s.overall)}
                                        <td></td>
                                    </tr></tfoot>
                                </table>
                                {s.redis_memory_bytes.map(|b| view! {
                                    <p class="hint">"Redis uses " {size(b)} " in all."</p>
                                })}
                                <div class="actions">
                                    <button class="button big" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh figures"</button>
                                    {if owner {
                                        view! {
                                            <button class="button primary big" data-testid="clear-all"
                                                disabled=move || clear.pending().get()
                                                on:click=move |_| ask_and_clear(None)>
                                                {move || if clear.pending().get() { "Clearing…" } else { "Clear all" }}
                                            </button>
                                        }.into_any()
                                    } else {
                                        view! { <p class="hint">"Only the owner can clear the cache."</p> }.into_any()
                                    }}
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ServerPanel() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let health = Resource::new(move || refresh.get(), |_| server_health());
    view! {
        <section class="card" data-testid="server-panel">
            <h2>"Server"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match health.await {
                        Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                        Ok(h) => {
                            let redis = match h.redis.as_str() {
                                "disabled" => "not set up: this server works alone".to_string(),
                                "ok" => "answering".to_string(),
                                other => format!("{other}: the database serves every read meanwhile"),
                            };
                            view! {
                                <table class="grid" data-testid="server-health">
                                    <tbody>
                                        <tr><th>"Version"</th><td data-testid="server-version">{h.version}</td></tr>
                                        <tr><th>"Database"</th><td data-testid="db-health">{if h.db == "ok" { "answering".to_string() } else { h.db }}</td></tr>
                                        <tr><th>"Redis"</th><td data-testid="redis-health">{redis}</td></tr>
                                        <tr><th>"Live updates"</th><td>{format!("{} open, via {}", h.realtime.sockets, h.realtime.fan_out)}</td></tr>
                                    </tbody>
                                </table>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <p>
                <button class="button" on:click=move |_| refresh.update(|n| *n += 1)>"Check again"</button>
                " "
                <a class="button" href="/api/reference" rel="external" target="_blank" data-testid="api-reference">"API reference"</a>
            </p>
        </section>
    }
}

#[component]
fn IndexPanel() -> impl IntoView {
    let toasts = use_toasts();
    let rebuild = Action::new(|table: &String| rebuild_indexes(table.clone()));
    let stats = Resource::new(move || rebuild.version().get(), |_| database_indexes());
    Effect::new(move |_| match rebuild.value().get() {
        Some(Ok(done)) => toasts.success(format!(
            "Rebuilt {} index(es) of {} in {:.0} ms.{}",
            done.indexes.len(),
            done.table,
            done.took_ms,
            if done.dropped_invalid.is_empty() {
                String::new()
            } else {
                format!(" Dropped the invalid {}.", done.dropped_invalid.join(", "))
            }
        )),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let ask_and_rebuild = move |table: String| {
        if confirm(&format!(
            "Rebuild the indexes of {table}? Sales go on meanwhile; on the embedded database the table waits for a moment."
        )) {
            rebuild.dispatch(table);
        }
    };
    view! {
        <section class="card" data-testid="index-panel">
            <h2>"Database indexes"</h2>
            <p class="hint">"Size and use of every index; “Used by” counts the statements this server ran whose plan uses it."</p>
            {move || rebuild.pending().get().then(|| view! {
                <p class="notice" role="status" data-testid="rebuilding">
                    "Rebuilding " {rebuild.input().get().unwrap_or_default()} "…"
                </p>
            })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Err(e) => refused(e).into_any(),
                        Ok(s) => {
                            let mut last_table = String::new();
                            view! {
                                <table class="grid" data-testid="index-stats">
                                    <thead><tr>
                                        <th>"Table"</th><th>"Index"</th><th>"Columns"</th><th>"Size"</th>
                                        <th>"Scans"</th><th>"Used by"</th><th></th>
                                    </tr></thead>
                                    <tbody>
                                        {s.indexes.into_iter().map(|i| {
                                            let first = i.table != last_table;
                                            last_table = i.table.clone();
                                            let table = i.table.clone();
                                            let testid = format!("rebuild-{table}");
                                            view! {
                                                <tr data-index=i.name.clone()>
                                                    <td>{first.then(|| i.table.clone())}</td>
                                                    <td>{i.name.clone()}{i.unique.then_some(" (unique)")}</td>
                                                    <td>{i.columns.join(", ")}</td>
                                                    <td>{i.size_bytes.map_or("–".to_string(), |b| size(u64::try_from(b).unwrap_or(0)))}</td>
                                                    <td>{i.scans.map_or("–".to_string(), |n| n.to_string())}</td>
                                                    <td title=i.used_by.join("\n")>{i.used_by.len()}</td>
                                                    <td class="actions">
                                                        {first.then(move || view! {
                                                            <button class="button" data-testid=testid
                                                                disabled=move || rebuild.pending().get()
                                                                on:click=move |_| ask_and_rebuild(table.clone())>
                                                                "Rebuild table"
                                                            </button>
                                                        })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SlowPanel() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let analysis = Resource::new(move || refresh.get(), |_| slow_statements());
    view! {
        <section class="card" data-testid="slow-panel">
            <h2>"Slow statements"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match analysis.await {
                        Err(e) => refused(e).into_any(),
                        Ok(a) => view! {
                            <p class="hint">
                                "Statements that took " {a.threshold_ms} " ms or longer on this server since it started"
                                {a.cache_hit_ratio.map(|r| format!("; {:.1} % of table reads came from memory", r * 100.0))}
                                {(a.pg_stat_statements == Some(false)).then_some("; pg_stat_statements is not installed")}
                                "."
                            </p>
                            {a.statements.is_empty().then(|| view! { <p>"None so far."</p> })}
                            <ul class="plain">
                                {a.statements.into_iter().map(|s| view! {
                                    <li>
                                        <details>
                                            <summary>
                                                {format!("{:.1} ms at most, {:.1} ms on average, {} run(s): ", s.max_ms, s.mean_ms, s.runs)}
                                                <code>{s.statement.chars().take(120).collect::<String>()}</code>
                                            </summary>
                                            <pre>{s.statement.clone()}</pre>
                                            <pre>{s.plan.join("\n")}</pre>
                                        </details>
                                    </li>
                                }).collect_view()}
                            </ul>
                            {(!a.hints.is_empty()).then(move || view! {
                                <h3>"Hints"</h3>
                                <ul data-testid="hints">
                                    {a.hints.into_iter().map(|h| view! { <li>{h.message}</li> }).collect_view()}
                                </ul>
                            })}
                            <button class="button big" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A panel the server would not fill: for a manager, plainly the owner's;
/// anything else as it came.
fn refused(e: AppError) -> impl IntoView {
    if e.code == ErrorCode::Forbidden {
        view! { <p class="hint" data-testid="owner-only">"Only the owner sees the database's indexes and slow statements."</p> }
            .into_any()
    } else {
        view! { <p class="notice error">{e.message}</p> }.into_any()
    }
}

fn figures_cells(f: &ReadFigures) -> impl IntoView + use<> {
    let ttl = if f.kind == "all" {
        String::new()
    } else if f.ttl_seconds == 0 {
        "not cached".into()
    } else {
        format!("{} s", f.ttl_seconds)
    };
    view! {
        <td>{ttl}</td>
        <td>{f.hits}</td>
        <td>{f.misses}</td>
        <td>{format!("{:.0} %", f.hit_ratio * 100.0)}</td>
        <td>{f.keys.map_or("–".to_string(), |k| k.to_string())}</td>
        <td>{f.memory_bytes.map_or("–".to_string(), size)}</td>
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
