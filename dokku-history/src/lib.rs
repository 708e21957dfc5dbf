//! A tamper-evident audit store of every Dokku command, secrets never
//! stored: an embedded SQLite file by default, or a PostgreSQL database
//! that several processes and machines share (feature `postgres`).
//!
//! The seed dashboards logged commands to SQLite with secrets in plain text
//! and no actor, host or duration. Here every invocation through
//! [`Audited`] becomes one row: who ran what, where, how it ended, how long
//! it took, and a redacted copy of what it printed. Each row's SHA-256 hash
//! covers the previous row's, so [`HistoryStore::verify`] names the first
//! row that was altered or removed.
//!
//! - [`HistoryStore`]: one type over both databases — batched appends,
//!   queries with keyset pagination, full-text search, per-subcommand
//!   stats, retention that keeps the chain verifiable, JSON Lines and CSV
//!   export.
//! - [`Audited`]: an `Executor` decorator that records, then delegates.
//! - [`redact`]: what is removed before anything is written — before any
//!   store sees it.
//! - [`migrate_trail`]: copy a trail into another store (SQLite into
//!   PostgreSQL) and verify it on arrival.

// docs.rs: the `postgres` and `openapi` items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod audited;
mod error;
mod migrate;
mod model;
#[cfg(feature = "postgres")]
mod postgres;
pub mod record;
pub mod redact;
pub mod releases;
pub mod schema;
mod sqlite;
mod store;
#[cfg(feature = "test-util")]
pub mod testing;
mod writer;

pub use audited::{AuditPolicy, AuditSink, Audited};
pub use error::HistoryError;
pub use migrate::{migrate_trail, Migration};
pub use model::{
    export_records_csv, export_records_jsonl, neutralise, BadCursor, Cursor, HostStats, Page,
    Query, Retention, StoreOptions, SubcommandStats, Tamper, Verification, DEFAULT_PAGE,
};
pub use record::{Entry, Outcome, Record, Source};
pub use store::{is_postgres_url, HistoryStore};
