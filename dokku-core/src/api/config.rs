//! `config` handler.

use crate::client::Dokku;

/// Handler for `config`.
#[derive(Debug)]
pub struct Config<'a> {
    dokku: &'a Dokku,
}

impl<'a> Config<'a> {
    pub(crate) fn new(dokku: &'a Dokku) -> Self {
        Self { dokku }
    }
}
