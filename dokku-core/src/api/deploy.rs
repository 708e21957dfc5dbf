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
use crate::command::Command;
use crate::error::{Error, Result};
use crate::exec::{Chunk, ExecError, ExitStatus, Output, OutputStream};
pub use crate::model::deploy::ArchiveType;
use crate::model::deploy::{DeployEvent, DeployOutcome, DeploySource, OutputStreamKind};
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
    archive: Option<Vec<u8>>,
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
        let mut spec = Self::new(
            app,
            DeploySource::Archive {
                url: None,
                archive_type: kind,
            },
        );
        spec.archive = Some(bytes);
        Ok(spec)
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
    /// None today; the builders check their arguments. Kept fallible like
    /// the other specs' `command()`.
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
                    (None, Some(bytes)) => command.arg("--").stdin(bytes.clone()),
                    (None, None) => command.arg("--"),
                }
            }
            DeploySource::Rebuild => {
                ps::action_command(Action::Rebuild, &Target::App(app.clone()), None, None)?
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
    dokku: &'a Dokku,
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

struct DeployState {
    command: Command,
    inner: Option<OutputStream>,
    stdout: LineBuffer,
    stderr: LineBuffer,
    stderr_kept: Vec<u8>,
    saw_stdout: bool,
    tracker: DeployTracker,
    ready: VecDeque<Result<DeployEvent>>,
}

impl DeployState {
    fn push(&mut self, stream: OutputStreamKind, bytes: &[u8], end: bool) {
        let buffer = match stream {
            OutputStreamKind::Stdout => &mut self.stdout,
            OutputStreamKind::Stderr => &mut self.stderr,
        };
        let (tracker, ready) = (&mut self.tracker, &mut self.ready);
        let mut emit = |line: &str| {
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

    // The stream is over: the last partial lines, then the verdict.
    fn end(&mut self, verdict: impl FnOnce(&mut Self) -> Result<DeployOutcome>) {
        self.push(OutputStreamKind::Stdout, &[], true);
        self.push(OutputStreamKind::Stderr, &[], true);
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
        Ok(std::mem::take(&mut self.tracker).finish(status))
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
                Some(Ok(Chunk::Exit(status))) => self.end(|state| state.verdict(status)),
                Some(Err(source)) => self.end(|state| Err(state.transport(source))),
                None => self.end(|state| Err(state.transport(ExecError::Truncated))),
            }
        }
    }
}

/// Read a running deploy's output as events.
pub(crate) fn deploy_stream(command: Command, inner: OutputStream) -> DeployStream {
    let state = DeployState {
        command,
        inner: Some(inner),
        stdout: LineBuffer::default(),
        stderr: LineBuffer::default(),
        stderr_kept: Vec::new(),
        saw_stdout: false,
        tracker: DeployTracker::new(),
        ready: VecDeque::new(),
    };
    Box::pin(stream::unfold(state, DeployState::next))
}
