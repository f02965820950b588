//! Resolves a conflict: the version both edits started from, theirs (the
//! server's) and mine side by side, the clashing fields marked, and three
//! ways out: keep theirs, keep mine, or pick field by field.

use crate::api::conflicts::resolve_conflict;
use crate::domain::conflict::{
    ConflictReport, Resolution, Resolved, Side, Strategy, fields_of, label, show, shown_fields,
};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::Op;
use crate::till::connection::{ConnectionState, use_connection};
use crate::till::local;
use crate::till::toasts::{Toasts, use_toasts};
use crate::ui::components::piece::{Fetched, PieceMissing, PieceUnreachable};
use crate::ui::components::record_names::names_of;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[component]
pub fn ConflictResolver(
    report: ConflictReport,
    /// Called with the outcome, or `None` when closed unresolved.
    on_done: Callback<Option<Resolved>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let connection = use_connection();
    let (base, theirs, mine) = (
        fields_of(&report.base),
        fields_of(&report.server),
        fields_of(&report.client),
    );
    let removal = report.op == Op::Delete;
    let deleted_meanwhile = report.server.is_null();
    let picks = RwSignal::new(
        report
            .fields
            .iter()
            .map(|f| (f.clone(), Side::Server))
            .collect::<BTreeMap<_, _>>(),
    );
    let conflict_id = report.conflict_id;
    let resolve = Action::new(move |strategy: &Strategy| {
        let choice = Resolution {
            conflict_id,
            strategy: strategy.clone(),
            fields: picks.get_untracked(),
        };
        resolve_conflict(choice)
    });
    Effect::new(move |_| {
        let Some(result) = resolve.value().get() else {
            return;
        };
        match result {
            Ok(resolved) => {
                forget(conflict_id, connection);
                toasts.success("Resolved. Everyone now sees the version you chose.");
                on_done.run(Some(resolved));
            }
            // Resolved elsewhere meanwhile, or the record is gone: nothing
            // is left to choose here.
            Err(e)
                if e.code == ErrorCode::NotFound
                    || (e.code == ErrorCode::Conflict && e.conflict.is_none()) =>
            {
                forget(conflict_id, connection);
                toasts.error(e.message);
                on_done.run(None);
            }
            Err(e) => toasts.error(e.message),
        }
    });
    let what = report.entity.noun();
    let heading = if removal {
        format!("You removed this {what}; someone else changed it meanwhile")
    } else if deleted_meanwhile {
        format!("Someone removed this {what} while you were editing it")
    } else {
        format!("Someone else changed this {what} meanwhile")
    };
    let fields = report.fields.clone();
    let rows = shown_fields(&report);
    let names = names_of(&rows, &[&base, &theirs, &mine]);
    let named = move |text: String| {
        Signal::derive(move || {
            names
                .with(|n| n.get(&text).cloned())
                .unwrap_or_else(|| text.clone())
        })
    };
    let table = rows
        .into_iter()
        .map(|name| {
            let clash = fields.contains(&name);
            let cell = |fields: &crate::domain::conflict::Fields| {
                show(&name, fields.get(&name).unwrap_or(&serde_json::Value::Null))
            };
            let (was, their, my) = (
                cell(&base),
                if deleted_meanwhile {
                    "(removed)".into()
                } else {
                    cell(&theirs)
                },
                if removal {
                    "(removed)".into()
                } else {
                    cell(&mine)
                },
            );
            let choosable = clash && !removal && !deleted_meanwhile;
            // A side that changed the field: its value is the one kept.
            let was_value = base.get(&name);
            let (their_change, my_change) = (
                !deleted_meanwhile && theirs.get(&name) != was_value,
                !removal && mine.get(&name) != was_value,
            );
            let (heading, row) = (label(&name), name.clone());
            view! {
                <tr class:clash=clash data-field=row>
                    <th scope="row">{heading}</th>
                    <td>{named(was)}</td>
                    <PickCell field=name.clone() side=Side::Server text=named(their) changed=their_change picks choosable/>
                    <PickCell field=name side=Side::Client text=named(my) changed=my_change picks choosable/>
                </tr>
            }
        })
        .collect_view();
    let busy = move || resolve.pending().get();
    let manual = !removal && !deleted_meanwhile && !report.fields.is_empty();
    let (keep_theirs, keep_mine) = match (removal, deleted_meanwhile) {
        (true, _) => ("Keep it (theirs)", "Remove it (mine)"),
        (_, true) => (
            "Leave it removed (theirs)",
            "Bring it back as I edited it (mine)",
        ),
        _ => ("Keep theirs", "Keep mine"),
    };
    view! {
        <ResolverBox on_done testid="conflict-resolver">
            <h2>{heading}</h2>
            <p class="hint">
                "Rows marked ⚠ were changed on both sides: choose which to keep. A value marked ✎ was changed on one side only and is kept whatever you choose."
            </p>
            <table class="grid resolver">
                <thead>
                    <tr><th>"Field"</th><th>"Before"</th><th>"Theirs (now saved)"</th><th>"Mine"</th></tr>
                </thead>
                <tbody>{table}</tbody>
            </table>
            <div class="row">
                <button class="button big" disabled=busy on:click=move |_| { resolve.dispatch(Strategy::Server); }>
                    {keep_theirs}
                </button>
                <button class="button big" disabled=busy on:click=move |_| { resolve.dispatch(Strategy::Client); }>
                    {keep_mine}
                </button>
                <Show when=move || manual>
                    <button class="button primary big" disabled=busy on:click=move |_| { resolve.dispatch(Strategy::Manual); }>
                        "Use my picks"
                    </button>
                </Show>
                <button class="button big subtle" disabled=busy on:click=move |_| on_done.run(None)>
                    "Decide later"
                </button>
            </div>
        </ResolverBox>
    }
}

/// The resolver's dialog box, whatever it holds (the resolver, or the
/// notice that its piece did not arrive): Escape closes it unresolved.
#[component]
fn ResolverBox(
    on_done: Callback<Option<Resolved>>,
    #[prop(optional)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="dialog-backdrop">
            <div
                class="dialog card"
                role="dialog"
                aria-label="Resolve a conflict"
                data-testid=testid
                on:keydown=move |ev| if ev.key() == "Escape" { on_done.run(None) }
            >
                {children()}
            </div>
        </div>
    }
}

/// One side's value of a field; for a clashing field, also the choice of
/// that side (a big tap target).
#[component]
fn PickCell(
    field: String,
    side: Side,
    text: Signal<String>,
    /// This side changed the field since the version both started from.
    changed: bool,
    picks: RwSignal<BTreeMap<String, Side>>,
    choosable: bool,
) -> impl IntoView {
    if !choosable {
        return view! { <td class:changed=changed>{text}</td> }.into_any();
    }
    let chosen = {
        let field = field.clone();
        move || picks.with(|p| p.get(&field) == Some(&side))
    };
    let group = format!("pick-{field}");
    let value = if side == Side::Server {
        "server"
    } else {
        "client"
    };
    view! {
        <td>
            <label class="pick">
                <input type="radio" name=group value=value prop:checked=chosen
                    on:change=move |_| picks.update(|p| { p.insert(field.clone(), side); })/>
                {text}
            </label>
        </td>
    }
    .into_any()
}

/// Drops a resolved conflict from this till's list and fetches the
/// record as it now is.
fn forget(conflict_id: uuid::Uuid, connection: ConnectionState) {
    leptos::task::spawn_local(local::forget_conflict(connection, conflict_id));
}

/// The one resolver every screen opens: a form whose save comes back as
/// a stored conflict hands it here, and so do the till's list and the
/// managers' page.
#[derive(Clone, Copy)]
pub struct ConflictDialog {
    open: RwSignal<Option<ConflictReport>>,
    /// Bumped when a conflict is resolved, so lists that show the record
    /// read it again.
    pub resolved: RwSignal<u32>,
    toasts: Toasts,
}

impl ConflictDialog {
    /// Opens the resolver on `report`.
    pub fn show(&self, report: ConflictReport) {
        self.open.set(Some(report));
    }

    /// Shows a refusal: a stored conflict in the resolver (kept on this
    /// device until resolved), anything else as a toast.
    pub fn refused(&self, e: AppError) {
        match e.conflict {
            Some(report) => {
                let (kept, toasts) = ((*report).clone(), self.toasts);
                leptos::task::spawn_local(async move {
                    // Not fatal: the server keeps the conflict for the
                    // managers' list; say so rather than hide it.
                    if !local::keep_conflict(&kept).await {
                        toasts.error(
                            "This device could not keep the conflict; it stays on the managers' Conflicts list.",
                        );
                    }
                });
                self.show(*report);
            }
            None => self.toasts.error(e.message),
        }
    }
}

pub fn provide_conflict_dialog() {
    provide_context(ConflictDialog {
        open: RwSignal::new(None),
        resolved: RwSignal::new(0),
        toasts: use_toasts(),
    });
}

pub fn use_conflict_dialog() -> ConflictDialog {
    expect_context::<ConflictDialog>()
}

/// Where the resolver appears, above every screen. It is a piece of the
/// client of its own, fetched the first time a conflict is shown, as most
/// tills never see one; the service worker keeps it with the rest of the
/// build, so it opens offline too. If it does not arrive, the dialog says
/// so and offers Try again (`components::piece`).
#[component]
pub fn ConflictHost() -> impl IntoView {
    let dialog = use_conflict_dialog();
    let done = Callback::new(move |outcome: Option<Resolved>| {
        dialog.open.set(None);
        if outcome.is_some() {
            dialog.resolved.update(|n| *n += 1);
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || {
                dialog.open.get().map(|report| Suspend::new(async move {
                    match resolver(report.clone(), done).await {
                        Ok(view) => view,
                        Err(PieceUnreachable) => resolver_missing(report, dialog, done).into_any(),
                    }
                }))
            }}
        </Suspense>
    }
}

#[leptos::wasm_split::wasm_split(conflict_resolver, fallible, wasm_split_path = ::leptos::wasm_split)]
fn resolver(report: ConflictReport, on_done: Callback<Option<Resolved>>) -> Fetched {
    Ok(view! { <ConflictResolver report on_done/> }.into_any())
}

/// The resolver's dialog when its piece did not arrive: Try again shows
/// the same conflict anew, which fetches the piece again.
fn resolver_missing(
    report: ConflictReport,
    dialog: ConflictDialog,
    done: Callback<Option<Resolved>>,
) -> impl IntoView {
    let retry = Callback::new(move |()| dialog.open.set(Some(report.clone())));
    view! {
        <ResolverBox on_done=done>
            <PieceMissing retry/>
            <div class="row">
                <button class="button" type="button" on:click=move |_| done.run(None)>
                    "Close"
                </button>
            </div>
        </ResolverBox>
    }
}

/// The conflicts this till's edits ran into, under the banner, each with
/// the resolver a tap away. They stay on the till until resolved.
#[component]
pub fn TillConflicts() -> impl IntoView {
    let connection = use_connection();
    let dialog = use_conflict_dialog();
    let reports = LocalResource::new(move || {
        connection.conflicts.track();
        local::conflicts()
    });
    view! {
        <Show when=move || { connection.conflicts.get() > 0 }>
            <div class="banner conflicts" role="alert" data-testid="till-conflicts">
                <span>
                    {move || format!(
                        "{} change(s) made here clash with edits made elsewhere. Choose which version to keep.",
                        connection.conflicts.get()
                    )}
                </span>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        reports.await.into_iter().map(|r| {
                            let what = format!("{} {}", r.entity.noun(), r.fields.iter().map(|f| label(f)).collect::<Vec<_>>().join(", "));
                            let report = r.clone();
                            view! {
                                <button class="button" on:click=move |_| dialog.show(report.clone())>
                                    {format!("Resolve: {what}")}
                                </button>
                            }
                        }).collect_view()
                    })}
                </Suspense>
            </div>
        </Show>
    }
}
