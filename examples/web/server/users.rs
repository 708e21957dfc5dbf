//! Named users and what each may do where.
//!
//! A user has a password (an argon2id hash, never the password) and grants:
//! on which hosts (`*` or one host's name), on which apps (`*`, an exact
//! app name, or a glob such as `team-a-*`) and with which [`Role`]. Every
//! permission check in the dashboard is one call: [`User::role_for`].
//!
//! The rule:
//! - `role_for(host, Some(app))` is the highest role among the grants
//!   whose hosts pattern matches `host` and whose apps pattern matches
//!   `app`.
//! - `role_for(host, None)` is a host-level action (create an app, the
//!   databases, the history of the whole host): only grants whose apps
//!   pattern is `*` count. A `team-a-*` deployer cannot create apps.
//! - `role_for(SITE, None)` ([`SITE`] is `*`) is the whole dashboard:
//!   only grants on hosts `*` and apps `*` count. Managing users needs
//!   Admin there.
//!
//! Users are kept in a JSON file (hashes only, mode 0600, replaced
//! atomically by writing a temporary file and renaming it over).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use serde::{Deserialize, Serialize};

use crate::common::Synced;

pub use super::auth::Role;

/// The "host" whose grant is the whole dashboard's (see the module docs).
pub const SITE: &str = "*";

/// Why a user, a grant or the users file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// The longest user name.
pub const USER_NAME_MAX: usize = 32;

/// A user's name: 1 to 32 lower-case letters, digits, `-`, `_` or `.`,
/// starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName(String);

impl UserName {
    /// Check a name.
    pub fn parse(raw: &str) -> Result<Self, UserError> {
        let ok_start = raw
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let ok = ok_start
            && raw.len() <= USER_NAME_MAX
            && raw.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            });
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(UserError(format!(
                "a user name is 1 to {USER_NAME_MAX} lower-case letters, digits, '-', '_' or '.', \
                 starting with a letter or digit"
            )))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserName {
    type Error = UserError;
    fn try_from(raw: String) -> Result<Self, UserError> {
        Self::parse(&raw)
    }
}

impl From<UserName> for String {
    fn from(name: UserName) -> String {
        name.0
    }
}

impl std::fmt::Display for UserName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a grant's hosts or apps match: `*`, an exact name, or a glob
/// with `*` (`team-a-*`). Names are what Dokku and the host registry
/// allow: lower-case letters, digits, `-` and `.`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pattern(String);

impl Pattern {
    /// Everything.
    pub fn any() -> Self {
        Self("*".to_owned())
    }

    /// Check a pattern.
    pub fn parse(raw: &str) -> Result<Self, UserError> {
        let ok = !raw.is_empty()
            && raw.len() <= 200
            && raw.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'-' | b'.' | b'_' | b'*')
            });
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(UserError(format!(
                "{raw:?} is not a pattern: use *, a name, or a name with * (team-a-*)"
            )))
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it matches every name.
    pub fn is_any(&self) -> bool {
        self.0 == "*"
    }

    /// Whether `name` matches (`*` stands for any run of characters).
    pub fn matches(&self, name: &str) -> bool {
        glob(self.0.as_bytes(), name.as_bytes())
    }
}

/// `*`-only glob matching, iterative (no backtracking blow-up).
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|b| *b == b'*')
}

impl TryFrom<String> for Pattern {
    type Error = UserError;
    fn try_from(raw: String) -> Result<Self, UserError> {
        Self::parse(&raw)
    }
}

impl From<Pattern> for String {
    fn from(p: Pattern) -> String {
        p.0
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A role on some apps of some hosts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// `*` or one host's name.
    pub hosts: Pattern,
    /// `*`, an app's name, or a glob (`team-a-*`).
    pub apps: Pattern,
    /// What it allows.
    pub role: Role,
}

impl Grant {
    /// `role` on every app of every host.
    pub fn everywhere(role: Role) -> Self {
        Self {
            hosts: Pattern::any(),
            apps: Pattern::any(),
            role,
        }
    }

    /// The grant as a line of the users page: `deployer * team-a-*`
    /// (role, hosts, apps).
    pub fn line(&self) -> String {
        format!("{} {} {}", self.role.as_str(), self.hosts, self.apps)
    }

    /// A line of the users page back into a grant.
    pub fn parse_line(line: &str) -> Result<Self, UserError> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let [role, hosts, apps] = words.as_slice() else {
            return Err(UserError(format!(
                "{line:?} is not a grant: write the role, the hosts and the apps, \
                 as in `deployer * team-a-*`"
            )));
        };
        let role = Role::parse(role).ok_or_else(|| {
            UserError(format!(
                "{role:?} is not a role: use viewer, deployer or admin"
            ))
        })?;
        Ok(Self {
            hosts: Pattern::parse(hosts)?,
            apps: Pattern::parse(apps)?,
            role,
        })
    }

    /// One grant a line (blank lines skipped).
    pub fn parse_lines(text: &str) -> Result<Vec<Self>, UserError> {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(Self::parse_line)
            .collect()
    }
}

/// A named user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The login name.
    pub name: UserName,
    /// The argon2id hash of the password (a PHC string).
    pub password: String,
    /// What the user may do where.
    pub grants: Vec<Grant>,
}

impl User {
    /// The user's role for an app of a host (`app: None`: a host-level
    /// action), or `None` when no grant matches: the one answer to every
    /// permission question (see the module docs for the rule).
    pub fn role_for(&self, host: &str, app: Option<&str>) -> Option<Role> {
        self.grants
            .iter()
            .filter(|g| g.hosts.matches(host))
            .filter(|g| match app {
                Some(app) => g.apps.matches(app),
                None => g.apps.is_any(),
            })
            .map(|g| g.role)
            .max()
    }

    /// Whether the user has at least `need` there.
    pub fn may(&self, need: Role, host: &str, app: Option<&str>) -> bool {
        self.role_for(host, app).is_some_and(|r| r >= need)
    }

    /// Whether any of the user's grants is on `host` (the fleet page shows
    /// only those hosts).
    pub fn has_grant_on(&self, host: &str) -> bool {
        self.grants.iter().any(|g| g.hosts.matches(host))
    }

    /// The highest role any grant gives: what a token the user makes may
    /// carry at most (the grants still limit where).
    pub fn highest_role(&self) -> Option<Role> {
        self.grants.iter().map(|g| g.role).max()
    }

    /// Whether the user manages users and sees everyone's sessions:
    /// Admin on every app of every host.
    pub fn is_site_admin(&self) -> bool {
        self.may(Role::Admin, SITE, None)
    }
}

/// The users file's shape.
#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    users: Vec<User>,
}

/// Every user, kept in a file (or only in memory, for tests).
///
/// The file is the truth: another program (`web user reset-password`,
/// another dashboard) may change it while this one runs, so every read
/// and change takes what it holds now ([`Synced`]).
#[derive(Debug)]
pub struct Users {
    file: Option<PathBuf>,
    held: RwLock<Synced<BTreeMap<UserName, User>>>,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn by_name(users: Vec<User>) -> BTreeMap<UserName, User> {
    users.into_iter().map(|u| (u.name.clone(), u)).collect()
}

/// The users of a users file's bytes (`None`: the file is gone).
fn decode(path: &Path, bytes: Option<&[u8]>) -> Result<BTreeMap<UserName, User>, UserError> {
    let shown = path.display();
    let bytes = bytes.ok_or_else(|| UserError(format!("the users file {shown} is gone")))?;
    let file: File = serde_json::from_slice(bytes)
        .map_err(|e| UserError(format!("the users file {shown} is not valid: {e}")))?;
    if file.version != 1 {
        return Err(UserError(format!(
            "the users file {shown} has version {}; this dashboard reads version 1",
            file.version
        )));
    }
    Ok(by_name(file.users))
}

fn encode(users: &BTreeMap<UserName, User>) -> Result<Vec<u8>, UserError> {
    let file = File {
        version: 1,
        users: users.values().cloned().collect(),
    };
    serde_json::to_vec_pretty(&file).map_err(|e| UserError(format!("cannot encode the users: {e}")))
}

impl Users {
    /// Users kept only in memory.
    pub fn in_memory(users: Vec<User>) -> Self {
        Self {
            file: None,
            held: RwLock::new(Synced::new(None, None, by_name(users))),
        }
    }

    /// The users of `path`; when it does not exist, `bootstrap()`'s users,
    /// written to it. Returns whether it bootstrapped.
    pub fn open(
        path: &Path,
        bootstrap: impl FnOnce() -> Result<Vec<User>, UserError>,
    ) -> Result<(Self, bool), UserError> {
        let file = Some(path.to_owned());
        let (held, bootstrapped) = match std::fs::read(path) {
            Ok(bytes) => {
                let users = decode(path, Some(&bytes))?;
                (Synced::new(file.clone(), Some(bytes), users), false)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut held = Synced::new(file.clone(), None, BTreeMap::new());
                let _lock = held.lock().map_err(|e| UserError(e.to_string()))?;
                if path.exists() {
                    // Another dashboard made it meanwhile: its users count.
                    return Self::open(path, bootstrap);
                }
                let users = by_name(bootstrap()?);
                held.save(encode(&users)?, users)
                    .map_err(|e| unwritable(path, e))?;
                (held, true)
            }
            Err(e) => return Err(unreadable(path, e)),
        };
        let held = RwLock::new(held);
        Ok((Self { file, held }, bootstrapped))
    }

    /// Where the users are kept, if in a file.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// One user.
    pub fn get(&self, name: &str) -> Option<User> {
        let name = UserName::parse(name).ok()?;
        self.current().value().get(&name).cloned()
    }

    /// Every user, by name.
    pub fn list(&self) -> Vec<User> {
        self.current().value().values().cloned().collect()
    }

    /// The users the file holds now; when it cannot be read, or holds
    /// something this dashboard cannot read, the users read before (a
    /// warning is logged, and [`Users::change`] refuses to write over it).
    fn current(&self) -> std::sync::RwLockReadGuard<'_, Synced<BTreeMap<UserName, User>>> {
        let mut held = write(&self.held);
        if let Err(e) = self.sync(&mut held) {
            if !held.refused_again() {
                tracing::warn!("{e}; the users read before are kept");
            }
        }
        drop(held);
        read(&self.held)
    }

    fn sync(&self, held: &mut Synced<BTreeMap<UserName, User>>) -> Result<(), UserError> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        held.sync(|bytes| decode(path, bytes), |e| unreadable(path, e))
    }

    /// Change the users the file holds now with `change`, refuse a result
    /// without a site admin (nobody could manage users any more), and save
    /// (a temporary file, 0600, renamed over the old one).
    pub fn change(
        &self,
        change: impl FnOnce(&mut BTreeMap<UserName, User>) -> Result<(), UserError>,
    ) -> Result<(), UserError> {
        let mut held = write(&self.held);
        let _lock = held.lock().map_err(|e| UserError(e.to_string()))?;
        self.sync(&mut held)?;
        let mut next = held.value().clone();
        change(&mut next)?;
        if !next.values().any(User::is_site_admin) {
            return Err(UserError(
                "that would leave no admin on every app of every host: \
                 nobody could manage users any more"
                    .to_owned(),
            ));
        }
        let bytes = encode(&next)?;
        held.save(bytes, next).map_err(|e| match &self.file {
            Some(path) => unwritable(path, e),
            None => UserError(e.to_string()),
        })
    }
}

fn unreadable(path: &Path, e: std::io::Error) -> UserError {
    UserError(format!(
        "cannot read the users file {}: {e}",
        path.display()
    ))
}

fn unwritable(path: &Path, e: std::io::Error) -> UserError {
    UserError(format!(
        "cannot write the users file {}: {e}",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn grant(hosts: &str, apps: &str, role: Role) -> Grant {
        Grant {
            hosts: Pattern::parse(hosts).unwrap(),
            apps: Pattern::parse(apps).unwrap(),
            role,
        }
    }

    fn user(grants: Vec<Grant>) -> User {
        User {
            name: UserName::parse("alice").unwrap(),
            password: String::new(),
            grants,
        }
    }

    #[test]
    fn the_highest_matching_grant_wins_and_host_level_needs_every_app() {
        let u = user(vec![
            grant("*", "team-a-*", Role::Viewer),
            grant("eu-1", "team-a-*", Role::Deployer),
            grant("us-1", "*", Role::Viewer),
        ]);
        assert_eq!(u.role_for("eu-1", Some("team-a-web")), Some(Role::Deployer));
        assert_eq!(u.role_for("us-1", Some("team-a-web")), Some(Role::Viewer));
        assert_eq!(u.role_for("eu-1", Some("team-b-web")), None);
        assert_eq!(u.role_for("us-1", Some("team-b-web")), Some(Role::Viewer));
        // Host-level: only apps `*` grants count.
        assert_eq!(u.role_for("eu-1", None), None);
        assert_eq!(u.role_for("us-1", None), Some(Role::Viewer));
        assert!(!u.is_site_admin());
        assert!(user(vec![grant("*", "*", Role::Admin)]).is_site_admin());
        assert!(!user(vec![grant("eu-1", "*", Role::Admin)]).is_site_admin());
        assert!(Role::Viewer < Role::Deployer && Role::Deployer < Role::Admin);
    }

    #[test]
    fn globs_match_runs_of_characters() {
        let p = |s: &str| Pattern::parse(s).unwrap();
        assert!(p("*").matches("anything"));
        assert!(p("team-a-*").matches("team-a-"));
        assert!(p("team-a-*").matches("team-a-web"));
        assert!(!p("team-a-*").matches("team-b-web"));
        assert!(p("*-web").matches("team-a-web"));
        assert!(p("a*b*c").matches("axxbyyc"));
        assert!(!p("a*b*c").matches("axxbyy"));
        assert!(p("api").matches("api") && !p("api").matches("api2"));
        assert!(Pattern::parse("").is_err());
        assert!(Pattern::parse("Team A").is_err());
    }

    #[test]
    fn grant_lines_round_trip_and_bad_ones_say_the_form() {
        let grants = Grant::parse_lines("deployer * team-a-*\n\n  admin eu-1 api \n").unwrap();
        assert_eq!(grants.len(), 2);
        assert_eq!(grants[0].line(), "deployer * team-a-*");
        assert_eq!(grants[1], grant("eu-1", "api", Role::Admin));
        assert!(Grant::parse_line("owner * *")
            .unwrap_err()
            .0
            .contains("not a role"));
        assert!(Grant::parse_line("admin *")
            .unwrap_err()
            .0
            .contains("deployer * team-a-*"));
    }

    #[test]
    fn user_names_are_checked() {
        assert!(UserName::parse("alice.b-2_x").is_ok());
        for bad in ["", "Alice", "-a", "a b", "a/b", &"a".repeat(33)] {
            let e = UserName::parse(bad).unwrap_err();
            assert!(e.0.contains("lower-case"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn the_file_is_written_atomically_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/users.json");
        let admin = User {
            name: UserName::parse("admin").unwrap(),
            password: "$argon2id$v=19$fake".to_owned(),
            grants: vec![Grant::everywhere(Role::Admin)],
        };
        let (users, bootstrapped) = Users::open(&path, || Ok(vec![admin.clone()])).unwrap();
        assert!(bootstrapped);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        users
            .change(|all| {
                let bob = user(vec![grant("*", "team-a-*", Role::Deployer)]);
                all.insert(
                    UserName::parse("bob").unwrap(),
                    User {
                        name: UserName::parse("bob").unwrap(),
                        ..bob
                    },
                );
                Ok(())
            })
            .unwrap();
        // The last site admin cannot be removed.
        let refused = users.change(|all| {
            all.remove(&UserName::parse("admin").unwrap());
            Ok(())
        });
        assert!(refused.unwrap_err().0.contains("no admin"));
        let (again, bootstrapped) =
            Users::open(&path, || panic!("bootstrapped over a file")).unwrap();
        assert!(!bootstrapped);
        assert_eq!(again.list().len(), 2);
        assert_eq!(again.get("admin").unwrap(), admin);
        assert!(!dir.path().join("sub/users.json.tmp").exists());
        std::fs::write(&path, "{").unwrap();
        assert!(Users::open(&path, || Ok(vec![]))
            .unwrap_err()
            .0
            .contains("not valid"));
    }

    fn named(name: &str, password: &str, grants: Vec<Grant>) -> User {
        User {
            name: UserName::parse(name).unwrap(),
            password: password.to_owned(),
            ..user(grants)
        }
    }

    fn set_password(users: &Users, name: &str, password: &str) -> Result<(), UserError> {
        users.change(|all| {
            all.get_mut(&UserName::parse(name).unwrap())
                .unwrap()
                .password = password.to_owned();
            Ok(())
        })
    }

    #[test]
    fn two_programs_on_one_file_see_each_others_changes_and_lose_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.json");
        let admin = named("admin", "hash-1", vec![grant("*", "*", Role::Admin)]);
        // A running dashboard, and `web user reset-password` beside it.
        let (dashboard, _) = Users::open(&path, || Ok(vec![admin])).unwrap();
        let (reset, _) = Users::open(&path, || panic!("bootstrapped over a file")).unwrap();
        set_password(&reset, "admin", "hash-2").unwrap();
        assert_eq!(dashboard.get("admin").unwrap().password, "hash-2");

        // The dashboard's next change is made to the file as it is now.
        dashboard
            .change(|all| {
                let carol = named("carol", "hash-c", vec![grant("*", "api", Role::Viewer)]);
                all.insert(carol.name.clone(), carol);
                Ok(())
            })
            .unwrap();
        let (again, _) = Users::open(&path, || panic!("bootstrapped over a file")).unwrap();
        assert_eq!(again.get("admin").unwrap().password, "hash-2");
        assert!(again.get("carol").is_some());
        assert_eq!(reset.list().len(), 2);
    }

    #[test]
    fn a_change_holds_the_files_lock_from_its_read_to_its_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.json");
        let admin = named("admin", "hash-1", vec![grant("*", "*", Role::Admin)]);
        let (users, _) = Users::open(&path, || Ok(vec![admin])).unwrap();
        users
            .change(|_| {
                assert!(!crate::common::lock_is_free(&path));
                Ok(())
            })
            .unwrap();
        assert!(crate::common::lock_is_free(&path));
    }

    #[test]
    fn a_users_file_spoiled_meanwhile_keeps_the_users_read_and_is_not_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.json");
        let admin = named("admin", "hash-1", vec![grant("*", "*", Role::Admin)]);
        let (users, _) = Users::open(&path, || Ok(vec![admin.clone()])).unwrap();
        for spoiled in [&b"{"[..], br#"{"version": 2, "users": []}"#] {
            std::fs::write(&path, spoiled).unwrap();
            // Logins go on with the users read before.
            assert_eq!(users.get("admin").unwrap(), admin);
            assert_eq!(users.list().len(), 1);
            let refused = set_password(&users, "admin", "hash-2").unwrap_err().0;
            assert!(
                refused.contains("not valid") || refused.contains("version 2"),
                "{refused}"
            );
            assert_eq!(std::fs::read(&path).unwrap(), spoiled);
        }
        std::fs::remove_file(&path).unwrap();
        assert_eq!(users.get("admin").unwrap(), admin);
        let refused = set_password(&users, "admin", "hash-2").unwrap_err().0;
        assert!(refused.contains("is gone"), "{refused}");
        assert!(!path.exists());
    }
}
