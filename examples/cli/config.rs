//! `config …`: values are secrets. They are shown only with `--reveal`.
//! Masked values are never written where a program reads them: `config
//! get`, `config export` and `--json` refuse a pipe or a file instead; the
//! table for people masks them wherever it goes. Values Dokku would store
//! corrupted are refused before anything is sent.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use dokku::api::config as api;
use dokku::api::Scope;
use dokku::model::config::StoreRules;
use dokku::{Capabilities, Command, ConfigKey, SecretString};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{self, scope_name, Context, Family, Opts};
use crate::output::{self, Cell, DIM};
use crate::session::Session;

pub const HELP: &str = "\
Examples:
  cli --demo config show api
  cli --demo config set api LOG_LEVEL=debug
  cli --demo config import api .env
  cli --demo config export api --reveal > api.env

Values Dokku cannot store:
  Dokku (0.37.8 and later) writes config with a library that corrupts a
  value ending in a backslash or a double quote, and rewrites integers such
  as 007 or +5 as 7 and 5. The first two break the app's whole environment:
  every later config command on it fails. `config set` and `config import`
  refuse such values before sending anything (exit 2), on every Dokku (an
  older host's files meet that library at its next upgrade), and name the
  key: end the value with another character, quote it differently, or
  store it base64-encoded and decode it in the application. From Dokku
  0.37.0 values travel as JSON on standard input (`config:import`), never
  on Dokku's command line.

Masked values:
  Without --reveal values show as *** on a terminal. Into a pipe or a
  file, where a program would take the mask for the value, `config show`,
  `config get` and `config export` refuse (exit 2, nothing sent), and the
  values Dokku echoes while setting them are left out; `config keys`
  lists the names alone.

A corrupt stored environment (exit 5):
  Once such a value is stored, Dokku fails with `unterminated quoted value`
  or `unexpected character … in variable name` and no Dokku command can
  repair it. On the host, as root:
    F=/var/lib/dokku/config/APP/ENV       # --global: .../config/--global/ENV
                                          # Dokku < 0.38: /home/dokku/APP/ENV
    grep -n '\\\\\"$' $F                     # a value ending in a backslash
    grep -n '\\\\\"\"$' $F                    # one ending in a quote, not yet broken
    sudo -u dokku sed -i '/^KEY=/d' $F    # delete that line (keeps owner, mode)
    dokku config:keys APP                 # readable again?
  then set the value again in a form Dokku can store, and restart the app.";

/// What to do instead of writing masked values into a pipe.
const KEYS_HINT: &str =
    "pass --reveal to write the values (`cli config keys APP` lists only the names)";

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Every variable (values *** unless --reveal).
    #[command(
        after_help = "Examples:\n  cli --demo config show api\n  cli --demo config show --global\n  cli --demo config show api --merged --reveal"
    )]
    Show {
        #[command(flatten)]
        scope: args::AppOrGlobal,
        /// Include the global variables the app inherits.
        #[arg(long)]
        merged: bool,
    },
    /// The names of the variables, without their values.
    #[command(
        after_help = "Examples:\n  cli --demo config keys api\n  cli --demo config keys --global --json"
    )]
    Keys {
        #[command(flatten)]
        scope: args::AppOrGlobal,
    },
    /// One variable (*** unless --reveal).
    #[command(after_help = "Example:\n  cli --demo config get api NODE_ENV --reveal")]
    Get {
        /// [APP] KEY
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
    },
    /// Set variables in one step (restarts the app unless --no-restart).
    #[command(
        after_help = "Example:\n  cli --demo config set api LOG_LEVEL=debug 'GREETING=hello world'"
    )]
    Set {
        /// [APP] KEY=VALUE …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
        #[arg(long)]
        no_restart: bool,
    },
    /// Unset variables.
    #[command(after_help = "Example:\n  cli --demo config unset api LOG_LEVEL")]
    Unset {
        /// [APP] KEY …
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
        #[arg(long)]
        no_restart: bool,
    },
    /// Every variable in a reusable format (needs --reveal outside a
    /// terminal).
    #[command(after_help = "Example:\n  cli --demo config export api --reveal > api.env")]
    Export {
        #[command(flatten)]
        scope: args::AppOrGlobal,
        #[arg(long, value_enum, default_value = "env")]
        format: ExportFormat,
    },
    /// Set every variable of a .env file in one step (read here; sent as
    /// JSON on Dokku's stdin).
    #[command(
        after_help = "Examples:\n  cli --demo config import api .env --no-restart\n  cli --demo config import api .env --replace"
    )]
    Import {
        /// [APP] FILE
        #[arg(value_name = "ARGS", required = true)]
        args: Vec<String>,
        #[arg(long)]
        global: bool,
        #[arg(long)]
        no_restart: bool,
        /// Remove every variable the file does not set (Dokku 0.37.0 or newer).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// KEY='value' lines (a .env file).
    Env,
    /// export KEY='value' lines, for `eval`.
    Shell,
    /// One JSON object.
    Json,
}

#[derive(Debug, Clone)]
pub enum Plan {
    Show {
        scope: Scope,
        merged: bool,
    },
    Keys(Scope),
    Get {
        scope: Scope,
        key: ConfigKey,
    },
    Set {
        scope: Scope,
        vars: Vec<(ConfigKey, SecretString)>,
        no_restart: bool,
    },
    /// The file is read when the plan is prepared (never in a dry run).
    Import {
        scope: Scope,
        file: PathBuf,
        vars: Vec<(ConfigKey, SecretString)>,
        no_restart: bool,
        replace: bool,
    },
    Unset {
        scope: Scope,
        keys: Vec<ConfigKey>,
        no_restart: bool,
    },
    Export {
        scope: Scope,
        format: ExportFormat,
    },
}

/// What a dry run assumes of the host it does not ask: the newest Dokku
/// behaviour this crate knows.
fn assumed_host() -> Capabilities {
    Capabilities::for_version(dokku::client::versions::APPS_LIST_JSON)
}

impl Family for ConfigCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            ConfigCmd::Show { scope, merged } => {
                let scope = cx.scope(scope)?;
                if merged && scope == Scope::Global {
                    return Err(CliError::usage(
                        "--merged is for an app",
                        "drop --global or --merged",
                    ));
                }
                Plan::Show { scope, merged }
            }
            ConfigCmd::Keys { scope } => Plan::Keys(cx.scope(scope)?),
            ConfigCmd::Get { args, global } => {
                let (scope, rest) = cx.scoped_items(args, global, 1, |_| false)?;
                let [key] =
                    family::exactly(rest, "config get takes one key", "`config get [APP] KEY`")?;
                Plan::Get {
                    scope,
                    key: args::config_key(&key)?,
                }
            }
            ConfigCmd::Set {
                args,
                global,
                no_restart,
            } => {
                let (scope, rest) = cx.scoped_items(args, global, 0, |a| a.contains('='))?;
                if rest.is_empty() {
                    return Err(CliError::usage(
                        "no variables given",
                        "`config set [APP] KEY=VALUE …`",
                    ));
                }
                Plan::Set {
                    scope,
                    vars: storable(family::each(&rest, args::assignment)?)?,
                    no_restart,
                }
            }
            ConfigCmd::Unset {
                args,
                global,
                no_restart,
            } => {
                let (scope, rest) = cx.scoped_items(args, global, 1, |_| false)?;
                if rest.is_empty() {
                    return Err(CliError::usage(
                        "no keys given",
                        "`config unset [APP] KEY …`",
                    ));
                }
                Plan::Unset {
                    scope,
                    keys: family::each(&rest, args::config_key)?,
                    no_restart,
                }
            }
            ConfigCmd::Export { scope, format } => Plan::Export {
                scope: cx.scope(scope)?,
                format,
            },
            ConfigCmd::Import {
                args,
                global,
                no_restart,
                replace,
            } => {
                let (scope, rest) = cx.scoped_items(args, global, 1, |_| false)?;
                let [file] = family::exactly(
                    rest,
                    "config import takes one file",
                    "`config import [APP] FILE`",
                )?;
                Plan::Import {
                    scope,
                    file: PathBuf::from(file),
                    vars: Vec::new(),
                    no_restart,
                    replace,
                }
            }
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::Show { scope, merged } => api::export_command(scope, *merged),
            Plan::Keys(scope) => api::keys_command(scope, false),
            Plan::Get { scope, key } => api::get_command(scope, key),
            Plan::Set {
                scope,
                vars,
                no_restart,
            } => set_command(&assumed_host(), scope, vars, *no_restart, false)?,
            Plan::Import {
                scope,
                no_restart,
                replace,
                ..
            } => {
                // The file is not read for a dry run: the values travel on
                // stdin, which a dry run never shows.
                let unread = vec![(args::config_key("FILE")?, SecretString::new("x"))];
                set_command(&assumed_host(), scope, &unread, *no_restart, *replace)?
            }
            Plan::Unset {
                scope,
                keys,
                no_restart,
            } => api::unset_command(scope, keys, *no_restart),
            Plan::Export { scope, .. } => api::export_command(scope, false),
        }])
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        match plan {
            Plan::Show { .. } | Plan::Export { .. } => {
                output::refuse_masked_to_pipe("config values", opts.reveal, KEYS_HINT)?;
                Ok(plan)
            }
            Plan::Get { .. } => {
                output::refuse_masked_to_pipe("the config value", opts.reveal, KEYS_HINT)?;
                Ok(plan)
            }
            Plan::Import {
                scope,
                file,
                no_restart,
                replace,
                ..
            } => {
                let vars = storable(read_env_file(&file)?)?;
                Ok(Plan::Import {
                    scope,
                    file,
                    vars,
                    no_restart,
                    replace,
                })
            }
            plan => Ok(plan),
        }
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let (json, reveal) = (s.opts.json, s.opts.reveal);
        let config = s.dokku().await?.config();
        match plan {
            Plan::Show { scope, merged } => {
                let vars = match (&scope, merged) {
                    (Scope::App(app), true) => config.export_merged(app).await?,
                    _ => config.export(scope.clone()).await?,
                };
                if json {
                    return Ok(output::json(&values_json(&vars, reveal))?);
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
            Plan::Keys(scope) => {
                let keys: Vec<String> = config
                    .keys(scope)
                    .await?
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                if json {
                    return Ok(output::json(&json!(keys))?);
                }
                Ok(output::lines(&keys)?)
            }
            Plan::Get { scope, key } => match config.get(scope.clone(), &key).await? {
                Some(value) => {
                    let shown = output::secret(value.expose(), reveal);
                    if json {
                        output::json(&json!({ "key": key.as_str(), "value": shown }))?;
                    } else {
                        output::lines(&[shown])?;
                        if !reveal {
                            output::note("(value hidden; pass --reveal to show it)");
                        }
                    }
                    Ok(())
                }
                None => Err(CliError::not_found(
                    format!("{key} is not set on {}", scope_name(&scope)),
                    format!("`cli config keys {}` lists the keys", scope_name(&scope)),
                )),
            },
            Plan::Set {
                scope,
                vars,
                no_restart,
            } => set(s, &scope, &vars, no_restart, false, None).await,
            Plan::Import {
                scope,
                file,
                vars,
                no_restart,
                replace,
            } => set(s, &scope, &vars, no_restart, replace, Some(&file)).await,
            Plan::Unset {
                scope,
                keys,
                no_restart,
            } => {
                let command = api::unset_command(&scope, &keys, no_restart);
                let on = scope_name(&scope);
                let what = format!("{} on {on}", output::comma_list(&keys));
                let lines = s
                    .stream(&command, &format!("unsetting {what}"), &mut str::to_owned)
                    .await?;
                // Dokku skips a key that is not set (and restarts nothing
                // when it unset none): say so rather than "unset".
                let Ok(done) = dokku::parse::config::unset(&lines.join("\n")) else {
                    return output::finish(json, "unset", &what, &command, &lines);
                };
                if json {
                    let extra = json!({ "unset": done.unset, "skipped": done.skipped });
                    return output::finished_with("unset", &what, &command, &lines, extra);
                }
                let message = match (done.unset.is_empty(), done.skipped.is_empty()) {
                    (_, true) => format!("unset {what}"),
                    (true, false) => {
                        format!(
                            "nothing to unset on {on} (not set: {})",
                            output::comma_list(&done.skipped)
                        )
                    }
                    (false, false) => format!(
                        "unset {} on {on} (not set: {})",
                        output::comma_list(&done.unset),
                        output::comma_list(&done.skipped)
                    ),
                };
                Ok(output::done(&message)?)
            }
            Plan::Export { scope, format } => {
                let vars = config.export(scope).await?;
                if format == ExportFormat::Json || json {
                    output::json(&values_json(&vars, reveal))?;
                } else {
                    let prefix = if format == ExportFormat::Shell {
                        "export "
                    } else {
                        ""
                    };
                    let lines: Vec<String> = vars
                        .iter()
                        .map(|(k, v)| {
                            format!(
                                "{prefix}{k}={}",
                                quoted(&output::secret(v.expose(), reveal))
                            )
                        })
                        .collect();
                    output::lines(&lines)?;
                }
                if !reveal {
                    output::note("(values hidden; pass --reveal to export them)");
                }
                Ok(())
            }
        }
    }
}

fn values_json<'a>(
    vars: impl IntoIterator<Item = (&'a ConfigKey, &'a SecretString)>,
    reveal: bool,
) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = vars
        .into_iter()
        .map(|(k, v)| (k.to_string(), json!(output::secret(v.expose(), reveal))))
        .collect();
    json!(map)
}

/// Set variables (from the command line or a file) in one command, Dokku's
/// echo of the values masked unless --reveal.
async fn set(
    s: &Session,
    scope: &Scope,
    vars: &[(ConfigKey, SecretString)],
    no_restart: bool,
    replace: bool,
    file: Option<&std::path::Path>,
) -> Result<(), CliError> {
    let caps = s.dokku().await?.capabilities().await?;
    let command = set_command(&caps, scope, vars, no_restart, replace)?;
    let keys: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    let label = format!("setting {} on {}", keys.join(", "), scope_name(scope));
    let lines = s
        .stream(&command, &label, &mut value_masker(s.opts.reveal))
        .await?;
    if s.opts.json {
        output::json(&json!({
            "ok": true,
            "action": "set",
            "target": scope_name(scope),
            "keys": keys,
            "command": command.to_string(),
            "output": lines,
        }))?;
    } else {
        let source = file
            .map(|f| format!(" from {}", f.display()))
            .unwrap_or_default();
        output::done(&format!(
            "set {} on {}{source}",
            keys.join(", "),
            scope_name(scope)
        ))?;
    }
    Ok(())
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

/// Refuse, before connecting, a value no Dokku from 0.37.8 on stores
/// intact (dokku-core's rule; the host's own rules are checked again once
/// its version is known). The error names the key, never the value.
pub fn storable(
    vars: Vec<(ConfigKey, SecretString)>,
) -> Result<Vec<(ConfigKey, SecretString)>, CliError> {
    StoreRules::GODOTENV_1_5.check_all(vars.iter().map(|(k, v)| (k, v)))?;
    Ok(vars)
}

/// Parse a .env file (dotenvy's syntax: quotes, escapes, `export`,
/// comments). Values are secrets from here on.
fn read_env_file(path: &std::path::Path) -> Result<Vec<(ConfigKey, SecretString)>, CliError> {
    let iter = dotenvy::from_path_iter(path).map_err(|e| env_file_error(path, &e))?;
    let mut vars = Vec::new();
    for item in iter {
        let (key, value) = item.map_err(|e| env_file_error(path, &e))?;
        vars.push((args::config_key(&key)?, SecretString::new(value)));
    }
    if vars.is_empty() {
        return Err(CliError::usage(
            format!("{} sets no variables", path.display()),
            "a .env file has KEY=VALUE lines",
        ));
    }
    Ok(vars)
}

fn env_file_error(path: &std::path::Path, e: &dotenvy::Error) -> CliError {
    match e {
        dotenvy::Error::Io(io) => CliError::usage(
            format!("cannot read {}: {io}", path.display()),
            "check the path",
        ),
        // dotenvy's parse errors quote the offending line, which may hold a
        // secret: say where, not what.
        dotenvy::Error::LineParse(_, index) => CliError::usage(
            format!(
                "{} is not a valid .env file (near byte {index})",
                path.display()
            ),
            "each line is KEY=VALUE; quote values with spaces or '#'",
        ),
        _ => CliError::usage(
            format!("{} is not a valid .env file", path.display()),
            "each line is KEY=VALUE",
        ),
    }
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
