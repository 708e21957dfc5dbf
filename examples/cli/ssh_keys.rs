//! `ssh-keys …`: who may push and run commands over SSH: list (none is
//! an empty list, not an error), add (the public key read from standard
//! input or a prompt, never from the command line), remove (by name or
//! `--fingerprint`, after typing it). Dokku refuses add and remove unless
//! run as root on the host.

use clap::Subcommand;
use dokku::api::ssh_keys as api;
use dokku::Command;
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::output::{self, Cell};
use crate::session::{self, Session};

pub const HELP: &str = "Examples:\n  cli --demo ssh-keys list\n  cli --local ssh-keys add alice < ~/.ssh/id_ed25519.pub\n  cli --local ssh-keys remove alice\n  cli --local ssh-keys remove --fingerprint SHA256:9W9mCidzvHeIGSEq0bCEXpPePea0Duk3NvltQZe6fvc";

/// What a dry run shows in place of the key it does not read.
const UNREAD_KEY: &str = "ssh-ed25519 ***";

#[derive(Debug, Subcommand)]
pub enum SshKeysCmd {
    /// The authorized keys: name and fingerprint (or those of one name).
    #[command(
        after_help = "Examples:\n  cli --demo ssh-keys list\n  cli --demo ssh-keys list admin --json"
    )]
    List {
        #[arg(value_parser = args::key_name)]
        name: Option<String>,
    },
    /// Authorize a public key under a name; the key is read from standard
    /// input (or pasted at a prompt), never taken from the command line.
    #[command(
        after_help = "Examples:\n  cli --local ssh-keys add alice < ~/.ssh/id_ed25519.pub\n  cat alice.pub | cli --host root@dokku.example.com ssh-keys add alice"
    )]
    Add {
        #[arg(value_parser = args::key_name)]
        name: String,
    },
    /// Remove the keys added under a name, or the one key with a
    /// fingerprint (asks for it to be typed unless --yes).
    #[command(
        after_help = "Examples:\n  cli --local ssh-keys remove alice\n  cli --local ssh-keys remove --fingerprint SHA256:9W9mCidzvHeIGSEq0bCEXpPePea0Duk3NvltQZe6fvc --yes"
    )]
    Remove {
        #[arg(value_parser = args::key_name, required_unless_present = "fingerprint")]
        name: Option<String>,
        /// The key's fingerprint, as `ssh-keys list` shows it.
        #[arg(long, value_name = "SHA256:…", value_parser = args::key_fingerprint, conflicts_with = "name")]
        fingerprint: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    List(Option<String>),
    /// The key is read when the plan is prepared (never in a dry run).
    Add {
        name: String,
        key: Option<String>,
    },
    /// By name, or (`by_fingerprint`) by fingerprint.
    Remove {
        value: String,
        by_fingerprint: bool,
    },
}

impl Family for SshKeysCmd {
    type Plan = Plan;

    fn plan(self, _cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            SshKeysCmd::List { name } => Plan::List(name),
            SshKeysCmd::Add { name } => Plan::Add { name, key: None },
            SshKeysCmd::Remove { name, fingerprint } => match (name, fingerprint) {
                (_, Some(fingerprint)) => Plan::Remove {
                    value: fingerprint,
                    by_fingerprint: true,
                },
                (Some(name), None) => Plan::Remove {
                    value: name,
                    by_fingerprint: false,
                },
                (None, None) => {
                    return Err(CliError::usage(
                        "no key name or fingerprint given",
                        "name the key, or give --fingerprint SHA256:…",
                    ))
                }
            },
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(vec![match plan {
            Plan::List(name) => api::list_command(name.as_deref())?,
            Plan::Add { name, key } => {
                api::add_command(name, key.as_deref().unwrap_or(UNREAD_KEY))?
            }
            Plan::Remove {
                value,
                by_fingerprint,
            } => api::remove_command(value, *by_fingerprint)?,
        }])
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        match plan {
            Plan::Add { name, key: None } => {
                let key =
                    session::read_line("public key (one line: ssh-ed25519 AAAA… comment)", false)?;
                // Its shape is checked before anything is sent.
                api::add_command(&name, &key)?;
                Ok(Plan::Add {
                    name,
                    key: Some(key),
                })
            }
            Plan::Remove {
                value,
                by_fingerprint,
            } => {
                let (kind, what) = if by_fingerprint {
                    ("the fingerprint", format!("the SSH key {value}"))
                } else {
                    ("the key name", format!("the SSH keys of {value}"))
                };
                session::confirm(
                    opts,
                    kind,
                    &value,
                    &format!("remove {what} (no more pushes or commands with it)"),
                )?;
                Ok(Plan::Remove {
                    value,
                    by_fingerprint,
                })
            }
            plan => Ok(plan),
        }
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let keys = s.dokku().await?.ssh_keys();
        let json = s.opts.json;
        match plan {
            Plan::List(name) => {
                let listed = keys.list(name.as_deref()).await?;
                if json {
                    return Ok(output::json(&json!(listed))?);
                }
                if listed.is_empty() {
                    output::note(match &name {
                        Some(_) => "no keys under that name",
                        None => "no SSH keys are authorized",
                    });
                    return Ok(());
                }
                let rows: Vec<Vec<Cell>> = listed
                    .iter()
                    .map(|k| {
                        vec![
                            Cell::plain(k.name.clone()),
                            Cell::plain(k.fingerprint.clone()),
                        ]
                    })
                    .collect();
                Ok(output::table(&["NAME", "FINGERPRINT"], &rows)?)
            }
            Plan::Add { name, key } => {
                let key = key.unwrap_or_default();
                let fingerprint = keys.add(&name, &key).await.map_err(as_root)?;
                let command = api::add_command(&name, &key)?;
                let what = match fingerprint.as_str() {
                    "" => format!("the key of {name}"),
                    fingerprint => format!("the key of {name} ({fingerprint})"),
                };
                output::finish(json, "added", &what, &command, &[fingerprint])
            }
            Plan::Remove {
                value,
                by_fingerprint,
            } => {
                let what = if by_fingerprint {
                    keys.remove_fingerprint(&value).await.map_err(as_root)?;
                    format!("the key {value}")
                } else {
                    keys.remove(&value).await.map_err(as_root)?;
                    format!("the keys of {value}")
                };
                let command = api::remove_command(&value, by_fingerprint)?;
                output::changed(json, "removed", &what, &command)
            }
        }
    }
}

/// Dokku changes keys only as root: say how to get there.
fn as_root(e: dokku::Error) -> CliError {
    match e {
        dokku::Error::CommandFailed { message, .. } if message.contains("must be run as root") => {
            CliError::failed(
                "Dokku adds and removes SSH keys only when run as root on the host",
                "run it there as root (`cli --host root@HOST …`, or `sudo` with --local)",
            )
        }
        other => CliError::Dokku(other),
    }
}
