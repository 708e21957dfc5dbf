//! The host registry: a TOML file naming each host, where it is, the key it
//! is pinned to, its labels and limits.
//!
//! ```toml
//! # ~/.config/dokku-rs/hosts.toml
//! [fleet]
//! concurrency = 32          # hosts worked on at once
//! host_concurrency = 4      # commands in flight on one host
//! timeout_secs = 30         # per host, per query
//! identity = "~/.ssh/dokku" # default for every SSH host
//!
//! [hosts.eu-1]
//! target = "dokku@eu-1.example.com"
//! host_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI…"   # or "SHA256:…"
//! labels = { env = "prod", region = "eu" }
//!
//! [hosts.us-1]
//! target = "dokku@us-1.example.com:2222"
//! identity = "~/.ssh/dokku_us"
//! host_key = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"
//! labels = { env = "prod", region = "us" }
//! concurrency = 2
//! timeout_secs = 60
//!
//! [hosts.staging]
//! target = "staging"        # an ssh_config alias
//! labels = { env = "staging" }
//!
//! [hosts.here]
//! local = true              # the dokku program on this machine
//!
//! [hosts.sandbox]
//! demo = "0.35.20"          # a simulated host (dokku-sim); `true` for the current version
//! ```
//!
//! The file is read with the `toml` crate's spans, so every mistake is
//! reported with the file, line, column and field (`hosts.us-1.timeout_secs`),
//! and unknown fields are refused (a typo must not silently drop a pin or
//! an identity). Pins are written back with `toml_edit`, which keeps the
//! file's comments and layout.
//!
//! A host's `host_key` is its only known key: the fleet hands it to
//! [`SshBuilder::pin_host_key`](dokku_ssh::SshBuilder::pin_host_key), and no
//! known_hosts file is consulted. An SSH host without one is refused until
//! it is enrolled: [`enrol`] makes first contact and shows the key's
//! fingerprint without authenticating or recording anything;
//! [`Registry::pin`] stores it once a person has confirmed it. A pinned key
//! is never replaced silently: [`Registry::pin`] refuses a different key and
//! [`Registry::replace_pin`] must name the old fingerprint.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dokku_core::DokkuVersion;
use dokku_ssh::{Fingerprint, HostKey, HostKeyPin, SshExecutor};
use serde::Deserialize;
use toml::Spanned;

use crate::error::FleetError;
use crate::name::{label_word_problem, HostName, Labels};

/// Where a registered host is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// Over SSH.
    Ssh(SshTarget),
    /// The `dokku` program on this machine.
    Local,
    /// A simulated host (dokku-sim) imitating this Dokku version, in
    /// memory.
    Demo(DokkuVersion),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Ssh(ssh) => fmt::Display::fmt(ssh, f),
            Target::Local => f.write_str("local"),
            Target::Demo(version) => write!(f, "demo (Dokku {version})"),
        }
    }
}

/// An SSH target: `[user@]host[:port]`, or an ssh_config alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SshTarget {
    user: Option<String>,
    host: String,
    port: Option<u16>,
}

impl SshTarget {
    /// Parse `dokku@host`, `dokku@host:2222`, `dokku@[2001:db8::1]:22`,
    /// `ssh://dokku@host:2222` or an alias.
    pub fn parse(text: &str) -> Result<Self, FleetError> {
        Self::parse_inner(text).map_err(|reason| FleetError::InvalidTarget {
            target: text.to_owned(),
            reason,
        })
    }

    fn parse_inner(text: &str) -> Result<Self, String> {
        let rest = text.trim();
        let rest = rest.strip_prefix("ssh://").unwrap_or(rest);
        let (user, rest) = match rest.split_once('@') {
            Some((user, rest)) => (Some(user), rest),
            None => (None, rest),
        };
        if let Some(user) = user {
            if user.is_empty()
                || user.starts_with('-')
                || !user
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return Err(format!("{user:?} is not a user name"));
            }
        }
        let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
            let Some((host, after)) = bracketed.split_once(']') else {
                return Err("an opening [ without its ]".to_owned());
            };
            match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None if after.is_empty() => (host, None),
                None => return Err(format!("unexpected {after:?} after the address")),
            }
        } else {
            match rest.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (rest, None),
            }
        };
        let port = match port {
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("{p:?} is not a port"))?,
            ),
            None => None,
        };
        if host.is_empty() {
            return Err("no host".to_owned());
        }
        if host.starts_with('-') {
            return Err("a host cannot start with '-'".to_owned());
        }
        if !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        {
            return Err(format!(
                "{host:?} is not a host name, address or ssh_config alias"
            ));
        }
        Ok(Self {
            user: user.map(str::to_owned),
            host: host.to_owned(),
            port,
        })
    }

    /// The user, if given.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The host name, address or ssh_config alias.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, if given.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// A builder for this target: host, user and port set; nothing else.
    pub fn builder(&self) -> dokku_ssh::SshBuilder {
        let mut b = SshExecutor::builder(self.host.clone());
        if let Some(user) = &self.user {
            b = b.user(user.clone());
        }
        if let Some(port) = self.port {
            b = b.port(port);
        }
        b
    }
}

impl fmt::Display for SshTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(user) = &self.user {
            write!(f, "{user}@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

/// One registered host.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostEntry {
    /// Its name.
    pub name: HostName,
    /// Where it is.
    pub target: Target,
    /// The SSH key to log in with (else ssh_config's and the agent's).
    pub identity: Option<PathBuf>,
    /// An ssh_config to read instead of `~/.ssh/config`.
    pub ssh_config: Option<PathBuf>,
    /// The key (or fingerprint) it is pinned to.
    pub host_key: Option<HostKeyPin>,
    /// Its labels.
    pub labels: Labels,
    /// Commands in flight on it at once (else the fleet's default).
    pub concurrency: Option<usize>,
    /// How long a query may take on it (else the fleet's default).
    pub timeout: Option<Duration>,
}

/// The `[fleet]` table: defaults for every host.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FleetDefaults {
    /// Hosts worked on at once.
    pub concurrency: Option<usize>,
    /// Commands in flight on one host at once.
    pub host_concurrency: Option<usize>,
    /// How long a query may take on one host.
    pub timeout: Option<Duration>,
    /// The SSH key for hosts that name none.
    pub identity: Option<PathBuf>,
    /// The ssh_config for hosts that name none.
    pub ssh_config: Option<PathBuf>,
}

/// The registry file, read.
#[derive(Debug, Clone)]
pub struct Registry {
    path: PathBuf,
    text: String,
    defaults: FleetDefaults,
    hosts: Vec<HostEntry>,
}

/// What [`Registry::pin`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinChange {
    /// The host had no pin; it has this one now (call [`Registry::save`]).
    Pinned,
    /// The host was already pinned to this key.
    Unchanged,
}

// ---------------------------------------------------------------------------
// The file as TOML has it
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    fleet: Option<RawFleet>,
    #[serde(default)]
    hosts: BTreeMap<Spanned<String>, Spanned<RawHost>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFleet {
    concurrency: Option<Spanned<u64>>,
    host_concurrency: Option<Spanned<u64>>,
    timeout_secs: Option<Spanned<u64>>,
    identity: Option<Spanned<String>>,
    ssh_config: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHost {
    target: Option<Spanned<String>>,
    local: Option<Spanned<bool>>,
    demo: Option<Spanned<RawDemo>>,
    identity: Option<Spanned<String>>,
    ssh_config: Option<Spanned<String>>,
    host_key: Option<Spanned<String>>,
    #[serde(default)]
    labels: BTreeMap<Spanned<String>, Spanned<String>>,
    concurrency: Option<Spanned<u64>>,
    timeout_secs: Option<Spanned<u64>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDemo {
    Current(bool),
    Version(String),
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit_once('\n')
        .map_or(before, |(_, l)| l)
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The field at a byte offset: the nearest `[table]` header above it and
/// the key on its line (`hosts.eu-1.identity`).
fn field_at(text: &str, offset: usize) -> String {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let mut table = String::new();
    for line in before.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            table = l.trim_matches(|c| c == '[' || c == ']').trim().to_owned();
        }
    }
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text
        .get(line_start..)
        .and_then(|rest| rest.lines().next())
        .unwrap_or("");
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim())
        .filter(|k| !k.is_empty() && !k.starts_with('[') && !k.starts_with('#'));
    match (table.is_empty(), key) {
        (true, Some(key)) => key.to_owned(),
        (false, Some(key)) => format!("{table}.{key}"),
        (false, None) => table,
        (true, None) => "(top level)".to_owned(),
    }
}

struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Reader<'_> {
    fn error(
        &self,
        offset: usize,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> FleetError {
        let (line, column) = line_col(self.text, offset);
        FleetError::Registry {
            file: self.path.to_path_buf(),
            line,
            column,
            field: field.into(),
            reason: reason.into(),
        }
    }

    fn at<T>(&self, value: &Spanned<T>, field: &str, reason: impl Into<String>) -> FleetError {
        self.error(value.span().start, field, reason)
    }

    fn count(
        &self,
        value: &Option<Spanned<u64>>,
        field: &str,
    ) -> Result<Option<usize>, FleetError> {
        match value {
            None => Ok(None),
            Some(v) if *v.get_ref() == 0 => Err(self.at(v, field, "must be at least 1")),
            Some(v) => usize::try_from(*v.get_ref())
                .map(Some)
                .map_err(|_| self.at(v, field, "is too large")),
        }
    }

    fn timeout(
        &self,
        value: &Option<Spanned<u64>>,
        field: &str,
    ) -> Result<Option<Duration>, FleetError> {
        match value {
            None => Ok(None),
            Some(v) if *v.get_ref() == 0 => Err(self.at(v, field, "must be at least 1 second")),
            Some(v) => Ok(Some(Duration::from_secs(*v.get_ref()))),
        }
    }

    fn path(&self, value: &Option<Spanned<String>>) -> Option<PathBuf> {
        value.as_ref().map(|v| expand_path(v.get_ref(), self.path))
    }

    fn host(
        &self,
        name: &Spanned<String>,
        raw: &Spanned<RawHost>,
    ) -> Result<HostEntry, FleetError> {
        let field_name = format!("hosts.{}", name.get_ref());
        let field = |f: &str| format!("{field_name}.{f}");
        let host_name = HostName::new(name.get_ref().clone())
            .map_err(|e| self.at(name, &field_name, e.to_string()))?;
        let r = raw.get_ref();
        let target = match (&r.target, &r.local, &r.demo) {
            (Some(t), None, None) => Target::Ssh(
                SshTarget::parse_inner(t.get_ref())
                    .map_err(|reason| self.at(t, &field("target"), reason))?,
            ),
            (None, Some(local), None) if *local.get_ref() => Target::Local,
            (None, Some(local), None) => {
                return Err(self.at(
                    local,
                    &field("local"),
                    "`local = false` names no host; remove the host or give a target",
                ))
            }
            (None, None, Some(demo)) => Target::Demo(match demo.get_ref() {
                RawDemo::Current(true) => dokku_sim::host::profiles::V0_38_27,
                RawDemo::Current(false) => {
                    return Err(self.at(
                        demo,
                        &field("demo"),
                        "`demo = false` names no host; remove the host or give a target",
                    ))
                }
                RawDemo::Version(v) => v.parse::<DokkuVersion>().map_err(|_| {
                    self.at(
                        demo,
                        &field("demo"),
                        format!("{v:?} is not a Dokku version"),
                    )
                })?,
            }),
            (None, None, None) => return Err(self.at(
                raw,
                &field_name,
                "a host needs one of `target = \"dokku@host\"`, `local = true` or `demo = true`",
            )),
            _ => {
                return Err(self.at(
                    raw,
                    &field_name,
                    "a host has only one of `target`, `local` and `demo`",
                ))
            }
        };
        let ssh = matches!(target, Target::Ssh(_));
        for (value, name) in [
            (&r.identity, "identity"),
            (&r.ssh_config, "ssh_config"),
            (&r.host_key, "host_key"),
        ] {
            if let (Some(v), false) = (value, ssh) {
                return Err(self.at(v, &field(name), "only SSH hosts (`target = …`) have this"));
            }
        }
        let host_key = match &r.host_key {
            Some(k) => Some(
                HostKeyPin::parse(k.get_ref())
                    .map_err(|e| self.at(k, &field("host_key"), e.to_string()))?,
            ),
            None => None,
        };
        let mut labels = Labels::new();
        for (k, v) in &r.labels {
            if let Some(reason) = label_word_problem(k.get_ref()) {
                return Err(self.at(k, &field("labels"), reason));
            }
            if let Some(reason) = label_word_problem(v.get_ref()) {
                return Err(self.at(v, &field(&format!("labels.{}", k.get_ref())), reason));
            }
            labels.insert(k.get_ref().clone(), v.get_ref().clone());
        }
        Ok(HostEntry {
            name: host_name,
            target,
            identity: self.path(&r.identity),
            ssh_config: self.path(&r.ssh_config),
            host_key,
            labels,
            concurrency: self.count(&r.concurrency, &field("concurrency"))?,
            timeout: self.timeout(&r.timeout_secs, &field("timeout_secs"))?,
        })
    }
}

/// `~/x` from the home directory; a relative path from the registry's
/// directory.
fn expand_path(text: &str, registry: &Path) -> PathBuf {
    if let Some(rest) = text.strip_prefix("~/") {
        if let Some(dirs) = directories::BaseDirs::new() {
            return dirs.home_dir().join(rest);
        }
    }
    let path = PathBuf::from(text);
    if path.is_relative() {
        if let Some(dir) = registry.parent() {
            return dir.join(path);
        }
    }
    path
}

impl Registry {
    /// The registry's usual place: `dokku-rs/hosts.toml` in the platform's
    /// configuration directory (`$XDG_CONFIG_HOME`, else `~/.config`, on
    /// Linux).
    pub fn default_path() -> Result<PathBuf, FleetError> {
        directories::BaseDirs::new()
            .map(|d| d.config_dir().join("dokku-rs").join("hosts.toml"))
            .ok_or(FleetError::NoConfigDir)
    }

    /// Read the registry at its usual place ([`Registry::default_path`]).
    pub fn load_default() -> Result<Self, FleetError> {
        Self::load(Self::default_path()?)
    }

    /// Read a registry file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, FleetError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| FleetError::RegistryIo {
            what: "reading the host registry",
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Read a registry file, or start an empty one there if it does not
    /// exist yet (saved by [`Registry::save`]).
    pub fn load_or_empty(path: impl AsRef<Path>) -> Result<Self, FleetError> {
        let path = path.as_ref();
        if path.exists() {
            Self::load(path)
        } else {
            Self::parse(path, "")
        }
    }

    /// Read registry text; `path` is where it came from (for errors, and
    /// relative paths in it).
    pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Self, FleetError> {
        let path = path.as_ref();
        let reader = Reader { path, text };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            reader.error(offset, field_at(text, offset), e.message().trim())
        })?;
        let defaults = match &raw.fleet {
            None => FleetDefaults::default(),
            Some(f) => FleetDefaults {
                concurrency: reader.count(&f.concurrency, "fleet.concurrency")?,
                host_concurrency: reader.count(&f.host_concurrency, "fleet.host_concurrency")?,
                timeout: reader.timeout(&f.timeout_secs, "fleet.timeout_secs")?,
                identity: reader.path(&f.identity),
                ssh_config: reader.path(&f.ssh_config),
            },
        };
        let hosts = raw
            .hosts
            .iter()
            .map(|(name, host)| reader.host(name, host))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            path: path.to_path_buf(),
            text: text.to_owned(),
            defaults,
            hosts,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The `[fleet]` defaults.
    pub fn defaults(&self) -> &FleetDefaults {
        &self.defaults
    }

    /// Every host, sorted by name.
    pub fn hosts(&self) -> &[HostEntry] {
        &self.hosts
    }

    /// One host.
    pub fn get(&self, name: &str) -> Option<&HostEntry> {
        self.hosts.iter().find(|h| h.name == name)
    }

    fn entry(&self, name: &str) -> Result<&HostEntry, FleetError> {
        self.get(name).ok_or_else(|| FleetError::UnknownHost {
            name: name.to_owned(),
        })
    }

    fn document(&self) -> Result<toml_edit::DocumentMut, FleetError> {
        self.text.parse::<toml_edit::DocumentMut>().map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            Reader {
                path: &self.path,
                text: &self.text,
            }
            .error(offset, field_at(&self.text, offset), e.message().trim())
        })
    }

    // Apply an edit to the text and read the result back, so the entries
    // always say what the file will.
    fn edit(&mut self, change: impl FnOnce(&mut toml_edit::DocumentMut)) -> Result<(), FleetError> {
        let mut doc = self.document()?;
        change(&mut doc);
        let text = doc.to_string();
        *self = Self::parse(&self.path, &text)?;
        Ok(())
    }

    // Apply an edit to one host's table.
    fn edit_host(
        &mut self,
        name: &str,
        change: impl FnOnce(&mut dyn toml_edit::TableLike),
    ) -> Result<(), FleetError> {
        self.edit(|doc| {
            if let Some(host) = doc
                .get_mut("hosts")
                .and_then(|h| h.get_mut(name))
                .and_then(toml_edit::Item::as_table_like_mut)
            {
                change(host);
            }
        })
    }

    /// Add an SSH host (`dokku@host[:port]` or an alias), not pinned yet:
    /// enrol it next. Call [`Registry::save`] to write the file.
    pub fn add_ssh_host(&mut self, name: &str, target: &str) -> Result<(), FleetError> {
        let name = HostName::new(name)?;
        let target = SshTarget::parse(target)?;
        if self.get(name.as_str()).is_some() {
            return Err(FleetError::DuplicateHost { host: name });
        }
        self.edit(|doc| {
            let hosts = doc.entry("hosts").or_insert_with(|| {
                let mut t = toml_edit::Table::new();
                t.set_implicit(true);
                toml_edit::Item::Table(t)
            });
            if let Some(hosts) = hosts.as_table_like_mut() {
                let mut host = toml_edit::Table::new();
                host.insert("target", toml_edit::value(target.to_string()));
                hosts.insert(name.as_str(), toml_edit::Item::Table(host));
            }
        })
    }

    /// Remove a host (its pin and labels with it). Call [`Registry::save`].
    pub fn remove_host(&mut self, name: &str) -> Result<HostEntry, FleetError> {
        let entry = self.entry(name)?.clone();
        self.edit(|doc| {
            if let Some(hosts) = doc
                .get_mut("hosts")
                .and_then(toml_edit::Item::as_table_like_mut)
            {
                hosts.remove(name);
            }
        })?;
        Ok(entry)
    }

    /// Set a host's labels (replacing the ones it had); checked as the
    /// file is. Call [`Registry::save`].
    pub fn set_labels(&mut self, name: &str, labels: &Labels) -> Result<(), FleetError> {
        self.entry(name)?;
        let mut table = toml_edit::InlineTable::new();
        for (k, v) in labels {
            table.insert(k, v.as_str().into());
        }
        self.edit_host(name, |host| {
            if table.is_empty() {
                host.remove("labels");
            } else {
                host.insert("labels", toml_edit::value(table));
            }
        })
    }

    /// Set the SSH key an SSH host logs in with. Call [`Registry::save`].
    pub fn set_identity(&mut self, name: &str, identity: &Path) -> Result<(), FleetError> {
        let entry = self.entry(name)?;
        if !matches!(entry.target, Target::Ssh(_)) {
            return Err(FleetError::InvalidTarget {
                target: entry.target.to_string(),
                reason: format!("{name} is not an SSH host; only SSH hosts have an identity"),
            });
        }
        let text = identity.display().to_string();
        self.edit_host(name, |host| {
            host.insert("identity", toml_edit::value(text));
        })
    }

    /// First contact with a registered SSH host: the key it presents, for
    /// a person to confirm before [`Registry::pin`]. Nothing is
    /// authenticated, recorded or pinned.
    pub async fn enrol(&self, name: &str) -> Result<Enrolment, FleetError> {
        let entry = self.entry(name)?;
        let Target::Ssh(target) = &entry.target else {
            return Err(FleetError::InvalidPin {
                host: name.to_owned(),
                reason: "only SSH hosts have host keys".to_owned(),
            });
        };
        let options = EnrolOptions {
            ssh_config: entry
                .ssh_config
                .clone()
                .or_else(|| self.defaults.ssh_config.clone()),
            ..EnrolOptions::default()
        };
        enrol(target, &options).await
    }

    /// Pin a host to a key (or a fingerprint), after a person confirmed
    /// it. Pinning the key it already has changes nothing; a different key
    /// is refused ([`FleetError::AlreadyPinned`]): see
    /// [`Registry::replace_pin`]. Call [`Registry::save`] to write the file.
    pub fn pin(&mut self, name: &str, pin: impl Into<HostKeyPin>) -> Result<PinChange, FleetError> {
        let pin = pin.into();
        let entry = self.entry(name)?;
        if !matches!(entry.target, Target::Ssh(_)) {
            return Err(FleetError::InvalidPin {
                host: name.to_owned(),
                reason: "only SSH hosts have host keys".to_owned(),
            });
        }
        match &entry.host_key {
            Some(current) if current.fingerprint() == pin.fingerprint() => {
                // A fingerprint pin learns the full key: keep the stronger form.
                if matches!(
                    (current, &pin),
                    (HostKeyPin::Fingerprint(_), HostKeyPin::Key(_))
                ) {
                    self.write_pin(name, &pin)?;
                }
                Ok(PinChange::Unchanged)
            }
            Some(current) => Err(FleetError::AlreadyPinned {
                host: entry.name.clone(),
                pinned: current.fingerprint().to_string(),
                offered: pin.fingerprint().to_string(),
            }),
            None => {
                self.write_pin(name, &pin)?;
                Ok(PinChange::Pinned)
            }
        }
    }

    /// Replace a host's pin on purpose (its key was rotated): `old` must be
    /// the fingerprint it is pinned to now. Call [`Registry::save`].
    pub fn replace_pin(
        &mut self,
        name: &str,
        old: &Fingerprint,
        new: impl Into<HostKeyPin>,
    ) -> Result<(), FleetError> {
        let entry = self.entry(name)?;
        let pinned = entry.host_key.as_ref().map(HostKeyPin::fingerprint);
        if pinned.as_ref() != Some(old) {
            return Err(FleetError::PinMismatch {
                host: entry.name.clone(),
                pinned: pinned.map_or_else(|| "nothing".to_owned(), |f| f.to_string()),
                named: old.to_string(),
            });
        }
        self.write_pin(name, &new.into())
    }

    fn write_pin(&mut self, name: &str, pin: &HostKeyPin) -> Result<(), FleetError> {
        let text = pin.to_string();
        self.edit_host(name, |host| {
            host.insert("host_key", toml_edit::value(text));
        })
    }

    /// Write the registry back to its file (through a temporary file and a
    /// rename, so a crash leaves the old file or the new one).
    pub fn save(&self) -> Result<(), FleetError> {
        let io = |what, source| FleetError::RegistryIo {
            what,
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io("creating the directory of", e))?;
        }
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        std::fs::write(&tmp, &self.text).map_err(|e| io("writing the host registry", e))?;
        if let Ok(meta) = std::fs::metadata(&self.path) {
            let _ = std::fs::set_permissions(&tmp, meta.permissions());
        }
        std::fs::rename(&tmp, &self.path).map_err(|e| io("replacing the host registry", e))
    }

    /// The registry's text as it would be saved.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// How [`enrol`] reaches a host.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EnrolOptions {
    /// An ssh_config to read instead of `~/.ssh/config`.
    pub ssh_config: Option<PathBuf>,
    /// Give up after this long (default 15 s).
    pub connect_timeout: Duration,
}

impl Default for EnrolOptions {
    fn default() -> Self {
        Self {
            ssh_config: None,
            connect_timeout: Duration::from_secs(15),
        }
    }
}

impl EnrolOptions {
    /// Read this ssh_config instead of `~/.ssh/config`.
    pub fn ssh_config(mut self, path: impl Into<PathBuf>) -> Self {
        self.ssh_config = Some(path.into());
        self
    }

    /// Give up after this long.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
}

/// The key a host presented at first contact; show
/// [`Enrolment::fingerprint`] to a person, and pin it
/// ([`Registry::pin`]) only once they confirm it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    target: String,
    key: HostKey,
}

impl Enrolment {
    /// The target contacted.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The key it presented.
    pub fn key(&self) -> &HostKey {
        &self.key
    }

    /// Its fingerprint, as ssh shows it (`SHA256:…`).
    pub fn fingerprint(&self) -> Fingerprint {
        self.key.fingerprint()
    }
}

impl From<Enrolment> for HostKeyPin {
    fn from(e: Enrolment) -> Self {
        HostKeyPin::Key(e.key)
    }
}

/// First contact with an SSH host: learn the key it presents (OpenSSH's
/// accept-new into a private, empty known_hosts file, every authentication
/// method off). Nothing is authenticated, nothing recorded, nothing
/// pinned: show the fingerprint, and pin it on confirmation.
pub async fn enrol(target: &SshTarget, options: &EnrolOptions) -> Result<Enrolment, FleetError> {
    let mut builder = target.builder().connect_timeout(options.connect_timeout);
    if let Some(config) = &options.ssh_config {
        builder = builder.config_file(config);
    }
    let key = builder
        .scan_host_key()
        .await
        .map_err(|e| FleetError::Enrol {
            target: target.to_string(),
            reason: e.to_string(),
        })?;
    Ok(Enrolment {
        target: target.to_string(),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_user_host_and_port() {
        let t = SshTarget::parse("dokku@eu.example.com:2222").unwrap();
        assert_eq!(
            (t.user(), t.host(), t.port()),
            (Some("dokku"), "eu.example.com", Some(2222))
        );
        assert_eq!(t.to_string(), "dokku@eu.example.com:2222");
        let alias = SshTarget::parse("prod-eu").unwrap();
        assert_eq!((alias.user(), alias.port()), (None, None));
        let v6 = SshTarget::parse("dokku@[2001:db8::1]:22").unwrap();
        assert_eq!(v6.host(), "2001:db8::1");
        assert_eq!(v6.to_string(), "dokku@[2001:db8::1]:22");
        for bad in [
            "",
            "dokku@",
            "-oProxyCommand=x",
            "dokku@host:0",
            "dokku@host:x",
            "a b",
            "dokku@*.x",
        ] {
            assert!(SshTarget::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, text.find('2').unwrap()), (2, 6));
    }
}
