//! `raw -- <args…>`: any Dokku command, audited, its arguments quoted
//! safely for the host. It may change anything and print anything, so it
//! is a write (never retried) whose output is kept out of the history.

use clap::Args;
use dokku::Command;
use serde_json::json;

use crate::error::CliError;
use crate::family::{Context, Family};
use crate::output;
use crate::session::Session;

pub const HELP: &str = "Examples:\n  cli --demo raw -- apps:list\n  cli --demo raw -- ps:inspect api\n  cli --demo raw -- config:set api 'GREETING=hello world'";

#[derive(Debug, Args)]
pub struct RawArgs {
    /// The Dokku subcommand and its arguments, one word each.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<String>,
}

impl Family for RawArgs {
    type Plan = Command;

    fn plan(self, _cx: &mut Context) -> Result<Command, CliError> {
        command(&self.args)
    }

    fn commands(plan: &Command) -> Result<Vec<Command>, CliError> {
        Ok(vec![plan.clone()])
    }

    async fn run(command: Command, s: &Session) -> Result<(), CliError> {
        let lines = s
            .stream(&command, &format!("running {command}"), &mut str::to_owned)
            .await
            .map_err(not_found)?;
        if s.opts.json {
            output::json(&json!({ "ok": true, "command": command.to_string(), "output": lines }))?;
        }
        Ok(())
    }
}

/// A raw Dokku command from its words, checked as `raw` checks them (also
/// for `fleet run`).
pub fn command(args: &[String]) -> Result<Command, CliError> {
    let Some((subcommand, rest)) = args.split_first() else {
        return Err(CliError::usage(
            "no Dokku command given",
            "`cli raw -- apps:list`",
        ));
    };
    // `raw -- "config:set api X=1"`: one argument holding a whole command
    // line. Dokku would look for a command named all of it.
    if subcommand.contains(char::is_whitespace) {
        let words: Vec<&str> = subcommand.split_whitespace().collect();
        return Err(CliError::usage(
            format!(
                "{subcommand:?} is one argument with spaces in it; Dokku takes the command and each argument as separate words"
            ),
            format!(
                "split it: `cli raw -- {}` (quote only a value that holds spaces)",
                words.join(" ")
            ),
        ));
    }
    if subcommand.starts_with('-') || subcommand.is_empty() {
        return Err(CliError::usage(
            format!("{subcommand:?} is not a Dokku command"),
            "put the Dokku subcommand first: `cli raw -- ps:report api`",
        ));
    }
    if subcommand == "config:set" {
        config_set_check(rest)?;
    }
    Ok(Command::write(subcommand.as_str())
        .args(rest)
        .long_running()
        .prints_secrets())
}

/// `raw -- config:set …` goes through the same check as `config set`: a
/// value Dokku would store corrupted can break every config command on the
/// app until someone edits the ENV file as root, which is a worse outcome
/// than losing this one escape hatch (the admin who really means it has
/// ssh). Values given `--encoded` are decoded first; anything Dokku itself
/// would refuse (a bad pair, bad base64, a bad key) is left to Dokku.
fn config_set_check(args: &[String]) -> Result<(), CliError> {
    use base64::Engine as _;
    let flag = |f: &str| args.iter().any(|a| a == f);
    let (encoded, global) = (flag("--encoded"), flag("--global"));
    let positional = args.iter().filter(|a| !a.starts_with("--"));
    let pairs = positional.skip(usize::from(!global));
    let mut vars = Vec::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let Ok(key) = dokku::ConfigKey::new(key) else {
            continue;
        };
        let value = if encoded {
            match base64::engine::general_purpose::STANDARD.decode(value) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(_) => continue,
            }
        } else {
            value.to_owned()
        };
        vars.push((key, dokku::SecretString::new(value)));
    }
    dokku::model::config::StoreRules::GODOTENV_1_5
        .check_all(vars.iter().map(|(k, v)| (k, v)))
        .map_err(|e| {
            CliError::usage(
                format!("not sent: {e}"),
                "`cli config --help` lists the values Dokku cannot store",
            )
        })
}

/// A raw command names no app the client knows of, so Dokku's "app does
/// not exist" exit code (20) is read here.
fn not_found(e: CliError) -> CliError {
    match e {
        CliError::Dokku(dokku::Error::CommandFailed {
            status, message, ..
        }) if status.as_code() == Some(20) => {
            CliError::not_found(message, "`cli apps list` shows the apps on this host")
        }
        other => other,
    }
}
