//! The store's paired tills, on the staff screen: when each was paired and
//! until when, and unpairing one at once (a lost or stolen tablet).

use crate::api::auth::{paired_tills, unpair_till};
use crate::domain::auth::TillPairing;
use crate::till::toasts::use_toasts;
use crate::ui::format::use_store_format;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn PairedTills() -> impl IntoView {
    let toasts = use_toasts();
    let format = use_store_format();
    let reload = RwSignal::new(0u32);
    let tills = Resource::new(move || reload.get(), |_| paired_tills());
    // Asked once, then confirmed: everyone on the till is signed out.
    let confirming = RwSignal::new(None::<Uuid>);
    let unpair = Action::new(move |id: &Uuid| unpair_till(*id));
    Effect::new(move |_| {
        if let Some(result) = unpair.value().get() {
            match result {
                Ok(()) => toasts.success("Unpaired. Anyone switched in on it is signed out."),
                Err(e) => toasts.error(e.message),
            }
            confirming.set(None);
            reload.update(|r| *r += 1);
        }
    });
    let row = move |t: TillPairing| {
        let now = chrono::Utc::now();
        let fmt = format.get_untracked();
        let state = match (t.unpaired_at, t.expires_at) {
            (Some(at), _) => format!("unpaired {}", fmt.date(at)),
            (None, Some(end)) if end > now => format!("until {}", fmt.date(end)),
            (None, Some(end)) => format!("ended {}", fmt.date(end)),
            (None, None) => "ended".to_string(),
        };
        let id = t.device_id;
        let paired = t.is_paired(now);
        view! {
            <tr class:inactive=!paired>
                <td>{t.name.clone()}</td>
                <td>{fmt.date(t.paired_at)} " · " {t.paired_by.clone()}</td>
                <td>{state}</td>
                <td class="actions">
                    {paired.then(|| view! {
                        <Show
                            when=move || confirming.get() == Some(id)
                            fallback=move || view! {
                                <button class="button" on:click=move |_| confirming.set(Some(id))>"Unpair"</button>
                            }
                        >
                            <button class="button danger" disabled=move || unpair.pending().get()
                                on:click=move |_| { unpair.dispatch(id); }>
                                {format!("Unpair {}: sign everyone out", t.name)}
                            </button>
                            <button class="button" on:click=move |_| confirming.set(None)>"Keep"</button>
                        </Show>
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <div class="card">
            <h2>"Tills"</h2>
            <p class="muted">"Browsers paired as tills. Unpair one that is lost or sold: its PIN sign-ins stop at once."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match tills.await {
                        Err(e) => view! { <p class="notice error">{e.message}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No till is paired yet. Pair one under Pair till."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="grid" data-testid="tills">
                                <thead><tr><th>"Till"</th><th>"Paired"</th><th>"Pairing"</th><th></th></tr></thead>
                                <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
