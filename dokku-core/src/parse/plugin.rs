//! `plugin:list`, text and JSON.
//!
//! Text (`plugins/plugin/internal-functions` → `plugn version`, `plugn list`;
//! dokku/plugn `bashenv/plugn.bash`): a `plugn: vX` line, then one
//! `printf "  %-20s %-5s %-10s %s\n"` row per plugin. A long name overflows
//! its column, so rows are split on whitespace, as Dokku's own
//! `parsePlugnList` does. JSON (0.38.22+, `plugins/plugin/plugin.go`): an
//! array of objects whose `enabled` and `core` are booleans.
//!
//! Dokku before 0.38.22 ignores `--format json` and prints text with exit 0,
//! so the parser decides by the output's first character, not by what was
//! asked.

use super::version::truncate;
use super::ParseError;
use crate::model::plugin::PluginInfo;
use crate::name::PluginName;

const WHAT: &str = "plugin:list";

/// Parse `plugin:list` output in either format.
pub fn list(stdout: &str) -> Result<Vec<PluginInfo>, ParseError> {
    if stdout.trim_start().starts_with('[') {
        list_json(stdout)
    } else {
        list_text(stdout)
    }
}

/// `plugin:list --format json`.
pub fn list_json(stdout: &str) -> Result<Vec<PluginInfo>, ParseError> {
    super::json(WHAT, "a JSON array of plugins", stdout)
}

fn next_word(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.trim_start();
    if rest.is_empty() {
        return None;
    }
    Some(rest.split_once(char::is_whitespace).unwrap_or((rest, "")))
}

/// `plugin:list` text rows.
pub fn list_text(stdout: &str) -> Result<Vec<PluginInfo>, ParseError> {
    let mut plugins = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with("plugn:") {
            continue;
        }
        let bad =
            |why: &str| ParseError::at(WHAT, index, format!("{why} in {:?}", truncate(line, 80)));
        let (name, rest) = next_word(line).ok_or_else(|| bad("no plugin name"))?;
        let (version, rest) = next_word(rest).ok_or_else(|| bad("no version"))?;
        let (state, rest) = next_word(rest).ok_or_else(|| bad("no enabled/disabled state"))?;
        let enabled = match state {
            "enabled" => true,
            "disabled" => false,
            _ => return Err(bad("expected `enabled` or `disabled`")),
        };
        let name = PluginName::new(name).map_err(|e| bad(&e.to_string()))?;
        plugins.push(PluginInfo {
            name,
            version: version.to_owned(),
            enabled,
            core: None,
            description: rest.trim().to_owned(),
            source_url: None,
            committish: None,
            branch: None,
        });
    }
    Ok(plugins)
}
