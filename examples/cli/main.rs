//! `cargo run --example cli -- …`: a Dokku admin's daily driver, built only
//! on dokku-rs's public API.
//!
//! clap parses the raw flags ([`cli`]); [`plan`] validates them into a typed
//! plan (names become `AppName`, `ConfigKey` … before anything runs); each
//! command family runs its plan through the audited client ([`session`]).
//! `--dry-run` prints the plan's Dokku command lines instead.

#[path = "../common/mod.rs"]
mod common;

mod apps;
mod cli;
mod config;
mod domains;
mod error;
mod history;
mod logs;
mod output;
mod plan;
mod ports;
mod ps;
mod services;
mod session;
mod tls;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use dokku::Command;
use serde_json::json;

use crate::error::CliError;
use crate::plan::{Action, Plan};
use crate::session::Session;

fn main() -> ExitCode {
    // clap prints its own usage errors and exits 2 (and 0 for --help).
    let cli = cli::Cli::parse();
    let result = plan::build(cli).and_then(|plan| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(CliError::Io)?
            .block_on(run(plan))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.report();
            if e.is_broken_pipe() {
                return ExitCode::SUCCESS;
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// What a dry run assumes of the host it does not ask: the newest Dokku
/// behaviour this crate knows (JSON reports, the ports plugin).
fn assumed_host() -> dokku::Capabilities {
    dokku::Capabilities::for_version(dokku::client::versions::APPS_LIST_JSON)
}

/// The commands a plan would send, for `--dry-run`.
fn commands(action: &Action) -> Result<Vec<Command>, CliError> {
    Ok(match action {
        Action::Apps(p) => apps::commands(p),
        Action::Ps(p) => ps::commands(p)?,
        Action::Config(p) => config::commands(p, &assumed_host())?,
        Action::Domains(p) => domains::commands(p)?,
        Action::Logs(p) => logs::commands(p),
        Action::Services(p) => services::commands(p)?,
        Action::Ports(p) => ports::ports_commands(p, &assumed_host())?,
        Action::Proxy(p) => ports::proxy_commands(p)?,
        Action::Certs(p) => tls::certs_commands(p)?,
        Action::Letsencrypt(p) => tls::letsencrypt_commands(p)?,
        Action::Version => vec![Command::read("version")],
        Action::Raw(args) => vec![raw_command(args)?],
        Action::History(_) | Action::Completions(_) => Vec::new(),
    })
}

/// Any Dokku command. It may change anything and print anything, so it
/// is a write (never retried) whose output is kept out of the history.
fn raw_command(args: &[String]) -> Result<Command, CliError> {
    let Some((subcommand, rest)) = args.split_first() else {
        return Err(CliError::usage(
            "no Dokku command given",
            "`cli raw -- apps:list`",
        ));
    };
    if subcommand.starts_with('-') || subcommand.is_empty() {
        return Err(CliError::usage(
            format!("{subcommand:?} is not a Dokku command"),
            "put the Dokku subcommand first: `cli raw -- ps:report api`",
        ));
    }
    if subcommand == "config:set" {
        raw_config_set_check(rest)?;
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
fn raw_config_set_check(args: &[String]) -> Result<(), CliError> {
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
    plan::storable(vars).map(drop).map_err(|e| match e {
        CliError::Dokku(e) => CliError::usage(
            format!("not sent: {e}"),
            "`cli config --help` lists the values Dokku cannot store",
        ),
        other => other,
    })
}

/// A raw command names no app the client knows of, so Dokku's "app does
/// not exist" exit code (20) is read here.
fn raw_not_found(e: CliError) -> CliError {
    match e {
        CliError::Dokku(dokku::Error::CommandFailed {
            status, message, ..
        }) if status.as_code() == Some(20) => CliError::NotFound {
            message,
            hint: "`cli apps list` shows the apps on this host".to_owned(),
        },
        other => other,
    }
}

async fn run(plan: Plan) -> Result<(), CliError> {
    let Plan {
        opts,
        target,
        action,
    } = plan;
    match &action {
        Action::Completions(shell) => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(*shell, &mut cli::Cli::command(), "cli", &mut out);
            return Ok(out.flush()?);
        }
        Action::History(_) => {
            let store = session::open_store(&target).await?;
            let Action::History(plan) = action else {
                return Ok(());
            };
            return history::run(&store, &opts, plan).await;
        }
        _ => {}
    }
    if let Action::Certs(p) = &action {
        tls::certs_check(&opts, p)?;
    }
    // Questions come before connecting: a refusal sends nothing.
    if !opts.dry_run {
        match &action {
            Action::Apps(p) => apps::confirm(&opts, p)?,
            Action::Ps(p) => ps::confirm(&opts, p)?,
            Action::Services(p) => {
                services::check(p)?;
                services::confirm(&opts, p)?;
            }
            Action::Letsencrypt(p) => tls::letsencrypt_confirm(&opts, p)?,
            _ => {}
        }
    }
    if opts.dry_run {
        return session::print_dry_run(&opts, &commands(&action)?);
    }
    let mut s = Session::open(&target, opts).await?;
    let mut result = interruptible(&s, action.clone()).await;
    if result.as_ref().is_err_and(|e| s.may_be_stale(e)) {
        s.forget_capabilities().await;
        result = interruptible(&s, action).await;
    }
    s.save_capabilities().await;
    result
}

/// Ctrl-C drops whatever is running; the audit layer records the command
/// as cancelled (it may have taken effect on the host) and the record is
/// written before exit 130. Streams handle Ctrl-C themselves first, to
/// clear their spinner.
async fn interruptible(s: &Session, action: Action) -> Result<(), CliError> {
    tokio::select! {
        biased;
        result = dispatch(s, action) => result,
        _ = s.interrupted() => {
            s.settle().await;
            Err(CliError::Interrupted)
        }
    }
}

async fn dispatch(s: &Session, action: Action) -> Result<(), CliError> {
    let opts = s.opts;
    match action {
        Action::Apps(p) => apps::run(s, p).await,
        Action::Ps(p) => ps::run(s, p).await,
        Action::Config(p) => config::run(s, p).await,
        Action::Domains(p) => domains::run(s, p).await,
        Action::Logs(p) => logs::run(s, p).await,
        Action::Services(p) => services::run(s, p).await,
        Action::Ports(p) => ports::ports(s, p).await,
        Action::Proxy(p) => ports::proxy(s, p).await,
        Action::Certs(p) => tls::certs(s, p).await,
        Action::Letsencrypt(p) => tls::letsencrypt(s, p).await,
        Action::Version => {
            let version = s.dokku.version().await?;
            if opts.json {
                output::json(&json!({
                    "dokku": version.to_string(),
                    "cli": env!("CARGO_PKG_VERSION"),
                }))?;
            } else {
                writeln!(output::stdout(), "dokku {version}")?;
            }
            Ok(())
        }
        Action::Raw(args) => {
            let command = raw_command(&args)?;
            let lines = s
                .stream(&command, &format!("running {command}"), &mut str::to_owned)
                .await
                .map_err(raw_not_found)?;
            if opts.json {
                output::json(
                    &json!({ "ok": true, "command": command.to_string(), "output": lines }),
                )?;
            }
            Ok(())
        }
        Action::History(_) | Action::Completions(_) => Ok(()),
    }
}
