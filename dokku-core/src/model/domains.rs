//! `domains` results.
