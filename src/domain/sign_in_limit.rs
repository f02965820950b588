//! How many wrong passwords a sign-in takes before it has to wait: per
//! account and per client address, counted over a sliding window. A PIN
//! has its own lockout on the employee (`services::auth`).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Failures allowed within `window` before the next try must wait; 0
/// failures switches the limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInLimit {
    pub failures: u32,
    pub window_minutes: u32,
}

/// What the failures are counted against. Its text is how the database
/// keeps it, so the same account is one subject on every instance.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// An e-mail address as typed, trimmed and lower-cased (known or not,
    /// so guessing which addresses exist costs the same).
    Account(String),
    /// The client's address.
    Address(String),
}

impl Subject {
    pub fn account(email: &str) -> Subject {
        Subject::Account(email.trim().to_lowercase())
    }

    pub fn key(&self) -> String {
        match self {
            Subject::Account(email) => format!("account:{email}"),
            Subject::Address(ip) => format!("address:{ip}"),
        }
    }
}

impl SignInLimit {
    pub fn window(&self) -> Duration {
        Duration::minutes(i64::from(self.window_minutes))
    }

    /// The oldest failure that still counts at `now`.
    pub fn counts_since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window()
    }

    /// How long a subject with these failures (any order) must wait at
    /// `now`: `None` if it may try now. Once `failures` are within the
    /// window, the next try waits until enough of them have aged out to
    /// leave room for one more.
    pub fn wait(&self, failed_at: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
        let allowed = self.failures as usize;
        let since = self.counts_since(now);
        let mut recent: Vec<_> = failed_at.iter().copied().filter(|t| *t > since).collect();
        if allowed == 0 || recent.len() < allowed {
            return None;
        }
        recent.sort_unstable();
        // With n counted failures, n − allowed + 1 must age out.
        let frees_room = recent[recent.len() - allowed];
        Some((frees_room + self.window() - now).max(Duration::seconds(1)))
    }
}

/// The limits a password sign-in is held to: one per account, one per
/// client address (looser: a shop's tills may share one address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInLimits {
    pub account: SignInLimit,
    pub address: SignInLimit,
}

impl SignInLimits {
    /// What a sign-in as `email` from `address` is counted against.
    pub fn subjects(&self, email: &str, address: Option<&str>) -> Vec<(Subject, SignInLimit)> {
        let mut subjects = vec![(Subject::account(email), self.account)];
        if let Some(ip) = address {
            subjects.push((Subject::Address(ip.to_string()), self.address));
        }
        subjects
    }
}

/// Whole seconds to wait, rounded up, as `Retry-After` wants.
pub fn retry_after_seconds(wait: Duration) -> i64 {
    let ms = wait.num_milliseconds().max(0);
    (ms + 999) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIMIT: SignInLimit = SignInLimit {
        failures: 10,
        window_minutes: 15,
    };

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("a time")
    }

    #[test]
    fn ten_wrong_passwords_in_a_row_make_the_eleventh_wait_a_window() {
        let failures: Vec<_> = (0..10).map(at).collect();
        assert_eq!(LIMIT.wait(&failures[..9], at(10)), None);
        let wait = LIMIT.wait(&failures, at(10)).expect("limited");
        // The first failure ages out 15 minutes after it happened.
        assert_eq!(wait, Duration::seconds(900 - 10));
        assert_eq!(LIMIT.wait(&failures, at(900)), None);
        assert_eq!(retry_after_seconds(wait), 890);
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let failures: Vec<_> = (0..10).map(|i| at(i * 100)).collect();
        // At 1,000 s only failures after 100 s count: nine of them.
        assert_eq!(LIMIT.wait(&failures, at(1000)), None);
    }

    #[test]
    fn subjects_name_accounts_without_case_or_spaces() {
        assert_eq!(
            Subject::account("  Owner@Demo.Test ").key(),
            "account:owner@demo.test"
        );
        assert_eq!(
            Subject::Address("10.0.0.7".into()).key(),
            "address:10.0.0.7"
        );
    }

    proptest! {
        /// Waiting exactly as long as told always lets the next try in, and
        /// a subject is only told to wait when it has used up its tries.
        #[test]
        fn waiting_as_told_is_enough(offsets in proptest::collection::vec(0i64..2_000, 0..30), now in 0i64..2_000) {
            let failures: Vec<_> = offsets.iter().map(|s| at(*s)).filter(|t| *t <= at(now)).collect();
            let counted = failures.iter().filter(|t| **t > LIMIT.counts_since(at(now))).count();
            match LIMIT.wait(&failures, at(now)) {
                None => prop_assert!(counted < 10),
                Some(wait) => {
                    prop_assert!(counted >= 10);
                    prop_assert!(wait > Duration::zero());
                    prop_assert_eq!(LIMIT.wait(&failures, at(now) + wait), None);
                }
            }
        }
    }
}
