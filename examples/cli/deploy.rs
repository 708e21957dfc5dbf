//! `deploy`, `releases` and `rollback`: ship code to an app and watch it
//! build, see what was deployed when and by whom, and bring back an
//! earlier release.
//!
//! A deploy's output is shown live, Dokku's headers in bold, with the
//! phase it reached beside the spinner. A build that fails exits 7 (not 1,
//! which a command or transport failure gets), naming the phase and
//! Dokku's own words. A rollback is shown as a plan (from which release to
//! which, and the command), asked for (`--yes` skips the question), then
//! run and recorded as a rollback in the history.
//!
//! An app locked with `apps:lock` is not deployed or rolled back unless
//! `--ignore-lock` says so: Dokku 0.38 builds it anyway (its build lock is
//! an advisory `flock` the lock file does not hold) and removes the lock.

use std::io::IsTerminal;
use std::ops::ControlFlow;

use clap::Args;
use dokku::api::deploy::{ArchiveType, DeploySpec, DeployStream};
use dokku::api::push::PushSpec;
use dokku::model::apps::AppReport;
use dokku::model::deploy::{DeployEvent, DeployOutcome, DeploySource, OutputStreamKind};
use dokku::{AppName, Command, Dokku};
use dokku_history::releases::{attach_builds, plan_rollback, Release};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::output::{self, Cell, DIM, GREEN, RED, YELLOW};
use crate::session::{self, Session};

pub const DEPLOY_HELP: &str = "Examples:\n  cli deploy api                  # git push of this repository's HEAD\n  cli deploy api --branch main --force\n  cli --demo deploy api --image nginx:1.27\n  cli --demo deploy api --repo https://github.com/acme/api.git --ref v2\n  cli --demo deploy api --archive https://example.com/api.tar.gz\n  tar c . | cli --demo deploy api --archive -\n  cli --demo deploy api --rebuild";
pub const RELEASES_HELP: &str =
    "Examples:\n  cli --demo releases api\n  cli --demo releases api --limit 5 --json";
pub const ROLLBACK_HELP: &str = "Examples:\n  cli --demo rollback api --dry-run\n  cli --demo rollback api\n  cli --demo rollback api --to 42 --yes";

/// Deploy an app from an image, a git repository, an archive, or its
/// current source again.
#[derive(Debug, Args)]
pub struct DeployArgs {
    #[arg(value_parser = args::app_name)]
    app: Option<AppName>,
    /// Deploy this Docker image (git:from-image).
    #[arg(long, group = "source")]
    image: Option<String>,
    /// With --image: build from this directory of the image.
    #[arg(long, requires = "image")]
    build_dir: Option<String>,
    /// Build this git repository (git:sync --build).
    #[arg(long, group = "source")]
    repo: Option<String>,
    /// With --repo: the branch, tag or commit to build.
    #[arg(long = "ref", requires = "repo")]
    reference: Option<String>,
    /// Build this archive: a URL Dokku downloads, or `-` to send one from
    /// standard input (git:from-archive).
    #[arg(long, group = "source")]
    archive: Option<String>,
    /// With --archive: its format.
    #[arg(long, requires = "archive", value_parser = ["tar", "tar.gz", "zip"], default_value = "tar")]
    archive_type: String,
    /// Build the app's current source again (ps:rebuild).
    #[arg(long, group = "source")]
    rebuild: bool,
    /// With no other source (a `git push` of the current repository's
    /// HEAD): the app's branch to push to (Dokku builds its deploy branch,
    /// `master` unless set; default: the current branch's name).
    #[arg(long, conflicts_with_all = ["image", "repo", "archive", "rebuild"])]
    branch: Option<String>,
    /// With a push: replace the branch even if it is not a fast-forward.
    #[arg(long, conflicts_with_all = ["image", "repo", "archive", "rebuild"])]
    force: bool,
    /// Deploy an app locked with apps:lock anyway (Dokku builds it and
    /// removes the lock).
    #[arg(long)]
    ignore_lock: bool,
}

/// What `deploy` does.
#[derive(Debug, Clone)]
pub struct DeployPlan {
    source: Source,
    /// `--ignore-lock`: no `apps:locked` check first.
    ignore_lock: bool,
}

#[derive(Debug, Clone)]
enum Source {
    /// Everything known now.
    Ready(DeploySpec),
    /// An archive to read from stdin before sending.
    Stdin(AppName, ArchiveType),
    /// A `git push` of the current repository.
    Push(PushSpec),
}

impl Family for DeployArgs {
    type Plan = DeployPlan;

    fn plan(self, cx: &mut Context) -> Result<DeployPlan, CliError> {
        let app = cx.app(self.app)?;
        let kind = ArchiveType::parse(&self.archive_type).unwrap_or_default();
        let ignore_lock = self.ignore_lock;
        let plan = |source| DeployPlan {
            source,
            ignore_lock,
        };
        Ok(plan(Source::Ready(
            match (self.image, self.repo, self.archive, self.rebuild) {
                (Some(image), ..) => {
                    let spec = DeploySpec::image(&app, &image)?;
                    match self.build_dir {
                        Some(dir) => spec.build_dir(&dir)?,
                        None => spec,
                    }
                }
                (_, Some(repo), ..) => {
                    let spec = DeploySpec::git_sync(&app, &repo)?;
                    match self.reference {
                        Some(reference) => spec.reference(&reference)?,
                        None => spec,
                    }
                }
                (_, _, Some(archive), _) if archive == "-" => {
                    return Ok(plan(Source::Stdin(app, kind)));
                }
                (_, _, Some(url), _) => DeploySpec::archive_url(&app, &url, kind)?,
                (_, _, _, true) => DeploySpec::rebuild(&app),
                _ => {
                    let spec = PushSpec::new(&app, std::env::current_dir()?).force(self.force);
                    return Ok(plan(Source::Push(match self.branch {
                        Some(branch) => spec.branch(&branch)?,
                        None => spec,
                    })));
                }
            },
        )))
    }

    fn commands(plan: &DeployPlan) -> Result<Vec<Command>, CliError> {
        let (app, deploy) = match &plan.source {
            Source::Ready(spec) => (&spec.app, spec.command()?),
            // Stdin is never shown: any input gives the same command.
            Source::Stdin(app, kind) => (
                app,
                DeploySpec::archive_stream(app, futures_util::stream::empty(), *kind).command()?,
            ),
            // What the host is asked for; the push itself is the user's git.
            Source::Push(spec) => (&spec.app, spec.command()),
        };
        Ok(match plan.ignore_lock {
            true => vec![deploy],
            false => vec![session::lock_check(app)?, deploy],
        })
    }

    fn prepare(plan: DeployPlan, _opts: &Opts) -> Result<DeployPlan, CliError> {
        let Source::Stdin(app, kind) = plan.source else {
            return Ok(plan);
        };
        if std::io::stdin().is_terminal() {
            return Err(CliError::usage(
                "--archive - reads the archive from standard input, which is a terminal",
                "pipe one in: `tar c . | cli deploy APP --archive -`",
            ));
        }
        // Streamed to the host as it is read, never held whole in memory.
        let unreadable = |e: std::io::Error| {
            CliError::usage(
                format!("cannot read the archive from standard input: {e}"),
                "pipe a readable archive in",
            )
        };
        let archive = session::input_chunks(None)
            .map_err(unreadable)?
            .ok_or_else(|| {
                CliError::usage(
                    "the archive on standard input is empty",
                    "pipe one in: `tar c . | cli deploy APP --archive -`",
                )
            })?;
        Ok(DeployPlan {
            source: Source::Ready(DeploySpec::archive_stream(&app, archive, kind)),
            ..plan
        })
    }

    async fn run(plan: DeployPlan, s: &Session) -> Result<(), CliError> {
        let dokku = s.dokku().await?;
        match plan.source {
            Source::Ready(spec) => {
                if !plan.ignore_lock {
                    session::refuse_if_locked(dokku, &spec.app).await?;
                }
                watch(s, dokku, &spec, "deployed").await
            }
            // Over the connection just opened: the push is a channel on it.
            Source::Push(spec) => {
                if !plan.ignore_lock {
                    // A push this connection cannot make is refused before
                    // the lock is asked about.
                    if let Err(source) = dokku.executor().git_transport().await {
                        let command = spec.command().to_string();
                        return Err(dokku::Error::Transport { command, source }.into());
                    }
                    session::refuse_if_locked(dokku, &spec.app).await?;
                }
                let spec = spec.resolve().await;
                let shown = Shown {
                    app: spec.app.clone(),
                    source: spec.deploy_source(),
                    command: spec.command().to_string(),
                };
                let stream = dokku.deploys().push(&spec).await?;
                show(s, shown, stream, "deployed").await
            }
            Source::Stdin(..) => Err(CliError::failed(
                "the archive was not read",
                "pipe one in: `tar c . | cli deploy APP --archive -`",
            )),
        }
    }
}

/// What a deploy's report names: the app, the source, the command.
struct Shown {
    app: AppName,
    source: DeploySource,
    command: String,
}

/// Run a deploy with its output live, then report how it ended.
async fn watch(s: &Session, dokku: &Dokku, spec: &DeploySpec, done: &str) -> Result<(), CliError> {
    let shown = Shown {
        app: spec.app.clone(),
        source: spec.source.clone(),
        command: spec.command()?.to_string(),
    };
    let stream = dokku.deploys().stream(spec).await?;
    show(s, shown, stream, done).await
}

/// Show a running deploy's output live, then report how it ended.
async fn show(s: &Session, shown: Shown, stream: DeployStream, done: &str) -> Result<(), CliError> {
    let Shown {
        app,
        source,
        command,
    } = shown;
    let json = s.opts.json;
    let bar = output::spinner(format!("deploying {app}"));
    let mut lines = Vec::new();
    // A deploy runs to its end when the reader of its output goes away.
    let mut live = session::Live::new(true);
    let outcome = s
        .drive(stream, &bar, |event| {
            match event? {
                DeployEvent::Line { stream, text } => {
                    if !json {
                        live.show(|| {
                            bar.suspend(|| match stream {
                                OutputStreamKind::Stderr => session::print_stderr_line(&text),
                                _ => session::print_dokku_line(&text),
                            })
                        })?;
                    }
                    lines.push(text);
                }
                DeployEvent::Phase { phase } => {
                    bar.set_message(format!("deploying {app}: {phase}"))
                }
                DeployEvent::Finished { outcome } => return Ok(ControlFlow::Break(outcome)),
                _ => {}
            }
            Ok(ControlFlow::Continue(()))
        })
        .await?
        .ok_or_else(|| {
            CliError::Dokku(dokku::Error::Transport {
                command,
                source: dokku::ExecError::Truncated,
            })
        })?;
    if json {
        output::json(
            &json!({ "app": app, "source": source, "outcome": outcome, "output": lines }),
        )?;
    }
    let hint = format!(
        "`cli builds list {app}` shows Dokku's build records; `cli releases {app}` the history"
    );
    match &outcome {
        DeployOutcome::Succeeded { urls } => {
            if !json {
                let at = urls.first().map(|u| format!(" at {u}")).unwrap_or_default();
                output::done(&format!("{done} {app}{at}"))?;
            }
            Ok(())
        }
        DeployOutcome::Unchanged => {
            if !json {
                output::done(&format!("the deploy of {app} {outcome}"))?;
            }
            Ok(())
        }
        // Failed, cancelled, or an outcome a newer library adds.
        _ => Err(CliError::deploy_failed(
            format!("the deploy of {app} {outcome}"),
            hint,
        )),
    }
}

/// An app's releases: every deploy in the history, with Dokku's build.
#[derive(Debug, Args)]
pub struct ReleasesArgs {
    #[arg(value_parser = args::app_name)]
    app: Option<AppName>,
    /// At most this many, newest first.
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

impl Family for ReleasesArgs {
    type Plan = (AppName, usize);

    fn plan(self, cx: &mut Context) -> Result<(AppName, usize), CliError> {
        Ok((cx.app(self.app)?, self.limit.max(1)))
    }

    fn commands((app, _): &(AppName, usize)) -> Result<Vec<Command>, CliError> {
        Ok(vec![dokku::api::builds::list_command(
            Some(app),
            &dokku::api::builds::BuildFilter::default(),
        )?])
    }

    async fn run((app, limit): (AppName, usize), s: &Session) -> Result<(), CliError> {
        let mut releases = history(s, &app, limit).await?;
        let dokku = s.dokku().await?;
        // Dokku before 0.38 has no build records: the history alone.
        if let Ok(builds) = dokku
            .builds()
            .list(&app, &dokku::api::builds::BuildFilter::default())
            .await
        {
            attach_builds(&mut releases, &builds);
        }
        if s.opts.json {
            return Ok(output::json(&json!(releases))?);
        }
        if releases.is_empty() {
            output::note(&format!(
                "no deploys of {app} in the history (deploys made outside this tool are not in it)"
            ));
            return Ok(());
        }
        let rows: Vec<Vec<Cell>> = releases.iter().map(release_row).collect();
        Ok(output::table(
            &[
                "ID", "STARTED", "WHO", "SOURCE", "OUTCOME", "TOOK", "BUILD", "NOTE",
            ],
            &rows,
        )?)
    }
}

async fn history(s: &Session, app: &AppName, limit: usize) -> Result<Vec<Release>, CliError> {
    let store = s.store().await?;
    Ok(store.releases(app, Some(&s.host_label()?), limit).await?)
}

fn release_row(release: &Release) -> Vec<Cell> {
    let outcome = release.outcome.as_str();
    let style = match outcome {
        "ok" => GREEN,
        "failed" | "transport_error" | "timeout" => RED,
        "cancelled" => YELLOW,
        _ => DIM,
    };
    let started = std::time::UNIX_EPOCH
        + std::time::Duration::from_millis(u64::try_from(release.started_at).unwrap_or(0));
    vec![
        Cell::plain(release.record_id.to_string()),
        Cell::plain(dokku::parse::logs::format_rfc3339_utc(started)),
        Cell::plain(format!("{} ({})", release.actor, release.origin.as_str())),
        Cell::plain(release.source.to_string()),
        Cell(outcome.to_owned(), style),
        Cell::plain(format!("{:.1}s", release.duration_ms() as f64 / 1000.0)),
        Cell::plain(
            release
                .build
                .as_ref()
                .map(|b| b.id.clone())
                .unwrap_or_default(),
        ),
        Cell::plain(
            release
                .rollback_of
                .map(|id| format!("rollback to {id}"))
                .unwrap_or_default(),
        ),
    ]
}

/// Redeploy an earlier release: a plan first, then a confirmed deploy
/// recorded as a rollback.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    #[arg(value_parser = args::app_name)]
    app: Option<AppName>,
    /// The release to bring back (an ID from `cli releases APP`); default:
    /// the newest earlier successful release with different code.
    #[arg(long)]
    to: Option<i64>,
    /// Roll back an app locked with apps:lock anyway (Dokku builds it and
    /// removes the lock).
    #[arg(long)]
    ignore_lock: bool,
}

impl Family for RollbackArgs {
    type Plan = (AppName, Option<i64>, bool);
    /// The plan comes from the local history: `--dry-run` reads it and
    /// shows the plan without connecting to the host.
    const REMOTE: bool = false;

    fn plan(self, cx: &mut Context) -> Result<Self::Plan, CliError> {
        Ok((cx.app(self.app)?, self.to, self.ignore_lock))
    }

    fn commands(_: &Self::Plan) -> Result<Vec<Command>, CliError> {
        Ok(Vec::new())
    }

    async fn run((app, to, ignore_lock): Self::Plan, s: &Session) -> Result<(), CliError> {
        let releases = history(s, &app, 500).await?;
        let plan = plan_rollback(&app, &releases, to)?;
        let command = plan.spec.command()?;
        if !s.opts.json {
            output::pairs(
                &format!("rollback of {app}"),
                &[
                    (
                        "from",
                        Cell::plain(format!(
                            "release {}: {}",
                            plan.from.record_id, plan.from.source
                        )),
                    ),
                    (
                        "to",
                        Cell::plain(format!("release {}: {}", plan.to.record_id, plan.to.source)),
                    ),
                    ("runs", Cell::plain(command.to_string())),
                ],
            )?;
        }
        if s.opts.dry_run {
            let mut commands = vec![command];
            if !ignore_lock {
                commands.insert(0, session::lock_check(&app)?);
            }
            return session::print_dry_run(&s.opts, &commands);
        }
        session::confirm(
            &s.opts,
            "the app name",
            app.as_str(),
            &format!("redeploy release {} of {app}", plan.to.record_id),
        )?;
        let dokku = s.dokku().await?;
        if !ignore_lock {
            session::refuse_if_locked(dokku, &app).await?;
        }
        // Nothing is sent if the host runs something the history did not
        // deploy (a `git push`, a deploy by another tool).
        if plan.running.is_some() {
            let report = dokku.report::<AppReport>().app(&app).await?;
            plan.check_host(&report).map_err(|e| {
                CliError::refused(
                    format!("{e}; nothing was sent"),
                    format!("deploy the release you want with `cli deploy {app} …`"),
                )
            })?;
        }
        let rolling = s.correlated(&plan.correlation()).await?;
        watch(s, &rolling, &plan.spec, "rolled back").await
    }
}
