//! The rooms of one instance: a bounded broadcast channel per store that
//! has a socket here. A message is serialised once and shared by every
//! socket of the room; a socket more than `ROOM_CAPACITY` messages behind
//! is told it lagged (and is dropped), so a slow till costs the server a
//! fixed amount of memory, whatever the rate of events.

use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;
use uuid::Uuid;

/// Messages a room keeps for its slowest socket.
pub const ROOM_CAPACITY: usize = 256;

/// Roles, in the order `Event` keeps their frames (`Role as usize`).
pub const ROLES: usize = 3;

/// A message to the sockets of one store.
#[derive(Debug)]
pub enum Outgoing {
    /// The events of one transaction, each as each role hears it
    /// (`None`: not at all), in order.
    Events(Vec<[Option<Utf8Bytes>; ROLES]>),
    /// For everyone.
    Notice(Utf8Bytes),
    /// These sessions ended: their sockets close.
    SessionsEnded(Vec<Uuid>),
}

#[derive(Default)]
pub struct Hub {
    rooms: Mutex<HashMap<Uuid, broadcast::Sender<Arc<Outgoing>>>>,
}

impl Hub {
    fn rooms(&self) -> MutexGuard<'_, HashMap<Uuid, broadcast::Sender<Arc<Outgoing>>>> {
        // A panic while holding the lock leaves the map intact.
        self.rooms.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A socket of `store_id` starts listening; it hears every message
    /// sent to the room from now on. Dropping the seat leaves the room.
    pub fn join(self: &Arc<Self>, store_id: Uuid) -> Seat {
        let receiver = self
            .rooms()
            .entry(store_id)
            .or_insert_with(|| broadcast::channel(ROOM_CAPACITY).0)
            .subscribe();
        Seat {
            hub: self.clone(),
            store_id,
            receiver: Some(receiver),
        }
    }

    /// Whether any socket of the store listens here.
    pub fn listening(&self, store_id: Uuid) -> bool {
        self.rooms()
            .get(&store_id)
            .is_some_and(|room| room.receiver_count() > 0)
    }

    pub fn send(&self, store_id: Uuid, message: Arc<Outgoing>) {
        if let Some(room) = self.rooms().get(&store_id) {
            // No receiver left: nothing to do.
            let _ = room.send(message);
        }
    }

    /// To every room.
    pub fn send_all(&self, message: Arc<Outgoing>) {
        for room in self.rooms().values() {
            let _ = room.send(message.clone());
        }
    }

    /// Sockets listening on this instance.
    pub fn sockets(&self) -> usize {
        self.rooms().values().map(|r| r.receiver_count()).sum()
    }
}

/// One socket's place in its store's room.
pub struct Seat {
    hub: Arc<Hub>,
    store_id: Uuid,
    receiver: Option<broadcast::Receiver<Arc<Outgoing>>>,
}

impl Seat {
    pub async fn next(&mut self) -> Result<Arc<Outgoing>, broadcast::error::RecvError> {
        match &mut self.receiver {
            Some(r) => r.recv().await,
            None => Err(broadcast::error::RecvError::Closed),
        }
    }

    /// The next message if one is waiting (a lag counts as one).
    pub fn try_next(&mut self) -> Option<Result<Arc<Outgoing>, broadcast::error::RecvError>> {
        use broadcast::error::{RecvError, TryRecvError};
        match self.receiver.as_mut()?.try_recv() {
            Ok(message) => Some(Ok(message)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Lagged(n)) => Some(Err(RecvError::Lagged(n))),
            Err(TryRecvError::Closed) => Some(Err(RecvError::Closed)),
        }
    }
}

impl Drop for Seat {
    /// The last socket of a store closes its room (under the lock, so a
    /// socket joining meanwhile keeps it).
    fn drop(&mut self) {
        drop(self.receiver.take());
        let mut rooms = self.hub.rooms();
        if rooms
            .get(&self.store_id)
            .is_some_and(|room| room.receiver_count() == 0)
        {
            rooms.remove(&self.store_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(text: &'static str) -> Arc<Outgoing> {
        Arc::new(Outgoing::Notice(Utf8Bytes::from_static(text)))
    }

    #[tokio::test]
    async fn a_room_hears_only_its_store_and_closes_with_its_last_socket() {
        let hub = Arc::new(Hub::default());
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut seat = hub.join(a);
        let other = hub.join(b);
        assert_eq!(hub.sockets(), 2);
        hub.send(b, notice("for b"));
        hub.send(a, notice("for a"));
        match &*seat.next().await.unwrap() {
            Outgoing::Notice(text) => assert_eq!(text.as_str(), "for a"),
            other => panic!("{other:?}"),
        }
        drop(other);
        assert!(!hub.listening(b));
        assert!(hub.rooms().get(&b).is_none());
        assert!(hub.listening(a));
    }

    #[tokio::test]
    async fn a_socket_that_falls_behind_is_told_so_and_nothing_grows() {
        let hub = Arc::new(Hub::default());
        let store = Uuid::from_u128(1);
        let mut slow = hub.join(store);
        for _ in 0..ROOM_CAPACITY + 10 {
            hub.send(store, notice("x"));
        }
        assert!(matches!(
            slow.next().await,
            Err(broadcast::error::RecvError::Lagged(10))
        ));
    }
}
