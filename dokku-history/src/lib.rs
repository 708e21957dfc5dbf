//! A tamper-evident SQLite audit store of every Dokku command, secrets
//! never stored.
//!
//! The seed dashboards logged commands to SQLite with secrets in plain text
//! and no actor, host or duration. Here every invocation through
//! [`Audited`] becomes one row: who ran what, where, how it ended, how long
//! it took, and a redacted copy of what it printed. Each row's SHA-256 hash
//! covers the previous row's, so [`HistoryStore::verify`] names the first
//! row that was altered or removed.
//!
//! - [`HistoryStore`]: the file (WAL), a writer thread that batches inserts,
//!   queries with keyset pagination, FTS5 search, per-subcommand stats,
//!   retention that keeps the chain verifiable, JSON Lines and CSV export.
//! - [`Audited`]: an `Executor` decorator that records, then delegates.
//! - [`redact`]: what is removed before anything is written.

pub mod audited;
mod error;
pub mod record;
pub mod redact;
pub mod schema;
mod store;

pub use audited::{AuditPolicy, AuditSink, Audited};
pub use error::HistoryError;
pub use record::{Entry, Outcome, Record, Source};
pub use store::{
    neutralise, Cursor, HistoryStore, HostStats, Page, Query, Retention, StoreOptions,
    SubcommandStats, Tamper, Verification,
};
