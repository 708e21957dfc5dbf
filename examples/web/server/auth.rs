//! Who may use the dashboard: argon2id password hashes, server-side
//! sessions, a per-IP login rate limit and per-session CSRF tokens.
//!
//! Sessions live only in this process's memory: the cookie carries a random
//! token and nothing else, so logging out (or a restart) revokes it for
//! good, and a stolen cookie expires after the idle or absolute limit.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use super::users::{Grant, User, UserName, Users};

/// What a user may do with an app (or a host, or the whole dashboard),
/// ordered: `Viewer < Deployer < Admin`, each allowing what the ones
/// below it do. Granted per host and app ([`super::users::Grant`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read: pages, logs shown on the page, history; no secret value.
    Viewer,
    /// And deploy, roll back, restart/stop/start/rebuild, scale, logs.
    Deployer,
    /// Everything: reveal and set config, destroy, domains, TLS, ports,
    /// settings, create apps, databases; on every app of every host, also
    /// managing users.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Deployer, Role::Admin];

    /// The name shown in pages and stored in the users file.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Deployer => "deployer",
            Role::Viewer => "viewer",
        }
    }

    /// The role named `word`.
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == word)
    }
}

/// A refused form, kept for the page it is sent back to (a browser
/// without the page script: the form was posted the plain way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The `id` of the form that was refused, if it named one.
    pub form: Option<String>,
    /// What went wrong, for people.
    pub message: String,
    /// Dokku's own words, when Dokku refused it.
    pub dokku: Option<String>,
}

/// A logged-in person, as handlers see it.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who logged in (a [`super::users::UserName`]'s text): the history
    /// actor. What the user may do is read from the users at each request.
    pub user: String,
    /// The session's public id (for the sessions page; not the token).
    pub id: String,
    /// Where the login came from.
    pub ip: IpAddr,
    /// The token every state-changing request must echo.
    pub csrf: String,
    /// A one-shot message for the next page (after a redirect).
    pub flash: Option<String>,
    /// A one-shot refusal for the next page (after a redirect).
    pub problem: Option<Problem>,
    created: Instant,
    last_seen: Instant,
    /// The user's password hash when it logged in.
    password: String,
}

impl Session {
    /// Whether `user` still has the password this session logged in
    /// with: a new one, set on the users page or by `web user
    /// reset-password`, ends it.
    pub fn signed_in_with(&self, user: &User) -> bool {
        self.password == user.password
    }
}

/// A live session and the channel that tells its streams it ended.
#[derive(Debug)]
struct Entry {
    session: Session,
    /// Dropped (or sent `true`) when the session ends: logout, expiry.
    ended: tokio::sync::watch::Sender<bool>,
}

/// A live session, as the sessions page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Its public id.
    pub id: String,
    /// Whose it is.
    pub user: String,
    /// Where the login came from.
    pub ip: IpAddr,
    /// How long ago it logged in.
    pub age: Duration,
    /// How long ago it was last used.
    pub idle: Duration,
}

/// How long sessions and rate-limit windows last.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A session unused this long expires.
    pub idle: Duration,
    /// A session expires this long after login, however busy.
    pub absolute: Duration,
    /// Failed logins allowed per address, and per account, within
    /// [`Limits::window`].
    pub max_failures: usize,
    /// The rate-limit window.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Addresses (or accounts) with failures kept before stale ones are
/// dropped.
const MAX_TRACKED: usize = 10_000;

/// The outcome of a login attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Login {
    /// Logged in: the new session's token (the cookie value).
    Ok(String),
    /// No such user, or the wrong password (the answer does not say which).
    Denied,
    /// Too many failures from this address or for this account: try later.
    Limited,
}

pub use crate::common::Clock;

/// Users, sessions and the rate limiter.
#[derive(Debug)]
pub struct Auth {
    users: Users,
    limits: Limits,
    sessions: Mutex<HashMap<String, Entry>>,
    failures: Mutex<Failures>,
    devices: Mutex<HashMap<String, Device>>,
    clock: Clock,
}

/// A browser a user logged in from: its cookie's token is the key.
#[derive(Debug)]
struct Device {
    user: String,
    issued: Instant,
}

/// How long a browser stays known after a login (its cookie's Max-Age).
pub const DEVICE_LIFETIME: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Recent failed logins, by address and by account.
#[derive(Debug, Default)]
struct Failures {
    by_ip: HashMap<IpAddr, VecDeque<Instant>>,
    by_account: HashMap<String, VecDeque<Instant>>,
}

/// Drop failures older than `window`; whether `max` remain.
fn limited(recent: &mut VecDeque<Instant>, now: Instant, window: Duration, max: usize) -> bool {
    while recent
        .front()
        .is_some_and(|t| now.duration_since(*t) > window)
    {
        recent.pop_front();
    }
    recent.len() >= max
}

/// Keep a failures map bounded: many addresses (an IPv6 sweep) or names
/// must not grow it for ever.
fn bound<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, VecDeque<Instant>>,
    now: Instant,
    window: Duration,
) {
    if map.len() >= MAX_TRACKED {
        map.retain(|_, times| {
            times
                .back()
                .is_some_and(|t| now.duration_since(*t) <= window)
        });
    }
}

/// Take back the failure counted at `at`.
fn forgive(recent: Option<&mut VecDeque<Instant>>, at: Instant) {
    if let Some(recent) = recent {
        if let Some(i) = recent.iter().position(|t| *t == at) {
            recent.remove(i);
        }
    }
}

/// Why the passwords could not be set up.
#[derive(Debug)]
pub struct AuthError(pub String);

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AuthError {}

/// `n` random bytes from the OS, hex-encoded.
pub fn random_hex(n: usize) -> Result<String, AuthError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| AuthError(format!("no OS randomness: {e}")))?;
    Ok(crate::common::hex(&bytes))
}

/// A password for `--demo` when none is given: 20 characters from an
/// alphabet without look-alikes (~100 bits).
pub fn generate_password() -> Result<String, AuthError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| AuthError(format!("no OS randomness: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// A password's argon2id hash (a PHC string); an empty password is
/// refused.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    if password.is_empty() {
        return Err(AuthError("an empty password is not allowed".to_owned()));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AuthError(format!("no OS randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError(e.to_string()))
}

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The hash an unknown user's password is checked against, so a wrong
/// name costs as long as a wrong password.
fn unknown_user_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        generate_password()
            .and_then(|p| hash_password(&p))
            .unwrap_or_default()
    })
}

/// The first users, from the admin password and the optional viewer
/// password: `admin` (Admin on every app of every host) and `viewer`
/// (Viewer on the same).
pub fn bootstrap_users(admin: &str, viewer: Option<&str>) -> Result<Vec<User>, AuthError> {
    let user = |name: &str, password: &str, role: Role| -> Result<User, AuthError> {
        Ok(User {
            name: UserName::parse(name).map_err(|e| AuthError(e.0))?,
            password: hash_password(password)?,
            grants: vec![Grant::everywhere(role)],
        })
    };
    let mut users = vec![user("admin", admin, Role::Admin)?];
    if let Some(viewer) = viewer {
        users.push(user("viewer", viewer, Role::Viewer)?);
    }
    Ok(users)
}

/// Compare two secrets without leaking where they differ through timing.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Tell a removed session's streams that it ended.
fn end(entry: Option<Entry>) {
    if let Some(entry) = entry {
        entry.ended.send_replace(true);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Auth {
    /// Users `admin` (and `viewer`, with a viewer password) kept in memory:
    /// [`bootstrap_users`]. The plain passwords are not kept.
    pub fn new(admin: &str, viewer: Option<&str>, limits: Limits) -> Result<Self, AuthError> {
        Ok(Self {
            users: Users::in_memory(bootstrap_users(admin, viewer)?),
            limits,
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new(Failures::default()),
            devices: Mutex::new(HashMap::new()),
            clock: Clock::system(),
        })
    }

    /// Over the given users.
    pub fn with_users(users: Users, limits: Limits) -> Self {
        Self {
            users,
            limits,
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new(Failures::default()),
            devices: Mutex::new(HashMap::new()),
            clock: Clock::system(),
        }
    }

    /// The users.
    pub fn users(&self) -> &Users {
        &self.users
    }

    /// The same, reading time from `clock`.
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The clock it reads.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Check a user's password from a browser that brings no device
    /// cookie ([`Auth::login_from`]).
    pub fn login(&self, ip: IpAddr, user: &str, password: &str) -> Result<Login, AuthError> {
        self.login_from(ip, user, password, None)
    }

    /// Check a user's password.
    ///
    /// The attempt counts as a failure, for the address and for the
    /// account, from the start and is taken back only when the password is
    /// right: concurrent guesses (each waiting on the slow hash) cannot
    /// slip past the limit together. An unknown user costs the same hash
    /// as a known one, so timing does not tell which names exist.
    ///
    /// `device` is the token of a browser this user logged in from before
    /// ([`Auth::trust_device`]): guesses from elsewhere that lock the
    /// account do not lock it out there (OWASP's device cookies), so
    /// nobody can keep a user out by failing logins in their name. The
    /// address's own limit still applies.
    pub fn login_from(
        &self,
        ip: IpAddr,
        user: &str,
        password: &str,
        device: Option<&str>,
    ) -> Result<Login, AuthError> {
        let now = self.clock.now();
        let (window, max) = (self.limits.window, self.limits.max_failures);
        let account = UserName::parse(user).ok().map(|n| n.as_str().to_owned());
        let known_device = match (&account, device) {
            (Some(account), Some(device)) => self.knows_device(device, account, now),
            _ => false,
        };
        {
            let mut failures = lock(&self.failures);
            let failures = &mut *failures;
            bound(&mut failures.by_ip, now, window);
            bound(&mut failures.by_account, now, window);
            let by_ip = failures.by_ip.entry(ip).or_default();
            if limited(by_ip, now, window, max) {
                return Ok(Login::Limited);
            }
            if let Some(account) = account.as_ref().filter(|_| !known_device) {
                let by_account = failures.by_account.entry(account.clone()).or_default();
                if limited(by_account, now, window, max) {
                    return Ok(Login::Limited);
                }
                by_account.push_back(now);
            }
            failures.by_ip.entry(ip).or_default().push_back(now);
        }
        let found = account.as_deref().and_then(|a| self.users.get(a));
        let right = match &found {
            Some(u) => verify(password, &u.password),
            None => {
                verify(password, unknown_user_hash());
                false
            }
        };
        let Some(found) = found.filter(|_| right) else {
            return Ok(Login::Denied);
        };
        {
            let mut failures = lock(&self.failures);
            forgive(failures.by_ip.get_mut(&ip), now);
            forgive(failures.by_account.get_mut(found.name.as_str()), now);
        }
        let token = random_hex(32)?;
        let session = Session {
            user: found.name.as_str().to_owned(),
            id: random_hex(8)?,
            ip,
            csrf: random_hex(32)?,
            flash: None,
            problem: None,
            created: now,
            last_seen: now,
            password: found.password.clone(),
        };
        let mut sessions = lock(&self.sessions);
        // Expired sessions are dropped here as well as by `sweep`.
        sessions.retain(|_, e| self.alive(&e.session, now));
        let (ended, _) = tokio::sync::watch::channel(false);
        sessions.insert(token.clone(), Entry { session, ended });
        Ok(Login::Ok(token))
    }

    /// Remember the browser `user` just logged in from: the token for its
    /// device cookie ([`Auth::login_from`]), valid for
    /// [`DEVICE_LIFETIME`]. Kept in memory (a restart forgets every
    /// browser) and bounded: past 10,000 browsers the oldest is forgotten.
    pub fn trust_device(&self, user: &str) -> Result<String, AuthError> {
        let now = self.clock.now();
        let token = random_hex(32)?;
        let mut devices = lock(&self.devices);
        devices.retain(|_, d| now.duration_since(d.issued) <= DEVICE_LIFETIME);
        if devices.len() >= MAX_TRACKED {
            if let Some(oldest) = devices
                .iter()
                .min_by_key(|(_, d)| d.issued)
                .map(|(t, _)| t.clone())
            {
                devices.remove(&oldest);
            }
        }
        devices.insert(
            token.clone(),
            Device {
                user: user.to_owned(),
                issued: now,
            },
        );
        Ok(token)
    }

    /// Whether `token` is a browser `user` logged in from, lately.
    fn knows_device(&self, token: &str, user: &str, now: Instant) -> bool {
        lock(&self.devices)
            .get(token)
            .is_some_and(|d| same(&d.user, user) && now.duration_since(d.issued) <= DEVICE_LIFETIME)
    }

    fn alive(&self, session: &Session, now: Instant) -> bool {
        now.duration_since(session.last_seen) <= self.limits.idle
            && now.duration_since(session.created) <= self.limits.absolute
    }

    /// The live session for a cookie token, taking its flash message and
    /// problem, and marking it used.
    pub fn session(&self, token: &str) -> Option<Session> {
        let now = self.clock.now();
        let mut sessions = lock(&self.sessions);
        let alive = self.alive(&sessions.get(token)?.session, now);
        if !alive {
            end(sessions.remove(token));
            return None;
        }
        let session = &mut sessions.get_mut(token)?.session;
        session.last_seen = now;
        let copy = session.clone();
        session.flash = None;
        session.problem = None;
        Some(copy)
    }

    /// Whether a token's session is live, without marking it used.
    pub fn is_live(&self, token: &str) -> bool {
        let now = self.clock.now();
        lock(&self.sessions)
            .get(token)
            .is_some_and(|e| self.alive(&e.session, now))
    }

    /// Leave a message for the session's next page.
    pub fn flash(&self, token: &str, message: String) {
        if let Some(e) = lock(&self.sessions).get_mut(token) {
            e.session.flash = Some(message);
        }
    }

    /// Leave a refusal for the session's next page.
    pub fn problem(&self, token: &str, problem: Problem) {
        if let Some(e) = lock(&self.sessions).get_mut(token) {
            e.session.problem = Some(problem);
        }
    }

    /// Resolves when the token's session ends (logout, expiry found by
    /// [`Auth::sweep`] or a request), or at once if it is not live. Streams
    /// opened by a session end with it.
    pub fn ended(&self, token: &str) -> impl std::future::Future<Output = ()> + Send + 'static {
        let receiver = lock(&self.sessions).get(token).map(|e| e.ended.subscribe());
        async move {
            if let Some(mut receiver) = receiver {
                // An error means the sender is gone: the session ended too.
                let _ = receiver.wait_for(|ended| *ended).await;
            }
        }
    }

    /// End a session: its token is worthless from now on, and its open
    /// streams close.
    pub fn logout(&self, token: &str) {
        end(lock(&self.sessions).remove(token));
    }

    /// Drop every expired session (and close its streams). The server runs
    /// this every minute; tests call it after moving their clock.
    pub fn sweep(&self) {
        let now = self.clock.now();
        let mut sessions = lock(&self.sessions);
        let expired: Vec<String> = sessions
            .iter()
            .filter(|(_, e)| !self.alive(&e.session, now))
            .map(|(t, _)| t.clone())
            .collect();
        for token in expired {
            end(sessions.remove(&token));
        }
    }

    /// Every live session, oldest first (the sessions page filters them
    /// by who may see them).
    pub fn sessions(&self) -> Vec<SessionInfo> {
        let now = self.clock.now();
        let mut all: Vec<SessionInfo> = lock(&self.sessions)
            .values()
            .filter(|e| self.alive(&e.session, now))
            .map(|e| SessionInfo {
                id: e.session.id.clone(),
                user: e.session.user.clone(),
                ip: e.session.ip,
                age: now.saturating_duration_since(e.session.created),
                idle: now.saturating_duration_since(e.session.last_seen),
            })
            .collect();
        all.sort_by(|a, b| b.age.cmp(&a.age).then_with(|| a.id.cmp(&b.id)));
        all
    }

    /// End the session with public id `id` (its streams close); whose it
    /// was, if it was live.
    pub fn revoke(&self, id: &str) -> Option<String> {
        let mut sessions = lock(&self.sessions);
        let token = sessions
            .iter()
            .find(|(_, e)| e.session.id == id)
            .map(|(t, _)| t.clone())?;
        let entry = sessions.remove(&token);
        let user = entry.as_ref().map(|e| e.session.user.clone());
        end(entry);
        user
    }

    /// Keep the session `id` signed in after its own user's new password
    /// (`password`, the hash): the user's other sessions end.
    pub fn signed_in_again(&self, id: &str, password: &str) {
        let mut sessions = lock(&self.sessions);
        if let Some(entry) = sessions.values_mut().find(|e| e.session.id == id) {
            entry.session.password = password.to_owned();
        }
    }

    /// End every session of `user` (deleted, or a new password).
    pub fn end_sessions_of(&self, user: &str) {
        let mut sessions = lock(&self.sessions);
        let theirs: Vec<String> = sessions
            .iter()
            .filter(|(_, e)| e.session.user == user)
            .map(|(t, _)| t.clone())
            .collect();
        for token in theirs {
            end(sessions.remove(&token));
        }
    }

    /// How many sessions are live (for tests).
    pub fn session_count(&self) -> usize {
        lock(&self.sessions).len()
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::sync::Arc;

    fn ip() -> IpAddr {
        IpAddr::from([10, 0, 0, 1])
    }

    #[test]
    fn passwords_are_hashed_and_checked() {
        let auth = Auth::new("s3cret", Some("look"), Limits::default()).unwrap();
        let admin = auth.users().get("admin").unwrap();
        assert!(!admin.password.contains("s3cret"));
        assert!(admin.password.starts_with("$argon2id$"));
        let Login::Ok(token) = auth.login(ip(), "admin", "s3cret").unwrap() else {
            panic!("admin login failed")
        };
        assert_eq!(auth.session(&token).unwrap().user, "admin");
        let Login::Ok(token) = auth.login(ip(), "viewer", "look").unwrap() else {
            panic!("viewer login failed")
        };
        assert_eq!(auth.session(&token).unwrap().user, "viewer");
        // The admin's password is no key to the viewer's account.
        assert_eq!(auth.login(ip(), "viewer", "s3cret").unwrap(), Login::Denied);
        assert_eq!(auth.login(ip(), "nobody", "s3cret").unwrap(), Login::Denied);
        assert_eq!(auth.login(ip(), "viewer", "nope").unwrap(), Login::Denied);
        assert!(Auth::new("", None, Limits::default()).is_err());
    }

    /// A clock the test moves by hand.
    pub fn manual_clock() -> (Clock, impl Fn(Duration) + Clone + Send + Sync + 'static) {
        let now = Arc::new(Mutex::new(Instant::now()));
        let read = Arc::clone(&now);
        let clock = Clock::from_fn(move || *lock(&read));
        (clock, move |by| *lock(&now) += by)
    }

    #[test]
    fn sessions_expire_when_idle_or_old_and_on_logout() {
        let limits = Limits {
            idle: Duration::from_secs(80),
            absolute: Duration::from_secs(200),
            ..Limits::default()
        };
        let (clock, advance) = manual_clock();
        let auth = Auth::new("pw", None, limits).unwrap().with_clock(clock);
        let Login::Ok(idle) = auth.login(ip(), "admin", "pw").unwrap() else {
            panic!()
        };
        advance(Duration::from_secs(79));
        assert!(
            auth.session(&idle).is_some(),
            "expired before the idle limit"
        );
        // Seen just now: the idle limit counts from here.
        advance(Duration::from_secs(81));
        assert!(auth.session(&idle).is_none(), "idle session survived");

        let Login::Ok(busy) = auth.login(ip(), "admin", "pw").unwrap() else {
            panic!()
        };
        for _ in 0..4 {
            advance(Duration::from_secs(50));
            assert!(
                auth.session(&busy).is_some(),
                "a busy session expired early"
            );
        }
        advance(Duration::from_secs(1));
        assert!(auth.session(&busy).is_none(), "absolute expiry ignored");

        let Login::Ok(token) = auth.login(ip(), "admin", "pw").unwrap() else {
            panic!()
        };
        auth.logout(&token);
        assert!(auth.session(&token).is_none());
    }

    #[test]
    fn failures_are_limited_per_address_within_the_window() {
        let limits = Limits {
            window: Duration::from_secs(1000),
            ..Limits::default()
        };
        let (clock, advance) = manual_clock();
        let auth = Auth::new("pw", None, limits).unwrap().with_clock(clock);
        for _ in 0..5 {
            assert_eq!(auth.login(ip(), "nobody", "bad").unwrap(), Login::Denied);
        }
        // Even the right password is refused while limited.
        assert_eq!(auth.login(ip(), "admin", "pw").unwrap(), Login::Limited);
        let other = IpAddr::from([10, 0, 0, 2]);
        assert!(matches!(
            auth.login(other, "admin", "pw").unwrap(),
            Login::Ok(_)
        ));
        advance(Duration::from_secs(999));
        assert_eq!(auth.login(ip(), "admin", "pw").unwrap(), Login::Limited);
        advance(Duration::from_secs(2));
        assert!(matches!(
            auth.login(ip(), "admin", "pw").unwrap(),
            Login::Ok(_)
        ));
    }

    #[test]
    fn concurrent_guesses_cannot_pass_the_limit_together() {
        let auth = std::sync::Arc::new(Auth::new("pw", None, Limits::default()).unwrap());
        let guesses: Vec<_> = (0..16)
            .map(|_| {
                let auth = std::sync::Arc::clone(&auth);
                std::thread::spawn(move || auth.login(ip(), "nobody", "bad").unwrap())
            })
            .collect();
        let denied = guesses
            .into_iter()
            .map(|g| g.join().unwrap())
            .filter(|r| *r == Login::Denied)
            .count();
        // Only five were checked against the hash; the rest were refused.
        assert_eq!(denied, 5);
    }

    #[test]
    fn a_right_password_does_not_count_as_a_failure() {
        let auth = Auth::new("pw", None, Limits::default()).unwrap();
        for _ in 0..4 {
            assert_eq!(auth.login(ip(), "nobody", "bad").unwrap(), Login::Denied);
        }
        for _ in 0..3 {
            assert!(matches!(
                auth.login(ip(), "admin", "pw").unwrap(),
                Login::Ok(_)
            ));
        }
        assert_eq!(auth.login(ip(), "nobody", "bad").unwrap(), Login::Denied);
        assert_eq!(auth.login(ip(), "admin", "pw").unwrap(), Login::Limited);
    }

    #[test]
    fn failures_are_limited_per_account_from_any_address_within_the_window() {
        let limits = Limits {
            window: Duration::from_secs(1000),
            ..Limits::default()
        };
        let (clock, advance) = manual_clock();
        let auth = Auth::new("pw", None, limits).unwrap().with_clock(clock);
        // Five addresses, one wrong guess each: under every address's limit.
        for n in 1..=5 {
            let from = IpAddr::from([10, 0, 1, n]);
            assert_eq!(auth.login(from, "admin", "bad").unwrap(), Login::Denied);
        }
        // The account is limited, from a new address and with the right
        // password; another account from that address is not.
        let fresh = IpAddr::from([10, 0, 2, 1]);
        assert_eq!(auth.login(fresh, "admin", "pw").unwrap(), Login::Limited);
        assert_eq!(auth.login(fresh, "nobody", "x").unwrap(), Login::Denied);
        advance(Duration::from_secs(1001));
        assert!(matches!(
            auth.login(fresh, "admin", "pw").unwrap(),
            Login::Ok(_)
        ));
    }

    #[test]
    fn a_browser_a_user_logged_in_from_is_not_locked_out_with_their_account() {
        let limits = Limits {
            window: Duration::from_secs(1000),
            ..Limits::default()
        };
        let (clock, advance) = manual_clock();
        let auth = Auth::new("pw", Some("look"), limits)
            .unwrap()
            .with_clock(clock);
        let admins = auth.trust_device("admin").unwrap();
        let viewers = auth.trust_device("viewer").unwrap();
        // Someone fails five times as admin, from five addresses.
        for n in 1..=5 {
            let from = IpAddr::from([10, 0, 1, n]);
            assert_eq!(auth.login(from, "admin", "bad").unwrap(), Login::Denied);
        }
        let home = IpAddr::from([10, 0, 2, 1]);
        assert_eq!(auth.login(home, "admin", "pw").unwrap(), Login::Limited);
        // Not from admin's own browser; not with another user's, a made-up
        // or an empty one.
        for (device, expected) in [
            (Some(viewers.as_str()), false),
            (Some("00ff"), false),
            (Some(""), false),
            (Some(admins.as_str()), true),
        ] {
            let r = auth.login_from(home, "admin", "pw", device).unwrap();
            assert_eq!(matches!(r, Login::Ok(_)), expected, "{device:?}: {r:?}");
        }
        // A wrong password there is still a failure of that address.
        let guesser = IpAddr::from([10, 0, 3, 1]);
        for _ in 0..5 {
            let r = auth.login_from(guesser, "admin", "bad", Some(&admins));
            assert_eq!(r.unwrap(), Login::Denied);
        }
        let r = auth.login_from(guesser, "admin", "pw", Some(&admins));
        assert_eq!(r.unwrap(), Login::Limited);
        // A browser is known for DEVICE_LIFETIME.
        advance(DEVICE_LIFETIME + Duration::from_secs(1));
        for n in 1..=5 {
            let from = IpAddr::from([10, 0, 4, n]);
            assert_eq!(auth.login(from, "admin", "bad").unwrap(), Login::Denied);
        }
        let r = auth.login_from(home, "admin", "pw", Some(&admins));
        assert_eq!(r.unwrap(), Login::Limited);
    }

    #[test]
    fn sessions_are_listed_and_revoked_by_their_public_id() {
        let auth = Auth::new("pw", Some("look"), Limits::default()).unwrap();
        let Login::Ok(mine) = auth.login(ip(), "admin", "pw").unwrap() else {
            panic!()
        };
        let Login::Ok(theirs) = auth.login(ip(), "viewer", "look").unwrap() else {
            panic!()
        };
        let listed = auth.sessions();
        assert_eq!(listed.len(), 2);
        assert!(listed
            .iter()
            .all(|s| !s.id.is_empty() && s.id != mine && s.id != theirs));
        let id = auth.session(&theirs).unwrap().id;
        let ended = auth.ended(&theirs);
        assert_eq!(auth.revoke(&id).as_deref(), Some("viewer"));
        futures_util::FutureExt::now_or_never(ended).expect("the revoked session's streams ended");
        assert!(auth.session(&theirs).is_none());
        assert!(auth.session(&mine).is_some());
        assert_eq!(auth.revoke(&id), None);
        auth.end_sessions_of("admin");
        assert_eq!(auth.session_count(), 0);
    }

    #[tokio::test]
    async fn logout_and_expiry_end_the_sessions_streams() {
        let limits = Limits {
            idle: Duration::from_secs(80),
            ..Limits::default()
        };
        let (clock, advance) = manual_clock();
        let auth = Auth::new("pw", None, limits).unwrap().with_clock(clock);
        let Login::Ok(out) = auth.login(ip(), "admin", "pw").unwrap() else {
            panic!()
        };
        let Login::Ok(idle) = auth.login(ip(), "admin", "pw").unwrap() else {
            panic!()
        };
        let logged_out = tokio::spawn(auth.ended(&out));
        let expired = tokio::spawn(auth.ended(&idle));
        auth.logout(&out);
        logged_out.await.unwrap();
        assert!(!expired.is_finished());
        advance(Duration::from_secs(81));
        auth.sweep();
        expired.await.unwrap();
        assert_eq!(auth.session_count(), 0);
        // A token that is no session has nothing to wait for.
        auth.ended("nope").await;
    }

    #[test]
    fn tokens_compare_in_full() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        let a = random_hex(32).unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_hex(32).unwrap());
        let p = generate_password().unwrap();
        assert_eq!(p.len(), 20);
    }
}
