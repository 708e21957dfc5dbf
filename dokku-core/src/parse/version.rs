//! `dokku version` → `dokku version 0.38.27` (the `dokku` script reads
//! `$DOKKU_LIB_ROOT/STABLE_VERSION`).

use super::ParseError;
use crate::version::DokkuVersion;

/// Read the output of `dokku version`.
pub fn version(stdout: &str) -> Result<DokkuVersion, ParseError> {
    let line = stdout.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    DokkuVersion::parse(line).ok_or_else(|| {
        ParseError::at(
            "version",
            0,
            format!(
                "expected `dokku version X.Y.Z`, found {:?}",
                truncate(line, 80)
            ),
        )
    })
}

/// At most `max` characters of `text`, for error messages.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
