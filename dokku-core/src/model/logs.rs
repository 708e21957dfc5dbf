//! `logs` results.
