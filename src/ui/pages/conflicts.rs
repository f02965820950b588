//! The store's open conflicts (managers): every edit that clashed with
//! another, from any till or screen, oldest first, each resolved in the
//! resolver.

use crate::api::conflicts::open_conflicts;
use crate::domain::conflict::label;
use crate::domain::event::Topic;
use crate::domain::mutation::Op;
use crate::till::live::use_live;
use crate::ui::components::conflict_resolver::use_conflict_dialog;
use crate::ui::components::guard::SignedIn;
use crate::ui::components::pager::Pager;
use crate::ui::format::use_store_format;
use leptos::prelude::*;

#[component]
pub fn ConflictsPage() -> impl IntoView {
    view! {
        <SignedIn manager=true>
            <OpenConflicts/>
        </SignedIn>
    }
}

#[component]
fn OpenConflicts() -> impl IntoView {
    let format = use_store_format();
    let offset = RwSignal::new(0u64);
    let dialog = use_conflict_dialog();
    // New and resolved conflicts show as they happen, from any screen or till.
    let live = use_live();
    let conflicts = Resource::new(
        move || {
            (
                offset.get(),
                dialog.resolved.get(),
                live.about(Topic::Conflict),
            )
        },
        |(offset, _, _)| open_conflicts(offset),
    );
    view! {
        <section class="card">
            <h1>"Conflicts to resolve"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match conflicts.await {
                        Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                        Ok(page) if page.items.is_empty() => view! {
                            <p class="notice" data-testid="no-conflicts">"Nothing to resolve: every edit has been merged or decided."</p>
                        }.into_any(),
                        Ok(page) => {
                            let (from, limit, shown, total) = (page.offset, page.limit, page.items.len(), page.total);
                            view! {
                                <table class="grid" data-testid="conflicts">
                                    <thead><tr><th>"When"</th><th>"What"</th><th>"Fields"</th><th></th></tr></thead>
                                    <tbody>
                                        {page.items.into_iter().map(|c| {
                                            let report = c.report.clone();
                                            let name = c.report.server.get("name").or_else(|| c.report.base.get("name"))
                                                .and_then(|n| n.as_str()).unwrap_or_default().to_string();
                                            let what = format!("{} {} {name}", c.report.entity.noun(),
                                                if c.report.op == Op::Delete { "removal" } else { "edit" });
                                            view! {
                                                <tr>
                                                    <td>{format.with_untracked(|f| f.time(c.created_at))}</td>
                                                    <td>{what}</td>
                                                    <td>{c.report.fields.iter().map(|f| label(f)).collect::<Vec<_>>().join(", ")}</td>
                                                    <td class="actions">
                                                        <button class="button" on:click=move |_| dialog.show(report.clone())>"Resolve"</button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <Pager offset=from limit shown total noun="open" at=offset/>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
