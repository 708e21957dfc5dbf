//! API bearer tokens: made by a logged-in person (the Tokens page, or
//! `web token create` against the state directory), scoped to part of that
//! person's rights, with an expiry; shown once, kept only as a hash, listed
//! and revoked; each rate limited.
//!
//! A token reads `dkr_<id>_<secret>`: the id (public: it names the token in
//! the list, the history and the logs) and 32 random bytes. Only the
//! SHA-256 of the whole token is kept. A fast hash is right here, unlike
//! for passwords: the secret is 256 bits from the OS, so there is nothing
//! to guess from a leaked hash, while argon2 on every API request would
//! spend a slow hash per call and hand anyone a way to burn the CPU.
//!
//! The file (`tokens.json` next to the history) is written whole to a
//! temporary file and renamed over the old one, readable by its owner only.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::super::auth::{random_hex, same, Role};
use crate::common::Synced;

/// The wall clock tokens are judged by (expiry, rate-limit windows), in
/// seconds since the epoch; tests move their own.
#[derive(Clone)]
pub struct WallClock(Arc<dyn Fn() -> u64 + Send + Sync>);

impl WallClock {
    /// This machine's clock.
    pub fn system() -> Self {
        Self(Arc::new(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        }))
    }

    /// A clock that reads `now`.
    pub fn from_fn(now: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// Seconds since the epoch.
    pub fn now(&self) -> u64 {
        (self.0)()
    }
}

impl std::fmt::Debug for WallClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WallClock")
    }
}

/// Requests a token may make per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed within [`RateLimit::window`] seconds.
    pub requests: usize,
    /// The window, in seconds.
    pub window: u64,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            requests: 120,
            window: 60,
        }
    }
}

/// What a token may reach: a subset of its owner's rights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenScope {
    /// Host name patterns (`*` matches any run of characters).
    pub hosts: Vec<String>,
    /// App name patterns.
    pub apps: Vec<String>,
    /// The most the token may do, whatever its owner may.
    #[schema(value_type = String, example = "deployer")]
    pub role: Role,
}

impl TokenScope {
    /// Whether `host` is in scope.
    pub fn covers_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|p| glob(p, host))
    }

    /// Whether `app` is in scope.
    pub fn covers_app(&self, app: &str) -> bool {
        self.apps.iter().any(|p| glob(p, app))
    }
}

/// `*` matches any run of characters; everything else itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    if parts.len() == 1 {
        return pattern == text;
    }
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// A kept token: everything but the secret.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenRecord {
    /// Its public id (in the history, the logs and the list).
    pub id: String,
    /// What its owner called it.
    pub label: String,
    /// Who made it (the history's actor for its calls).
    pub owner: String,
    /// What it may reach.
    pub scope: TokenScope,
    /// When it was made (seconds since the epoch).
    pub created_at: u64,
    /// When it stops working.
    pub expires_at: u64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<u64>,
    /// SHA-256 of the whole token (hex).
    #[serde(rename = "sha256")]
    #[schema(ignore)]
    hash: String,
}

impl TokenRecord {
    /// Whether it is still usable at `now`.
    pub fn is_live(&self, now: u64) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// Why a presented token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not a token this server made (or its secret is wrong).
    Unknown,
    /// Past its expiry.
    Expired,
    /// Revoked by its owner.
    Revoked,
    /// Too many requests in the window: try again in this many seconds.
    Limited(u64),
}

/// Why the tokens file could not be read or written.
#[derive(Debug)]
pub struct TokenError(pub String);

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TokenError {}

/// Every token by id, as the tokens file holds it.
type Records = Synced<BTreeMap<String, TokenRecord>>;

/// The tokens, the file they are kept in, and each one's recent requests.
///
/// The file is the truth: `web token create` (or another dashboard) may
/// add to it while this one runs, so every check, list and change takes
/// what it holds now ([`Synced`]).
#[derive(Debug)]
pub struct Tokens {
    file: Option<PathBuf>,
    clock: WallClock,
    limit: RateLimit,
    records: Arc<Mutex<Records>>,
    recent: Mutex<HashMap<String, VecDeque<u64>>>,
    /// Bumped on every revocation, so streams opened with a token end
    /// when it is revoked.
    revoked: tokio::sync::watch::Sender<u64>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn digest(token: &str) -> String {
    crate::common::hex(&Sha256::digest(token.as_bytes()))
}

/// The id part of a presented token (`dkr_<id>_<secret>`).
fn id_of(token: &str) -> Option<&str> {
    let rest = token.strip_prefix("dkr_")?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some(id)
}

/// The tokens file next to a history file.
pub fn file_beside(history: &Path) -> Option<PathBuf> {
    history.parent().map(|dir| dir.join("tokens.json"))
}

impl Tokens {
    /// The tokens kept in `file` (none yet if it does not exist); in
    /// memory only without one.
    pub fn open(
        file: Option<PathBuf>,
        clock: WallClock,
        limit: RateLimit,
    ) -> Result<Self, TokenError> {
        let mut records = Synced::new(file.clone(), None, BTreeMap::new());
        if let Some(path) = file.as_deref() {
            records.sync(|bytes| decode(path, bytes), |e| unreadable(path, e))?;
        }
        Ok(Self {
            file,
            clock,
            limit,
            records: Arc::new(Mutex::new(records)),
            recent: Mutex::new(HashMap::new()),
            revoked: tokio::sync::watch::channel(0).0,
        })
    }

    /// Tokens in memory only, on this machine's clock.
    pub fn in_memory() -> Self {
        Self {
            file: None,
            clock: WallClock::system(),
            limit: RateLimit::default(),
            records: Arc::new(Mutex::new(Synced::new(None, None, BTreeMap::new()))),
            recent: Mutex::new(HashMap::new()),
            revoked: tokio::sync::watch::channel(0).0,
        }
    }

    /// The clock tokens are judged by.
    pub fn clock(&self) -> &WallClock {
        &self.clock
    }

    /// The tokens the file holds now (see [`Synced::sync`]).
    fn sync(&self, records: &mut Records) -> Result<(), TokenError> {
        let Some(path) = self.file.as_deref() else {
            return Ok(());
        };
        records.sync(|bytes| decode(path, bytes), |e| unreadable(path, e))
    }

    /// The tokens the file holds now; when it cannot be read, the ones
    /// read before (a warning is logged; changes are refused).
    fn current(&self) -> std::sync::MutexGuard<'_, Records> {
        let mut records = lock(&self.records);
        if let Err(e) = self.sync(&mut records) {
            if !records.refused_again() {
                tracing::warn!("{e}; the tokens read before are kept");
            }
        }
        records
    }

    /// Change the tokens the file holds now with `change`, and save.
    fn change<T>(
        &self,
        change: impl FnOnce(&mut BTreeMap<String, TokenRecord>) -> Result<T, TokenError>,
    ) -> Result<T, TokenError> {
        let mut records = lock(&self.records);
        let _lock = records.lock().map_err(|e| TokenError(e.to_string()))?;
        self.sync(&mut records)?;
        let mut next = records.value().clone();
        let answer = change(&mut next)?;
        let list: Vec<&TokenRecord> = next.values().collect();
        let bytes = serde_json::to_vec_pretty(&list)
            .map_err(|e| TokenError(format!("cannot encode the tokens: {e}")))?;
        records
            .save(bytes, next)
            .map_err(|e| match self.file.as_deref() {
                Some(path) => TokenError(format!("cannot write {}: {e}", path.display())),
                None => TokenError(e.to_string()),
            })?;
        Ok(answer)
    }

    /// Make a token for `owner`, valid for `ttl` seconds: the token itself
    /// (shown once, never kept) and its record.
    pub fn create(
        &self,
        owner: &str,
        label: &str,
        scope: TokenScope,
        ttl: u64,
    ) -> Result<(String, TokenRecord), TokenError> {
        let random = |n| random_hex(n).map_err(|e| TokenError(e.to_string()));
        let now = self.clock.now();
        self.change(|records| {
            // 48 random bits: a clash is unlikely, and never overwrites.
            let mut id = random(6)?;
            while records.contains_key(&id) {
                id = random(6)?;
            }
            let token = format!("dkr_{id}_{}", random(32)?);
            let record = TokenRecord {
                id: id.clone(),
                label: label.to_owned(),
                owner: owner.to_owned(),
                scope,
                created_at: now,
                expires_at: now.saturating_add(ttl),
                revoked_at: None,
                hash: digest(&token),
            };
            records.insert(id, record.clone());
            Ok((token, record))
        })
    }

    /// Every token `owner` made (all, with `None`), newest first.
    pub fn list(&self, owner: Option<&str>) -> Vec<TokenRecord> {
        let mut list: Vec<TokenRecord> = self
            .current()
            .value()
            .values()
            .filter(|r| owner.map_or(true, |o| r.owner == o))
            .cloned()
            .collect();
        list.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        list
    }

    /// Revoke one of `owner`'s tokens (any, with `None`): whether there
    /// was such a token.
    pub fn revoke(&self, owner: Option<&str>, id: &str) -> Result<bool, TokenError> {
        let now = self.clock.now();
        let found = self.change(|records| {
            let found = records
                .get_mut(id)
                .filter(|r| owner.map_or(true, |o| r.owner == o));
            Ok(found
                .map(|record| record.revoked_at.get_or_insert(now))
                .is_some())
        })?;
        if !found {
            return Ok(false);
        }
        lock(&self.recent).remove(id);
        self.revoked.send_modify(|n| *n += 1);
        Ok(true)
    }

    /// Resolves when token `id` is revoked or expires (at once if it is
    /// not live): a stream opened with it ends then.
    pub fn ended(&self, id: &str) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut revoked = self.revoked.subscribe();
        let records = Arc::clone(&self.records);
        let id = id.to_owned();
        let left = lock(&records)
            .value()
            .get(&id)
            .map_or(0, |r| r.expires_at.saturating_sub(self.clock.now()));
        let live = move || {
            lock(&records)
                .value()
                .get(&id)
                .is_some_and(|r| r.revoked_at.is_none())
        };
        async move {
            let expired = tokio::time::sleep(std::time::Duration::from_secs(left));
            // An error means the store is gone: nothing more to serve.
            let revoked = async move { while live() && revoked.changed().await.is_ok() {} };
            tokio::select! {
                () = expired => {}
                () = revoked => {}
            }
        }
    }

    /// The record of a presented token, if it is live and within its rate
    /// limit (the request is counted).
    pub fn check(&self, token: &str) -> Result<TokenRecord, Refused> {
        let now = self.clock.now();
        let id = id_of(token).ok_or(Refused::Unknown)?;
        let record = self
            .current()
            .value()
            .get(id)
            .filter(|r| same(&r.hash, &digest(token)))
            .cloned()
            .ok_or(Refused::Unknown)?;
        if record.revoked_at.is_some() {
            return Err(Refused::Revoked);
        }
        if now >= record.expires_at {
            return Err(Refused::Expired);
        }
        let mut recent = lock(&self.recent);
        let times = recent.entry(record.id.clone()).or_default();
        while times
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= self.limit.window)
        {
            times.pop_front();
        }
        if times.len() >= self.limit.requests {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = (oldest + self.limit.window).saturating_sub(now).max(1);
            return Err(Refused::Limited(wait));
        }
        times.push_back(now);
        Ok(record)
    }
}

/// The tokens of a tokens file's bytes (`None`: there is none yet).
fn decode(path: &Path, bytes: Option<&[u8]>) -> Result<BTreeMap<String, TokenRecord>, TokenError> {
    let Some(bytes) = bytes else {
        return Ok(BTreeMap::new());
    };
    let list: Vec<TokenRecord> = serde_json::from_slice(bytes)
        .map_err(|e| TokenError(format!("{} is not a tokens file: {e}", path.display())))?;
    Ok(list.into_iter().map(|r| (r.id.clone(), r)).collect())
}

fn unreadable(path: &Path, e: std::io::Error) -> TokenError {
    TokenError(format!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn scope() -> TokenScope {
        TokenScope {
            hosts: vec!["*".to_owned()],
            apps: vec!["api*".to_owned()],
            role: Role::Viewer,
        }
    }

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(glob("*", "anything"));
        assert!(glob("api*", "api-staging"));
        assert!(!glob("api*", "blog"));
        assert!(glob("*-staging", "api-staging"));
        assert!(glob("eu-*-a", "eu-1-a"));
        assert!(!glob("eu-*-a", "eu-1-b"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
        assert!(!glob("a*a", "a"));
    }

    #[test]
    fn tokens_are_kept_hashed_in_a_private_file_and_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tokens.json");
        let tokens = Tokens::open(
            Some(file.clone()),
            WallClock::system(),
            RateLimit::default(),
        )
        .unwrap();
        let (token, record) = tokens.create("admin", "ci", scope(), 3600).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let secret = token.rsplit('_').next().unwrap();
        assert!(!text.contains(secret), "the secret was stored");
        assert!(text.contains(&record.id) && text.contains(&digest(&token)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = Tokens::open(Some(file), WallClock::system(), RateLimit::default()).unwrap();
        assert_eq!(again.check(&token).unwrap().id, record.id);
        // The right id with another secret is no token.
        let forged = format!("dkr_{}_{}", record.id, "0".repeat(64));
        assert_eq!(again.check(&forged).unwrap_err(), Refused::Unknown);
    }

    #[test]
    fn tokens_expire_are_revoked_and_are_limited_per_token() {
        let now = Arc::new(AtomicU64::new(1_000_000));
        let read = Arc::clone(&now);
        let clock = WallClock::from_fn(move || read.load(Ordering::SeqCst));
        let limit = RateLimit {
            requests: 3,
            window: 10,
        };
        let tokens = Tokens::open(None, clock, limit).unwrap();
        let (a, _) = tokens.create("admin", "a", scope(), 100).unwrap();
        let (b, b_record) = tokens.create("admin", "b", scope(), 1000).unwrap();
        for _ in 0..3 {
            tokens.check(&a).unwrap();
        }
        assert_eq!(tokens.check(&a).unwrap_err(), Refused::Limited(10));
        // Another token has its own budget.
        tokens.check(&b).unwrap();
        now.fetch_add(10, Ordering::SeqCst);
        tokens.check(&a).unwrap();
        now.fetch_add(90, Ordering::SeqCst);
        assert_eq!(tokens.check(&a).unwrap_err(), Refused::Expired);
        assert!(tokens
            .revoke(Some("viewer"), &b_record.id)
            .is_ok_and(|r| !r));
        assert!(tokens.revoke(Some("admin"), &b_record.id).unwrap());
        assert_eq!(tokens.check(&b).unwrap_err(), Refused::Revoked);
        assert_eq!(tokens.check("nonsense").unwrap_err(), Refused::Unknown);
    }

    #[test]
    fn a_token_change_holds_the_files_lock_from_its_read_to_its_write() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tokens.json");
        let tokens = Tokens::open(
            Some(file.clone()),
            WallClock::system(),
            RateLimit::default(),
        )
        .unwrap();
        tokens
            .change(|_| {
                assert!(!crate::common::lock_is_free(&file));
                Ok(())
            })
            .unwrap();
        assert!(crate::common::lock_is_free(&file));
    }

    #[test]
    fn a_token_made_beside_a_running_dashboard_works_at_once_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tokens.json");
        let open = || {
            Tokens::open(
                Some(file.clone()),
                WallClock::system(),
                RateLimit::default(),
            )
        };
        // The dashboard, started before there was a tokens file, and
        // `web token create` beside it.
        let dashboard = open().unwrap();
        let cli = open().unwrap();
        let (made, record) = cli.create("admin", "ci", scope(), 3600).unwrap();
        assert_eq!(dashboard.check(&made).unwrap().id, record.id);

        // The dashboard's own change is made to the file as it is now.
        let (own, _) = dashboard.create("admin", "own", scope(), 3600).unwrap();
        assert_eq!(open().unwrap().list(None).len(), 2);
        assert_eq!(cli.list(None).len(), 2);
        assert!(cli.revoke(None, &record.id).unwrap());
        assert_eq!(dashboard.check(&made).unwrap_err(), Refused::Revoked);
        dashboard.check(&own).unwrap();
        // Revoking what is not there, or again, leaves the file as it is
        // (not even rewritten: the same inode).
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let inode = || std::fs::metadata(&file).unwrap().ino();
            let before = inode();
            assert!(!dashboard.revoke(None, "no-such-id").unwrap());
            assert_eq!(inode(), before);
            dashboard.revoke(None, &record.id).unwrap();
            assert_eq!(inode(), before);
        }

        // A file spoiled meanwhile: the tokens read before still answer,
        // and no change is written over it.
        std::fs::write(&file, "[").unwrap();
        dashboard.check(&own).unwrap();
        let refused = dashboard.create("admin", "x", scope(), 60).unwrap_err().0;
        assert!(refused.contains("is not a tokens file"), "{refused}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "[");
    }
}
