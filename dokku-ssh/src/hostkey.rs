//! Pinned host keys: one host, one key, checked by OpenSSH against nothing
//! else.
//!
//! A fleet registry keeps each host's key (or its fingerprint) itself
//! rather than trusting whatever `~/.ssh/known_hosts`, the system-wide
//! file, a `KnownHostsCommand` or DNS would accept. [`SshBuilder::pin_host_key`]
//! makes that key the host's only known key: the executor writes it to a
//! private known_hosts file and hands OpenSSH a generated ssh_config whose
//! first block, for this destination only, points at that file alone with
//! strict checking, then includes the user's own configuration (aliases,
//! ProxyJump, identities and agents keep working; jump hosts are checked
//! as usual). OpenSSH keeps the first value it reads for an option, so the
//! user's configuration cannot loosen the pin.
//!
//! A pinned fingerprint (without the key) is checked the same way after a
//! first, unauthenticated contact that only learns the key the host
//! presents ([`SshBuilder::scan_host_key`], also the first step of
//! enrolling a new host): if its fingerprint is the pinned one, that exact
//! key is pinned for the connection; if not, nothing is authenticated and
//! nothing is sent.
//!
//! [`SshBuilder::pin_host_key`]: crate::SshBuilder::pin_host_key
//! [`SshBuilder::scan_host_key`]: crate::SshBuilder::scan_host_key

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::SshError;

/// A host's public key as known_hosts holds it: `ssh-ed25519 AAAA…`.
///
/// Parsed from a key line (`<type> <base64> [comment]`) or a known_hosts
/// line (`<hosts> <type> <base64>`); the base64 must decode to a key blob
/// of the type it claims.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct HostKey {
    algorithm: String,
    blob: Vec<u8>,
}

impl HostKey {
    /// Parse `<type> <base64> [comment]`.
    pub fn parse(line: &str) -> Result<Self, SshError> {
        let mut words = line.split_whitespace();
        let (Some(algorithm), Some(data)) = (words.next(), words.next()) else {
            return Err(invalid(
                "expected `<type> <base64>`, as in a .pub file or known_hosts",
            ));
        };
        Self::from_parts(algorithm, data)
    }

    /// Parse a known_hosts line (`<hosts> <type> <base64> [comment]`),
    /// as OpenSSH writes one; markers (`@cert-authority`, `@revoked`) are
    /// refused.
    pub fn from_known_hosts_line(line: &str) -> Result<Self, SshError> {
        let mut words = line.split_whitespace();
        match words.next() {
            Some(marker) if marker.starts_with('@') => {
                Err(invalid("a marked known_hosts line is not a host key"))
            }
            Some(_hosts) => match (words.next(), words.next()) {
                (Some(algorithm), Some(data)) => Self::from_parts(algorithm, data),
                _ => Err(invalid("expected `<hosts> <type> <base64>`")),
            },
            None => Err(invalid("empty known_hosts line")),
        }
    }

    fn from_parts(algorithm: &str, data: &str) -> Result<Self, SshError> {
        if algorithm.is_empty()
            || !algorithm
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"@._+-".contains(&b))
        {
            return Err(invalid("the key type has characters no key type has"));
        }
        let blob = STANDARD
            .decode(data)
            .map_err(|_| invalid("the key is not valid base64"))?;
        // The blob starts with its own type as an SSH string.
        let named = blob
            .get(..4)
            .and_then(|len| <[u8; 4]>::try_from(len).ok())
            .map(|len| u32::from_be_bytes(len) as usize)
            .and_then(|len| blob.get(4..4 + len));
        if named != Some(algorithm.as_bytes()) {
            return Err(invalid(&format!("the key data is not a {algorithm} key")));
        }
        Ok(Self {
            algorithm: algorithm.to_owned(),
            blob,
        })
    }

    /// The key type (`ssh-ed25519`).
    pub fn algorithm(&self) -> &str {
        &self.algorithm
    }

    /// OpenSSH's SHA-256 fingerprint of the key (`SHA256:…`), as
    /// `ssh-keygen -lf` and ssh's first-contact prompt show it.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint(Sha256::digest(&self.blob).into())
    }
}

impl fmt::Display for HostKey {
    /// `<type> <base64>`: a known_hosts key without hosts or comment.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.algorithm, STANDARD.encode(&self.blob))
    }
}

impl fmt::Debug for HostKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HostKey({} {})", self.algorithm, self.fingerprint())
    }
}

impl FromStr for HostKey {
    type Err = SshError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A SHA-256 host key fingerprint, written as OpenSSH writes it:
/// `SHA256:` and the unpadded base64 of the digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// Parse `SHA256:<base64>` (padding optional). MD5 fingerprints are
    /// refused: they are too weak to pin.
    pub fn parse(text: &str) -> Result<Self, SshError> {
        let Some(data) = text.trim().strip_prefix("SHA256:") else {
            return Err(invalid(
                "a fingerprint is `SHA256:` and 43 base64 characters (as ssh-keygen -lf prints it)",
            ));
        };
        let digest = STANDARD_NO_PAD
            .decode(data.trim_end_matches('='))
            .map_err(|_| invalid("the fingerprint is not valid base64"))?;
        let digest = <[u8; 32]>::try_from(digest.as_slice())
            .map_err(|_| invalid("a SHA256 fingerprint is 32 bytes"))?;
        Ok(Self(digest))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHA256:{}", STANDARD_NO_PAD.encode(self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Fingerprint {
    type Err = SshError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// What a host is pinned to: its key, or the fingerprint of its key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostKeyPin {
    /// This exact key.
    Key(HostKey),
    /// Any key with this fingerprint (learnt by an unauthenticated first
    /// contact on every connection).
    Fingerprint(Fingerprint),
}

impl HostKeyPin {
    /// Parse a key line (`ssh-ed25519 AAAA…`) or a fingerprint
    /// (`SHA256:…`).
    pub fn parse(text: &str) -> Result<Self, SshError> {
        if text.trim_start().starts_with("SHA256:") {
            Fingerprint::parse(text).map(Self::Fingerprint)
        } else {
            HostKey::parse(text).map(Self::Key)
        }
    }

    /// The pinned fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        match self {
            HostKeyPin::Key(key) => key.fingerprint(),
            HostKeyPin::Fingerprint(fp) => *fp,
        }
    }

    /// Whether `key` is allowed by this pin.
    pub fn allows(&self, key: &HostKey) -> bool {
        match self {
            HostKeyPin::Key(pinned) => pinned == key,
            HostKeyPin::Fingerprint(fp) => key.fingerprint() == *fp,
        }
    }
}

impl fmt::Display for HostKeyPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostKeyPin::Key(key) => fmt::Display::fmt(key, f),
            HostKeyPin::Fingerprint(fp) => fmt::Display::fmt(fp, f),
        }
    }
}

impl From<HostKey> for HostKeyPin {
    fn from(key: HostKey) -> Self {
        Self::Key(key)
    }
}

impl From<Fingerprint> for HostKeyPin {
    fn from(fp: Fingerprint) -> Self {
        Self::Fingerprint(fp)
    }
}

impl FromStr for HostKeyPin {
    type Err = SshError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn invalid(reason: &str) -> SshError {
    SshError::InvalidHostKey {
        reason: reason.to_owned(),
    }
}

/// The host part of an ssh destination (`dokku@host` → `host`,
/// `ssh://dokku@host:2222` → `host`), which ssh_config's `Host` matches.
pub(crate) fn host_pattern(destination: &str) -> Result<String, SshError> {
    let rest = destination.strip_prefix("ssh://").unwrap_or(destination);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = if destination.starts_with("ssh://") {
        rest.rsplit_once(':').map_or(rest, |(host, _port)| host)
    } else {
        rest
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty()
        || host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'*?!,#%\\".contains(c))
    {
        return Err(SshError::InvalidDestination {
            destination: destination.to_owned(),
            reason: "a pinned host's name must be a plain host name, address or ssh_config alias"
                .to_owned(),
        });
    }
    Ok(host.to_owned())
}

/// What the generated ssh_config does for the destination.
pub(crate) enum Purpose {
    /// Connect, accepting only the key in the private known_hosts file.
    Pinned,
    /// Learn the host's key without authenticating: accept-new into the
    /// (empty) private file, every authentication method off.
    Scan,
}

/// Write the ssh_config for `purpose` into `dir`, with the private
/// known_hosts file `known_hosts`; returns its path.
pub(crate) fn write_config(
    dir: &Path,
    host: &str,
    known_hosts: &Path,
    user_config: Option<&Path>,
    purpose: Purpose,
) -> Result<PathBuf, SshError> {
    let quoted = |path: &Path| -> Result<String, SshError> {
        let text = path.to_str().filter(|t| !t.contains(['"', '\n', '\r']));
        text.map(|t| format!("\"{t}\""))
            .ok_or_else(|| SshError::Io {
                what: "writing the pinned host's ssh_config",
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the path cannot be written in an ssh_config",
                ),
            })
    };
    let mut text = String::from(
        "# Written by dokku-ssh for one connection: the key in the known_hosts\n\
         # file below is the only key this host may present.\n\
         IgnoreUnknown KnownHostsCommand,UpdateHostKeys\n",
    );
    text.push_str(&format!("Host {host}\n"));
    let checking = match purpose {
        Purpose::Pinned => "yes",
        Purpose::Scan => "accept-new",
    };
    for line in [
        format!("StrictHostKeyChecking {checking}"),
        format!("UserKnownHostsFile {}", quoted(known_hosts)?),
        "GlobalKnownHostsFile /dev/null".to_owned(),
        "KnownHostsCommand none".to_owned(),
        "VerifyHostKeyDNS no".to_owned(),
        "UpdateHostKeys no".to_owned(),
        "CheckHostIP no".to_owned(),
        "HashKnownHosts no".to_owned(),
    ] {
        text.push_str("    ");
        text.push_str(&line);
        text.push('\n');
    }
    if let Purpose::Scan = purpose {
        for line in [
            "PubkeyAuthentication no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "GSSAPIAuthentication no",
            "HostbasedAuthentication no",
            "IdentityAgent none",
            "ControlMaster no",
            "ControlPath none",
        ] {
            text.push_str("    ");
            text.push_str(line);
            text.push('\n');
        }
    }
    text.push_str("Match all\n");
    match user_config {
        // `-F /dev/null` means no configuration; OpenSSH refuses to include
        // a world-writable file, so there is nothing to include.
        Some(path) if path == Path::new("/dev/null") => {}
        Some(path) => text.push_str(&format!("Include {}\n", quoted(path)?)),
        // Without -F ssh reads both; with it, neither unless included.
        None => text.push_str("Include ~/.ssh/config\nInclude /etc/ssh/ssh_config\n"),
    }
    let path = dir.join(match purpose {
        Purpose::Pinned => "ssh_config",
        Purpose::Scan => "scan_ssh_config",
    });
    std::fs::write(&path, text).map_err(|source| SshError::Io {
        what: "writing the pinned host's ssh_config",
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// Write `key` as the only entry of a known_hosts file. The host pattern is
/// `*`: the file is consulted for this destination alone, whatever name
/// OpenSSH looks it up under (`[host]:port`, an alias's HostName).
pub(crate) fn write_known_hosts(path: &Path, key: Option<&HostKey>) -> Result<(), SshError> {
    let text = key.map(|k| format!("* {k}\n")).unwrap_or_default();
    std::fs::write(path, text).map_err(|source| SshError::Io {
        what: "writing the pinned host's known_hosts",
        path: path.to_path_buf(),
        source,
    })
}

/// The first host key in a known_hosts file OpenSSH wrote, if any.
pub(crate) fn read_known_hosts(path: &Path) -> Result<Option<HostKey>, SshError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(SshError::Io {
                what: "reading the scanned host key",
                path: path.to_path_buf(),
                source,
            })
        }
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .find_map(|l| HostKey::from_known_hosts_line(l).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // `ssh-keygen -t ed25519` output and `ssh-keygen -lf` on it.
    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    #[test]
    fn a_key_line_parses_and_prints_back_without_its_comment() {
        let key = HostKey::parse(&format!("{KEY} root@host")).unwrap();
        assert_eq!(key.algorithm(), "ssh-ed25519");
        assert_eq!(key.to_string(), KEY);
        let from_known_hosts =
            HostKey::from_known_hosts_line(&format!("[127.0.0.1]:2222 {KEY}")).unwrap();
        assert_eq!(from_known_hosts, key);
    }

    #[test]
    fn a_key_whose_data_is_of_another_type_is_refused() {
        let lying = KEY.replace("ssh-ed25519", "ssh-rsa");
        assert!(matches!(
            HostKey::parse(&lying),
            Err(SshError::InvalidHostKey { .. })
        ));
        assert!(HostKey::parse("ssh-ed25519 not-base64!").is_err());
        assert!(HostKey::parse("ssh-ed25519").is_err());
        assert!(HostKey::parse("ssh-ed25519\n* ssh-rsa AAAA").is_err());
    }

    #[test]
    fn fingerprints_round_trip_in_openssh_form() {
        let key = HostKey::parse(KEY).unwrap();
        let fp = key.fingerprint();
        let text = fp.to_string();
        assert!(text.starts_with("SHA256:"), "{text}");
        assert_eq!(text.len(), "SHA256:".len() + 43);
        assert_eq!(Fingerprint::parse(&text).unwrap(), fp);
        assert_eq!(Fingerprint::parse(&format!("{text}=")).unwrap(), fp);
        assert!(Fingerprint::parse("MD5:12:34").is_err());
        assert!(Fingerprint::parse("SHA256:abc").is_err());
        let pin = HostKeyPin::parse(&text).unwrap();
        assert!(pin.allows(&key));
        assert_eq!(HostKeyPin::parse(KEY).unwrap(), HostKeyPin::Key(key));
    }

    #[test]
    fn the_host_pattern_is_the_destinations_host() {
        assert_eq!(
            host_pattern("dokku@eu.example.com").unwrap(),
            "eu.example.com"
        );
        assert_eq!(host_pattern("prod-eu").unwrap(), "prod-eu");
        assert_eq!(
            host_pattern("ssh://dokku@10.0.0.1:2222").unwrap(),
            "10.0.0.1"
        );
        assert!(host_pattern("dokku@*.example.com").is_err());
        assert!(host_pattern("a b").is_err());
    }
}
