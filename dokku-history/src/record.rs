//! One audited invocation: what is stored, and how it is hashed.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where a command came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Source {
    /// A command-line tool.
    Cli,
    /// A web dashboard.
    Web,
    /// A program using the API.
    Api,
    /// A scheduled job.
    Schedule,
    /// Anything else.
    Other,
}

impl Source {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Cli => "cli",
            Source::Web => "web",
            Source::Api => "api",
            Source::Schedule => "schedule",
            Source::Other => "other",
        }
    }

    pub(crate) fn parse(word: &str) -> Self {
        match word {
            "cli" => Source::Cli,
            "web" => Source::Web,
            "api" => Source::Api,
            "schedule" => Source::Schedule,
            _ => Source::Other,
        }
    }
}

/// How an invocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// A non-zero exit.
    Failed,
    /// Stopped by its timeout.
    Timeout,
    /// The transport failed (connection, host key, …).
    TransportError,
    /// Cancelled by the caller (a dropped stream or future).
    Cancelled,
}

impl Outcome {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Timeout => "timeout",
            Outcome::TransportError => "transport_error",
            Outcome::Cancelled => "cancelled",
        }
    }

    pub(crate) fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "ok" => Outcome::Ok,
            "failed" => Outcome::Failed,
            "timeout" => Outcome::Timeout,
            "transport_error" => Outcome::TransportError,
            "cancelled" => Outcome::Cancelled,
            _ => return None,
        })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the caller knows about an invocation, already redacted: everything
/// of a [`Record`] but its id and hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    /// Start, Unix milliseconds.
    pub started_at: i64,
    /// End, Unix milliseconds.
    pub ended_at: i64,
    /// The Dokku host: its destination, or for a host of a fleet its
    /// name in the fleet's registry (then [`Entry::target`] is where it
    /// was reached).
    pub host: String,
    /// Where the host was reached (`dokku@eu.example.com`), when
    /// [`Entry::host`] is a registry name rather than the destination.
    /// `None` in rows written before schema version 5 and by callers that
    /// do not set it; hashed only when present, so older rows verify
    /// unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Who ran it.
    pub actor: String,
    /// Where it came from.
    pub source: Source,
    /// Groups the commands of one operation.
    pub correlation_id: Option<String>,
    /// The record this one is part of.
    pub parent_id: Option<i64>,
    /// `apps:create` …
    pub subcommand: String,
    /// The app, when there is one.
    pub app: Option<String>,
    /// The argv as displayed: secrets `***`, URL passwords masked.
    pub argv: Vec<String>,
    /// Whether the command changes state.
    pub mutating: bool,
    /// How it ended.
    pub outcome: Outcome,
    /// The exit code, when there was one.
    pub exit_code: Option<i32>,
    /// stdout, redacted and capped.
    pub stdout: String,
    /// stdout's original length in bytes.
    pub stdout_len: i64,
    /// stderr, redacted and capped.
    pub stderr: String,
    /// stderr's original length in bytes.
    pub stderr_len: i64,
    /// The transport error, when there was one (redacted).
    pub error: Option<String>,
}

impl Entry {
    /// Duration in milliseconds.
    pub fn duration_ms(&self) -> i64 {
        (self.ended_at - self.started_at).max(0)
    }
}

/// One stored row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Record {
    /// Its position in the chain (increasing).
    pub id: i64,
    /// What was recorded.
    #[serde(flatten)]
    pub entry: Entry,
    /// The previous row's hash (hex).
    pub prev_hash: String,
    /// This row's hash (hex): SHA-256 over the previous hash and this row.
    pub hash: String,
}

/// The hash of the first row's predecessor.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 over the previous hash and a canonical encoding of the row (its
/// id included, so moving a row breaks the chain too). Every field is
/// written length-prefixed (or tagged, for options), so no two different
/// rows encode alike. [`Entry::target`] (schema 5) comes last and only
/// when present: a row without one hashes exactly as before it existed,
/// and since the older encoding is self-delimiting, appending to it
/// cannot make two rows collide.
pub fn chain_hash(prev_hash: &str, id: i64, entry: &Entry) -> String {
    let mut h = Sha256::new();
    let text = |h: &mut Sha256, s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    let opt_text = |h: &mut Sha256, s: &Option<String>| match s {
        Some(s) => {
            h.update([1]);
            text(h, s);
        }
        None => h.update([0]),
    };
    let opt_int = |h: &mut Sha256, v: Option<i64>| match v {
        Some(v) => {
            h.update([1]);
            h.update(v.to_be_bytes());
        }
        None => h.update([0]),
    };
    text(&mut h, prev_hash);
    h.update(id.to_be_bytes());
    h.update(entry.started_at.to_be_bytes());
    h.update(entry.ended_at.to_be_bytes());
    text(&mut h, &entry.host);
    text(&mut h, &entry.actor);
    text(&mut h, entry.source.as_str());
    opt_text(&mut h, &entry.correlation_id);
    opt_int(&mut h, entry.parent_id);
    text(&mut h, &entry.subcommand);
    opt_text(&mut h, &entry.app);
    h.update((entry.argv.len() as u64).to_be_bytes());
    for arg in &entry.argv {
        text(&mut h, arg);
    }
    h.update([u8::from(entry.mutating)]);
    text(&mut h, entry.outcome.as_str());
    opt_int(&mut h, entry.exit_code.map(i64::from));
    text(&mut h, &entry.stdout);
    h.update(entry.stdout_len.to_be_bytes());
    text(&mut h, &entry.stderr);
    h.update(entry.stderr_len.to_be_bytes());
    opt_text(&mut h, &entry.error);
    if let Some(target) = &entry.target {
        h.update([1]);
        text(&mut h, target);
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}
