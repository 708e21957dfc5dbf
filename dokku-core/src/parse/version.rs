//! `dokku version` → `dokku version 0.38.27` (the `dokku` script reads
//! `$DOKKU_LIB_ROOT/STABLE_VERSION`).

use super::ParseError;
use crate::version::DokkuVersion;

/// Read the output of `dokku version`.
pub fn version(stdout: &str) -> Result<DokkuVersion, ParseError> {
    let Some((index, line)) = stdout
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())
    else {
        return Err(ParseError::new("version", "empty output"));
    };
    DokkuVersion::parse(line).ok_or_else(|| {
        let found = truncate(line, 80);
        ParseError::at(
            "version",
            index,
            format!("expected `dokku version X.Y.Z`, found {found:?}"),
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
