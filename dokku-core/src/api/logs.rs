//! `logs` and `logs:failed`: an app's output, as a snapshot or followed live.
//!
//! Following (`logs -t`) never ends by itself, so it is a [`LogStream`]:
//! lines are parsed as they arrive, and dropping the stream ends the remote
//! `dokku logs` process (the executor's contract). A non-zero exit at the
//! end becomes a classified error item, so "the app is not deployed" is
//! not mistaken for "no more logs".

use std::pin::Pin;

use futures_core::Stream;

use crate::api::{lines, Target};
use crate::client::Dokku;
use crate::command::{Command, TimeoutClass};
use crate::error::Result;
use crate::model::logs::{FailedLogs, LogLine, LogsReport};
use crate::name::{AppName, ProcessType};
use crate::parse::{self, context};
use crate::secret::SecretString;

/// Parsed log lines as they arrive. Dropping it ends the remote process.
pub type LogStream = Pin<Box<dyn Stream<Item = Result<LogLine>> + Send>>;

/// What to fetch from `dokku logs`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogOptions {
    /// Lines per container (`--num`; Dokku's default is 100).
    pub num: Option<u32>,
    /// Only this process type (`--ps`).
    pub process: Option<ProcessType>,
    /// Raw lines without timestamp and container (`--quiet`).
    pub quiet: bool,
}

/// `logs <app> [--num N] [--ps TYPE] [--quiet] [--tail]`.
pub fn logs_command(app: &AppName, options: &LogOptions, follow: bool) -> Command {
    let mut command = Command::read("logs").app_arg(app);
    if let Some(n) = options.num {
        command = command.args(["--num".to_owned(), n.to_string()]);
    }
    if let Some(p) = &options.process {
        command = command.arg("--ps").arg(p);
    }
    let command = command
        .arg_if(options.quiet, "--quiet")
        .arg_if(follow, "--tail");
    if follow {
        command.timeout(TimeoutClass::Follow)
    } else {
        command
    }
}

/// `logs:failed (<app>|--all)`.
pub fn failed_command(target: &Target) -> Command {
    target.apply(Command::read("logs:failed"))
}

/// Handler for `logs`; see [`Dokku::logs`].
#[derive(Debug, Clone, Copy)]
pub struct Logs<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Logs<'a> {
    /// An app's logs; choose options, then [`LogsQuery::fetch`] or
    /// [`LogsQuery::follow`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{AppName, ProcessType};
    /// let query = dokku.logs().app(&AppName::new("api")?).num(50).process(ProcessType::web());
    /// let lines = query.fetch().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`LogsQuery::fetch`] or
    /// [`LogsQuery::follow`], which return them.
    pub fn app(self, app: &AppName) -> LogsQuery<'a> {
        LogsQuery {
            dokku: self.dokku,
            app: app.clone(),
            options: LogOptions::default(),
        }
    }

    /// `logs:report` for one app, read as text, where Dokku redacts vector
    /// sinks.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let report = dokku.logs().report(&dokku_core::AppName::new("api")?).await?;
    /// println!("{:?}", report.max_size.effective());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound), [`Error::Parse`](crate::Error::Parse) and transport errors.
    pub async fn report(self, app: &AppName) -> Result<LogsReport> {
        self.dokku.report::<LogsReport>().app(app).await
    }

    /// The app's vector sink, unredacted (`--logs-vector-sink`, a secret
    /// output); `None` when unset.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let sink = dokku.logs().vector_sink(&dokku_core::AppName::new("api")?).await?;
    /// println!("sink set: {}", sink.is_some());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound) and transport errors.
    pub async fn vector_sink(self, app: &AppName) -> Result<Option<SecretString>> {
        let value = self
            .dokku
            .report::<LogsReport>()
            .flag(app, "logs-vector-sink")
            .await?;
        Ok(Some(SecretString::new(value)).filter(|v| !v.is_empty()))
    }

    /// Output of failed deploy containers, per app; apps without any are
    /// left out, so the list is empty when there are none.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for app in dokku.logs().failed(dokku_core::api::Target::All).await? {
    ///     println!("{}: {} lines", app.app, app.lines.len());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound) for one app,
    /// [`Error::Parse`](crate::Error::Parse) for output it cannot read,
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) and
    /// [`Error::Transport`](crate::Error::Transport).
    pub async fn failed(self, target: impl Into<Target>) -> Result<Vec<FailedLogs>> {
        let command = failed_command(&target.into());
        let output = self.dokku.run(&command).await?;
        let mut apps = context(&command, parse::logs::failed(&output.stdout_lossy()))?;
        apps.retain(|a| !a.lines.is_empty());
        Ok(apps)
    }
}

/// Builder for `dokku logs`.
#[derive(Debug)]
#[must_use = "nothing is sent until .fetch() or .follow() is awaited"]
pub struct LogsQuery<'a> {
    dokku: &'a Dokku,
    app: AppName,
    options: LogOptions,
}

impl LogsQuery<'_> {
    /// Lines per container.
    pub fn num(mut self, lines: u32) -> Self {
        self.options.num = Some(lines);
        self
    }

    /// Only this process type.
    pub fn process(mut self, process_type: ProcessType) -> Self {
        self.options.process = Some(process_type);
        self
    }

    /// Raw lines, without timestamp and container.
    pub fn quiet(mut self) -> Self {
        self.options.quiet = true;
        self
    }

    /// The command [`LogsQuery::fetch`] (or, with `follow`, [`LogsQuery::follow`]) sends.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let query = dokku.logs().app(&dokku_core::AppName::new("api")?).num(20);
    /// println!("would run: {}", query.command(true));
    /// # Ok(()) }
    /// ```
    pub fn command(&self, follow: bool) -> Command {
        logs_command(&self.app, &self.options, follow)
    }

    /// The last lines, then stop.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let lines = dokku.logs().app(&dokku_core::AppName::new("api")?).num(100).fetch().await?;
    /// for line in &lines {
    ///     println!("{}", line.message);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotDeployed`](crate::Error::AppNotDeployed) for an app that was
    /// never deployed, [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::CommandFailed`](crate::Error::CommandFailed) and
    /// [`Error::Transport`](crate::Error::Transport). A line without Dokku's prefix
    /// is kept as its text, never a parse error.
    pub async fn fetch(self) -> Result<Vec<LogLine>> {
        let output = self.dokku.run(&self.command(false)).await?;
        Ok(parse::logs::snapshot(&self.app, &output.stdout_lossy()))
    }

    /// The last lines, then every new line until the stream is dropped.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::StreamExt;
    /// let mut lines = dokku.logs().app(&dokku_core::AppName::new("api")?).follow().await?;
    /// while let Some(line) = lines.next().await {
    ///     println!("{}", line?.message);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Transport`](crate::Error::Transport) when the command cannot be
    /// started. The stream then ends with an error item for a non-zero exit
    /// ([`Error::AppNotDeployed`](crate::Error::AppNotDeployed),
    /// [`Error::AppNotFound`](crate::Error::AppNotFound),
    /// [`Error::CommandFailed`](crate::Error::CommandFailed)) or a lost connection
    /// ([`Error::Transport`](crate::Error::Transport)).
    pub async fn follow(self) -> Result<LogStream> {
        let command = self.command(true);
        let inner = self.dokku.stream(&command).await?;
        let app = self.app;
        Ok(lines::line_stream(command, inner, move |line| {
            parse::logs::line(&app, line)
        }))
    }
}
