//! How a till knows whether it can reach the server, and when to try again.
//! Pure rules, so the browser code only feeds them events: the browser's
//! online/offline events, the heartbeat to `/api/health`, pushes, and the
//! store's socket opening and closing.

use serde::{Deserialize, Serialize};

/// What the navbar badge shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Link {
    Online,
    /// Online, and sending queued changes now.
    Syncing,
    Offline,
}

/// Something the till learnt about the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// The browser says it has a network (`online` event).
    BrowserOnline,
    /// The browser says it has none (`offline` event).
    BrowserOffline,
    /// The server answered the heartbeat or a request.
    Reached,
    /// A heartbeat or request got no answer (network error or timeout).
    Unreachable,
    PushStarted,
    PushFinished,
    /// The store's socket said hello: changes arrive as they happen.
    SocketOpened,
    /// The store's socket closed (the heartbeat decides whether the server
    /// is still there).
    SocketClosed,
}

/// The till's view of its connection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Connection {
    pub link: Link,
    /// Failed tries to reach the server since it was last reached.
    pub attempts: u32,
    /// When the till went offline, in milliseconds since the epoch.
    pub offline_since_ms: Option<f64>,
    /// The store's socket is open: what others change shows at once.
    pub live: bool,
}

/// What the screen should say or do after a signal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Change {
    Same,
    WentOffline,
    /// Back online after `offline_ms`: push the outbox; pull everything if
    /// the till was away long enough to have missed much.
    CameBack {
        offline_ms: f64,
    },
}

/// Offline longer than this, and the till pulls everything on return.
pub const FULL_PULL_AFTER_MS: f64 = 10_000.0;
/// How often the heartbeat asks `/api/health` until the server's answer
/// says (its `heartbeat_seconds` setting), and how long it waits.
pub const HEARTBEAT_EVERY_MS: u32 = 30_000;
pub const HEARTBEAT_TIMEOUT_MS: u32 = 5_000;

/// The heartbeat's period from the server's `heartbeat_seconds`: never
/// under its own timeout (nor above ten minutes, past which a till would
/// look online long after it went); nothing said keeps the default.
pub fn heartbeat_every_ms(server_seconds: Option<u64>) -> u32 {
    match server_seconds {
        Some(s) => (s.saturating_mul(1000)).clamp(u64::from(HEARTBEAT_TIMEOUT_MS), 600_000) as u32,
        None => HEARTBEAT_EVERY_MS,
    }
}

impl Default for Connection {
    fn default() -> Self {
        Connection {
            link: Link::Online,
            attempts: 0,
            offline_since_ms: None,
            live: false,
        }
    }
}

impl Connection {
    /// The state after `signal` arrives at `now_ms`, and what changed.
    pub fn on(self, signal: Signal, now_ms: f64) -> (Connection, Change) {
        let offline = |attempts| Connection {
            link: Link::Offline,
            attempts,
            offline_since_ms: self.offline_since_ms.or(Some(now_ms)),
            live: false,
        };
        let reached = Connection {
            link: if self.link == Link::Syncing {
                Link::Syncing
            } else {
                Link::Online
            },
            attempts: 0,
            offline_since_ms: None,
            live: self.live,
        };
        let was_offline = self.link == Link::Offline;
        let next = match signal {
            Signal::BrowserOffline => offline(self.attempts),
            Signal::Unreachable => offline(self.attempts + 1),
            // The browser having a network is not the server answering:
            // stay offline until the heartbeat gets through.
            Signal::BrowserOnline => self,
            Signal::Reached => reached,
            // A socket that opened is the server answering.
            Signal::SocketOpened => Connection {
                live: true,
                ..reached
            },
            Signal::SocketClosed => Connection {
                live: false,
                ..self
            },
            Signal::PushStarted if !was_offline => Connection {
                link: Link::Syncing,
                ..self
            },
            Signal::PushStarted => self,
            Signal::PushFinished if self.link == Link::Syncing => Connection {
                link: Link::Online,
                ..self
            },
            Signal::PushFinished => self,
        };
        let change = match (was_offline, next.link == Link::Offline) {
            (false, true) => Change::WentOffline,
            (true, false) => Change::CameBack {
                offline_ms: self.offline_since_ms.map_or(0.0, |t| (now_ms - t).max(0.0)),
            },
            _ => Change::Same,
        };
        (next, change)
    }
}

/// Whether a failed request is worth sending again: no answer at all, a
/// timeout (408), too many requests (429) or a server fault (5xx). Any
/// other 4xx will fail the same way every time.
pub fn worth_retrying(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(s) => s == 408 || s == 429 || (500..600).contains(&s),
    }
}

/// How long a till waits before opening the store's socket again after
/// `failures` tries in a row that did not get through: 1 s doubling to
/// 30 s, each stretched by up to a quarter at random (`jitter` in 0..1) so
/// tills that lost the server together do not all come back at once —
/// at the cap too, or they would come back in step every 30 s.
pub fn reconnect_delay_ms(failures: u32, jitter: f64) -> Option<u32> {
    const CAP_MS: u32 = 30_000;
    if failures == 0 {
        return None;
    }
    // Past 2^5 s the cap holds; the shift never overflows.
    let base = (1000u64 << (failures - 1).min(6)).min(u64::from(CAP_MS)) as u32;
    Some(base + (f64::from(base) * 0.25 * jitter.clamp(0.0, 1.0)) as u32)
}

/// Tries after the first, and how long to wait before each: 1 s, 2 s, 4 s,
/// each stretched by up to a quarter at random (`jitter` in 0..1) so tills
/// that lost the network together do not all come back in the same instant.
pub const RETRIES: u32 = 3;
pub fn retry_delay_ms(retry: u32, jitter: f64) -> Option<u32> {
    if retry == 0 || retry > RETRIES {
        return None;
    }
    let base = 1000u32 << (retry - 1);
    Some(base + (f64::from(base) * 0.25 * jitter.clamp(0.0, 1.0)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tills_at_the_cap_still_come_back_spread_out() {
        let early = reconnect_delay_ms(12, 0.0).unwrap();
        let late = reconnect_delay_ms(12, 0.99).unwrap();
        assert_eq!(early, 30_000);
        assert!(late > early + 7_000, "{early} {late}");
    }

    #[test]
    fn the_server_sets_the_heartbeat_within_sane_bounds() {
        assert_eq!(heartbeat_every_ms(None), HEARTBEAT_EVERY_MS);
        assert_eq!(heartbeat_every_ms(Some(12)), 12_000);
        assert_eq!(heartbeat_every_ms(Some(0)), HEARTBEAT_TIMEOUT_MS);
        assert_eq!(heartbeat_every_ms(Some(u64::MAX)), 600_000);
    }
    use proptest::prelude::*;

    #[test]
    fn going_offline_and_coming_back_counts_attempts_and_time() {
        let c = Connection::default();
        let (c, change) = c.on(Signal::BrowserOffline, 1_000.0);
        assert_eq!((c.link, change), (Link::Offline, Change::WentOffline));
        let (c, _) = c.on(Signal::Unreachable, 2_000.0);
        let (c, change) = c.on(Signal::BrowserOnline, 3_000.0);
        assert_eq!(
            (c.link, c.attempts, change),
            (Link::Offline, 1, Change::Same)
        );
        let (c, change) = c.on(Signal::Reached, 13_000.0);
        assert_eq!(c, Connection::default());
        assert_eq!(
            change,
            Change::CameBack {
                offline_ms: 12_000.0
            }
        );
    }

    #[test]
    fn a_push_shows_as_syncing_only_while_online() {
        let (c, _) = Connection::default().on(Signal::PushStarted, 0.0);
        assert_eq!(c.link, Link::Syncing);
        let (c, _) = c.on(Signal::Reached, 1.0);
        assert_eq!(c.link, Link::Syncing);
        let (c, _) = c.on(Signal::PushFinished, 2.0);
        assert_eq!(c.link, Link::Online);
        let (off, _) = c.on(Signal::Unreachable, 3.0);
        assert_eq!(off.on(Signal::PushStarted, 4.0).0.link, Link::Offline);
    }

    #[test]
    fn only_network_errors_timeouts_throttling_and_server_faults_are_retried() {
        for s in [None, Some(408), Some(429), Some(500), Some(503)] {
            assert!(worth_retrying(s), "{s:?}");
        }
        for s in [
            Some(400),
            Some(401),
            Some(403),
            Some(404),
            Some(409),
            Some(422),
        ] {
            assert!(!worth_retrying(s), "{s:?}");
        }
    }

    #[test]
    fn the_socket_makes_the_till_live_and_offline_ends_it() {
        let (c, change) = Connection::default().on(Signal::SocketOpened, 0.0);
        assert!(c.live);
        assert_eq!(change, Change::Same);
        let (c, _) = c.on(Signal::PushStarted, 1.0);
        assert!(c.live, "pushing does not close the socket");
        let (closed, change) = c.on(Signal::SocketClosed, 2.0);
        assert!(!closed.live);
        assert_eq!(change, Change::Same, "a closed socket alone is not offline");
        let (off, _) = c.on(Signal::BrowserOffline, 3.0);
        assert!(!off.live);
        let (back, change) = off.on(Signal::SocketOpened, 4.0);
        assert!(back.live && back.link == Link::Online);
        assert!(matches!(change, Change::CameBack { .. }));
    }

    proptest! {
        #[test]
        fn reconnects_wait_one_second_doubling_to_thirty_with_jitter(failures in 1u32..100, jitter in 0.0f64..1.0) {
            let d = reconnect_delay_ms(failures, jitter).unwrap();
            let base = (1000u64 << (failures - 1).min(20)).min(30_000) as u32;
            prop_assert!(d >= base && d <= base + base / 4);
            prop_assert!(d <= 37_500);
            prop_assert_eq!(reconnect_delay_ms(0, jitter), None);
            if failures >= 2 {
                let before = reconnect_delay_ms(failures - 1, 0.0).unwrap();
                prop_assert!(reconnect_delay_ms(failures, 0.0).unwrap() >= before);
            }
        }

        #[test]
        fn retries_wait_one_two_four_seconds_with_at_most_a_quarter_more(jitter in 0.0f64..1.0) {
            for (retry, base) in [(1, 1000), (2, 2000), (3, 4000)] {
                let d = retry_delay_ms(retry, jitter).unwrap();
                prop_assert!(d >= base && d <= base + base / 4);
            }
            prop_assert_eq!(retry_delay_ms(4, jitter), None);
            prop_assert_eq!(retry_delay_ms(0, jitter), None);
        }

        #[test]
        fn any_signals_leave_a_consistent_state(signals in proptest::collection::vec(0u8..8, 0..40)) {
            let mut c = Connection::default();
            for (i, s) in signals.into_iter().enumerate() {
                let signal = [Signal::BrowserOnline, Signal::BrowserOffline, Signal::Reached,
                    Signal::Unreachable, Signal::PushStarted, Signal::PushFinished,
                    Signal::SocketOpened, Signal::SocketClosed][s as usize];
                c = c.on(signal, i as f64).0;
                prop_assert_eq!(c.link == Link::Offline, c.offline_since_ms.is_some());
                if c.link != Link::Offline { prop_assert_eq!(c.attempts, 0); }
                // Offline is never live.
                prop_assert!(!(c.live && c.link == Link::Offline));
            }
        }
    }
}
