//! `<proxy>:labels:show` of the compose proxies (caddy, haproxy,
//! openresty, traefik).
//!
//! Recorded on 0.38.27: `=====> <app> <proxy> labels` then `key=value`
//! lines; with none, only a warning on stderr (exit 0); with one label
//! asked, its value alone.

use std::collections::BTreeMap;

use super::{table, ParseError};

const WHAT: &str = "labels:show";

/// Every label.
pub fn labels(stdout: &str) -> Result<BTreeMap<String, String>, ParseError> {
    table::verbose_lines(stdout)
        .into_iter()
        .map(|line| {
            line.trim()
                .split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| ParseError::new(WHAT, "expected `key=value` lines"))
        })
        .collect()
}
