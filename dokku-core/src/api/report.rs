//! Every plugin's `:report`, through one generic path.
//!
//! A typed report is a serde struct that implements [`Report`]: it names
//! its catalog entry, and the decoder ([`crate::parse::report::decode`])
//! does the rest. [`Reports`] fetches one for an app, for every app in one
//! invocation, for `--global`, or a single info flag, asking for JSON where
//! the host has it (text for every app, since Dokku's all-apps JSON does not
//! name the apps) and reading a text answer to a JSON question rather than
//! failing. The raw key → value map stays beside the typed fields.
//!
//! ```no_run
//! # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
//! use dokku_core::model::ps::PsReport;
//! use dokku_core::AppName;
//!
//! let report: PsReport = dokku.report::<PsReport>().app(&AppName::new("api")?).await?;
//! let every_app = dokku.report::<PsReport>().all().await?;
//! # Ok(()) }
//! ```

use std::marker::PhantomData;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::stream::{self, Fuse};
use futures_util::StreamExt;

use serde::de::DeserializeOwned;

use crate::api::lines::{text_lines, LineStream};
use crate::api::{Format, Scope};
use crate::catalog::{JsonSince, Plugin, ReportSpec, Source};
use crate::client::{Capabilities, Dokku};
use crate::command::{Command, Requirement};
use crate::error::{Error, Result};
use crate::exec::OutputStream;
use crate::name::AppName;
use crate::parse::report::{self, RawReport};
use crate::parse::{context, ParseError};
use crate::version::DokkuVersion;

/// A typed `:report`, decoded generically from its raw key → value map.
///
/// Implement it for a `#[derive(Deserialize)]` struct whose fields carry
/// `#[serde(rename = "<key without the plugin prefix>")]` (or a
/// `rename_all`). The decoder reads Dokku's strings into `bool`, integers,
/// `Option<T>` (empty is `None`) and `Vec<String>` (whitespace-separated
/// words); the helpers in [`crate::model::de`] read the rest. A
/// [`Property`](crate::model::Property) field reads a catalogued property's
/// app, global and computed values together.
pub trait Report: DeserializeOwned + Send + Sized {
    /// The plugin whose report this is.
    fn plugin() -> &'static Plugin;

    /// Fill in what the decoder cannot: the app the report is about (from
    /// the text header or the request; `None` for `--global`), the raw map,
    /// and anything derived from several keys.
    fn attach(&mut self, app: Option<AppName>, raw: RawReport) -> Result<(), ParseError>;

    /// Decode one raw report (which the typed one then keeps).
    fn from_raw(raw: RawReport) -> Result<Self, ParseError> {
        let plugin = Self::plugin();
        let spec = spec_of(plugin).map_err(|_| ParseError::new("report", "no report"))?;
        let mut typed: Self = report::decode(spec.command, spec, plugin.properties, &raw)?;
        let app = subject_app(spec, &raw)?;
        typed.attach(app, raw)?;
        Ok(typed)
    }

    /// Decode every report in a command's output (text or JSON; an empty
    /// output is no reports).
    fn from_output(stdout: &str) -> Result<Vec<Self>, ParseError> {
        let plugin = Self::plugin();
        let spec = spec_of(plugin).map_err(|_| ParseError::new("report", "no report"))?;
        if stdout.trim().is_empty() {
            return Ok(Vec::new());
        }
        report::any(spec.command, stdout, spec)?
            .into_iter()
            .map(Self::from_raw)
            .collect()
    }
}

/// Declare a typed report: the struct, with the two fields every report
/// has around the plugin's own (`app`, from the report's subject, first;
/// `raw`, every key as Dokku printed it, last), and its [`Report`]
/// implementation. `then f` runs `f(&mut report)` once `app` and `raw` are
/// set, for what serde cannot decode alone (numbered keys, redaction).
///
/// ```text
/// typed_report! {
///     /// `proxy:report`.
///     pub struct ProxyReport for PROXY {
///         /// Whether the proxy is enabled.
///         pub enabled: Option<bool>,
///     }
/// }
/// ```
macro_rules! typed_report {
    (
        $(#[$meta:meta])*
        pub struct $name:ident for $plugin:ident $(then $hook:path)? {
            $($(#[$field_meta:meta])* pub $field:ident: $type:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Default, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(default, rename_all(deserialize = "kebab-case"))]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name {
            /// The app, when known (`None` for `--global`).
            #[serde(deserialize_with = "crate::model::de::filled_later")]
            #[cfg_attr(feature = "openapi", schema(required = true))]
            pub app: Option<$crate::name::AppName>,
            // `serde(default)` is for reading Dokku's keys; every field is
            // always written, so the schema requires each (a missing key
            // reads as its default, never as an absent field).
            $(
                $(#[$field_meta])*
                #[cfg_attr(feature = "openapi", schema(required = true))]
                pub $field: $type,
            )*
            /// Every key Dokku printed, as printed (secret values redacted).
            #[serde(deserialize_with = "crate::model::de::filled_later")]
            #[cfg_attr(feature = "openapi", schema(required = true))]
            pub raw: ::std::collections::BTreeMap<String, String>,
        }

        impl $crate::api::report::Report for $name {
            fn plugin() -> &'static $crate::catalog::Plugin {
                &$crate::catalog::plugins::$plugin
            }

            fn attach(
                &mut self,
                app: Option<$crate::name::AppName>,
                raw: $crate::parse::report::RawReport,
            ) -> Result<(), $crate::parse::ParseError> {
                self.app = app;
                self.raw = raw.fields;
                $crate::api::report::redact_secret_properties(
                    &$crate::catalog::plugins::$plugin,
                    &mut self.raw,
                );
                $($hook(self)?;)?
                Ok(())
            }
        }
    };
}
pub(crate) use typed_report;

/// What a redacted secret value is replaced with in a report's raw map.
pub const REDACTED: &str = "***";

/// Replace the non-empty values of a plugin's secret properties (`K`,
/// `global-K`, `computed-K`, bare or prefixed) with [`REDACTED`].
pub(crate) fn redact_secret_properties(
    plugin: &'static Plugin,
    fields: &mut std::collections::BTreeMap<String, String>,
) {
    for (key, value) in fields.iter_mut() {
        if !value.is_empty() && plugin.is_secret_report_key(key) {
            *value = REDACTED.to_owned();
        }
    }
}

/// Whether any of a plugin's secret properties has a value in `fields`
/// (redacted or not): what a typed report keeps of a secret.
pub(crate) fn any_secret_set(
    plugin: &'static Plugin,
    fields: &std::collections::BTreeMap<String, String>,
) -> bool {
    fields
        .iter()
        .any(|(key, value)| !value.is_empty() && plugin.is_secret_report_key(key))
}

fn spec_of(plugin: &'static Plugin) -> Result<&'static ReportSpec> {
    plugin
        .report
        .as_ref()
        .ok_or_else(|| Error::InvalidArgument {
            what: "report",
            reason: format!("the {} plugin has no report", plugin.name),
        })
}

// The header names the app (`=====> api ps information`), or `--global`.
fn subject_app(spec: &ReportSpec, raw: &RawReport) -> Result<Option<AppName>, ParseError> {
    match raw.subject.as_deref() {
        None | Some("--global" | "global" | "Global") => Ok(None),
        Some(name) => AppName::legacy(name)
            .map(Some)
            .map_err(|e| ParseError::new(spec.command, format!("not an app name: {}", e.rule))),
    }
}

/// Which report to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReportTarget {
    /// One app.
    App(AppName),
    /// Every app, in one invocation (text).
    All,
    /// The global settings (`--global`).
    Global,
}

/// The command that reads a plugin's report for `target` in `format`:
/// `<plugin>:report [<app>|--global] [--format json]`, requiring the Dokku
/// versions that have `--global` and `--format json` (a community plugin's
/// versions are its own and are not checked here).
///
/// ```
/// use dokku_core::api::report::{report_command, ReportTarget};
/// use dokku_core::api::Format;
/// use dokku_core::catalog::plugins;
/// use dokku_core::AppName;
///
/// let command = report_command(&plugins::PS, &ReportTarget::App(AppName::new("api")?), Format::Json)?;
/// assert_eq!(command.to_string(), "dokku ps:report api --format json");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`] if the plugin has no report, or no global
/// one when `target` is [`ReportTarget::Global`].
pub fn report_command(
    plugin: &'static Plugin,
    target: &ReportTarget,
    format: Format,
) -> Result<Command> {
    let spec = spec_of(plugin)?;
    let mut command = Command::read(spec.command);
    match target {
        ReportTarget::App(app) => command = command.app_arg(app),
        // Dokku loops over the apps inside one invocation: ~0.8 s per app
        // for ps:report on a real 0.38.27, so never a timeout for being big.
        ReportTarget::All => return Ok(command.long_running()),
        ReportTarget::Global => {
            let Some(since) = spec.global else {
                return Err(Error::InvalidArgument {
                    what: "report",
                    reason: format!("the {} plugin has no global report", plugin.name),
                });
            };
            command = command.arg("--global");
            if plugin.source == Source::Core && since != DokkuVersion::ANY {
                command = command.requires(Requirement::Version(since));
            }
        }
    }
    if format.is_json() {
        command = command.args(["--format", "json"]);
        if let JsonSince::Dokku(since) = spec.json {
            command = command.requires(Requirement::Version(since));
        }
    }
    Ok(command)
}

/// Typed reports as they arrive; see [`Reports::stream_all`].
pub type ReportStream<R> = Pin<Box<dyn Stream<Item = Result<R>> + Send>>;

/// Decode an all-apps report's text app by app as its lines arrive. The
/// lines are [`text_lines`]: stderr, the exit status and a transport
/// failure are read as for every streamed command.
fn report_blocks<R: Send + 'static>(
    chunks: OutputStream,
    command: Command,
    spec: &'static ReportSpec,
    decode: fn(RawReport) -> Result<R, ParseError>,
) -> ReportStream<R> {
    let lines = text_lines(command.clone(), chunks).fuse();
    let blocks = stream::unfold((lines, String::new()), next_block);
    Box::pin(blocks.flat_map(move |block| {
        let raws = block.and_then(|text| {
            context(
                &command,
                report::text_with(spec.command, &text, spec.dotted),
            )
        });
        let reports: Vec<Result<R>> = match raws {
            Ok(raws) => raws
                .into_iter()
                .map(|raw| context(&command, decode(raw)))
                .collect(),
            Err(e) => vec![Err(e)],
        };
        stream::iter(reports)
    }))
}

/// An all-apps report's lines, and the block being read from them.
type Blocks = (Fuse<LineStream<String>>, String);

/// The next complete block of an all-apps report: a `=====> ` header closes
/// the block before it and a clean end the last one (blank blocks are
/// skipped); a failure drops the unfinished block and is the last item.
async fn next_block((mut lines, mut block): Blocks) -> Option<(Result<String>, Blocks)> {
    loop {
        match lines.next().await {
            Some(Ok(line)) => {
                let closed = if line.starts_with(report::HEADER_PREFIX) {
                    std::mem::take(&mut block)
                } else {
                    String::new()
                };
                block.push_str(&line);
                block.push('\n');
                if !closed.trim().is_empty() {
                    return Some((Ok(closed), (lines, block)));
                }
            }
            Some(Err(e)) => return Some((Err(e), (lines, String::new()))),
            None if block.trim().is_empty() => return None,
            None => return Some((Ok(block), (lines, String::new()))),
        }
    }
}

/// Handler for a plugin's `:report`; see [`Dokku::report`] and
/// [`Dokku::raw_report`].
pub struct Reports<'a, R> {
    dokku: &'a Dokku,
    plugin: &'static Plugin,
    decode: fn(RawReport) -> Result<R, ParseError>,
    typed: PhantomData<R>,
}

impl<R> std::fmt::Debug for Reports<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reports")
            .field("plugin", &self.plugin.name)
            .finish_non_exhaustive()
    }
}

impl Dokku {
    /// The typed report `R` of its plugin: `dokku.report::<PsReport>()`.
    pub fn report<R: Report>(&self) -> Reports<'_, R> {
        Reports {
            dokku: self,
            plugin: R::plugin(),
            decode: R::from_raw,
            typed: PhantomData,
        }
    }

    /// Any catalogued plugin's report as its raw key → value map (keys as
    /// Dokku prints them in JSON, dotted keys intact).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let nginx = dokku_core::catalog::plugin("ps").expect("catalogued");
    /// let global = dokku.raw_report(nginx).global().await?;
    /// for (key, value) in &global.fields {
    ///     println!("{key}: {value}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn raw_report(&self, plugin: &'static Plugin) -> Reports<'_, RawReport> {
        Reports {
            dokku: self,
            plugin,
            // The raw map itself is a report of any plugin.
            decode: Ok,
            typed: PhantomData,
        }
    }
}

impl<'a, R> Reports<'a, R> {
    /// The plugin.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::ps::PsReport;
    /// println!("{}", dokku.report::<PsReport>().plugin().name);
    /// # Ok(()) }
    /// ```
    pub fn plugin(&self) -> &'static Plugin {
        self.plugin
    }

    /// The command that reads `target` in `format` (pure: for dry runs);
    /// see [`report_command`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::{report::ReportTarget, Format};
    /// use dokku_core::model::ps::PsReport;
    /// let command = dokku.report::<PsReport>().command(&ReportTarget::All, Format::Text)?;
    /// println!("would run: {command}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`report_command`].
    pub fn command(&self, target: &ReportTarget, format: Format) -> Result<Command> {
        report_command(self.plugin, target, format)
    }

    /// The format to ask this host for.
    fn format(&self, caps: &Capabilities, target: &ReportTarget) -> Result<Format> {
        let spec = spec_of(self.plugin)?;
        let json = match spec.json {
            _ if *target == ReportTarget::All => false,
            JsonSince::Dokku(since) => caps.version >= since,
            JsonSince::Plugin(since) => caps
                .plugin(self.plugin.name)
                .and_then(|p| crate::version::DokkuVersion::parse_plugin(&p.version))
                .is_some_and(|version| version >= since),
            _ => false,
        };
        Ok(if json { Format::Json } else { Format::Text })
    }

    async fn fetch(&self, target: ReportTarget) -> Result<Vec<R>> {
        let caps = self.dokku.capabilities().await?;
        let mut format = self.format(&caps, &target)?;
        let spec = spec_of(self.plugin)?;
        loop {
            let command = self.command(&target, format)?;
            let output = match self.dokku.run(&command).await {
                // A plugin that takes `--format` for an info flag.
                Err(Error::CommandFailed { ref message, .. })
                    if format.is_json() && message.contains("Invalid flag passed") =>
                {
                    format = Format::Text;
                    continue;
                }
                other => other?,
            };
            let stdout = output.stdout_lossy();
            if stdout.trim().is_empty() && target == ReportTarget::All {
                return Ok(Vec::new());
            }
            let raws = context(&command, report::any(spec.command, &stdout, spec))?;
            let mut reports = Vec::with_capacity(raws.len());
            for mut raw in raws {
                // JSON does not name the app; the request does.
                if let ReportTarget::App(app) = &target {
                    raw.subject.get_or_insert_with(|| app.to_string());
                }
                reports.push(context(&command, (self.decode)(raw))?);
            }
            return Ok(reports);
        }
    }

    async fn one(&self, target: ReportTarget) -> Result<R> {
        let command = self.command(&target, Format::Text)?;
        let mut reports = self.fetch(target).await?;
        match reports.len() {
            1 => Ok(reports.remove(0)),
            n => Err(Error::Parse {
                command: command.to_string(),
                source: ParseError::new("report", format!("expected one report, found {n}")),
            }),
        }
    }

    /// The report of one app: JSON where the host has it, text before.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::ps::PsReport;
    /// let report = dokku.report::<PsReport>().app(&dokku_core::AppName::new("api")?).await?;
    /// println!("{} containers", report.containers.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] for a missing app, [`Error::Parse`] naming the
    /// key Dokku printed something unexpected for,
    /// [`Error::Unsupported`] for a report the host's Dokku (or a community
    /// plugin it lacks) does not have, [`Error::InvalidArgument`] for a
    /// plugin without a report (nothing is sent), and transport errors.
    pub async fn app(&self, app: &AppName) -> Result<R> {
        self.one(ReportTarget::App(app.clone())).await
    }

    /// The reports of every app, in one invocation (text), in Dokku's order.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::domains::DomainsReport;
    /// for report in dokku.report::<DomainsReport>().all().await? {
    ///     println!("{:?}: {:?}", report.app, report.app_vhosts);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`], [`Error::Unsupported`] and
    /// [`Error::InvalidArgument`] as for [`Reports::app`], and transport
    /// errors.
    pub async fn all(&self) -> Result<Vec<R>> {
        self.fetch(ReportTarget::All).await
    }

    /// The reports of every app as Dokku prints them, one by one: the
    /// all-apps report takes Dokku most of a second per app for some
    /// plugins (`ps:report`), so a caller can show each app as its block
    /// arrives. A transport failure halfway ends the stream with that error
    /// after the apps already read; a non-zero exit, with the classified
    /// failure.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::ps::PsReport;
    /// use futures_util::StreamExt;
    ///
    /// let mut reports = dokku.report::<PsReport>().stream_all().await?;
    /// while let Some(report) = reports.next().await {
    ///     let report = report?;
    ///     println!("{:?}: {:?}", report.app, report.running);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] before anything is sent, transport errors on
    /// starting; then per item, [`Error::Parse`] for a block that does not
    /// decode, and the failure that ended the stream.
    pub async fn stream_all(&self) -> Result<ReportStream<R>>
    where
        R: Send + 'static,
    {
        let command = self.command(&ReportTarget::All, Format::Text)?;
        let chunks = self.dokku.stream(&command).await?;
        let spec = spec_of(self.plugin)?;
        Ok(report_blocks(chunks, command, spec, self.decode))
    }

    /// The global report (`--global`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::ps::PsGlobalReport;
    /// let global = dokku.report::<PsGlobalReport>().global().await?;
    /// println!("{:?}", global.restart_policy.effective());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if the plugin has no global report,
    /// [`Error::Unsupported`] on a Dokku before it had one, [`Error::Parse`]
    /// and transport errors.
    pub async fn global(&self) -> Result<R> {
        self.one(ReportTarget::Global).await
    }

    /// One value: `<plugin>:report (<app>|--global) --<key>`, which prints
    /// only the value (`key` as the report prints it, e.g. `ps-restart-policy`
    /// or `status-web.1`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::ps::PsReport;
    /// let app = dokku_core::AppName::new("api")?;
    /// let policy = dokku.report::<PsReport>().flag(&app, "ps-restart-policy").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a key that cannot be a flag,
    /// [`Error::CommandFailed`] (`Invalid flag passed`) for a key the report
    /// does not have, and the errors of [`Reports::app`].
    pub async fn flag(&self, scope: impl Into<Scope>, key: &str) -> Result<String> {
        let command = self.flag_command(&scope.into(), key)?;
        let output = self.dokku.run(&command).await?;
        Ok(report::info_flag(&output.stdout_lossy()).to_owned())
    }

    /// The command [`Reports::flag`] sends (pure). A value of a secret
    /// property is marked as secret output.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{api::Scope, model::ps::PsReport};
    /// let command = dokku.report::<PsReport>().flag_command(&Scope::Global, "ps-restart-policy")?;
    /// println!("would run: {command}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a key that cannot be a flag.
    pub fn flag_command(&self, scope: &Scope, key: &str) -> Result<Command> {
        let spec = spec_of(self.plugin)?;
        let valid = !key.is_empty()
            && !key.starts_with('-')
            && key.bytes().all(|b| b.is_ascii_graphic() && b != b'=');
        if !valid {
            return Err(Error::InvalidArgument {
                what: "report",
                reason: "a report key is printable characters without '=' or a leading '-'"
                    .to_owned(),
            });
        }
        // Its own, global or computed value (`logs-global-vector-sink`).
        let secret = self.plugin.is_secret_report_key(key);
        let command = scope
            .apply(Command::read(spec.command))
            .arg(format!("--{key}"));
        Ok(if secret {
            command.prints_secrets()
        } else {
            command
        })
    }
}
