//! Deploys as typed streams: `git:sync --build`, `git:from-image`,
//! `git:from-archive` (a URL, or the archive itself on stdin) and
//! `ps:rebuild`, each read as [`DeployEvent`]s (lines, phases, and the
//! outcome last).
//!
//! A failed build is not an error here: it is the stream's last event,
//! [`DeployOutcome::Failed`], naming the phase and Dokku's own words. An
//! error is what stopped the SDK from knowing the outcome (the connection
//! dropped) or a refusal before anything was built (no such app, a missing
//! argument), which Dokku says on stderr without starting a build.
//!
//! Flags and arguments are dokku/dokku v0.38.27's
//! `plugins/git/internal-functions` (`cmd-git-sync`, `cmd-git-from-image`,
//! `cmd-git-from-archive`); what they print when they fail early is
//! recorded (captures-0.38.27-surface.jsonl seq 999–1002).

use std::collections::VecDeque;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::{stream, StreamExt};

use crate::api::lines::{keep_stderr, LineBuffer};
use crate::api::ps::{self, Action};
use crate::api::Target;
use crate::client::Dokku;
use crate::command::{Command, Input};
use crate::error::{Error, Result};
use crate::exec::{Chunk, ExecError, ExitStatus, Output, OutputStream};
pub use crate::model::deploy::ArchiveType;
use crate::model::deploy::{
    DeployEvent, DeployOutcome, DeployPhase, DeploySource, OutputStreamKind,
};
use crate::name::AppName;
use crate::parse::{self, deploy::DeployTracker};
use crate::secret::mask_userinfo;

/// One deploy to run: the app, where its code comes from, and the flags
/// that go with that source. Build it, inspect [`DeploySpec::command`],
/// then hand it to [`Deploys::stream`] or [`Deploys::run`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeploySpec {
    /// The app deployed.
    pub app: AppName,
    /// Where its code comes from.
    pub source: DeploySource,
    /// `git:from-image --build-dir`: the directory of the image to build from.
    pub build_dir: Option<String>,
    /// The archive sent on stdin, for [`DeploySource::Archive`] without a URL.
    archive: Option<Input>,
}

impl DeploySpec {
    fn new(app: &AppName, source: DeploySource) -> Self {
        Self {
            app: app.clone(),
            source,
            build_dir: None,
            archive: None,
        }
    }

    /// `git:sync --build <app> <repository>`: clone (or fetch) the
    /// repository and build its deploy branch.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a repository that is not one word.
    pub fn git_sync(app: &AppName, repository: &str) -> Result<Self> {
        let repository = super::word("git:sync", "repository", repository)?;
        Ok(Self::new(
            app,
            DeploySource::GitSync {
                repository: repository.to_owned(),
                reference: None,
            },
        ))
    }

    /// Build this branch, tag or commit instead of the deploy branch
    /// (`git:sync` only; ignored for other sources).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a reference that is not one word.
    pub fn reference(mut self, reference: &str) -> Result<Self> {
        let checked = super::word("git:sync", "reference", reference)?;
        if let DeploySource::GitSync { reference, .. } = &mut self.source {
            *reference = Some(checked.to_owned());
        }
        Ok(self)
    }

    /// `git:from-image <app> <image>`: deploy a Docker image.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an image that is not one word.
    pub fn image(app: &AppName, image: &str) -> Result<Self> {
        let image = super::word("git:from-image", "image", image)?;
        Ok(Self::new(
            app,
            DeploySource::Image {
                image: image.to_owned(),
            },
        ))
    }

    /// `--build-dir`: build from this directory of the image.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a directory that is not one word.
    pub fn build_dir(mut self, dir: &str) -> Result<Self> {
        self.build_dir = Some(super::word("git:from-image", "build directory", dir)?.to_owned());
        Ok(self)
    }

    /// `git:from-archive <app> <url>`: Dokku downloads the archive.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a URL that is not one word.
    pub fn archive_url(app: &AppName, url: &str, kind: ArchiveType) -> Result<Self> {
        let url = super::word("git:from-archive", "archive URL", url)?;
        Ok(Self::new(
            app,
            DeploySource::Archive {
                url: Some(url.to_owned()),
                archive_type: kind,
            },
        ))
    }

    /// `git:from-archive <app> --` with the archive on stdin.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an empty archive.
    pub fn archive(app: &AppName, bytes: Vec<u8>, kind: ArchiveType) -> Result<Self> {
        if bytes.is_empty() {
            return Err(Error::InvalidArgument {
                what: "git:from-archive",
                reason: "the archive is empty".to_owned(),
            });
        }
        Ok(Self::archive_input(app, Input::bytes(bytes), kind))
    }

    /// `git:from-archive <app> --` with the archive streamed on stdin as it
    /// is read, never held whole in memory ([`Command::stdin_stream`]: it
    /// is read once, by the deploy that runs).
    ///
    /// ```
    /// use dokku_core::api::deploy::{ArchiveType, DeploySpec};
    /// use dokku_core::AppName;
    ///
    /// let tarball = futures_util::stream::iter([Ok(vec![0x1f, 0x8b])]);
    /// let spec = DeploySpec::archive_stream(&AppName::new("api")?, tarball, ArchiveType::TarGz);
    /// assert_eq!(spec.command()?.to_string(), "dokku git:from-archive --archive-type tar.gz api --");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn archive_stream(
        app: &AppName,
        archive: impl futures_core::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static,
        kind: ArchiveType,
    ) -> Self {
        Self::archive_input(app, Input::stream(archive), kind)
    }

    /// `git:from-archive <app> --` with `archive` on stdin.
    fn archive_input(app: &AppName, archive: Input, kind: ArchiveType) -> Self {
        let mut spec = Self::new(
            app,
            DeploySource::Archive {
                url: None,
                archive_type: kind,
            },
        );
        spec.archive = Some(archive);
        spec
    }

    /// `ps:rebuild <app>`: build the app's current source again.
    pub fn rebuild(app: &AppName) -> Self {
        Self::new(app, DeploySource::Rebuild)
    }

    /// The command this deploy sends.
    ///
    /// ```
    /// use dokku_core::api::deploy::DeploySpec;
    /// use dokku_core::AppName;
    ///
    /// let app = AppName::new("api")?;
    /// let sync = DeploySpec::git_sync(&app, "https://x:tok3n@github.com/acme/api.git")?
    ///     .reference("v2")?;
    /// assert_eq!(
    ///     sync.command()?.to_string(),
    ///     "dokku git:sync --build api 'https://x:***@github.com/acme/api.git' v2"
    /// );
    /// let image = DeploySpec::image(&app, "ghcr.io/acme/api:2")?;
    /// assert_eq!(image.command()?.to_string(), "dokku git:from-image api ghcr.io/acme/api:2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a [`DeploySource::GitPush`] source,
    /// which is not a Dokku command ([`crate::api::push::PushSpec`]); the
    /// builders check their other arguments.
    pub fn command(&self) -> Result<Command> {
        let app = &self.app;
        Ok(match &self.source {
            DeploySource::GitSync {
                repository,
                reference,
            } => {
                let command = Command::write("git:sync")
                    .arg("--build")
                    .app_arg(app)
                    .arg(repository);
                match reference {
                    Some(reference) => command.arg(reference),
                    None => command,
                }
            }
            DeploySource::Image { image } => {
                let command = match &self.build_dir {
                    Some(dir) => Command::write("git:from-image").args(["--build-dir", dir]),
                    None => Command::write("git:from-image"),
                };
                command.app_arg(app).arg(image)
            }
            DeploySource::Archive { url, archive_type } => {
                let command = Command::write("git:from-archive");
                let command = match archive_type {
                    ArchiveType::Tar => command,
                    other => command.args(["--archive-type", other.as_str()]),
                }
                .app_arg(app);
                match (url, &self.archive) {
                    (Some(url), _) => command.arg(url),
                    (None, Some(archive)) => command.arg("--").input(archive.clone()),
                    (None, None) => command.arg("--"),
                }
            }
            DeploySource::Rebuild => {
                ps::action_command(Action::Rebuild, &Target::App(app.clone()), None, None)?
            }
            DeploySource::GitPush { .. } => {
                return Err(Error::InvalidArgument {
                    what: "deploy",
                    reason:
                        "a git push is not a Dokku command: push with Deploys::push and a PushSpec"
                            .to_owned(),
                })
            }
        }
        .long_running())
    }
}

/// A deploy's events as they happen. Dropping it ends the remote process
/// (which Dokku then records as failed or abandoned).
pub type DeployStream = Pin<Box<dyn Stream<Item = Result<DeployEvent>> + Send>>;

/// Handler for deploys; see [`Dokku::deploys`].
#[derive(Debug, Clone, Copy)]
pub struct Deploys<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for deploys: `git:sync`, `git:from-image`,
    /// `git:from-archive`, `ps:rebuild`.
    pub fn deploys(&self) -> Deploys<'_> {
        Deploys { dokku: self }
    }
}

impl Deploys<'_> {
    /// Start a deploy and read it as it happens.
    ///
    /// ```no_run
    /// use dokku_core::api::deploy::DeploySpec;
    /// use dokku_core::model::deploy::DeployEvent;
    /// use futures_util::StreamExt;
    ///
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let spec = DeploySpec::image(&dokku_core::AppName::new("api")?, "nginx:1.27")?;
    /// let mut events = dokku.deploys().stream(&spec).await?;
    /// while let Some(event) = events.next().await {
    ///     match event? {
    ///         DeployEvent::Line { text, .. } => println!("{text}"),
    ///         DeployEvent::Phase { phase } => eprintln!("[{phase}]"),
    ///         DeployEvent::Finished { outcome } => eprintln!("{outcome:?}"),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] and [`Error::Transport`] when it cannot start.
    /// In the stream: the outcome as the last event, or an error when Dokku
    /// refused before building ([`Error::AppNotFound`],
    /// [`Error::CommandFailed`]) or the connection dropped
    /// ([`Error::Transport`]: whether the deploy went on is unknown).
    pub async fn stream(self, spec: &DeploySpec) -> Result<DeployStream> {
        let command = spec.command()?;
        let inner = self.dokku.stream(&command).await?;
        Ok(deploy_stream(command, inner))
    }

    /// Run a deploy to its end and return how it ended (its lines are
    /// dropped; use [`Deploys::stream`] to show them).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::deploy::DeploySpec;
    /// let app = dokku_core::AppName::new("api")?;
    /// let outcome = dokku.deploys().run(&DeploySpec::rebuild(&app)).await?;
    /// assert!(outcome.succeeded());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Deploys::stream`].
    pub async fn run(self, spec: &DeploySpec) -> Result<DeployOutcome> {
        let mut events = self.stream(spec).await?;
        while let Some(event) = events.next().await {
            if let DeployEvent::Finished { outcome } = event? {
                return Ok(outcome);
            }
        }
        Err(Error::Transport {
            command: spec.command()?.to_string(),
            source: ExecError::Truncated,
        })
    }
}

/// Whose output a deploy stream reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "process"), allow(dead_code))]
pub(crate) enum Lines {
    /// Dokku's own stdout and stderr (`git:sync`, `ps:rebuild`, …).
    Dokku,
    /// A local `git push`: Dokku's output arrives on git's stderr as
    /// `remote: ` lines (the pre-receive hook's stdout and stderr, sent
    /// over the sideband), among git's own lines and its `\r`-updated
    /// progress.
    GitPush,
}

struct DeployState {
    lines: Lines,
    command: Command,
    inner: Option<OutputStream>,
    stdout: LineBuffer,
    stderr: LineBuffer,
    stderr_kept: Vec<u8>,
    saw_stdout: bool,
    /// git said `Everything up-to-date`: nothing was pushed.
    up_to_date: bool,
    tracker: DeployTracker,
    ready: VecDeque<Result<DeployEvent>>,
    probe: Option<CancelProbe>,
}

impl DeployState {
    fn push(&mut self, stream: OutputStreamKind, bytes: &[u8], end: bool) {
        let buffer = match stream {
            OutputStreamKind::Stdout => &mut self.stdout,
            OutputStreamKind::Stderr => &mut self.stderr,
        };
        let lines = self.lines;
        let (tracker, ready, saw_stdout, up_to_date) = (
            &mut self.tracker,
            &mut self.ready,
            &mut self.saw_stdout,
            &mut self.up_to_date,
        );
        let mut emit = |line: &str| {
            let (stream, line) = match lines {
                Lines::Dokku => (stream, line),
                Lines::GitPush => match git_line(line) {
                    GitLine::Remote(text) => {
                        *saw_stdout = true;
                        (OutputStreamKind::Stdout, text)
                    }
                    GitLine::Local(text) => {
                        // git's own words are shown, but only Dokku's
                        // lines mark phases and name a failure.
                        *up_to_date |= text == "Everything up-to-date";
                        let text = mask_userinfo(text).into_owned();
                        ready.push_back(Ok(DeployEvent::Line {
                            stream: OutputStreamKind::Stderr,
                            text,
                        }));
                        return;
                    }
                    GitLine::Nothing => return,
                },
            };
            let plain = parse::deploy::strip_cursor_codes(line);
            let text = mask_userinfo(&plain).into_owned();
            let phase = tracker.line(&text);
            ready.push_back(Ok(DeployEvent::Line { stream, text }));
            if let Some(phase) = phase {
                ready.push_back(Ok(DeployEvent::Phase { phase }));
            }
        };
        buffer.push(bytes, &mut emit);
        if end {
            buffer.finish(&mut emit);
        }
    }

    // The last partial lines of both streams (none left the second time).
    fn flush(&mut self) {
        self.push(OutputStreamKind::Stdout, &[], true);
        self.push(OutputStreamKind::Stderr, &[], true);
    }

    // The stream is over: the last partial lines, then the verdict.
    fn end(&mut self, verdict: impl FnOnce(&mut Self) -> Result<DeployOutcome>) {
        self.flush();
        let verdict = verdict(self);
        self.ready
            .push_back(verdict.map(|outcome| DeployEvent::Finished { outcome }));
        self.inner = None;
    }

    // A refusal before the build started (Dokku said it on stderr and
    // printed nothing else) is classified like any command's error;
    // otherwise the build ran and its end is an outcome.
    fn verdict(&mut self, status: ExitStatus) -> Result<DeployOutcome> {
        if !status.success() && !self.saw_stdout {
            let stderr = std::mem::take(&mut self.stderr_kept);
            let output = Output::new(status, Vec::new(), stderr);
            parse::expect_success(&self.command, output)?;
        }
        let outcome = std::mem::take(&mut self.tracker).finish(status);
        Ok(match (self.lines, outcome) {
            (Lines::GitPush, DeployOutcome::Succeeded { .. })
                if self.up_to_date && !self.saw_stdout =>
            {
                DeployOutcome::Unchanged
            }
            // git's exit code says the hook declined, not how Dokku ended.
            (Lines::GitPush, DeployOutcome::Failed { phase, message, .. }) => {
                DeployOutcome::Failed {
                    phase,
                    exit_code: None,
                    message,
                }
            }
            (_, outcome) => outcome,
        })
    }

    // A failure Dokku did not explain, after the build started, that the
    // probe says was a cancel: the phase it was cancelled in.
    async fn killed(&mut self, status: ExitStatus) -> Option<DeployPhase> {
        // The last partial lines may hold Dokku's failure line.
        self.flush();
        if status.success() || !self.saw_stdout || self.tracker.said_failure() {
            return None;
        }
        let probe = self.probe.take()?;
        probe().await.then(|| self.tracker.phase())
    }

    fn transport(&self, source: ExecError) -> Error {
        Error::Transport {
            command: self.command.to_string(),
            source,
        }
    }

    async fn next(mut self) -> Option<(Result<DeployEvent>, Self)> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some((item, self));
            }
            let inner = self.inner.as_mut()?;
            match inner.next().await {
                Some(Ok(Chunk::Stdout(bytes))) => {
                    self.saw_stdout |= !bytes.is_empty();
                    self.push(OutputStreamKind::Stdout, &bytes, false);
                }
                Some(Ok(Chunk::Stderr(bytes))) => {
                    keep_stderr(&mut self.stderr_kept, &bytes);
                    self.push(OutputStreamKind::Stderr, &bytes, false);
                }
                Some(Ok(Chunk::Exit(status))) => {
                    let killed = self.killed(status).await;
                    self.end(|state| match killed {
                        Some(phase) => Ok(DeployOutcome::Cancelled { phase }),
                        None => state.verdict(status),
                    });
                }
                Some(Err(source)) => self.end(|state| Err(state.transport(source))),
                None => self.end(|state| Err(state.transport(ExecError::Truncated))),
            }
        }
    }
}

/// One line of `git push`'s stderr.
enum GitLine<'a> {
    /// A line the remote printed (the hook's output: Dokku's), without
    /// git's `remote: ` prefix and the padding git adds after it.
    Remote(&'a str),
    /// git's own line (progress, `To host:app`, ` ! [remote rejected]`).
    Local(&'a str),
    /// Nothing left once progress updates are collapsed.
    Nothing,
}

/// git rewrites a progress line in place with `\r`: the last non-empty
/// update is the line. A remote line ends with git's `DUMB_SUFFIX` (eight
/// spaces; `sideband.c`) or `ANSI_SUFFIX` (`ESC[K`) on a terminal.
fn git_line(line: &str) -> GitLine<'_> {
    let last = line
        .split('\r')
        .rev()
        .find(|part| !part.trim().is_empty())
        .unwrap_or("");
    if let Some(text) = last
        .strip_prefix("remote: ")
        .or(last.strip_prefix("remote:"))
    {
        let text = text.trim_end_matches("\u{1b}[K").trim_end();
        return GitLine::Remote(text);
    }
    if last.trim().is_empty() {
        GitLine::Nothing
    } else {
        GitLine::Local(last.trim_end())
    }
}

/// Read a running deploy's output as events.
pub(crate) fn deploy_stream(command: Command, inner: OutputStream) -> DeployStream {
    read_deploy(Lines::Dokku, command, inner, None)
}

/// Asks the host whether a build that ended without Dokku's own failure
/// line was cancelled: a push's hook killed by `builds:cancel` reads, to
/// git, as any hook that declined.
pub(crate) type CancelProbe =
    Box<dyn FnOnce() -> Pin<Box<dyn std::future::Future<Output = bool> + Send>> + Send>;

/// Read a running deploy's output, of Dokku or of a `git push`, as events;
/// `probe` is asked once when it ends failed with no failure of Dokku's.
pub(crate) fn read_deploy(
    lines: Lines,
    command: Command,
    inner: OutputStream,
    probe: Option<CancelProbe>,
) -> DeployStream {
    let state = DeployState {
        probe,
        lines,
        command,
        inner: Some(inner),
        stdout: LineBuffer::default(),
        stderr: LineBuffer::default(),
        stderr_kept: Vec::new(),
        saw_stdout: false,
        up_to_date: false,
        tracker: DeployTracker::new(),
        ready: VecDeque::new(),
    };
    Box::pin(stream::unfold(state, DeployState::next))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: GitLine<'_>) -> (char, String) {
        match line {
            GitLine::Remote(t) => ('r', t.to_owned()),
            GitLine::Local(t) => ('l', t.to_owned()),
            GitLine::Nothing => ('-', String::new()),
        }
    }

    #[test]
    fn git_push_lines_split_into_dokkus_and_gits_own() {
        // git 2.47's sideband padding (not a terminal), then on a terminal.
        assert_eq!(
            text(git_line(
                "remote: -----> Building api from Dockerfile        "
            )),
            ('r', "-----> Building api from Dockerfile".to_owned())
        );
        assert_eq!(
            text(git_line("remote:        http://api.dokku.me\u{1b}[K")),
            ('r', "       http://api.dokku.me".to_owned())
        );
        assert_eq!(text(git_line("remote: ")), ('r', String::new()));
        // Progress rewritten in place: the last update is the line.
        assert_eq!(
            text(git_line(
                "Writing objects:  33% (1/3)\rWriting objects: 100% (3/3), done."
            )),
            ('l', "Writing objects: 100% (3/3), done.".to_owned())
        );
        assert_eq!(
            text(git_line(
                " ! [remote rejected] HEAD -> master (pre-receive hook declined)"
            )),
            (
                'l',
                " ! [remote rejected] HEAD -> master (pre-receive hook declined)".to_owned()
            )
        );
        assert_eq!(text(git_line("\r")), ('-', String::new()));
    }
}
