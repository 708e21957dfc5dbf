//! `hosts …`: the host registry (dokku-fleet's `hosts.toml`): list, add,
//! remove, check (connect with the pinned key and probe the Dokku
//! version), pin (first contact: show the key's fingerprint, store it only
//! on confirmation; a changed key is refused, never re-pinned silently).
//!
//! The registry is `--hosts-file` (or `DOKKU_HOSTS_FILE`), else
//! `dokku-rs/hosts.toml` in the configuration directory. Its hosts are
//! what `--host NAME` and `cli fleet` use. Edits keep the file's comments.

use std::io::{self, IsTerminal};
use std::path::PathBuf;

use clap::Subcommand;
use dokku::Command;
use dokku_fleet::{
    Fingerprint, FleetError, HostEntry, HostKeyPin, HostName, Labels, PinChange, Registry,
    Selector, Target,
};
use serde_json::{json, Value};

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::fleet::{self, Failure};
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::session::{self, Session};

pub const HELP: &str = "\
The registry is --hosts-file FILE (or DOKKU_HOSTS_FILE), else
dokku-rs/hosts.toml in the configuration directory ($XDG_CONFIG_HOME or
~/.config). A registered host is used with --host NAME: its target, identity
and pinned key (its only known key: known_hosts is not read).

Examples:
  cli hosts add eu-1 dokku@eu-1.example.com --label env=prod --label region=eu
  cli hosts pin eu-1
  cli hosts check
  cli --host eu-1 apps list
  cli --demo hosts list";

#[derive(Debug, Subcommand)]
pub enum HostsCmd {
    /// Every registered host: target, pinned key, labels.
    #[command(after_help = "Examples:\n  cli hosts list\n  cli --demo hosts list --json")]
    List,
    /// Register an SSH host; pin its key next (`hosts pin`).
    #[command(
        after_help = "Examples:\n  cli hosts add eu-1 dokku@eu-1.example.com --label env=prod\n  cli hosts add us-1 dokku@us-1.example.com:2222 --identity ~/.ssh/dokku_us"
    )]
    Add {
        /// Its name (for --host NAME and the audit history).
        #[arg(value_parser = args::host_name)]
        name: HostName,
        /// `dokku@host[:port]` or an ssh_config alias.
        target: String,
        /// A label, `KEY=VALUE` (repeat for more).
        #[arg(long = "label", value_name = "KEY=VALUE", value_parser = args::label)]
        labels: Vec<(String, String)>,
        /// The SSH private key to log in with.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
    },
    /// Forget a host and its pinned key (asks for its name unless --yes).
    #[command(after_help = "Examples:\n  cli hosts remove eu-1\n  cli hosts remove eu-1 --yes")]
    Remove {
        #[arg(value_parser = args::host_name)]
        name: HostName,
    },
    /// Connect to hosts with their pinned keys and probe their Dokku
    /// version (exit 6 if any fails).
    #[command(
        after_help = "Examples:\n  cli hosts check\n  cli hosts check eu-1\n  cli hosts check --where env=prod --json\n  cli --demo hosts check"
    )]
    Check {
        /// The hosts (default: all, or --where).
        #[arg(value_parser = args::host_name, conflicts_with = "selection")]
        names: Vec<HostName>,
        /// The hosts by labels, names or `all`.
        #[arg(long = "where", value_name = "SELECTION", value_parser = args::selector)]
        selection: Option<Selector>,
    },
    /// First contact: show the key a host presents and pin it once you
    /// confirm (nothing is authenticated or sent before). A host already
    /// pinned to another key is refused unless --replace names its pin.
    #[command(
        after_help = "Examples:\n  cli hosts pin eu-1\n  cli hosts pin eu-1 --dry-run\n  cli hosts pin eu-1 --fingerprint SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s\n  cli hosts pin eu-1 --replace SHA256:OLD…"
    )]
    Pin {
        #[arg(value_parser = args::host_name)]
        name: HostName,
        /// The fingerprint you expect (learnt out of band): pinned without
        /// asking if the host presents it, refused otherwise.
        #[arg(long, value_name = "SHA256:…")]
        fingerprint: Option<String>,
        /// Replace the host's pin (its key was rotated): the fingerprint it
        /// is pinned to now.
        #[arg(long, value_name = "SHA256:…")]
        replace: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    List,
    Add {
        name: HostName,
        target: String,
        labels: Labels,
        identity: Option<PathBuf>,
    },
    Remove(HostName),
    Check(Selector),
    Pin {
        name: HostName,
        expected: Option<Fingerprint>,
        replace: Option<Fingerprint>,
    },
}

fn fingerprint(raw: &str, flag: &str) -> Result<Fingerprint, CliError> {
    Fingerprint::parse(raw).map_err(|e| {
        CliError::usage(
            format!("{flag} {raw:?}: {e}"),
            "a fingerprint as ssh-keygen -lf prints it: SHA256:…",
        )
    })
}

impl Family for HostsCmd {
    type Plan = Plan;
    // The registry is a local file; `check` and `pin` reach hosts through
    // the fleet, and do their own dry run.
    const REMOTE: bool = false;

    fn plan(self, _cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            HostsCmd::List => Plan::List,
            HostsCmd::Add {
                name,
                target,
                labels,
                identity,
            } => {
                dokku_fleet::SshTarget::parse(&target)?;
                Plan::Add {
                    name,
                    target,
                    labels: labels.into_iter().collect(),
                    identity,
                }
            }
            HostsCmd::Remove { name } => Plan::Remove(name),
            HostsCmd::Check { names, selection } => Plan::Check(match (names, selection) {
                (names, _) if !names.is_empty() => Selector::Names(names),
                (_, Some(selection)) => selection,
                _ => Selector::All,
            }),
            HostsCmd::Pin {
                name,
                fingerprint: expected,
                replace,
            } => Plan::Pin {
                name,
                expected: expected
                    .map(|f| fingerprint(&f, "--fingerprint"))
                    .transpose()?,
                replace: replace.map(|f| fingerprint(&f, "--replace")).transpose()?,
            },
        })
    }

    fn commands(_: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(Vec::new())
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        if let (Plan::Remove(name), false) = (&plan, opts.dry_run) {
            session::confirm(
                opts,
                "the host name",
                name.as_str(),
                &format!("forget the host {name} and its pinned key"),
            )?;
        }
        Ok(plan)
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        match plan {
            Plan::List => list(s),
            Plan::Check(selection) => check(s, &selection).await,
            Plan::Add {
                name,
                target,
                labels,
                identity,
            } => {
                let mut registry = editable(s)?;
                registry.add_ssh_host(name.as_str(), &target)?;
                if !labels.is_empty() {
                    registry.set_labels(name.as_str(), &labels)?;
                }
                if let Some(identity) = &identity {
                    registry.set_identity(name.as_str(), identity)?;
                }
                let what = format!("added {name} ({target})");
                let next = format!("next: `cli hosts pin {name}` to pin its host key");
                save(
                    s,
                    &registry,
                    &what,
                    Some(&next),
                    json!({ "host": name, "target": target }),
                )
            }
            Plan::Remove(name) => {
                let mut registry = editable(s)?;
                let entry = registry.remove_host(name.as_str())?;
                let what = format!("removed {name} ({})", entry.target);
                save(s, &registry, &what, None, json!({ "host": name }))
            }
            Plan::Pin {
                name,
                expected,
                replace,
            } => pin(s, &name, expected, replace).await,
        }
    }
}

/// The registry to change: `--demo`'s fleet is built in.
fn editable(s: &Session) -> Result<Registry, CliError> {
    if s.target_args().demo {
        return Err(CliError::usage(
            "the demo fleet is built in and cannot be changed",
            "drop --demo to change the host registry (--hosts-file FILE names another)",
        ));
    }
    Ok(s.target_args().registry()?)
}

/// Write the registry (not with --dry-run) and say what changed.
fn save(
    s: &Session,
    registry: &Registry,
    what: &str,
    next: Option<&str>,
    mut value: Value,
) -> Result<(), CliError> {
    let dry_run = s.opts.dry_run;
    if !dry_run {
        registry.save()?;
    }
    if s.opts.json {
        value["ok"] = json!(true);
        value["dry_run"] = json!(dry_run);
        value["file"] = json!(registry.path());
        return Ok(output::json(&value)?);
    }
    if dry_run {
        output::lines(&[format!(
            "would have {what} in {}",
            registry.path().display()
        )])?;
        output::note("(dry run: nothing was written)");
        return Ok(());
    }
    output::done(&format!("{what} in {}", registry.path().display()))?;
    if let Some(next) = next {
        output::note(next);
    }
    Ok(())
}

/// A row of `hosts list`: from the registry, or the demo fleet.
struct Row {
    name: String,
    kind: &'static str,
    target: String,
    pin: Option<HostKeyPin>,
    labels: Labels,
    identity: Option<PathBuf>,
}

impl Row {
    fn of(entry: &HostEntry, registry: &Registry) -> Self {
        let kind = match entry.target {
            Target::Ssh(_) => "ssh",
            Target::Local => "local",
            _ => "demo",
        };
        let identity = match entry.target {
            Target::Ssh(_) => entry
                .identity
                .clone()
                .or_else(|| registry.defaults().identity.clone()),
            _ => None,
        };
        Row {
            name: entry.name.to_string(),
            kind,
            target: entry.target.to_string(),
            pin: entry.host_key.clone(),
            labels: entry.labels.clone(),
            identity,
        }
    }
}

fn labels_text(labels: &Labels) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn list(s: &Session) -> Result<(), CliError> {
    let (rows, file) = if s.target_args().demo {
        let mut demo = dokku_fleet::demo::hosts();
        demo.sort_by(|a, b| a.name.cmp(&b.name));
        let rows: Vec<Row> = demo
            .into_iter()
            .map(|h| Row {
                name: h.name.to_string(),
                kind: "demo",
                target: format!("demo (Dokku {})", h.version),
                pin: None,
                labels: h.labels,
                identity: None,
            })
            .collect();
        (rows, None)
    } else {
        let registry = s.target_args().registry()?;
        let rows = registry
            .hosts()
            .iter()
            .map(|e| Row::of(e, &registry))
            .collect();
        (rows, Some(registry.path().to_path_buf()))
    };
    if s.opts.json {
        let hosts: Vec<Value> = rows
            .iter()
            .map(|r| {
                json!({
                    "name": r.name,
                    "kind": r.kind,
                    "target": r.target,
                    "pinned": r.pin.is_some(),
                    "host_key": r.pin.as_ref().map(|p| p.fingerprint().to_string()),
                    "labels": r.labels,
                    "identity": r.identity,
                })
            })
            .collect();
        return Ok(output::json(&json!({ "file": file, "hosts": hosts }))?);
    }
    if rows.is_empty() {
        let file = file.map(|f| f.display().to_string()).unwrap_or_default();
        output::note(&format!(
            "no hosts in {file}; add one with `cli hosts add NAME dokku@HOST`"
        ));
        return Ok(());
    }
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let key = match (&r.pin, r.kind) {
                (Some(pin), _) => Cell(pin.fingerprint().to_string(), GREEN),
                (None, "ssh") => Cell("not pinned".to_owned(), YELLOW),
                (None, _) => Cell("-".to_owned(), DIM),
            };
            vec![
                Cell::plain(r.name.clone()),
                Cell::plain(r.target.clone()),
                key,
                Cell::plain(labels_text(&r.labels)),
            ]
        })
        .collect();
    output::table(&["NAME", "TARGET", "HOST KEY", "LABELS"], &cells)?;
    Ok(())
}

async fn check(s: &Session, selection: &Selector) -> Result<(), CliError> {
    let fleet = fleet::open(s).await?;
    if s.opts.dry_run {
        let hosts = fleet.select(selection)?;
        fleet.close().await;
        let lines: Vec<String> = hosts.iter().map(ToString::to_string).collect();
        if s.opts.json {
            output::json(&json!({ "dry_run": true, "hosts": lines }))?;
        } else {
            output::lines(&lines)?;
            output::note("(dry run: nothing was contacted)");
        }
        return Ok(());
    }
    let versions = fleet.versions(selection).await;
    fleet.close().await;
    let versions = versions?;
    let failures = Failure::all(&versions.hosts);
    if s.opts.json {
        let rows: Vec<Value> = versions
            .hosts
            .iter()
            .map(|r| {
                let (version, error) = match &r.result {
                    Ok(caps) => (Some(caps.version.to_string()), Value::Null),
                    Err(e) => (None, Failure::of(e).json()),
                };
                json!({
                    "host": r.host,
                    "target": r.target,
                    "ok": r.result.is_ok(),
                    "dokku_version": version,
                    "elapsed_ms": u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX),
                    "error": error,
                })
            })
            .collect();
        output::json(&json!(rows))?;
    } else {
        let rows: Vec<Vec<Cell>> = versions
            .hosts
            .iter()
            .map(|r| match &r.result {
                Ok(caps) => vec![
                    Cell::plain(r.host.to_string()),
                    Cell::plain(r.target.clone()),
                    Cell("ok".to_owned(), GREEN),
                    Cell::plain(caps.version.to_string()),
                ],
                Err(e) => vec![
                    Cell::plain(r.host.to_string()),
                    Cell::plain(r.target.clone()),
                    Failure::of(e).cell(),
                    Cell("-".to_owned(), DIM),
                ],
            })
            .collect();
        output::table(&["HOST", "TARGET", "STATE", "DOKKU"], &rows)?;
    }
    fleet::conclude(s.opts.json, &failures, versions.hosts.len())
}

/// First contact, then the pin only once a person (or `--fingerprint`)
/// confirmed the key.
async fn pin(
    s: &Session,
    name: &HostName,
    expected: Option<Fingerprint>,
    replace: Option<Fingerprint>,
) -> Result<(), CliError> {
    let opts = s.opts;
    let mut registry = editable(s)?;
    let Some(entry) = registry.get(name.as_str()).cloned() else {
        return Err(FleetError::UnknownHost {
            name: name.to_string(),
        }
        .into());
    };
    let enrolment = registry.enrol(name.as_str()).await?;
    let presented = enrolment.fingerprint();
    let key_text = enrolment.key().to_string();
    let pinned = entry.host_key.as_ref().map(HostKeyPin::fingerprint);
    let target = entry.target.to_string();
    let file = registry.path().to_path_buf();
    if !opts.json {
        output::lines(&[format!("{name} ({target}) presents the key {presented}")])?;
    }
    let report = |change: &str| -> Result<(), CliError> {
        if opts.json {
            output::json(&json!({
                "ok": true,
                "host": name,
                "target": target,
                "fingerprint": presented.to_string(),
                "key": key_text,
                "change": change,
                "dry_run": opts.dry_run,
                "file": file,
            }))?;
        }
        Ok(())
    };
    if let Some(expected) = expected {
        if expected != presented {
            return Err(CliError::Fleet(FleetError::InvalidPin {
                host: name.to_string(),
                reason: format!(
                    "it presents {presented}, not the expected {expected}; nothing was pinned"
                ),
            }));
        }
    }
    // Already pinned: the same key changes nothing; another is refused
    // unless --replace names the pin it has now.
    match (&pinned, &replace) {
        (Some(current), _) if *current == presented => {
            if !opts.json {
                output::done(&format!(
                    "{name} is already pinned to this key; nothing changed"
                ))?;
            }
            return report("unchanged");
        }
        (Some(current), None) => {
            return Err(CliError::Fleet(FleetError::AlreadyPinned {
                host: name.clone(),
                pinned: current.to_string(),
                offered: presented.to_string(),
            }));
        }
        (None, Some(_)) => {
            return Err(CliError::usage(
                format!("{name} has no pin to replace"),
                format!("drop --replace: `cli hosts pin {name}`"),
            ));
        }
        _ => {}
    }
    if opts.dry_run {
        if !opts.json {
            output::note("(dry run: nothing was pinned)");
        }
        return report(if replace.is_some() {
            "replaced"
        } else {
            "pinned"
        });
    }
    if expected.is_none() {
        confirm_key(&opts, name, &presented)?;
    }
    let change = match &replace {
        Some(old) => {
            registry.replace_pin(name.as_str(), old, enrolment)?;
            "replaced"
        }
        None => match registry.pin(name.as_str(), enrolment)? {
            PinChange::Unchanged => "unchanged",
            _ => "pinned",
        },
    };
    registry.save()?;
    if !opts.json {
        output::done(&format!(
            "{change} {name} to {presented} in {}",
            registry.path().display()
        ))?;
    }
    report(change)
}

/// Ask a person to confirm a key they were shown (`--yes` skips it; no
/// terminal and no `--yes` is refused: nothing is pinned).
fn confirm_key(opts: &Opts, name: &HostName, presented: &Fingerprint) -> Result<(), CliError> {
    if !opts.yes && !io::stdin().is_terminal() {
        return Err(CliError::refused(
            format!(
                "refusing to pin {name} without confirmation: standard input is not a terminal"
            ),
            "compare the fingerprint out of band, then pass --fingerprint SHA256:… (or --yes)",
        ));
    }
    if !opts.yes {
        let mut err = anstream::stderr();
        let _ = io::Write::write_fmt(
            &mut err,
            format_args!(
                "{RED}!{RED:#} Compare {presented} with the host's own (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on it).\n"
            ),
        );
    }
    session::confirm(
        opts,
        "the host name",
        name.as_str(),
        &format!("pin {name} to the key {presented}"),
    )
}
