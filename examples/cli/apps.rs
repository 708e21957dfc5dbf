//! `apps …`: list (one status vocabulary, the library's), report (`apps
//! info`), create, destroy (after typing the name), rename, clone, lock,
//! unlock.

use clap::Subcommand;
use dokku::api::apps as api;
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::Format;
use dokku::catalog::plugins;
use dokku::model::builds::{BuildStatus, BuildsReport};
use dokku::model::overview::{AppOverview, AppStatus};
use dokku::{AppName, Command};
use serde_json::json;
use std::collections::BTreeSet;
use std::time::{Instant, SystemTime};
use tokio::sync::broadcast::error::RecvError;

use crate::args;
use crate::common::snapshot::{self, AppRow, Line, Settings, Store, Update, View};
use crate::common::Clock;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::session::{self, Session};

pub const HELP: &str =
    "Examples:\n  cli --demo apps list\n  cli --demo apps info api\n  cli --demo apps create my-app\n  cli --demo apps destroy my-app --yes";

#[derive(Debug, Subcommand)]
pub enum AppsCmd {
    /// Every app with its deploy and run state, and how old that is.
    ///
    /// Shown at once from this host's snapshot (the file the web dashboard
    /// keeps too), each row with its age; then the app list is read (one
    /// quick command) and only the apps created or changed since are read
    /// again. Without a snapshot, every app is read.
    #[command(
        after_help = "Examples:\n  cli --demo apps list\n  cli --demo apps list --fresh\n  cli --demo apps list --json"
    )]
    List {
        /// Read every app now and wait for it, each row printed as its
        /// reports arrive (on a big host this takes about a second per
        /// app: Dokku's own reports are that slow).
        #[arg(long)]
        fresh: bool,
    },
    /// One app: its state, source and settings (also `apps info`).
    #[command(
        visible_alias = "info",
        after_help = "Examples:\n  cli --demo apps report api\n  cli --demo apps info api --json"
    )]
    Report {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Every URL the app answers on (Dokku's `urls`), one a line.
    #[command(
        after_help = "Examples:\n  cli --demo apps urls api\n  cli --demo apps urls api --json"
    )]
    Urls {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Create an app.
    #[command(after_help = "Example:\n  cli --demo apps create my-app")]
    Create {
        #[arg(value_parser = args::new_app_name)]
        app: Option<AppName>,
    },
    /// Destroy an app (asks for its name unless --yes).
    #[command(
        after_help = "Examples:\n  cli --demo apps destroy my-app\n  cli --demo apps destroy my-app --yes"
    )]
    Destroy {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Rename an app (rebuilt unless --skip-deploy).
    #[command(after_help = "Example:\n  cli --demo apps rename old-name new-name")]
    Rename {
        #[arg(value_parser = args::app_name)]
        from: AppName,
        #[arg(value_parser = args::new_app_name)]
        to: AppName,
        #[arg(long)]
        skip_deploy: bool,
    },
    /// Copy an app with its config (built unless --skip-deploy).
    #[command(after_help = "Example:\n  cli --demo apps clone api api-staging")]
    Clone {
        #[arg(value_parser = args::app_name)]
        from: AppName,
        #[arg(value_parser = args::new_app_name)]
        to: AppName,
        #[arg(long)]
        skip_deploy: bool,
        /// Succeed without doing anything if the copy exists.
        #[arg(long)]
        ignore_existing: bool,
    },
    /// Mark the app locked (Dokku's apps:lock; a build still goes ahead, and unlocks it).
    #[command(after_help = "Example:\n  cli --demo apps lock api")]
    Lock {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
    /// Remove the app's deploy lock (does not stop a deploy in progress).
    #[command(after_help = "Example:\n  cli --demo apps unlock api")]
    Unlock {
        #[arg(value_parser = args::app_name)]
        app: Option<AppName>,
    },
}

#[derive(Debug, Clone)]
pub enum Plan {
    List {
        fresh: bool,
    },
    Report(AppName),
    Urls(AppName),
    Create(AppName),
    Destroy(AppName),
    Rename {
        from: AppName,
        to: AppName,
        skip_deploy: bool,
    },
    Clone {
        from: AppName,
        to: AppName,
        skip_deploy: bool,
        ignore_existing: bool,
    },
    Lock(AppName),
    Unlock(AppName),
}

impl Family for AppsCmd {
    type Plan = Plan;

    fn plan(self, cx: &mut Context) -> Result<Plan, CliError> {
        Ok(match self {
            AppsCmd::List { fresh } => Plan::List { fresh },
            AppsCmd::Report { app } => Plan::Report(cx.app(app)?),
            AppsCmd::Urls { app } => Plan::Urls(cx.app(app)?),
            // From --app or a git remote too: checked by the creation rule.
            AppsCmd::Create { app } => Plan::Create(args::new_app_name(cx.app(app)?.as_str())?),
            AppsCmd::Destroy { app } => Plan::Destroy(cx.app(app)?),
            AppsCmd::Rename {
                from,
                to,
                skip_deploy,
            } => Plan::Rename {
                from,
                to,
                skip_deploy,
            },
            AppsCmd::Clone {
                from,
                to,
                skip_deploy,
                ignore_existing,
            } => Plan::Clone {
                from,
                to,
                skip_deploy,
                ignore_existing,
            },
            AppsCmd::Lock { app } => Plan::Lock(cx.app(app)?),
            AppsCmd::Unlock { app } => Plan::Unlock(cx.app(app)?),
        })
    }

    fn commands(plan: &Plan) -> Result<Vec<Command>, CliError> {
        Ok(match plan {
            Plan::List { .. } => [&plugins::APPS, &plugins::PS, &plugins::DOMAINS]
                .into_iter()
                .map(|p| report_command(p, &ReportTarget::All, Format::Text))
                .collect::<Result<_, _>>()?,
            Plan::Report(app) => {
                let mut commands: Vec<Command> = [&plugins::APPS, &plugins::PS]
                    .into_iter()
                    .map(|p| report_command(p, &ReportTarget::App(app.clone()), Format::Json))
                    .collect::<Result<_, _>>()?;
                commands.push(api::url_command(app));
                commands
            }
            Plan::Urls(app) => vec![api::urls_command(app)],
            Plan::Create(app) => vec![api::create_command(app)],
            Plan::Destroy(app) => vec![api::destroy_command(app)],
            Plan::Rename {
                from,
                to,
                skip_deploy,
            } => vec![api::rename_command(from, to, *skip_deploy)],
            Plan::Clone {
                from,
                to,
                skip_deploy,
                ignore_existing,
            } => vec![api::clone_command(from, to, *skip_deploy, *ignore_existing)],
            Plan::Lock(app) => vec![api::lock_command(app)],
            Plan::Unlock(app) => vec![api::unlock_command(app)],
        })
    }

    fn prepare(plan: Plan, opts: &Opts) -> Result<Plan, CliError> {
        if let Plan::Destroy(app) = &plan {
            session::confirm(
                opts,
                "the app name",
                app.as_str(),
                &format!("destroy the app {app}, its containers, config and domains"),
            )?;
        }
        Ok(plan)
    }

    async fn run(plan: Plan, s: &Session) -> Result<(), CliError> {
        let json = s.opts.json;
        match plan {
            Plan::List { fresh } => list(s, fresh).await,
            Plan::Report(app) => report(s, &app).await,
            Plan::Urls(app) => {
                let urls = s.dokku().await?.apps().urls(&app).await?;
                if json {
                    return Ok(output::json(&json!(urls))?);
                }
                if urls.is_empty() {
                    output::note(&format!("{app} has no URLs"));
                }
                Ok(output::lines(&urls)?)
            }
            Plan::Create(app) => {
                s.dokku().await?.apps().create(&app).await?;
                output::changed(json, "created", app.as_str(), &api::create_command(&app))
            }
            Plan::Destroy(app) => {
                let command = api::destroy_command(&app);
                s.streamed(&command, "destroying", "destroyed", app.as_str())
                    .await
            }
            Plan::Rename {
                from,
                to,
                skip_deploy,
            } => {
                let command = api::rename_command(&from, &to, skip_deploy);
                let what = format!("{from} → {to}");
                s.streamed(&command, "renaming", "renamed", &what).await
            }
            Plan::Clone {
                from,
                to,
                skip_deploy,
                ignore_existing,
            } => {
                let command = api::clone_command(&from, &to, skip_deploy, ignore_existing);
                let what = format!("{from} → {to}");
                // Dokku skips an existing target with exit 0: say so
                // rather than "cloned", and send nothing.
                if ignore_existing && s.dokku().await?.apps().exists(&to).await? {
                    output::note(&format!("{to} already exists: nothing to clone"));
                    if json {
                        output::json(&json!({
                            "ok": true,
                            "action": "cloned",
                            "target": what,
                            "skipped": true,
                        }))?;
                    }
                    return Ok(());
                }
                s.streamed(&command, "cloning", "cloned", &what).await
            }
            Plan::Lock(app) => {
                s.dokku().await?.apps().lock(&app).await?;
                output::changed(json, "locked", app.as_str(), &api::lock_command(&app))
            }
            Plan::Unlock(app) => {
                let dokku = s.dokku().await?;
                match dokku.apps().unlock(&app).await {
                    Ok(()) => {
                        output::changed(json, "unlocked", app.as_str(), &api::unlock_command(&app))
                    }
                    // Dokku fails to remove a lock file that is not there,
                    // in words that do not say so.
                    Err(e @ dokku::Error::CommandFailed { .. })
                        if matches!(dokku.apps().locked(&app).await, Ok(false)) =>
                    {
                        Err(CliError::Failed {
                            message: format!("{app} is not locked: nothing to unlock ({e})"),
                            hint: format!("`cli apps info {app}` shows its deploy lock"),
                        })
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }
}

async fn report(s: &Session, app: &AppName) -> Result<(), CliError> {
    let dokku = s.dokku().await?;
    // Dokku's last build, whoever started it (a `git push` included).
    let (state, url, build) = tokio::join!(
        s.app_state(app),
        dokku.apps().url(app),
        dokku.builds().last(app)
    );
    let ((report, ps, status), url, build) = (state?, url?, build?);
    let created = report.created_at.map(output::unix_secs);
    // Running and total containers per process type, by the overview's
    // own count.
    let processes = AppOverview::join(vec![report.clone()], vec![ps], Vec::new())
        .pop()
        .map(|o| o.processes)
        .unwrap_or_default();
    if s.opts.json {
        let mut value = json!(report);
        value["status"] = json!(status.as_str());
        value["created_at"] = json!(created);
        value["url"] = json!(url);
        value["processes"] = json!(processes);
        value["last_build"] = json!(build.as_ref().map(|b| json!({
            "id": b.build_id,
            "status": b.build_status,
            "source": b.build_source,
            "started_at": b.build_started_at,
            "finished_at": b.build_finished_at,
            "exit_code": b.build_exit_code,
        })));
        return Ok(output::json(&value)?);
    }
    let counts: Vec<String> = processes
        .iter()
        .map(|(kind, n)| format!("{kind} {}/{}", n.running, n.total))
        .collect();
    Ok(output::pairs(
        &format!("app {app}"),
        &[
            ("status", output::status_cell(status)),
            (
                "processes",
                Cell::plain(if counts.is_empty() {
                    "-".to_owned()
                } else {
                    counts.join(", ")
                }),
            ),
            ("url", Cell::plain(url.unwrap_or_else(|| "-".to_owned()))),
            (
                "directory",
                Cell::plain(report.dir.clone().unwrap_or_default()),
            ),
            ("created (UTC)", Cell::plain(created.unwrap_or_default())),
            (
                "deploy source",
                Cell::plain(report.deploy_source.clone().unwrap_or("-".to_owned())),
            ),
            (
                "source detail",
                Cell::plain(report.deploy_source_metadata.clone().unwrap_or_default()),
            ),
            ("deployed", output::yes_no(report.is_deployed())),
            ("locked", output::yes_no(report.locked)),
            ("last build", build_cell(build.as_ref())),
        ],
    )?)
}

/// `failed git-hook 2026-12-03T09:58:46Z (mx7du17dbcanrp)`, failed in red;
/// `-` without one.
fn build_cell(build: Option<&BuildsReport>) -> Cell {
    let Some(b) = build else {
        return Cell::plain("-".to_owned());
    };
    let text = [
        b.build_status.as_ref().map(ToString::to_string),
        b.build_source.clone(),
        b.build_started_at.clone(),
        b.build_id.as_ref().map(|id| format!("({id})")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    match &b.build_status {
        Some(BuildStatus::Running) => Cell(text, YELLOW),
        Some(failed) if failed.is_failure() => Cell(text, RED),
        _ => Cell::plain(text),
    }
}

/// `apps list`: rows from the snapshot this host's dashboard and CLI
/// share ([`snapshot::Store`]), refreshed by the same refresher steps. For
/// people: the snapshot's table at once, then the rows read again, each as
/// it arrives. For scripts (`--json`): one array at the end, each row with
/// `checked_at`, `age_secs`, `fresh` and `changed`. A read cut short (a
/// dropped connection) still prints every app, those not read again as
/// they were, and then fails with the error.
async fn list(s: &Session, fresh: bool) -> Result<(), CliError> {
    let store = Store::new(Clock::system(), Settings::default(), s.snapshot_file()?);
    let json = s.opts.json;
    let before = store.view();
    let mut shown = Shown {
        json,
        columns: None,
        printed: BTreeSet::new(),
        again: false,
    };
    let result = if before.lines.is_empty() || fresh {
        // Every app, read now.
        store.expire_all();
        let read = async {
            let dokku = s.dokku().await?;
            store.ensure_listed(dokku).await?;
            shown.start(&store, &store.view(), &before)?;
            let label = format!("reading {} apps", store.names().len());
            let work = snapshot::refresh_now(&store, dokku);
            follow(&store, label, work, &mut shown).await
        };
        read.await
    } else {
        // The snapshot now; then what changed since.
        shown.start(&store, &before, &before)?;
        for line in &before.lines {
            shown.line(&store, line, before.now)?;
            shown.printed.insert(line.app.clone());
        }
        shown.again = true;
        let quick = async {
            let dokku = s.dokku().await?;
            let label = "reading the apps changed since".to_owned();
            let work = snapshot::refresh_changed(&store, dokku);
            follow(&store, label, work, &mut shown).await
        };
        quick.await
    };
    // Only a failed read leaves something to show; standard output
    // closed (`| head`) or Ctrl-C does not.
    if result
        .as_ref()
        .is_err_and(|e| !matches!(e, CliError::Dokku(_)))
    {
        return result;
    }
    let after = store.view();
    if result.is_err() && after.lines.is_empty() {
        return result;
    }
    if json {
        let rows: Vec<_> = after
            .lines
            .iter()
            .map(|line| row_json(&store, line, after.now))
            .collect();
        output::json(&json!(rows))?;
    } else {
        shown.rest(&store, &after, &before)?;
    }
    if result.is_err() && !after.lines.is_empty() {
        output::note(
            "the read stopped: every app is shown, those not read again as last read (see AGE)",
        );
    }
    if result.is_ok() && !json {
        note_deploys(s).await;
    }
    result
}

/// On Dokku 0.38+, a note for each app being deployed now, with how to
/// follow it, and for each app whose last build failed (a `git push`
/// included: the dashboard's "deploy failed"), with where to read why;
/// one `builds:report` of every app. A read that fails says so and
/// changes nothing else.
async fn note_deploys(s: &Session) {
    let read = async {
        let dokku = s.dokku().await?;
        if dokku.capabilities().await?.version < dokku::api::builds::BUILDS {
            return Ok(Vec::new());
        }
        Ok::<_, CliError>(dokku.report::<BuildsReport>().all().await?)
    };
    match read.await {
        Ok(reports) => {
            for r in reports {
                let (Some(app), Some(id), Some(status)) = (&r.app, &r.build_id, &r.build_status)
                else {
                    continue;
                };
                let source = r.build_source.as_deref().unwrap_or("a build");
                if *status == BuildStatus::Running {
                    output::note(&format!(
                        "{app}: being deployed now ({source}); `cli builds output {app}` follows it"
                    ));
                } else if status.is_failure() {
                    output::note(&format!(
                        "{app}: its last deploy failed ({source}); `cli builds output {app} {id}` shows why"
                    ));
                }
            }
        }
        Err(e) => output::note(&format!("Dokku's builds could not be read: {e}")),
    }
}

/// Run `work` (a refresh of `store`) under a spinner saying `label`,
/// printing every row as it is read.
async fn follow(
    store: &Store,
    label: String,
    work: impl std::future::Future<Output = dokku::Result<()>>,
    shown: &mut Shown,
) -> Result<(), CliError> {
    let bar = output::spinner(label);
    let mut updates = store.subscribe();
    let mut each = |row: &AppRow| bar.suspend(|| shown.read(row));
    tokio::pin!(work);
    let result = async {
        let result = loop {
            tokio::select! {
                result = &mut work => break result,
                update = updates.recv() => match update {
                    Ok(Update::Row(row)) => each(&row)?,
                    // Rows missed here are printed at the end.
                    Ok(Update::Progress(..)) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break (&mut work).await,
                },
            }
        };
        while let Ok(update) = updates.try_recv() {
            if let Update::Row(row) = update {
                each(&row)?;
            }
        }
        Ok::<_, CliError>(result?)
    }
    .await;
    bar.finish_and_clear();
    result
}

const HEADERS: [&str; 6] = ["APP", "STATUS", "PROCESSES", "SOURCE", "LOCK", "AGE"];

/// What `apps list` has printed for people.
struct Shown {
    json: bool,
    columns: Option<output::Columns>,
    printed: BTreeSet<AppName>,
    /// Rows read now follow the snapshot's table (said once, on stderr).
    again: bool,
}

impl Shown {
    /// Fix the columns for the apps of `view` (and those of the snapshot
    /// `before`) and print the header.
    fn start(&mut self, store: &Store, view: &View, before: &View) -> std::io::Result<()> {
        if self.json {
            return Ok(());
        }
        let rows: Vec<Vec<Cell>> = view
            .lines
            .iter()
            .chain(&before.lines)
            .map(|l| line_cells(store, l, view.now))
            .collect();
        let longest_status = AppStatus::ALL
            .iter()
            .map(|s| s.as_str().len())
            .max()
            .unwrap_or(0);
        // Room for the usual deploy sources (`docker-image`) and the lock.
        let columns = output::Columns::new(&HEADERS, &rows, &[0, longest_status, 0, 12, 6]);
        columns.header()?;
        self.columns = Some(columns);
        Ok(())
    }

    /// A row just read.
    fn read(&mut self, row: &AppRow) -> std::io::Result<()> {
        let Some(columns) = self.columns.as_ref() else {
            return Ok(());
        };
        if std::mem::take(&mut self.again) {
            output::note("read again since:");
        }
        let mut cells = overview_cells(row);
        cells.push(Cell("now".to_owned(), GREEN));
        self.printed.insert(row.app.clone());
        columns.row(&cells)
    }

    /// A row as the store has it.
    fn line(&self, store: &Store, line: &Line, now: Instant) -> std::io::Result<()> {
        match self.columns.as_ref() {
            Some(columns) => columns.row(&line_cells(store, line, now)),
            None => Ok(()),
        }
    }

    /// After the read: the apps listed but not printed since it began (as
    /// last read), and the apps of the snapshot that are gone.
    fn rest(&self, store: &Store, after: &View, before: &View) -> std::io::Result<()> {
        let Some(columns) = self.columns.as_ref() else {
            return Ok(());
        };
        for line in &after.lines {
            if !self.printed.contains(&line.app) {
                self.line(store, line, after.now)?;
            }
        }
        if store.listed() {
            let names: BTreeSet<&AppName> = after.lines.iter().map(|l| &l.app).collect();
            for gone in before.lines.iter().filter(|l| !names.contains(&l.app)) {
                columns.row(&[
                    Cell::plain(gone.app.to_string()),
                    Cell("gone".to_owned(), DIM),
                ])?;
            }
        }
        Ok(())
    }
}

/// A line as the store has it: the row as last read and its age (marked
/// when a mutation changed the app since).
fn line_cells(store: &Store, line: &Line, now: Instant) -> Vec<Cell> {
    let Some(kept) = &line.kept else {
        return vec![
            Cell::plain(line.app.to_string()),
            Cell("-".to_owned(), DIM),
            Cell::plain(""),
            Cell::plain(""),
            Cell::plain(""),
            Cell("not read".to_owned(), YELLOW),
        ];
    };
    let mut cells = overview_cells(&kept.row);
    let age = output::age(now.saturating_duration_since(kept.checked));
    cells.push(if line.changed {
        Cell(format!("{age}, changed"), YELLOW)
    } else if store.is_fresh(kept) {
        Cell::plain(age)
    } else {
        Cell(age, DIM)
    });
    cells
}

/// The columns of an app's row in `fleet apps` (`apps list` adds AGE).
pub const OVERVIEW_HEADERS: [&str; 5] = ["APP", "STATUS", "PROCESSES", "SOURCE", "LOCK"];

/// An app's row in `apps list` (without its age) and `fleet apps`.
pub fn overview_cells(a: &AppOverview) -> Vec<Cell> {
    vec![
        Cell::plain(a.app.to_string()),
        output::status_cell(a.status),
        Cell::plain(a.containers().to_string()),
        Cell::plain(a.deploy_source.clone().unwrap_or("-".to_owned())),
        if a.locked {
            Cell("locked".to_owned(), YELLOW)
        } else {
            Cell::plain("")
        },
    ]
}

/// An app of `fleet apps --json` (and the base of `apps list --json`'s).
pub fn overview_json(a: &AppOverview) -> serde_json::Value {
    json!({
        "name": a.app.as_str(),
        "status": a.status.as_str(),
        "deployed": a.status != AppStatus::NeverDeployed,
        "deploy_source": a.deploy_source,
        "locked": a.locked,
        "processes": a.containers(),
        "domains": a.domains,
        "created_at": a.created_at.map(output::unix_secs),
    })
}

/// A row for scripts: the app as last read, when, and whether that is
/// fresh (read within the refresher's minute and not changed since).
fn row_json(store: &Store, line: &Line, now: Instant) -> serde_json::Value {
    let Some(kept) = &line.kept else {
        return json!({
            "name": line.app.as_str(),
            "status": null,
            "checked_at": null,
            "age_secs": null,
            "fresh": false,
            "changed": line.changed,
        });
    };
    let age = now.saturating_duration_since(kept.checked);
    let checked_at = SystemTime::now().checked_sub(age).map(output::time);
    let mut row = overview_json(&kept.row);
    if let Some(fields) = row.as_object_mut() {
        fields.insert("checked_at".to_owned(), json!(checked_at));
        fields.insert("age_secs".to_owned(), json!(age.as_secs()));
        fields.insert(
            "fresh".to_owned(),
            json!(!line.changed && store.is_fresh(kept)),
        );
        fields.insert("changed".to_owned(), json!(line.changed));
    }
    row
}
