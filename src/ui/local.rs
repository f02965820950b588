//! The till's own copy of the store, as the floor screens use it
//! (DESIGN.md "Two kinds of screens"): they read records from it and save
//! through the outbox, the same online or offline. Only the browser has a
//! copy; screens read it through `LocalResource`, which the server never
//! runs, so the server's versions below only have to exist.

use crate::domain::mutation::{EntityKind, Mutation};
use crate::ui::connection::ConnectionState;
#[cfg(feature = "hydrate")]
use leptos::prelude::Update;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// Every record of `entity` on this till.
pub async fn records<T: DeserializeOwned>(entity: EntityKind) -> Result<Vec<T>, String> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::store::records(entity)
            .await
            .map_err(|e| e.message())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = entity;
        Err(NO_COPY.into())
    }
}

#[cfg(not(feature = "hydrate"))]
const NO_COPY: &str = "Only a browser keeps a copy of the store.";

/// A change to one record of the till's copy: it was `before` (`None`:
/// new) and becomes `after` (`None`: removed).
pub struct Change<T> {
    pub entity: EntityKind,
    pub id: Uuid,
    pub before: Option<T>,
    pub after: Option<T>,
}

/// Saves `mutation` on this till: the record changes here at once and the
/// mutation waits in the outbox, in one transaction; then the sync loop is
/// woken to send it. An error means nothing was saved.
pub async fn save<T: Serialize>(
    connection: ConnectionState,
    mutation: Mutation,
    change: Change<T>,
) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        let json = |v: Option<T>| v.and_then(|v| serde_json::to_value(v).ok());
        let local = crate::client::store::Local::Record {
            entity: change.entity,
            id: change.id,
            before: json(change.before),
            after: json(change.after),
        };
        crate::client::store::queue(mutation, local)
            .await
            .map_err(|e| e.message())?;
        connection.pending.update(|p| *p += 1);
        connection.records_changed();
        connection.sync_now();
        Ok(())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (connection, mutation, change);
        Err(NO_COPY.into())
    }
}
