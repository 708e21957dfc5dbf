//! `logs` handler.

use crate::client::Dokku;

/// Handler for `logs`.
#[derive(Debug)]
pub struct Logs<'a> {
    dokku: &'a Dokku,
}

impl<'a> Logs<'a> {
    pub(crate) fn new(dokku: &'a Dokku) -> Self {
        Self { dokku }
    }
}
