#![doc = include_str!("../README.md")]
// docs.rs: each re-exported crate says which feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
//!
//! ## This crate
//!
//! `dokku` is the facade: it re-exports [`dokku_core`] (the model, the
//! `Executor` trait, the local executor and the `Dokku` client), and with
//! the `sim` feature the simulated host as [`sim`]. The SSH executor, the
//! audit store and fleets join behind the features `ssh`, `history` and
//! `fleet`.

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

/// Many hosts at once (feature `fleet`, unix): the host registry with
/// pinned keys ([`fleet::Registry`]), [`fleet::Fleet`]'s bounded fan-out
/// with per-host results, fleet queries, planned actions and one audit
/// trail.
#[cfg(all(unix, feature = "fleet"))]
pub use dokku_fleet as fleet;
