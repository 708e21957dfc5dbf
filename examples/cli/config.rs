//! `config …`: values are secrets; they are shown only with `--reveal`.

use std::io::Write;

use dokku::api::config as api;
use dokku::api::Scope;
use dokku::{Capabilities, Command, ConfigKey, SecretString};
use serde_json::json;

use crate::cli::ExportFormat;
use crate::error::CliError;
use crate::output::{self, Cell, DIM};
use crate::plan::ConfigPlan;
use crate::session::Session;

fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::App(app) => app.to_string(),
        _ => "--global".to_owned(),
    }
}

/// The commands a plan sends to a host with these capabilities.
pub fn commands(plan: &ConfigPlan, caps: &Capabilities) -> Result<Vec<Command>, CliError> {
    Ok(vec![match plan {
        ConfigPlan::Show { scope, merged } => api::export_command(scope, *merged),
        ConfigPlan::Get { scope, key } => api::get_command(scope, key),
        ConfigPlan::Set {
            scope,
            vars,
            no_restart,
            replace,
            ..
        } => set_command(caps, scope, vars, *no_restart, *replace)?,
        ConfigPlan::Unset {
            scope,
            keys,
            no_restart,
        } => api::unset_command(scope, keys, *no_restart),
        ConfigPlan::Export { scope, .. } => api::export_command(scope, false),
    }])
}

/// `config:import` on stdin where the host has it (`--replace` needs it),
/// `config:set --encoded` before; a value this host would store corrupted
/// is refused here, before anything is sent.
fn set_command(
    caps: &Capabilities,
    scope: &Scope,
    vars: &[(ConfigKey, SecretString)],
    no_restart: bool,
    replace: bool,
) -> Result<Command, CliError> {
    Ok(if replace {
        api::import_command_for(caps, scope, vars, no_restart, true)?
    } else {
        api::set_command_for(caps, scope, vars, no_restart)?
    })
}

/// `config:set` echoes every value it set under `Setting config vars`,
/// and `config:import` each one as `Setting config var KEY=VALUE` first
/// (the SDK runs it under `--quiet`, which silences both, but a host may
/// still print them); mask them unless the values may be shown.
fn value_masker(reveal: bool) -> impl FnMut(&str) -> String {
    let mut in_block = false;
    move |line: &str| {
        if let Some(pair) = line.strip_prefix("-----> Setting config var ") {
            in_block = false;
            return match (reveal, pair.split_once('=')) {
                (false, Some((key, _))) => format!("-----> Setting config var {key}=***"),
                _ => line.to_owned(),
            };
        }
        if line.starts_with("----->") {
            in_block = line.contains("Setting config vars");
            return line.to_owned();
        }
        if reveal || !in_block {
            return line.to_owned();
        }
        match line.split_once(':') {
            Some((key, _)) => format!("{key}:  ***"),
            None => "       ***".to_owned(),
        }
    }
}

/// Single-quoted for a shell or a .env file.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

pub async fn run(s: &Session, plan: ConfigPlan) -> Result<(), CliError> {
    let (json, reveal) = (s.opts.json, s.opts.reveal);
    match plan {
        ConfigPlan::Show { scope, merged } => {
            let vars = match (&scope, merged) {
                (Scope::App(app), true) => s.dokku.config().export_merged(app).await?,
                _ => s.dokku.config().export(scope.clone()).await?,
            };
            if json {
                let map: serde_json::Map<String, serde_json::Value> = vars
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(output::secret(v.expose(), reveal))))
                    .collect();
                return Ok(output::json(&json!(map))?);
            }
            if vars.is_empty() {
                output::note(&format!("no config vars on {}", scope_name(&scope)));
                return Ok(());
            }
            let rows: Vec<Vec<Cell>> = vars
                .iter()
                .map(|(k, v)| {
                    let shown = output::secret(v.expose(), reveal);
                    vec![
                        Cell::plain(k.to_string()),
                        if reveal {
                            Cell::plain(shown.replace('\n', "\\n"))
                        } else {
                            Cell(shown, DIM)
                        },
                    ]
                })
                .collect();
            output::table(&["KEY", "VALUE"], &rows)?;
            if !reveal {
                output::note("(values hidden; pass --reveal to show them)");
            }
            Ok(())
        }
        ConfigPlan::Get { scope, key } => match s.dokku.config().get(scope.clone(), &key).await? {
            Some(value) => {
                let shown = output::secret(value.expose(), reveal);
                if json {
                    output::json(&json!({ "key": key.as_str(), "value": shown }))?;
                } else {
                    writeln!(output::stdout(), "{shown}")?;
                    if !reveal {
                        output::note("(value hidden; pass --reveal to show it)");
                    }
                }
                Ok(())
            }
            None => Err(CliError::NotFound {
                message: format!("{key} is not set on {}", scope_name(&scope)),
                hint: format!("`cli config show {}` lists the keys", scope_name(&scope)),
            }),
        },
        ConfigPlan::Set {
            scope,
            vars,
            no_restart,
            from_file,
            replace,
        } => {
            let caps = s.dokku.capabilities().await?;
            let command = set_command(&caps, &scope, &vars, no_restart, replace)?;
            let keys: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
            let label = format!("setting {} on {}", keys.join(", "), scope_name(&scope));
            let lines = s
                .stream(&command, &label, &mut value_masker(reveal))
                .await?;
            let source = from_file
                .map(|f| format!(" from {}", f.display()))
                .unwrap_or_default();
            if json {
                output::json(&json!({
                    "ok": true,
                    "action": "set",
                    "target": scope_name(&scope),
                    "keys": keys,
                    "command": command.to_string(),
                    "output": lines,
                }))?;
            } else {
                output::done(&format!(
                    "set {} on {}{source}",
                    keys.join(", "),
                    scope_name(&scope)
                ))?;
            }
            Ok(())
        }
        ConfigPlan::Unset {
            scope,
            keys,
            no_restart,
        } => {
            let command = api::unset_command(&scope, &keys, no_restart);
            let names: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
            let what = format!("{} on {}", names.join(", "), scope_name(&scope));
            crate::apps::streamed(s, &command, "unsetting", "unset", &what).await
        }
        ConfigPlan::Export { scope, format } => {
            let vars = s.dokku.config().export(scope).await?;
            if format == ExportFormat::Json || json {
                let map: serde_json::Map<String, serde_json::Value> = vars
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(output::secret(v.expose(), reveal))))
                    .collect();
                output::json(&json!(map))?;
            } else {
                let prefix = if format == ExportFormat::Shell {
                    "export "
                } else {
                    ""
                };
                let mut out = std::io::stdout().lock();
                for (k, v) in &vars {
                    writeln!(
                        out,
                        "{prefix}{k}={}",
                        quoted(&output::secret(v.expose(), reveal))
                    )?;
                }
            }
            if !reveal {
                output::note("(values hidden; pass --reveal to export them)");
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_block_is_masked() {
        let mut mask = value_masker(false);
        let out: Vec<String> = [
            "-----> Setting config vars",
            "       TOKEN:  hunter2",
            "-----> Restarting app story",
            "       web.1: ok",
        ]
        .iter()
        .map(|l| mask(l))
        .collect();
        assert_eq!(out[1], "       TOKEN:  ***");
        assert_eq!(out[3], "       web.1: ok");
        assert_eq!(
            mask("-----> Setting config var TOKEN=hunter2"),
            "-----> Setting config var TOKEN=***"
        );
    }

    #[test]
    fn quoting_survives_quotes() {
        assert_eq!(quoted("it's"), "'it'\\''s'");
    }
}
