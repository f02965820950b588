//! What the store's socket has told this page (docs/ARCHITECTURE.md,
//! "Realtime"), for screens to react to: back-office lists refresh when
//! their kind of record changed, and a screen showing a record can tell
//! the person when it changed underneath them. The till's own copy is
//! brought up to date by `client` before screens hear of it.

use crate::domain::event::{StoreEvent, Topic};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Copy)]
pub struct Live {
    /// How many batches of events about each topic arrived.
    heard: RwSignal<BTreeMap<&'static str, u32>>,
    /// The newest batch.
    latest: RwSignal<Vec<StoreEvent>>,
}

impl Live {
    /// A batch of events arrived (and the till's copy has them).
    pub fn heard(&self, events: Vec<StoreEvent>) {
        if events.is_empty() {
            return;
        }
        self.heard.update(|heard| {
            let topics: std::collections::BTreeSet<&'static str> =
                events.iter().map(|e| e.name.topic.as_str()).collect();
            for topic in topics {
                *heard.entry(topic).or_default() += 1;
            }
        });
        self.latest.set(events);
    }

    /// Changes whenever events about `topic` arrive: put it in a
    /// resource's source to read again then.
    pub fn about(&self, topic: Topic) -> u32 {
        self.heard
            .with(|heard| heard.get(topic.as_str()).copied().unwrap_or_default())
    }

    /// The newest batch of events (tracked).
    pub fn latest(&self) -> Vec<StoreEvent> {
        self.latest.get()
    }
}

pub fn provide_live() -> Live {
    let live = Live {
        heard: RwSignal::new(BTreeMap::new()),
        latest: RwSignal::new(Vec::new()),
    };
    provide_context(live);
    live
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}
