//! Runtime settings: `Leptos.toml`, then the environment on top. Secrets in
//! URLs are kept out of `Debug` output.

use crate::domain::cache::CachedRead;
use crate::domain::sign_in_limit::{SignInLimit, SignInLimits};
use serde::Deserialize;
use std::net::SocketAddr;

/// The environment variables that override `[cache_ttl_seconds]`.
pub const CACHE_TTL_VARIABLES: [(CachedRead, &str); 6] = [
    (CachedRead::Products, "TILLWISE_CACHE_TTL_PRODUCTS"),
    (CachedRead::Customers, "TILLWISE_CACHE_TTL_CUSTOMERS"),
    (CachedRead::Sales, "TILLWISE_CACHE_TTL_SALES"),
    (CachedRead::Categories, "TILLWISE_CACHE_TTL_CATEGORIES"),
    (CachedRead::Reports, "TILLWISE_CACHE_TTL_REPORTS"),
    (CachedRead::Settings, "TILLWISE_CACHE_TTL_SETTINGS"),
];

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub site_addr: SocketAddr,
    pub database_url: String,
    #[serde(default)]
    pub redis_url: String,
    /// Keys and channels on a shared Redis start with this.
    #[serde(default = "default_redis_prefix")]
    pub redis_prefix: String,
    #[serde(default = "default_log_level")]
    pub log_level: String,
    #[serde(default)]
    pub log_format: LogFormat,
    #[serde(default)]
    pub seed_demo: bool,
    /// The first store and its owner, made in an empty database (from the
    /// environment only: a password does not belong in a file).
    #[serde(skip)]
    pub first_owner: Option<FirstOwner>,
    /// The audit seal's keys, `id:hex[,id:hex…]` (from the environment
    /// only: a secret does not belong in a file others read). Empty: the
    /// key file's.
    #[serde(skip)]
    pub audit_key: String,
    /// Where the audit seal's keys are kept when `TILLWISE_AUDIT_KEY` is
    /// not set; made with a new key on first start.
    #[serde(default = "default_audit_key_file")]
    pub audit_key_file: String,
    #[serde(default = "default_session_hours")]
    pub session_hours: i64,
    #[serde(default)]
    pub cookie_secure: bool,
    /// Days a till stays paired before a manager pairs it again (the
    /// device cookie's age, and the server's end of it).
    #[serde(default = "default_till_pairing_days")]
    pub till_pairing_days: std::num::NonZeroU16,
    #[serde(default = "default_heartbeat")]
    pub heartbeat_seconds: u64,
    /// How often the server pings each socket; one silent for two pings
    /// is dropped.
    #[serde(default = "default_socket_ping")]
    pub socket_ping_seconds: u64,
    #[serde(default)]
    pub cache_ttl_seconds: CacheTtls,
    /// The in-process cache's bound (without Redis it is the cache; with
    /// Redis it keeps this instance's hot answers next to it).
    #[serde(default = "default_cache_memory_mb")]
    pub cache_memory_mb: u64,
    /// After writing a group of several online sales, how long a store's
    /// writer waits for the tills just answered to send their next one, so
    /// busy tills share one group instead of alternating between two.
    #[serde(default = "default_group_commit_wait_us")]
    pub group_commit_wait_us: u64,
    /// A statement that takes this long or longer is listed as slow.
    #[serde(default = "default_slow_query_ms")]
    pub slow_query_ms: u64,
    /// Wrong passwords allowed per account and per client address.
    #[serde(default = "default_sign_in_limits")]
    pub sign_in_limits: SignInLimits,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheTtls {
    pub products: u64,
    pub customers: u64,
    pub sales: u64,
    pub categories: u64,
    pub reports: u64,
    pub settings: u64,
}

impl CacheTtls {
    /// Seconds a `read` stays cached; 0 means it is not cached.
    pub fn of(&self, read: CachedRead) -> u64 {
        match read {
            CachedRead::Products => self.products,
            CachedRead::Customers => self.customers,
            CachedRead::Sales => self.sales,
            CachedRead::Categories => self.categories,
            CachedRead::Reports => self.reports,
            CachedRead::Settings => self.settings,
        }
    }

    fn of_mut(&mut self, read: CachedRead) -> &mut u64 {
        match read {
            CachedRead::Products => &mut self.products,
            CachedRead::Customers => &mut self.customers,
            CachedRead::Sales => &mut self.sales,
            CachedRead::Categories => &mut self.categories,
            CachedRead::Reports => &mut self.reports,
            CachedRead::Settings => &mut self.settings,
        }
    }
}

impl Default for CacheTtls {
    fn default() -> Self {
        CacheTtls {
            products: 300,
            customers: 180,
            sales: 60,
            categories: 600,
            reports: 600,
            settings: 900,
        }
    }
}

fn default_log_level() -> String {
    "info".into()
}
fn default_audit_key_file() -> String {
    "data/audit.key".into()
}
fn default_session_hours() -> i64 {
    12
}
fn default_till_pairing_days() -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(90).expect("not zero")
}
fn default_heartbeat() -> u64 {
    30
}
fn default_socket_ping() -> u64 {
    20
}
fn default_cache_memory_mb() -> u64 {
    64
}
fn default_group_commit_wait_us() -> u64 {
    0
}
fn default_slow_query_ms() -> u64 {
    50
}
fn default_sign_in_limits() -> SignInLimits {
    SignInLimits {
        account: SignInLimit {
            failures: 10,
            window_minutes: 15,
        },
        address: SignInLimit {
            failures: 50,
            window_minutes: 15,
        },
    }
}
fn default_redis_prefix() -> String {
    "tillwise".into()
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {source}")]
    Parse {
        path: String,
        source: toml::de::Error,
    },
    #[error("{name}={value:?} is not valid: {problem}")]
    Env {
        name: &'static str,
        value: String,
        problem: String,
    },
}

impl Settings {
    /// Reads `path` (default `Leptos.toml`, or `TILLWISE_CONFIG`) and applies
    /// the environment overrides.
    pub fn load() -> Result<Settings, SettingsError> {
        let path = std::env::var("TILLWISE_CONFIG").unwrap_or_else(|_| "Leptos.toml".into());
        let text = std::fs::read_to_string(&path).map_err(|source| SettingsError::Read {
            path: path.clone(),
            source,
        })?;
        let settings: Settings =
            toml::from_str(&text).map_err(|source| SettingsError::Parse { path, source })?;
        settings.with_env(|name| std::env::var(name).ok())
    }

    /// Applies overrides from `env` (a lookup, so tests need not touch the
    /// process environment).
    pub fn with_env(
        mut self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, SettingsError> {
        fn parsed<T: std::str::FromStr>(
            name: &'static str,
            value: String,
        ) -> Result<T, SettingsError>
        where
            T::Err: std::fmt::Display,
        {
            value.parse().map_err(|e: T::Err| SettingsError::Env {
                name,
                value,
                problem: e.to_string(),
            })
        }
        if let Some(v) = env("LEPTOS_SITE_ADDR") {
            self.site_addr = parsed("LEPTOS_SITE_ADDR", v)?;
        }
        if let Some(v) = env("DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = env("REDIS_URL") {
            self.redis_url = v;
        }
        if let Some(v) = env("TILLWISE_REDIS_PREFIX") {
            self.redis_prefix = v;
        }
        if let Some(v) = env("RUST_LOG") {
            self.log_level = v;
        }
        if let Some(v) = env("TILLWISE_LOG_FORMAT") {
            self.log_format = match v.as_str() {
                "json" => LogFormat::Json,
                "human" => LogFormat::Human,
                _ => {
                    return Err(SettingsError::Env {
                        name: "TILLWISE_LOG_FORMAT",
                        value: v,
                        problem: "use human or json".into(),
                    });
                }
            };
        }
        if let Some(v) = env("TILLWISE_SEED_DEMO") {
            self.seed_demo = parsed("TILLWISE_SEED_DEMO", v)?;
        }
        if let (Some(email), Some(password)) = (
            env("TILLWISE_FIRST_OWNER_EMAIL"),
            env("TILLWISE_FIRST_OWNER_PASSWORD"),
        ) {
            self.first_owner = Some(FirstOwner {
                store_name: env("TILLWISE_FIRST_STORE").unwrap_or_else(|| "My Store".into()),
                name: env("TILLWISE_FIRST_OWNER_NAME").unwrap_or_else(|| "Owner".into()),
                email,
                password,
            });
        }
        if let Some(v) = env("TILLWISE_AUDIT_KEY") {
            self.audit_key = v;
        }
        if let Some(v) = env("TILLWISE_AUDIT_KEY_FILE") {
            self.audit_key_file = v;
        }
        if let Some(v) = env("TILLWISE_SESSION_HOURS") {
            self.session_hours = parsed("TILLWISE_SESSION_HOURS", v)?;
        }
        if let Some(v) = env("TILLWISE_COOKIE_SECURE") {
            self.cookie_secure = parsed("TILLWISE_COOKIE_SECURE", v)?;
        }
        if let Some(v) = env("TILLWISE_TILL_PAIRING_DAYS") {
            self.till_pairing_days = parsed("TILLWISE_TILL_PAIRING_DAYS", v)?;
        }
        if let Some(v) = env("TILLWISE_HEARTBEAT_SECONDS") {
            self.heartbeat_seconds = parsed("TILLWISE_HEARTBEAT_SECONDS", v)?;
        }
        if let Some(v) = env("TILLWISE_SOCKET_PING_SECONDS") {
            self.socket_ping_seconds = parsed("TILLWISE_SOCKET_PING_SECONDS", v)?;
        }
        if let Some(v) = env("TILLWISE_CACHE_MEMORY_MB") {
            self.cache_memory_mb = parsed("TILLWISE_CACHE_MEMORY_MB", v)?;
        }
        if let Some(v) = env("TILLWISE_GROUP_COMMIT_WAIT_US") {
            self.group_commit_wait_us = parsed("TILLWISE_GROUP_COMMIT_WAIT_US", v)?;
        }
        if let Some(v) = env("TILLWISE_SLOW_QUERY_MS") {
            self.slow_query_ms = parsed("TILLWISE_SLOW_QUERY_MS", v)?;
        }
        if let Some(v) = env("TILLWISE_SIGN_IN_ACCOUNT_FAILURES") {
            self.sign_in_limits.account.failures = parsed("TILLWISE_SIGN_IN_ACCOUNT_FAILURES", v)?;
        }
        if let Some(v) = env("TILLWISE_SIGN_IN_ADDRESS_FAILURES") {
            self.sign_in_limits.address.failures = parsed("TILLWISE_SIGN_IN_ADDRESS_FAILURES", v)?;
        }
        if let Some(v) = env("TILLWISE_SIGN_IN_WINDOW_MINUTES") {
            let minutes = parsed("TILLWISE_SIGN_IN_WINDOW_MINUTES", v)?;
            self.sign_in_limits.account.window_minutes = minutes;
            self.sign_in_limits.address.window_minutes = minutes;
        }
        for (read, name) in CACHE_TTL_VARIABLES {
            if let Some(v) = env(name) {
                *self.cache_ttl_seconds.of_mut(read) = parsed(name, v)?;
            }
        }
        Ok(self)
    }

    pub fn redis_url(&self) -> Option<&str> {
        Some(self.redis_url.trim()).filter(|u| !u.is_empty())
    }
}

/// Hides the password part of a URL: `postgres://u:secret@h/db` → `postgres://u:***@h/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Who opens a new deployment: the first store's name and its owner's
/// sign-in.
#[derive(Clone)]
pub struct FirstOwner {
    pub store_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("site_addr", &self.site_addr)
            .field("database_url", &redact_url(&self.database_url))
            .field("redis_url", &redact_url(&self.redis_url))
            .field("log_level", &self.log_level)
            .field("log_format", &self.log_format)
            .field("seed_demo", &self.seed_demo)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_file() -> Settings {
        toml::from_str(&std::fs::read_to_string("Leptos.toml").unwrap()).unwrap()
    }

    #[test]
    fn the_shipped_file_parses_with_an_embedded_default() {
        let s = from_file();
        assert!(s.database_url.starts_with("sqlite://data/"));
        assert_eq!(s.redis_url(), None);
        assert_eq!(s.cache_ttl_seconds.products, 300);
        assert!(!s.seed_demo, "no demo accounts in a deployment by default");
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let s = from_file()
            .with_env(|name| match name {
                "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".into()),
                "DATABASE_URL" => Some("postgres://u:pw@localhost/x".into()),
                "TILLWISE_LOG_FORMAT" => Some("json".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(s.site_addr.port(), 0);
        assert_eq!(s.log_format, LogFormat::Json);
        assert_eq!(s.cache_ttl_seconds.of(CachedRead::Sales), 60);
        assert!(!format!("{s:?}").contains("pw"), "secrets stay out of logs");
    }

    #[test]
    fn a_cache_lifetime_is_overridden_per_read_and_zero_switches_it_off() {
        let s = from_file()
            .with_env(|name| match name {
                "TILLWISE_CACHE_TTL_PRODUCTS" => Some("0".into()),
                "TILLWISE_CACHE_TTL_REPORTS" => Some("30".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(s.cache_ttl_seconds.of(CachedRead::Products), 0);
        assert_eq!(s.cache_ttl_seconds.of(CachedRead::Reports), 30);
        assert_eq!(s.cache_ttl_seconds.of(CachedRead::Customers), 180);
        assert!(
            from_file()
                .with_env(|n| (n == "TILLWISE_CACHE_TTL_SALES").then(|| "-1".into()))
                .is_err()
        );
    }

    #[test]
    fn the_first_owner_comes_from_the_environment_only() {
        assert!(from_file().first_owner.is_none());
        let s = from_file()
            .with_env(|name| match name {
                "TILLWISE_FIRST_OWNER_EMAIL" => Some("fay@corner.test".into()),
                "TILLWISE_FIRST_OWNER_PASSWORD" => Some("a long password".into()),
                "TILLWISE_FIRST_STORE" => Some("Corner Shop".into()),
                _ => None,
            })
            .unwrap();
        let first = s.first_owner.unwrap();
        assert_eq!(
            (first.store_name.as_str(), first.name.as_str()),
            ("Corner Shop", "Owner")
        );
        assert!(!format!("{:?}", from_file()).contains("password"));
    }

    #[test]
    fn a_bad_override_is_an_error_not_a_default() {
        assert!(
            from_file()
                .with_env(|n| (n == "LEPTOS_SITE_ADDR").then(|| "nope".into()))
                .is_err()
        );
    }
}
