//! `domains` handler.

use crate::client::Dokku;

/// Handler for `domains`.
#[derive(Debug)]
pub struct Domains<'a> {
    dokku: &'a Dokku,
}

impl<'a> Domains<'a> {
    pub(crate) fn new(dokku: &'a Dokku) -> Self {
        Self { dokku }
    }
}
