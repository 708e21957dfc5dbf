//! `logs` parsers.
