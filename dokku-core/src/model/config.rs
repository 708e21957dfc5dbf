//! `config` results.
