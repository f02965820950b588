//! The audit chain's seal. Each entry's hash covers the one before it, so
//! the head (the newest entry's number and hash) stands for the whole
//! chain; the head is signed (HMAC-SHA-256) with a key the server holds
//! outside the database. Someone who can write the database but has not
//! the key can neither re-hash edited entries nor cut the newest off and
//! move the head back: the seal would not match.
//!
//! Keys come from `TILLWISE_AUDIT_KEY` (`id:hex`, several separated by
//! commas: the first signs, the others still verify), or else from the
//! key file (`audit_key_file`, made on first start). Rotation and its
//! limits: docs/ARCHITECTURE.md, "Audit seal".

use crate::server::settings::Settings;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use uuid::Uuid;

/// Shortest secret accepted, in bytes.
const MIN_SECRET: usize = 32;

#[derive(Clone)]
struct AuditKey {
    id: String,
    secret: Vec<u8>,
}

/// The signing key first, then the keys still accepted when verifying.
#[derive(Clone)]
pub struct AuditKeys {
    keys: Vec<AuditKey>,
}

/// What a store's seal says about its head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seal {
    Valid,
    /// No seal at all (a head written before seals, or one wiped).
    Missing,
    /// Signed with a key this server does not hold.
    UnknownKey(String),
    /// The head is not the one that was signed.
    Wrong,
}

impl std::fmt::Debug for AuditKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("AuditKeys").field("ids", &ids).finish()
    }
}

impl AuditKeys {
    /// `id:hex` keys, separated by commas or lines (`#` starts a comment
    /// line); the first signs.
    pub fn parse(text: &str) -> Result<AuditKeys, String> {
        let mut keys = Vec::new();
        for item in text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(|l| l.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let (id, hex) = item.split_once(':').ok_or("each key is written id:hex")?;
            let valid_id = !id.is_empty()
                && id.len() <= 32
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid_id {
                return Err(format!(
                    "key id {id:?}: use 1 to 32 letters, digits, - or _"
                ));
            }
            let secret =
                hex::decode(hex).map_err(|_| format!("key {id}: the secret is not hex"))?;
            if secret.len() < MIN_SECRET {
                return Err(format!(
                    "key {id}: use a secret of at least {MIN_SECRET} bytes"
                ));
            }
            if keys.iter().any(|k: &AuditKey| k.id == id) {
                return Err(format!("key {id} is given twice"));
            }
            keys.push(AuditKey {
                id: id.to_string(),
                secret,
            });
        }
        if keys.is_empty() {
            return Err("no key given".into());
        }
        Ok(AuditKeys { keys })
    }

    /// A new random key, named by when it was made.
    pub fn generate() -> AuditKeys {
        let mut secret = vec![0u8; MIN_SECRET];
        rand::thread_rng().fill_bytes(&mut secret);
        AuditKeys {
            keys: vec![AuditKey {
                id: chrono::Utc::now().format("k%Y%m%d%H%M%S").to_string(),
                secret,
            }],
        }
    }

    /// As `parse` reads it.
    pub fn to_text(&self) -> String {
        self.keys
            .iter()
            .map(|k| format!("{}:{}\n", k.id, hex::encode(&k.secret)))
            .collect()
    }

    /// The keys the settings name: the environment's, else the key file's
    /// (made, readable by this user only, when it does not exist yet).
    pub fn load(settings: &Settings) -> Result<AuditKeys, String> {
        if !settings.audit_key.trim().is_empty() {
            return AuditKeys::parse(&settings.audit_key)
                .map_err(|e| format!("TILLWISE_AUDIT_KEY: {e}"));
        }
        let path = std::path::Path::new(&settings.audit_key_file);
        match std::fs::read_to_string(path) {
            Ok(text) => AuditKeys::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let keys = AuditKeys::generate();
                match write_private(path, &keys.to_text()) {
                    Ok(()) => {}
                    // Another instance starting beside this one made it first.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        return AuditKeys::load(settings);
                    }
                    Err(e) => return Err(format!("cannot write {}: {e}", path.display())),
                }
                tracing::warn!(
                    path = %path.display(),
                    "made a new audit key: keep it safe and outside the database's backups; \
                     every instance of this server must use the same one (TILLWISE_AUDIT_KEY)"
                );
                Ok(keys)
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// The seal of `store`'s head: `key id:HMAC`, signed with the first key.
    pub fn seal(&self, store: Uuid, seq: i64, head: &str) -> String {
        let key = &self.keys[0];
        format!("{}:{}", key.id, mac(key, store, seq, head))
    }

    pub fn check(&self, store: Uuid, seq: i64, head: &str, seal: &str) -> Seal {
        let Some((id, given)) = seal.split_once(':') else {
            return Seal::Missing;
        };
        match self.keys.iter().find(|k| k.id == id) {
            None => Seal::UnknownKey(id.to_string()),
            Some(key) => {
                let Ok(given) = hex::decode(given) else {
                    return Seal::Wrong;
                };
                let mut m = keyed(key);
                feed(&mut m, store, seq, head);
                // Compared in constant time.
                match m.verify_slice(&given) {
                    Ok(()) => Seal::Valid,
                    Err(_) => Seal::Wrong,
                }
            }
        }
    }
}

fn keyed(key: &AuditKey) -> Hmac<Sha256> {
    <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&key.secret)
        .expect("HMAC takes a key of any length")
}

fn feed(m: &mut Hmac<Sha256>, store: Uuid, seq: i64, head: &str) {
    for part in [store.to_string(), seq.to_string(), head.to_string()] {
        m.update(&(part.len() as u64).to_le_bytes());
        m.update(part.as_bytes());
    }
}

fn mac(key: &AuditKey, store: Uuid, seq: i64, head: &str) -> String {
    let mut m = keyed(key);
    feed(&mut m, store, seq, head);
    hex::encode(m.finalize().into_bytes())
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // Written in full beside it, then linked into place: an instance
    // starting at the same moment finds either no file or the whole key
    // (the link fails with AlreadyExists if it made one first).
    let partial = path.with_extension(format!("partial-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(&partial)?.write_all(text.as_bytes())?;
    let linked = std::fs::hard_link(&partial, path);
    let _ = std::fs::remove_file(&partial);
    linked
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "a:0000000000000000000000000000000000000000000000000000000000000001";
    const KEY_B: &str = "b:0000000000000000000000000000000000000000000000000000000000000002";

    #[test]
    fn a_seal_holds_for_its_head_only() {
        let keys = AuditKeys::parse(KEY_A).unwrap();
        let store = Uuid::nil();
        let seal = keys.seal(store, 7, "abc");
        assert!(seal.starts_with("a:"));
        assert_eq!(keys.check(store, 7, "abc", &seal), Seal::Valid);
        assert_eq!(keys.check(store, 6, "abc", &seal), Seal::Wrong);
        assert_eq!(keys.check(store, 7, "abd", &seal), Seal::Wrong);
        assert_eq!(keys.check(Uuid::max(), 7, "abc", &seal), Seal::Wrong);
        assert_eq!(keys.check(store, 7, "abc", ""), Seal::Missing);
    }

    #[test]
    fn after_rotation_old_seals_still_verify_and_new_ones_use_the_new_key() {
        let old = AuditKeys::parse(KEY_A).unwrap();
        let sealed_before = old.seal(Uuid::nil(), 1, "h");
        let rotated = AuditKeys::parse(&format!("{KEY_B},{KEY_A}")).unwrap();
        assert_eq!(
            rotated.check(Uuid::nil(), 1, "h", &sealed_before),
            Seal::Valid
        );
        assert!(rotated.seal(Uuid::nil(), 2, "h2").starts_with("b:"));
        // A key dropped from the list no longer vouches for anything.
        let only_b = AuditKeys::parse(KEY_B).unwrap();
        assert_eq!(
            only_b.check(Uuid::nil(), 1, "h", &sealed_before),
            Seal::UnknownKey("a".into())
        );
    }

    #[test]
    fn weak_or_malformed_keys_are_refused() {
        for bad in [
            "",
            "nohex",
            "a:zz",
            "a:00ff",
            "bad id:00",
            &format!("{KEY_A},{KEY_A}"),
        ] {
            assert!(AuditKeys::parse(bad).is_err(), "{bad}");
        }
        let generated = AuditKeys::generate();
        let again = AuditKeys::parse(&generated.to_text()).unwrap();
        let seal = generated.seal(Uuid::nil(), 3, "x");
        assert_eq!(again.check(Uuid::nil(), 3, "x", &seal), Seal::Valid);
        assert!(!format!("{generated:?}").contains(&hex::encode(&generated.keys[0].secret)));
    }
}
