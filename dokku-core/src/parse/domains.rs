//! `domains` parsers.
