//! `builds:*` (Dokku 0.38+): running and past builds of an app. The
//! `retention` property and the report are generic.
//!
//! Recorded on 0.38.27: records with a dead process show as `abandoned`
//! (text `Status`, JSON `display_status`) while their stored `status`
//! stays `running`; `builds:output` and `builds:cancel` with nothing
//! running print `-----> App not currently deploying`, exit 0.

use std::collections::VecDeque;
use std::pin::Pin;

use futures_util::StreamExt;

use crate::api::lines::{self, LineStream};
use crate::client::Dokku;
use crate::command::{Command, Requirement};
use crate::error::{Error, Result};
use crate::model::builds::{BuildRecord, BuildsReport};
use crate::name::AppName;
use crate::parse::{self, context};
use crate::version::DokkuVersion;

/// The `builds` plugin's first release.
pub const BUILDS: DokkuVersion = DokkuVersion::new(0, 38, 0);

/// Which builds `builds:list` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildFilter {
    /// `build` or `deploy` (`--kind`).
    pub kind: Option<String>,
    /// `running`, `succeeded`, `failed`, `canceled` or `abandoned` (`--status`).
    pub status: Option<String>,
}

impl BuildFilter {
    /// Only builds of this kind (`build`, `deploy`).
    pub fn kind(mut self, kind: &str) -> Self {
        self.kind = Some(kind.to_owned());
        self
    }

    /// Only builds with this (displayed) status.
    pub fn status(mut self, status: &str) -> Self {
        self.status = Some(status.to_owned());
        self
    }
}

/// `builds:list [<app>] --format json [--kind K] [--status S]`: one app's
/// builds, or (no app) the running builds of every app.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a kind or status Dokku does not know.
pub fn list_command(app: Option<&AppName>, filter: &BuildFilter) -> Result<Command> {
    let mut command = Command::read("builds:list");
    if let Some(app) = app {
        command = command.app_arg(app);
    }
    command = command.args(["--format", "json"]);
    let check = |value: &str, allowed: &[&str], flag: &str| -> Result<()> {
        if allowed.contains(&value) {
            Ok(())
        } else {
            Err(Error::InvalidArgument {
                what: "builds:list",
                reason: format!("{flag} must be one of: {}", allowed.join(", ")),
            })
        }
    };
    if let Some(kind) = &filter.kind {
        check(kind, &["build", "deploy"], "--kind")?;
        command = command.args(["--kind", kind]);
    }
    if let Some(status) = &filter.status {
        let allowed = ["running", "succeeded", "failed", "canceled", "abandoned"];
        check(status, &allowed, "--status")?;
        command = command.args(["--status", status]);
    }
    Ok(command.requires(Requirement::Version(BUILDS)))
}

/// `builds:info <app> <id> --format json`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an id that is not one word.
pub fn info_command(app: &AppName, id: &str) -> Result<Command> {
    let id = super::word("builds:info", "build id", id)?;
    Ok(Command::read("builds:info")
        .app_arg(app)
        .arg(id)
        .args(["--format", "json"]))
}

/// `builds:output <app> [<id>|current]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an id that is not one word.
pub fn output_command(app: &AppName, id: Option<&str>) -> Result<Command> {
    let mut command = Command::read("builds:output").app_arg(app);
    if let Some(id) = id {
        command = command.arg(super::word("builds:output", "build id", id)?);
    }
    Ok(command)
}

/// `builds:cancel <app>`.
pub fn cancel_command(app: &AppName) -> Command {
    Command::write("builds:cancel").app_arg(app)
}

/// `builds:prune (<app>|--all-apps)`.
pub fn prune_command(app: Option<&AppName>) -> Command {
    let command = Command::write("builds:prune");
    match app {
        Some(app) => command.app_arg(app),
        None => command.arg("--all-apps"),
    }
}

/// Handler for `builds:*`; see [`Dokku::builds`].
#[derive(Debug, Clone, Copy)]
pub struct Builds<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for builds (Dokku 0.38+).
    pub fn builds(&self) -> Builds<'_> {
        Builds { dokku: self }
    }
}

impl Builds<'_> {
    /// Dokku's last build of an app, whoever started it (a `git push`
    /// included), from `builds:report <app>`: `None` for an app never
    /// built, or on a host before 0.38, which records no builds (its
    /// `builds:report` is not asked for).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// if let Some(last) = dokku.builds().last(&app).await? {
    ///     println!("{:?} {:?}", last.build_status, last.build_source);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn last(self, app: &AppName) -> Result<Option<BuildsReport>> {
        if self.dokku.capabilities().await?.version < BUILDS {
            return Ok(None);
        }
        let report = self.dokku.report::<BuildsReport>().app(app).await?;
        Ok(report.build_id.is_some().then_some(report))
    }

    /// An app's builds, running first, then newest first (capped at the
    /// retention unless filtered).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::builds::BuildFilter;
    /// let app = dokku_core::AppName::new("api")?;
    /// for build in dokku.builds().list(&app, &BuildFilter::default().kind("deploy")).await? {
    ///     println!("{} {:?} {}", build.id, build.display_status, build.source);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an unknown kind or status,
    /// [`Error::Unsupported`] before 0.38, [`Error::AppNotFound`],
    /// [`Error::Parse`] and transport errors.
    pub async fn list(self, app: &AppName, filter: &BuildFilter) -> Result<Vec<BuildRecord>> {
        self.fetch(Some(app), filter).await
    }

    /// The builds running now, on every app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let running = dokku.builds().running().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Builds::list`].
    pub async fn running(self) -> Result<Vec<BuildRecord>> {
        self.fetch(None, &BuildFilter::default()).await
    }

    async fn fetch(self, app: Option<&AppName>, filter: &BuildFilter) -> Result<Vec<BuildRecord>> {
        let command = list_command(app, filter)?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::builds::list(&output.stdout_lossy()))
    }

    /// One build record.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// let build = dokku.builds().info(&app, "mx7exqmjqicslv").await?;
    /// println!("{:?}", build.exit_code);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] (`No build record found`) for an unknown id,
    /// and the errors of [`Builds::list`].
    pub async fn info(self, app: &AppName, id: &str) -> Result<BuildRecord> {
        let command = info_command(app, id)?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::builds::info(&output.stdout_lossy()))
    }

    /// A build's output, line by line, as it is written (`None`: the
    /// current build). Without a running build Dokku prints `App not
    /// currently deploying` and ends.
    ///
    /// A finished build's output is its log (`cat`) and the stream ends
    /// with it. A running build's is followed with `tail -n 1000 -f`
    /// (`plugins/builds/subcommands.go`), which does not end when the
    /// build does: drop the stream to stop, for instance once
    /// [`Builds::info`] says the build is no longer running.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::StreamExt;
    /// let mut lines = dokku.builds().output(&dokku_core::AppName::new("api")?, None).await?;
    /// while let Some(line) = lines.next().await {
    ///     println!("{}", line?);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] and transport errors; a failure at the
    /// end is the stream's last item.
    pub async fn output(self, app: &AppName, id: Option<&str>) -> Result<LineStream<String>> {
        let command = output_command(app, id)?;
        let inner = self.dokku.stream(&command).await?;
        Ok(lines::text_lines(command, inner))
    }

    /// A build's output as it is written, ending when the build does (as
    /// [`Builds::output`] does not): at each item of `checks` (the
    /// caller's clock: every few seconds, say) Dokku is asked whether the
    /// build still runs (`builds:info`); once it does not, the lines its
    /// log has beyond those followed are read (`builds:output`, its log
    /// now) and the stream ends with them. A build that has ended is its
    /// log. When `checks` ends, so does the stream.
    ///
    /// Nothing is lost between following and the end: the rest is found
    /// after the last lines followed in the finished log (a log that
    /// repeats those lines may have some repeated; one that no longer
    /// holds them adds nothing).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::StreamExt;
    /// use std::time::Duration;
    /// let every_2s = futures_util::stream::unfold((), |()| async {
    ///     tokio::time::sleep(Duration::from_secs(2)).await;
    ///     Some(((), ()))
    /// });
    /// let app = dokku_core::AppName::new("api")?;
    /// let mut lines = dokku.builds().follow(&app, "mx7exqmjqicslv", every_2s).await?;
    /// while let Some(line) = lines.next().await {
    ///     println!("{}", line?);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Builds::info`] (an unknown id is [`Error::NotFound`]); a
    /// failure while following is the stream's last item.
    pub async fn follow<C>(self, app: &AppName, id: &str, checks: C) -> Result<LineStream<String>>
    where
        C: futures_core::Stream<Item = ()> + Send + 'static,
    {
        if !self.info(app, id).await?.is_running() {
            return self.output(app, Some(id)).await;
        }
        let tail = self.output(app, Some(id)).await?;
        let checks = checks
            .map(|()| Followed::Check)
            .chain(futures_util::stream::once(async { Followed::Stop }));
        let events = futures_util::stream::select(tail.map(Followed::Line), checks);
        let state = Following {
            dokku: self.dokku.clone(),
            app: app.clone(),
            id: id.to_owned(),
            events: Some(Box::pin(events)),
            seen: VecDeque::new(),
            printed: 0,
            rest: VecDeque::new(),
        };
        Ok(Box::pin(futures_util::stream::unfold(
            state,
            Following::next,
        )))
    }

    /// Cancel the app's running build (nothing when none runs).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.builds().cancel(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn cancel(self, app: &AppName) -> Result<()> {
        self.dokku.run(&cancel_command(app)).await.map(drop)
    }

    /// Drop build records beyond the retention, for one app or (`None`)
    /// every app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.builds().prune(None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn prune(self, app: Option<&AppName>) -> Result<()> {
        self.dokku.run(&prune_command(app)).await.map(drop)
    }
}

/// How many of the last lines followed are kept to find where the
/// finished log goes on.
const SEEN_KEPT: usize = 1000;

/// What a follow waits on: a line of the running build's output, a time
/// to ask whether it still runs, or the end of those times.
enum Followed {
    Line(Result<String>),
    Check,
    Stop,
}

/// Where a [`Builds::follow`] is.
struct Following {
    dokku: Dokku,
    app: AppName,
    id: String,
    /// `None` once the build ended (or following failed).
    events: Option<Pin<Box<dyn futures_core::Stream<Item = Followed> + Send>>>,
    /// The last lines followed (at most [`SEEN_KEPT`]), and how many in all.
    seen: VecDeque<String>,
    printed: usize,
    /// What is left to give once following is over.
    rest: VecDeque<Result<String>>,
}

impl Following {
    async fn next(mut self) -> Option<(Result<String>, Self)> {
        loop {
            if let Some(item) = self.rest.pop_front() {
                return Some((item, self));
            }
            match self.events.as_mut()?.next().await {
                Some(Followed::Line(Ok(line))) => {
                    if self.seen.len() == SEEN_KEPT {
                        self.seen.pop_front();
                    }
                    self.seen.push_back(line.clone());
                    self.printed += 1;
                    return Some((Ok(line), self));
                }
                Some(Followed::Line(Err(e))) => {
                    self.events = None;
                    return Some((Err(e), self));
                }
                Some(Followed::Check) => self.check().await,
                Some(Followed::Stop) | None => self.events = None,
            }
        }
    }

    /// Whether the build still runs; if not, the rest of its log is what
    /// is left to give.
    async fn check(&mut self) {
        let builds = self.dokku.builds();
        match builds.info(&self.app, &self.id).await {
            Ok(build) if build.is_running() => return,
            Ok(_) => {}
            Err(e) => {
                self.events = None;
                self.rest.push_back(Err(e));
                return;
            }
        }
        self.events = None;
        let log = match builds.output(&self.app, Some(&self.id)).await {
            Ok(lines) => lines.collect::<Vec<_>>().await,
            Err(e) => vec![Err(e)],
        };
        let (lines, failure): (Vec<_>, Vec<_>) = log.into_iter().partition(Result::is_ok);
        let lines: Vec<String> = lines.into_iter().flatten().collect();
        let start = rest_after(&lines, &self.seen, self.printed);
        self.rest.extend(lines[start..].iter().cloned().map(Ok));
        self.rest.extend(failure);
    }
}

/// Where a finished log `full` goes on after what a follower gave: `seen`
/// its last lines, `printed` how many it gave in all. The first place
/// after at least `printed` lines where `seen` ends; the end when none
/// (the log no longer holds them).
fn rest_after(full: &[String], seen: &VecDeque<String>, printed: usize) -> usize {
    let k = seen.len();
    (printed.max(k)..=full.len())
        .find(|&end| full[end - k..end].iter().eq(seen.iter()))
        .unwrap_or(full.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|n| format!("line {n}")).collect()
    }

    #[test]
    fn the_rest_of_a_finished_log_starts_after_the_last_lines_followed() {
        let full = lines(0..10);
        let seen = |range| VecDeque::from(lines(range));
        // Nothing followed yet: all of it.
        assert_eq!(rest_after(&full, &VecDeque::new(), 0), 0);
        // Followed from the start.
        assert_eq!(rest_after(&full, &seen(0..4), 4), 4);
        // Followed from the middle (`tail -n` of a log already long).
        assert_eq!(rest_after(&full, &seen(6..8), 2), 8);
        // More followed than kept: the kept lines still place it.
        assert_eq!(rest_after(&full, &seen(5..7), 7), 7);
        // All of it followed.
        assert_eq!(rest_after(&full, &seen(0..10), 10), 10);
        // A log that no longer holds what was followed adds nothing.
        assert_eq!(rest_after(&full, &seen(20..22), 2), 10);
    }

    #[test]
    fn a_log_repeating_the_lines_followed_loses_nothing() {
        let full: Vec<String> = ["x", "y", "x", "y", "z"].map(str::to_owned).to_vec();
        let seen = VecDeque::from(["x".to_owned(), "y".to_owned()]);
        // Followed x y (the last two, or the first two): z always follows.
        let start = rest_after(&full, &seen, 2);
        assert!(full[start..].contains(&"z".to_owned()), "{start}");
    }
}
