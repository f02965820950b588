//! The managers' pinned notes ("card terminal 2 is down, cash only"), at
//! the top of the checkout: read from the till's copy, so they show
//! offline too, and updated when a pull brings a change.

use crate::domain::mutation::EntityKind;
use crate::domain::note::Note;
use crate::till::connection::use_connection;
use crate::till::local;
use crate::ui::components::on_till::OnTill;
use leptos::prelude::*;

/// The pinned notes, newest first.
fn pinned(mut notes: Vec<Note>) -> Vec<Note> {
    notes.retain(|n| n.pinned);
    notes.sort_by_key(|n| std::cmp::Reverse(n.updated_at));
    notes
}

#[component]
pub fn FloorNotes() -> impl IntoView {
    let connection = use_connection();
    let notes = LocalResource::new(move || {
        connection.records.track();
        async {
            pinned(
                local::records::<Note>(EntityKind::Note)
                    .await
                    .unwrap_or_default(),
            )
        }
    });
    // A fixed element around the part only the browser renders, so the
    // server's HTML and hydration agree on what comes before the screen.
    view! {
        <div class="floor-notes-slot">
            <OnTill quiet=true>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let notes = notes.await;
                        (!notes.is_empty()).then(|| view! {
                            <ul class="floor-notes" aria-label="Notes from the managers" data-testid="floor-notes">
                                {notes.into_iter().map(|n| view! {
                                    <li><strong>{n.title}</strong>" "{n.body}</li>
                                }).collect_view()}
                            </ul>
                        })
                    })}
                </Transition>
            </OnTill>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn note(title: &str, pinned: bool, hour: u32) -> Note {
        Note {
            id: uuid::Uuid::nil(),
            title: title.into(),
            body: String::new(),
            pinned,
            updated_at: Utc.with_ymd_and_hms(2026, 12, 1, hour, 0, 0).unwrap(),
            sync_version: 1,
        }
    }

    #[test]
    fn only_pinned_notes_show_newest_first() {
        let shown = pinned(vec![
            note("old", true, 8),
            note("hidden", false, 9),
            note("new", true, 10),
        ]);
        let titles: Vec<&str> = shown.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["new", "old"]);
    }
}
