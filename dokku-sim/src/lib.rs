//! A simulated Dokku host that prints what real Dokku prints.
//!
//! A Dokku admin trying the examples on a laptop has no Dokku server, and
//! tests and benches need many hosts in many states. dokku-sim is a host in
//! memory: [`SimHost`] is its state, [`commands::dispatch`] is the `dokku`
//! program (argv in; stdout, stderr and exit code out, byte for byte as
//! Dokku prints them), [`SimExecutor`] plugs it into the `Dokku` client,
//! and the `dokku-sim` binary runs it as a process (behind a real sshd, too).
//!
//! The formats are written from Dokku's own source and from recordings of a
//! real Dokku (which win where they disagree), never from dokku-core's
//! parsers: if both were derived from one misunderstanding, tests over the
//! simulator would prove nothing.
//!
//! Its shape is Dokku's: [`common`] is what every plugin shares (Dokku's
//! `plugins/common`), [`scheduler`] the one model of deploys and restarts,
//! and each module of [`commands`] one plugin family, reaching the others
//! only through triggers and commands, as Dokku's plugins do.

pub mod commands;
pub mod common;
pub mod cost;
pub mod entry;
mod error;
pub mod executor;
pub mod host;
pub mod out;
pub mod scenario;
pub mod scheduler;
pub mod split;
pub mod state;

pub use commands::{dispatch, dispatch_as, Outcome};
pub use cost::Cost;
pub use error::Error;
pub use executor::{Fault, Gate, Latency, SimExecutor};
pub use host::SimHost;
pub use out::Out;
pub use scheduler::DeployFailure;
pub use state::{PersistentExecutor, StateDir};
