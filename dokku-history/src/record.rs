//! One audited invocation: what is stored, and how it is hashed.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where a command came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
pub struct Entry {
    /// Start, Unix milliseconds.
    pub started_at: i64,
    /// End, Unix milliseconds.
    pub ended_at: i64,
    /// The Dokku host (destination).
    pub host: String,
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
/// id included, so moving a row breaks the chain too).
pub fn chain_hash(prev_hash: &str, id: i64, entry: &Entry) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(id.to_be_bytes());
    // serde_json of a struct writes fields in declaration order: canonical.
    let body = serde_json::to_vec(entry).unwrap_or_default();
    hasher.update(&body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
