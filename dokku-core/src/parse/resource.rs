//! What `resource:limit` and `resource:reserve` print.
//!
//! Recorded on 0.38.27: without resource flags they print `=====>
//! resource limits <app> information [defaults]` (or `(<process>)`, and
//! `reservation` for reserve) then `<resource>: <value>` for every
//! resource, empty when unset; with flags `=====> Setting resource limits
//! for <app> [(<process>)]` and the resources set.

use super::{table, ParseError};
use crate::model::resource::{ResourceSettings, ResourceValues};

const WHAT: &str = "resource:limit";

/// The process type and values of a `resource:limit`/`resource:reserve`
/// output (shown or set).
pub fn settings(stdout: &str) -> Result<ResourceSettings, ParseError> {
    let header = stdout
        .lines()
        .find_map(|l| l.strip_prefix(super::report::HEADER_PREFIX))
        .ok_or_else(|| ParseError::new(WHAT, "no `=====> ` header"))?
        .trim();
    let process_type = header
        .strip_suffix(')')
        .and_then(|h| h.rsplit_once('('))
        .map(|(_, p)| p.to_owned());
    let mut values = ResourceValues::default();
    for (name, value) in table::label_values(WHAT, stdout)? {
        values.set(&name, &value);
    }
    Ok(ResourceSettings {
        process_type,
        values,
    })
}
