#![doc = include_str!("../README.md")]
//!
//! ## This crate
//!
//! `dokku` is the facade: it re-exports [`dokku_core`] (the model, the
//! `Executor` trait, the local executor and the `Dokku` client). The SSH
//! executor, the audit store and the simulator join behind the features
//! `ssh`, `history` and `sim` as they land.

pub use dokku_core::*;
