#![doc = include_str!("../README.md")]
//!
//! ## This crate
//!
//! `dokku` is the facade: it re-exports [`dokku_core`] (the model, the
//! `Executor` trait, the local executor and the `Dokku` client), and with
//! the `sim` feature the simulated host as [`sim`]. The SSH executor and the
//! audit store join behind the features `ssh` and `history` as they land.

pub use dokku_core::*;

/// The simulated Dokku host (feature `sim`): [`sim::SimExecutor`] over a
/// [`sim::SimHost`], and the demo scenario in [`sim::scenario`].
#[cfg(feature = "sim")]
pub use dokku_sim as sim;

/// The SQLite audit store (feature `history`): [`history::Audited`] records
/// every command into a [`history::HistoryStore`], secrets redacted,
/// hash-chained.
#[cfg(feature = "history")]
pub use dokku_history as history;

/// The SSH executor (feature `ssh`, unix): one persistent OpenSSH
/// connection per host, strict host keys.
#[cfg(all(unix, feature = "ssh"))]
pub use dokku_ssh as ssh;
