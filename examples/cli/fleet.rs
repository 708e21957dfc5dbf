//! `fleet …`: many hosts at once, through dokku-fleet. `status` (one row
//! per host: Dokku version, apps by state, failing apps, certificates
//! expiring soon), `apps` (every app of every host), `vitals` (each
//! host's memory and disks), `backups` (every database of every host and
//! when it is backed up), `deploys` (each app's last deploy: Dokku's build
//! records on 0.38+, a `git push` included, else the audit trail), `run`
//! (one Dokku
//! command on a selection: the plan of hosts × commands, `--dry-run`,
//! confirmation, each host's outcome; nothing mutating is retried).
//!
//! The fleet is the registry's hosts (`cli hosts`), or with `--demo` the
//! demo fleet: three simulated hosts in memory. A host that is down, slow
//! or refusing its key is a row saying so; the others answer all the same,
//! and the command then exits 6 (`hosts_failed`) after printing them all.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clap::Subcommand;
use dokku::model::overview::{AppOverview, AppStatus};
use dokku::{AppName, Command};
use dokku_fleet::query::is_not_running;
use dokku_fleet::{
    DeployOutcome, DokkuBuilds, Fleet, FleetError, FleetResults, HostName, HostResult, LastDeploy,
    Plan, Selector, SkewReport, StepOutcome,
};
use dokku_history::Source;
use serde_json::{json, Value};

use crate::apps;
use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::output::{self, Cell, RED, YELLOW};
use crate::raw;
use crate::session::{self, Session};

pub const HELP: &str = "\
The fleet is every host of the registry (`cli hosts`), or with --demo three
simulated hosts (eu-1, us-1, legacy) kept in memory. --where selects hosts by
labels (env=prod,region=eu: every label must match), by names (eu-1,us-1) or
all. A host that cannot be reached is a row saying so; the others answer, and
the command exits 6 (hosts_failed) once every host's outcome is printed.

Examples:
  cli --demo fleet status
  cli --demo fleet apps --failing
  cli --demo fleet vitals
  cli --demo fleet backups --not-backed-up
  cli --demo fleet deploys --failed
  cli --demo fleet run --where env=prod --dry-run -- ps:report api
  cli fleet status --where region=eu --json";

#[derive(Debug, Subcommand)]
pub enum FleetCmd {
    /// One row per host: Dokku version, apps by state, failing apps (not
    /// running, or whose last deploy failed), certificates expiring soon.
    #[command(
        after_help = "Examples:\n  cli --demo fleet status\n  cli --demo fleet status --where env=prod --json\n  cli --demo fleet status --within-days 30"
    )]
    Status {
        /// The hosts (default: all).
        #[arg(long = "where", value_name = "SELECTION", value_parser = args::selector)]
        selection: Option<Selector>,
        /// Certificates expiring within this many days (by each host's
        /// clock) are listed.
        #[arg(long, value_name = "DAYS", default_value_t = output::EXPIRY_WARNING_DAYS)]
        within_days: u64,
    },
    /// Every app of every selected host, with its state.
    #[command(
        after_help = "Examples:\n  cli --demo fleet apps\n  cli --demo fleet apps --failing --json"
    )]
    Apps {
        /// The hosts (default: all).
        #[arg(long = "where", value_name = "SELECTION", value_parser = args::selector)]
        selection: Option<Selector>,
        /// Only the apps that should run and do not (crashed, stopped,
        /// partly running).
        #[arg(long)]
        failing: bool,
    },
    /// Each host's machine: memory in use, its fullest disk, inodes (from
    /// Dokku's `report`, a few seconds per host).
    #[command(
        after_help = "Examples:\n  cli --demo fleet vitals\n  cli --demo fleet vitals --where env=prod --json"
    )]
    Vitals {
        /// The hosts (default: all).
        #[arg(long = "where", value_name = "SELECTION", value_parser = args::selector)]
        selection: Option<Selector>,
    },
    /// Every datastore service (postgres, redis …) of every selected host,
    /// and when it is backed up to S3, or that it is not.
    #[command(
        after_help = "Examples:\n  cli --demo fleet backups\n  cli --demo fleet backups --not-backed-up --json"
    )]
    Backups {
        /// The hosts (default: all).
        #[arg(long = "where", value_name = "SELECTION", value_parser = args::selector)]
        selection: Option<Selector>,
        /// Only the services not known to be backed up (none scheduled, or
        /// the plugin cannot say).
        #[arg(long)]
        not_backed_up: bool,
    },
    /// Each app's last deploy on every selected host and how it ended:
    /// Dokku's build records on 0.38+ (whoever started it, a `git push`
    /// included), else this tool's audit history.
    #[command(
        after_help = "Examples:\n  cli --demo fleet deploys\n  cli --demo fleet deploys --failed --json\n  cli --demo fleet deploys --running"
    )]
    Deploys {
        /// The hosts (default: all).
        #[arg(long = "where", value_name = "SELECTION", value_parser = args::selector)]
        selection: Option<Selector>,
        /// Only the apps whose last deploy failed.
        #[arg(long, conflicts_with = "running")]
        failed: bool,
        /// Only the apps being deployed now (before maintenance: is
        /// anything deploying?).
        #[arg(long)]
        running: bool,
    },
    /// Run one Dokku command on the selected hosts: the plan first, then
    /// (after confirmation) each host's outcome. Never retried.
    #[command(
        after_help = "Examples:\n  cli --demo fleet run --where env=prod --dry-run -- ps:restart api\n  cli --demo fleet run --where region=eu --yes -- ps:report api\n  cli fleet run --where eu-1,us-1 -- letsencrypt:auto-renew"
    )]
    Run {
        /// The hosts: labels, names, or `all` (required: a change goes
        /// where it is aimed).
        #[arg(long = "where", value_name = "SELECTION", value_parser = args::selector)]
        selection: Selector,
        /// The Dokku subcommand and its arguments, one word each (after `--`).
        #[arg(
            required = true,
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub enum FleetPlan {
    Status {
        selection: Selector,
        within: Duration,
    },
    Apps {
        selection: Selector,
        failing: bool,
    },
    Vitals {
        selection: Selector,
    },
    Backups {
        selection: Selector,
        not_backed_up: bool,
    },
    Deploys {
        selection: Selector,
        /// Only these outcomes (`None`: all).
        only: Option<DeployOutcome>,
    },
    Run {
        selection: Selector,
        command: Command,
    },
}

impl Family for FleetCmd {
    type Plan = FleetPlan;
    // Many hosts: the plan, dry run and confirmation are the fleet's own.
    const REMOTE: bool = false;

    fn plan(self, _cx: &mut Context) -> Result<FleetPlan, CliError> {
        Ok(match self {
            FleetCmd::Status {
                selection,
                within_days,
            } => FleetPlan::Status {
                selection: selection.unwrap_or(Selector::All),
                within: Duration::from_secs(within_days.saturating_mul(86_400)),
            },
            FleetCmd::Apps { selection, failing } => FleetPlan::Apps {
                selection: selection.unwrap_or(Selector::All),
                failing,
            },
            FleetCmd::Vitals { selection } => FleetPlan::Vitals {
                selection: selection.unwrap_or(Selector::All),
            },
            FleetCmd::Backups {
                selection,
                not_backed_up,
            } => FleetPlan::Backups {
                selection: selection.unwrap_or(Selector::All),
                not_backed_up,
            },
            FleetCmd::Deploys {
                selection,
                failed,
                running,
            } => FleetPlan::Deploys {
                selection: selection.unwrap_or(Selector::All),
                only: match (failed, running) {
                    (true, _) => Some(DeployOutcome::Failed),
                    (_, true) => Some(DeployOutcome::Running),
                    _ => None,
                },
            },
            FleetCmd::Run { selection, args } => FleetPlan::Run {
                selection,
                command: raw::command(&args)?,
            },
        })
    }

    fn commands(_: &FleetPlan) -> Result<Vec<Command>, CliError> {
        Ok(Vec::new())
    }

    async fn run(plan: FleetPlan, s: &Session) -> Result<(), CliError> {
        let fleet = open(s).await?;
        let result = match plan {
            FleetPlan::Status { selection, within } => status(s, &fleet, &selection, within).await,
            FleetPlan::Apps { selection, failing } => apps(s, &fleet, &selection, failing).await,
            FleetPlan::Vitals { selection } => vitals(s, &fleet, &selection).await,
            FleetPlan::Backups {
                selection,
                not_backed_up,
            } => backups(s, &fleet, &selection, not_backed_up).await,
            FleetPlan::Deploys { selection, only } => deploys(s, &fleet, &selection, only).await,
            FleetPlan::Run { selection, command } => run(s, &fleet, &selection, command).await,
        };
        fleet.close().await;
        result
    }
}

/// The fleet the flags name, every host's commands recorded in the audit
/// history (actor: the local user, source: cli, host: its registry name).
pub async fn open(s: &Session) -> Result<Fleet, CliError> {
    let store = s.store().await?;
    Ok(s.target_args()
        .fleet_builder()?
        .audit(store)
        .audit_actor(crate::common::local_user())
        .audit_source(Source::Cli)
        .build()?)
}

/// Why a host gave nothing: one word for tables and scripts, and the
/// error's own sentence (which names the host).
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: &'static str,
    pub message: String,
}

impl Failure {
    pub fn of(e: &FleetError) -> Self {
        let kind = match e {
            FleetError::NotPinned { .. } => "not pinned",
            FleetError::HostKeyRefused { .. } => "host key refused",
            FleetError::AuthFailed { .. } => "authentication refused",
            FleetError::TimedOut { .. } => "timed out",
            FleetError::Unreachable { .. } => "unreachable",
            _ => "failed",
        };
        Failure {
            kind,
            message: e.to_string(),
        }
    }

    /// Each failed host of `results`, with its failure.
    pub fn all<T>(results: &FleetResults<T>) -> Vec<(HostName, Failure)> {
        results
            .failed()
            .map(|(h, e)| (h.clone(), Failure::of(e)))
            .collect()
    }

    pub fn json(&self) -> Value {
        json!({ "kind": self.kind, "message": self.message })
    }

    /// Its word in red, for a table.
    pub fn cell(&self) -> Cell {
        Cell(self.kind.to_owned(), RED)
    }
}

/// After every host's outcome is printed: the failed ones, each with its
/// message on stderr for people, and the command's error (exit 6) when
/// there are any.
pub fn conclude(
    json: bool,
    failures: &[(HostName, Failure)],
    total: usize,
) -> Result<(), CliError> {
    if failures.is_empty() {
        return Ok(());
    }
    if !json {
        for (_, failure) in failures {
            output::note(&failure.message);
        }
    }
    Err(CliError::HostsFailed {
        failed: failures.iter().map(|(h, _)| h.to_string()).collect(),
        total,
    })
}

/// `--dry-run` of a reading command: which hosts it would ask.
fn print_selection(s: &Session, fleet: &Fleet, selection: &Selector) -> Result<(), CliError> {
    let hosts = fleet.select(selection)?;
    if s.opts.json {
        let hosts: Vec<Value> = hosts.iter().map(|h| host_json(fleet, h)).collect();
        output::json(&json!({ "dry_run": true, "hosts": hosts }))?;
    } else {
        let lines: Vec<String> = hosts
            .iter()
            .map(|h| {
                let target = fleet.describe(h.as_str()).map_or("", |(t, _)| t);
                format!("{h} ({target})")
            })
            .collect();
        output::lines(&lines)?;
        output::note("(dry run: nothing was sent)");
    }
    Ok(())
}

/// A host's name, target and labels, the start of its JSON object.
fn host_json(fleet: &Fleet, host: &HostName) -> Value {
    let (target, labels) = fleet
        .describe(host.as_str())
        .map_or((String::new(), BTreeMap::new()), |(t, l)| {
            (t.to_owned(), l.clone())
        });
    json!({ "host": host, "target": target, "labels": labels })
}

/// A host's JSON object with its outcome: `ok`, and `key` (what it
/// answered, as `value` writes it) or `error`.
fn outcome_json<T>(
    fleet: &Fleet,
    r: &HostResult<T>,
    key: &str,
    value: impl FnOnce(&T) -> Value,
) -> Value {
    let mut row = host_json(fleet, &r.host);
    match &r.result {
        Ok(answer) => {
            row["ok"] = json!(true);
            row[key] = value(answer);
            row["error"] = Value::Null;
        }
        Err(e) => {
            row["ok"] = json!(false);
            row["error"] = Failure::of(e).json();
        }
    }
    row
}

/// `fleet backups`: one row per datastore service of each host, with its
/// backup schedule (`none` in red); an unreachable host is a row saying
/// why.
async fn backups(
    s: &Session,
    fleet: &Fleet,
    selection: &Selector,
    not_backed_up: bool,
) -> Result<(), CliError> {
    if s.opts.dry_run {
        return print_selection(s, fleet, selection);
    }
    let found = fleet.backups(selection).await?;
    let failures = Failure::all(&found);
    let shown = |services: &[dokku_fleet::ServiceBackup]| -> Vec<dokku_fleet::ServiceBackup> {
        services
            .iter()
            .filter(|b| !not_backed_up || b.schedule.is_none())
            .cloned()
            .collect()
    };
    if s.opts.json {
        let rows: Vec<Value> = found
            .iter()
            .map(|r| outcome_json(fleet, r, "services", |services| json!(shown(services))))
            .collect();
        output::json(&json!({ "hosts": rows }))?;
    } else {
        let rows = host_rows(&found, |services| {
            shown(services)
                .into_iter()
                .map(|b| {
                    let (when, bucket) = match (&b.schedule, &b.unreadable) {
                        (Some(x), _) => (Cell::plain(x.schedule.clone()), x.bucket.clone()),
                        (None, Some(why)) => (Cell("unknown".to_owned(), YELLOW), why.clone()),
                        (None, None) => (Cell("none".to_owned(), RED), String::new()),
                    };
                    vec![
                        Cell::plain(b.plugin),
                        Cell::plain(b.service.to_string()),
                        when,
                        Cell::plain(bucket),
                    ]
                })
                .collect()
        });
        output::table(&["HOST", "PLUGIN", "SERVICE", "SCHEDULE", "BUCKET"], &rows)?;
    }
    conclude(s.opts.json, &failures, found.len())
}

/// `fleet deploys`: one row per app of each host with its last deploy
/// (`failed` in red; `only` those that ended so); an unreachable host is
/// a row saying why.
async fn deploys(
    s: &Session,
    fleet: &Fleet,
    selection: &Selector,
    only: Option<DeployOutcome>,
) -> Result<(), CliError> {
    if s.opts.dry_run {
        return print_selection(s, fleet, selection);
    }
    let history = deploy_history(s).await?;
    let found = fleet.last_deploys(selection, history).await?;
    let failures = Failure::all(&found);
    let shown = |last: &[LastDeploy]| -> Vec<LastDeploy> {
        last.iter()
            .filter(|d| only.map_or(true, |o| d.outcome == o))
            .cloned()
            .collect()
    };
    if s.opts.json {
        let rows: Vec<Value> = found
            .iter()
            .map(|r| {
                outcome_json(fleet, r, "deploys", |last| {
                    json!(shown(last)
                        .iter()
                        .map(|d| json!({
                            "app": d.app,
                            "outcome": d.outcome.as_str(),
                            "at": d.at.map(output::time),
                            "source": d.source,
                        }))
                        .collect::<Vec<_>>())
                })
            })
            .collect();
        output::json(&json!({ "hosts": rows }))?;
    } else {
        let rows = host_rows(&found, |last| {
            shown(last)
                .into_iter()
                .map(|d| {
                    let word = d.outcome.as_str().to_owned();
                    vec![
                        Cell::plain(d.app.to_string()),
                        match d.outcome {
                            DeployOutcome::Failed => Cell(word, RED),
                            DeployOutcome::Running => Cell(word, YELLOW),
                            _ => Cell::plain(word),
                        },
                        Cell::plain(d.at.map(output::time).unwrap_or_default()),
                        Cell::plain(d.source.unwrap_or_default()),
                    ]
                })
                .collect()
        });
        if rows.is_empty() {
            output::note(match only {
                Some(DeployOutcome::Running) => "nothing is being deployed on these hosts",
                Some(DeployOutcome::Failed) => "no app's last deploy failed on these hosts",
                _ => "no deploys recorded on these hosts",
            });
        } else {
            output::table(&["HOST", "APP", "LAST DEPLOY", "AT (UTC)", "SOURCE"], &rows)?;
        }
    }
    conclude(s.opts.json, &failures, found.len())
}

/// Where each app's last deploy is read: Dokku's build records on 0.38+
/// (a `git push` included), else this tool's history.
async fn deploy_history(s: &Session) -> Result<Arc<DokkuBuilds>, CliError> {
    Ok(Arc::new(DokkuBuilds::or(Arc::new(s.store().await?))))
}

/// A fleet answer as table rows: each host's rows (`rows_of` its answer)
/// behind its name, or one row saying why the host gave nothing.
fn host_rows<T>(found: &FleetResults<T>, rows_of: impl Fn(&T) -> Vec<Vec<Cell>>) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for r in found.iter() {
        let host = || Cell::plain(r.host.to_string());
        match &r.result {
            Ok(answer) => rows.extend(rows_of(answer).into_iter().map(|mut row| {
                row.insert(0, host());
                row
            })),
            Err(e) => rows.push(vec![host(), Failure::of(e).cell()]),
        }
    }
    rows
}

/// `fleet vitals`: one row per host, its memory and its fullest disk.
async fn vitals(s: &Session, fleet: &Fleet, selection: &Selector) -> Result<(), CliError> {
    if s.opts.dry_run {
        return print_selection(s, fleet, selection);
    }
    let vitals = fleet.vitals(selection).await?;
    let failures = Failure::all(&vitals);
    if s.opts.json {
        let rows: Vec<Value> = vitals
            .iter()
            .map(|r| outcome_json(fleet, r, "vitals", |v| json!(v)))
            .collect();
        output::json(&json!({ "hosts": rows }))?;
    } else {
        let rows: Vec<Vec<Cell>> = vitals
            .iter()
            .map(|r| {
                let mut row = vec![Cell::plain(r.host.to_string())];
                match &r.result {
                    Ok(v) => {
                        let fullest = v.disks.iter().max_by_key(|d| d.used_percent);
                        row.extend([
                            Cell::plain(v.memory.as_ref().map_or(String::new(), |m| {
                                format!("{} of {} MiB", m.in_use_mb(), m.total_mb)
                            })),
                            output::percent(v.memory.as_ref().map(|m| m.used_percent())),
                            Cell::plain(fullest.map_or(String::new(), |d| {
                                format!("{} ({})", d.mounted_on, d.size)
                            })),
                            output::percent(fullest.and_then(|d| d.used_percent)),
                            output::percent(v.inodes.iter().filter_map(|i| i.used_percent).max()),
                        ]);
                    }
                    Err(e) => row.push(Failure::of(e).cell()),
                }
                row
            })
            .collect();
        let headers = [
            "HOST",
            "MEMORY",
            "USE%",
            "FULLEST DISK",
            "USE%",
            "INODES USE%",
        ];
        output::table(&headers, &rows)?;
    }
    conclude(s.opts.json, &failures, vitals.len())
}

/// What `fleet status` says of one host that answered.
struct HostStatus {
    version: Option<dokku::DokkuVersion>,
    behind: bool,
    apps: Vec<AppOverview>,
    /// Certificates expiring within the window, with seconds left by the
    /// host's clock.
    expiring: Vec<(dokku_fleet::CertificateExpiry, i64)>,
    /// The apps whose last deploy failed ([`DokkuBuilds`], a push's
    /// included; none when it could not be read).
    deploy_failed: BTreeSet<AppName>,
}

impl HostStatus {
    fn failing(&self) -> impl Iterator<Item = &AppOverview> {
        self.apps.iter().filter(|a| is_not_running(a))
    }

    /// The failing apps as people read them: `metrics (crashed)`,
    /// `api (deploy failed)`, `web (stopped, deploy failed)`.
    fn failing_words(&self) -> Vec<String> {
        let mut words: Vec<String> = self
            .failing()
            .map(|a| match self.deploy_failed.contains(&a.app) {
                true => format!("{} ({}, deploy failed)", a.app, a.status),
                false => format!("{} ({})", a.app, a.status),
            })
            .collect();
        let listed: BTreeSet<&AppName> = self.failing().map(|a| &a.app).collect();
        words.extend(
            self.deploy_failed
                .iter()
                .filter(|a| !listed.contains(a))
                .map(|a| format!("{a} (deploy failed)")),
        );
        words
    }

    /// How many apps are in each state, in the library's order.
    fn counts(&self) -> Vec<(AppStatus, usize)> {
        AppStatus::ALL
            .iter()
            .map(|st| (*st, self.apps.iter().filter(|a| a.status == *st).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

async fn status(
    s: &Session,
    fleet: &Fleet,
    selection: &Selector,
    within: Duration,
) -> Result<(), CliError> {
    if s.opts.dry_run {
        return print_selection(s, fleet, selection);
    }
    // The queries fan out at once; each host connects once and probes its
    // capabilities once (cached in its client).
    let clocks = fleet.each(selection, |host| async move {
        session::host_clock(host.dokku()).await.map(|c| c.now)
    });
    let history = deploy_history(s).await?;
    let (overview, versions, certificates, clocks, deploys) = tokio::join!(
        fleet.overview(selection),
        fleet.versions(selection),
        fleet.certificates(selection),
        clocks,
        fleet.last_deploys(selection, history),
    );
    let (overview, versions, certificates, clocks, deploys) =
        (overview?, versions?, certificates?, clocks?, deploys?);
    let mut hosts: Vec<(HostName, Result<HostStatus, Failure>)> = Vec::new();
    for r in overview {
        let name = r.host.as_str();
        let other = [
            versions
                .hosts
                .get(name)
                .and_then(|v| v.result.as_ref().err()),
            certificates
                .hosts
                .get(name)
                .and_then(|c| c.result.as_ref().err()),
        ]
        .into_iter()
        .flatten()
        .next();
        let result = match (r.result, other) {
            (Err(e), _) => Err(Failure::of(&e)),
            (Ok(_), Some(e)) => Err(Failure::of(e)),
            (Ok(apps), None) => {
                // Each host's own clock (the demo hosts live in their own
                // time); this machine's when it cannot be read.
                let now = clocks
                    .get(name)
                    .and_then(|c| c.result.as_ref().ok().copied())
                    .unwrap_or_else(SystemTime::now);
                let expiring = certificates
                    .expiring_within(within, now)
                    .filter(|c| c.host == r.host)
                    .map(|c| (c.clone(), output::seconds_between(c.expires_at, now)))
                    .collect();
                let deploy_failed = deploys
                    .get(name)
                    .and_then(|d| d.result.as_ref().ok())
                    .into_iter()
                    .flatten()
                    .filter(|d| d.outcome == DeployOutcome::Failed)
                    .map(|d| d.app.clone())
                    .collect();
                Ok(HostStatus {
                    version: versions.skew.versions.get(name).copied(),
                    behind: versions.skew.behind.contains(&r.host),
                    apps,
                    expiring,
                    deploy_failed,
                })
            }
        };
        hosts.push((r.host, result));
    }
    let failures: Vec<(HostName, Failure)> = hosts
        .iter()
        .filter_map(|(h, r)| r.as_ref().err().map(|f| (h.clone(), f.clone())))
        .collect();
    if s.opts.json {
        let rows: Vec<Value> = hosts
            .iter()
            .map(|(host, result)| {
                let mut row = host_json(fleet, host);
                match result {
                    Ok(st) => {
                        let counts: BTreeMap<&str, usize> = st
                            .counts()
                            .into_iter()
                            .map(|(s, n)| (s.as_str(), n))
                            .collect();
                        row["ok"] = json!(true);
                        row["dokku_version"] = json!(st.version.map(|v| v.to_string()));
                        row["behind"] = json!(st.behind);
                        row["apps"] = json!({ "total": st.apps.len(), "by_status": counts });
                        row["failing"] = st
                            .failing()
                            .map(|a| json!({ "app": a.app, "status": a.status.as_str() }))
                            .collect();
                        row["deploy_failed"] = json!(st.deploy_failed);
                        row["expiring_certificates"] = st
                            .expiring
                            .iter()
                            .map(|(c, left)| {
                                json!({
                                    "app": c.app,
                                    "expires_at": output::time(c.expires_at),
                                    "expires_in_secs": left,
                                    "hostnames": c.hostnames,
                                })
                            })
                            .collect();
                        row["error"] = Value::Null;
                    }
                    Err(f) => {
                        row["ok"] = json!(false);
                        row["error"] = f.json();
                    }
                }
                row
            })
            .collect();
        output::json(&json!({
            "hosts": rows,
            "within_days": within.as_secs() / 86_400,
            "skew": skew_json(&versions.skew),
        }))?;
    } else {
        let rows: Vec<Vec<Cell>> = hosts
            .iter()
            .map(|(host, result)| match result {
                Err(f) => vec![Cell::plain(host.to_string()), Cell::plain("-"), f.cell()],
                Ok(st) => {
                    let version = st.version.map_or("-".to_owned(), |v| v.to_string());
                    let version = if st.behind {
                        Cell(format!("{version} (behind)"), YELLOW)
                    } else {
                        Cell::plain(version)
                    };
                    let counts = st
                        .counts()
                        .iter()
                        .map(|(s, n)| format!("{n} {s}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let failing = st.failing_words().join(", ");
                    let expiring = st
                        .expiring
                        .iter()
                        .map(|(c, left)| format!("{} {}", c.app, output::human_secs(*left)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![
                        Cell::plain(host.to_string()),
                        version,
                        Cell::plain(if counts.is_empty() {
                            "no apps".to_owned()
                        } else {
                            counts
                        }),
                        dash_or(failing, RED),
                        dash_or(expiring, YELLOW),
                    ]
                }
            })
            .collect();
        output::table(
            &["HOST", "DOKKU", "APPS", "FAILING", "CERTIFICATES EXPIRING"],
            &rows,
        )?;
    }
    conclude(s.opts.json, &failures, hosts.len())
}

/// What differs between the hosts, versions as text as everywhere else.
fn skew_json(skew: &SkewReport) -> Value {
    let features: Vec<Value> = skew
        .missing_features
        .iter()
        .map(|g| {
            json!({
                "feature": g.feature.name,
                "since": g.feature.since.to_string(),
                "present_on": g.present_on,
                "missing_on": g.missing_on,
            })
        })
        .collect();
    json!({
        "uniform": skew.is_uniform(),
        "newest": skew.newest.map(|v| v.to_string()),
        "behind": skew.behind,
        "missing_plugins": skew.missing_plugins,
        "plugin_versions": skew.plugin_versions,
        "missing_features": features,
    })
}

/// `-` dimmed for nothing, else the text in `style`.
fn dash_or(text: String, style: anstyle::Style) -> Cell {
    if text.is_empty() {
        Cell("-".to_owned(), output::DIM)
    } else {
        Cell(text, style)
    }
}

async fn apps(
    s: &Session,
    fleet: &Fleet,
    selection: &Selector,
    failing: bool,
) -> Result<(), CliError> {
    if s.opts.dry_run {
        return print_selection(s, fleet, selection);
    }
    let overview: FleetResults<Vec<AppOverview>> = if failing {
        fleet.apps_not_running(selection).await?
    } else {
        fleet.overview(selection).await?
    };
    let failures = Failure::all(&overview);
    if s.opts.json {
        let rows: Vec<Value> = overview
            .iter()
            .map(|r| {
                outcome_json(fleet, r, "apps", |apps| {
                    apps.iter().map(apps::overview_json).collect()
                })
            })
            .collect();
        output::json(&json!({ "hosts": rows }))?;
    } else {
        let rows = host_rows(&overview, |apps| {
            apps.iter().map(apps::overview_cells).collect()
        });
        let mut headers = vec!["HOST"];
        headers.extend(apps::OVERVIEW_HEADERS);
        if rows.is_empty() {
            output::note("no apps");
        } else {
            output::table(&headers, &rows)?;
        }
    }
    conclude(s.opts.json, &failures, overview.len())
}

/// The plan as JSON: the selection, the hosts, the commands.
fn plan_json(plan: &Plan) -> Value {
    let hosts: Vec<Value> = plan
        .hosts()
        .map(|(h, t)| json!({ "host": h, "target": t }))
        .collect();
    let commands: Vec<String> = plan.commands().iter().map(ToString::to_string).collect();
    json!({
        "selection": plan.selector().to_string(),
        "mutating": plan.is_mutating(),
        "hosts": hosts,
        "commands": commands,
    })
}

/// Lines of a command's output, URL credentials masked where its output
/// is secret (unless --reveal); a masked line is left out of a pipe.
fn output_lines(bytes: &[u8], reveal: bool, withheld: &mut output::Withheld) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|line| withheld.keep(line, output::secret_userinfo(line, reveal)))
        .collect()
}

async fn run(
    s: &Session,
    fleet: &Fleet,
    selection: &Selector,
    command: Command,
) -> Result<(), CliError> {
    let opts: Opts = s.opts;
    let reveal = opts.reveal || !command.output_is_secret();
    let plan = fleet.plan(selection, [command])?;
    if opts.json && opts.dry_run {
        output::json(&json!({ "dry_run": true, "plan": plan_json(&plan) }))?;
        return Ok(());
    }
    if !opts.json {
        output::raw(plan.to_string().as_bytes())?;
    }
    if opts.dry_run {
        output::note("(dry run: nothing was sent)");
        return Ok(());
    }
    if plan.is_mutating() {
        let hosts = plan.hosts().count();
        let commands = plan.commands().len();
        session::confirm(
            &opts,
            "the selection",
            &plan.selector().to_string(),
            &format!("run {commands} command(s) on {hosts} host(s)"),
        )?;
    }
    let described = plan_json(&plan);
    let results = fleet.execute(plan).await?;
    let total = results.len();
    let mut failures: Vec<(HostName, Failure)> = Vec::new();
    let mut rows = Vec::new();
    let mut out = Vec::new();
    let mut withheld = output::Withheld::new();
    for r in &results {
        let mut row = host_json(fleet, &r.host);
        let steps = match &r.result {
            Err(e) => {
                let failure = Failure::of(e);
                out.push(format!("✗ {}: {}", r.host, failure.kind));
                row["ok"] = json!(false);
                row["error"] = failure.json();
                failures.push((r.host.clone(), failure));
                rows.push(row);
                continue;
            }
            Ok(steps) => steps,
        };
        let mut host_failed: Option<Failure> = None;
        let mut step_rows = Vec::new();
        for step in steps {
            let (word, code, stdout, stderr, error) = match &step.outcome {
                StepOutcome::Done(o) => (
                    "done",
                    o.status.as_code(),
                    output_lines(&o.stdout, reveal, &mut withheld),
                    output_lines(&o.stderr, reveal, &mut withheld),
                    None,
                ),
                StepOutcome::Failed(o) => (
                    "failed",
                    o.status.as_code(),
                    output_lines(&o.stdout, reveal, &mut withheld),
                    output_lines(&o.stderr, reveal, &mut withheld),
                    None,
                ),
                StepOutcome::Error(e) => {
                    ("error", None, Vec::new(), Vec::new(), Some(Failure::of(e)))
                }
                StepOutcome::NotRun => ("not run", None, Vec::new(), Vec::new(), None),
                _ => ("unknown", None, Vec::new(), Vec::new(), None),
            };
            let mark = if step.outcome.is_done() { "✓" } else { "✗" };
            let status = match (word, code) {
                ("failed", Some(c)) => format!(" (failed, exit {c})"),
                ("done", _) => String::new(),
                (w, _) => format!(" ({w})"),
            };
            out.push(format!("{mark} {}: {}{status}", r.host, step.command));
            out.extend(stdout.iter().chain(&stderr).map(|l| format!("    {l}")));
            if let Some(e) = &error {
                out.push(format!("    {}", e.message));
            }
            if host_failed.is_none() && !step.outcome.is_done() {
                host_failed = Some(error.clone().unwrap_or_else(|| Failure {
                    kind: "failed",
                    message: format!(
                        "{}: `{}` {}",
                        r.host,
                        step.command,
                        // Dokku's last words, wherever it printed them.
                        stderr
                            .iter()
                            .rev()
                            .chain(stdout.iter().rev())
                            .map(|l| l.trim_start_matches([' ', '!']).trim())
                            .find(|l| !l.is_empty())
                            .map_or("failed".to_owned(), |l| format!("failed: {l}"))
                    ),
                }));
            }
            step_rows.push(json!({
                "command": step.command,
                "outcome": word,
                "exit_code": code,
                "stdout": stdout,
                "stderr": stderr,
                "error": error.map(|e| e.json()),
            }));
        }
        row["ok"] = json!(host_failed.is_none());
        row["steps"] = json!(step_rows);
        row["error"] = host_failed.as_ref().map_or(Value::Null, Failure::json);
        if let Some(f) = host_failed {
            failures.push((r.host.clone(), f));
        }
        rows.push(row);
    }
    if opts.json {
        output::json(&json!({ "plan": described, "hosts": rows }))?;
    } else {
        output::lines(&out)?;
    }
    withheld.note();
    conclude(opts.json, &failures, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_apps_name_a_failed_deploy_beside_their_state() {
        let app = |name: &str, status: AppStatus| AppOverview {
            app: AppName::new(name).unwrap(),
            status,
            processes: BTreeMap::new(),
            domains: Vec::new(),
            deploy_source: None,
            deploy_source_metadata: None,
            created_at: None,
            locked: false,
        };
        let st = HostStatus {
            version: None,
            behind: false,
            apps: vec![
                app("api", AppStatus::Running),
                app("metrics", AppStatus::Crashed),
                app("web", AppStatus::Stopped),
            ],
            expiring: Vec::new(),
            deploy_failed: ["api", "web"]
                .into_iter()
                .map(|a| AppName::new(a).unwrap())
                .collect(),
        };
        assert_eq!(
            st.failing_words(),
            [
                "metrics (crashed)",
                "web (stopped, deploy failed)",
                "api (deploy failed)"
            ]
        );
    }
}
