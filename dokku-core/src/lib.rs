//! The typed, sans-IO core of dokku-rs.
//!
//! - [`name`]: validated names ([`AppName`], [`ProcessType`], [`Domain`] …).
//! - [`secret`]: [`SecretString`], which never prints.
//! - [`command`]: [`Command`], one Dokku invocation as a value.
//! - [`quote`]: the one place that renders argv for a remote.
//! - [`exec`]: the [`Executor`] trait, [`Output`], [`Chunk`].
//! - [`process`]: [`LocalExecutor`] (feature `process`, default).
//! - [`client`]: the [`Dokku`] client and its handlers in [`api`].
//! - [`model`] and [`parse`]: typed results and the pure parsers behind them.
//! - [`notify`]: notification events, the webhook body, the retry policy
//!   and the [`Notifier`](notify::Notifier) trait (no HTTP client here).
//!
//! With `default-features = false` nothing here needs an async runtime: the
//! model, the parsers and the command builders are plain functions.
// docs.rs (nightly, `--cfg docsrs`): each feature-gated item says which
// feature it needs (`doc_auto_cfg` was merged into `doc_cfg` in 1.92).
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
pub mod catalog;
pub mod client;
pub mod command;
pub mod error;
pub mod exec;
pub mod model;
pub mod name;
pub mod notify;
pub mod parse;
#[cfg(feature = "process")]
pub mod process;
pub mod quote;
pub mod secret;
#[cfg(feature = "test-util")]
pub mod testing;
pub mod version;

pub use client::{Capabilities, Dokku};
pub use command::{Arg, Command, Input, InputStream, Requirement, TimeoutClass};
pub use error::{Error, Result};
pub use exec::{Chunk, ExecError, Executor, ExitStatus, Output, OutputStream};
pub use name::{
    AppName, ConfigKey, Domain, ImageVersion, NameError, PluginName, ProcessType, ServiceName,
};
#[cfg(feature = "process")]
pub use process::LocalExecutor;
pub use quote::RemoteMode;
pub use secret::{SecretBytes, SecretString};
pub use version::DokkuVersion;
