//! `config` parsers.
