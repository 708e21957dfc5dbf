//! `report PLUGIN [APP|--global|--all]` and `set PLUGIN (APP|--global) KEY
//! [VALUE]`: every plugin in the library's catalog, read and set through
//! one generic path. The catalog says which plugins have a report, which
//! properties exist, where they can be set, which values they take and
//! which are secret; nothing here names a plugin.

use std::collections::BTreeMap;

use clap::Args;
use dokku::api::report::{report_command, ReportTarget};
use dokku::api::{Format, Scope};
use dokku::catalog::Plugin;
use dokku::parse::report::RawReport;
use dokku::{AppName, Command};
use serde_json::json;

use crate::args;
use crate::error::CliError;
use crate::family::{Context, Family, Opts};
use crate::output::{self, Cell, DIM};
use crate::property::Change;
use crate::session::Session;

pub const REPORT_HELP: &str = "Examples:\n  cli --demo report ps api\n  cli --demo report proxy --global\n  cli --demo report domains --all --json";

pub const SET_HELP: &str = "Examples:\n  cli --demo set ps api restart-policy always\n  cli --demo set ps api restart-policy          (unsets it)\n  cli --demo set proxy --global type caddy\n  pass show sink | cli --demo set logs api vector-sink -   (a secret: from stdin)";

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A catalogued plugin with a report (apps, ps, domains, proxy, …).
    #[arg(value_parser = args::plugin_with_report)]
    pub plugin: &'static Plugin,
    /// The app (default: --app, or the `dokku` git remote).
    #[arg(value_parser = args::app_name)]
    pub app: Option<AppName>,
    /// The global settings.
    #[arg(long, conflicts_with_all = ["app", "all"])]
    pub global: bool,
    /// Every app, in one invocation.
    #[arg(long, conflicts_with = "app")]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// A catalogued plugin with properties (ps, proxy, logs, letsencrypt, …).
    #[arg(value_parser = args::plugin_with_properties)]
    pub plugin: &'static Plugin,
    /// (APP|--global) KEY [VALUE]: without VALUE the property is unset; a
    /// secret property's VALUE is `-` (read from a prompt or stdin).
    #[arg(value_name = "ARGS", required = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
    /// Set the global value.
    #[arg(long)]
    pub global: bool,
}

#[derive(Debug, Clone)]
pub struct ReportPlan {
    plugin: &'static Plugin,
    target: ReportTarget,
}

impl Family for ReportArgs {
    type Plan = ReportPlan;

    fn plan(self, cx: &mut Context) -> Result<ReportPlan, CliError> {
        let target = if self.global {
            ReportTarget::Global
        } else if self.all {
            ReportTarget::All
        } else {
            ReportTarget::App(cx.app(self.app)?)
        };
        // Refuse `--global` for a plugin without a global report now.
        report_command(self.plugin, &target, Format::Text)?;
        Ok(ReportPlan {
            plugin: self.plugin,
            target,
        })
    }

    fn commands(plan: &ReportPlan) -> Result<Vec<Command>, CliError> {
        let format = match plan.target {
            ReportTarget::All => Format::Text,
            _ => Format::Json,
        };
        Ok(vec![report_command(plan.plugin, &plan.target, format)?])
    }

    async fn run(plan: ReportPlan, s: &Session) -> Result<(), CliError> {
        let reports = s.dokku().await?.raw_report(plan.plugin);
        let raws = match &plan.target {
            ReportTarget::App(app) => vec![reports.app(app).await?],
            ReportTarget::Global => vec![reports.global().await?],
            _ => reports.all().await?,
        };
        let shown: Vec<Shown> = raws
            .iter()
            .map(|raw| Shown::new(plan.plugin, &plan.target, raw, s.opts.reveal))
            .collect();
        if shown.iter().any(|r| r.masked) {
            output::refuse_masked_to_pipe(
                "secret property values",
                s.opts.reveal,
                "pass --reveal to write the values",
            )?;
        }
        if s.opts.json {
            let rows: Vec<_> = shown.iter().map(Shown::json).collect();
            return Ok(output::json(&match plan.target {
                ReportTarget::All => json!(rows),
                _ => rows.into_iter().next().unwrap_or_default(),
            })?);
        }
        for (i, report) in shown.iter().enumerate() {
            if i > 0 {
                output::lines(&[String::new()])?;
            }
            report.pairs()?;
        }
        if shown.iter().any(|r| r.masked) {
            output::note("(secret values hidden; pass --reveal to show them)");
        }
        Ok(())
    }
}

/// One report as shown: its subject, its keys as Dokku printed them, and
/// the values of secret properties masked unless revealed.
struct Shown {
    plugin: &'static str,
    prefix: &'static str,
    app: Option<String>,
    fields: BTreeMap<String, String>,
    masked: bool,
}

impl Shown {
    fn new(plugin: &'static Plugin, target: &ReportTarget, raw: &RawReport, reveal: bool) -> Self {
        let prefix = plugin.report.as_ref().map_or("", |r| r.prefix);
        let app = match target {
            ReportTarget::App(app) => Some(app.to_string()),
            ReportTarget::Global => None,
            _ => raw.subject.clone(),
        };
        let mut masked = false;
        let fields = raw
            .fields
            .iter()
            .map(|(key, value)| {
                let hide = !reveal && !value.is_empty() && is_secret(plugin, prefix, key);
                masked |= hide;
                let value = if hide {
                    "***".to_owned()
                } else {
                    value.clone()
                };
                (key.clone(), value)
            })
            .collect();
        Shown {
            plugin: plugin.name,
            prefix,
            app,
            fields,
            masked,
        }
    }

    fn json(&self) -> serde_json::Value {
        json!({ "plugin": self.plugin, "app": self.app, "report": self.fields })
    }

    /// The keys without the plugin's prefix, once each (late 0.38 JSON
    /// prints both forms).
    fn pairs(&self) -> std::io::Result<()> {
        let mut bare: BTreeMap<&str, &str> = BTreeMap::new();
        for (key, value) in &self.fields {
            let short = key
                .strip_prefix(self.prefix)
                .and_then(|k| k.strip_prefix('-'))
                .unwrap_or(key);
            bare.entry(short).or_insert(value);
        }
        let title = match &self.app {
            Some(app) => format!("{} report of {app}", self.plugin),
            None => format!("global {} settings", self.plugin),
        };
        let rows: Vec<(&str, Cell)> = bare
            .into_iter()
            .map(|(k, v)| {
                let cell = if v == "***" {
                    Cell(v.to_owned(), DIM)
                } else {
                    Cell::plain(v)
                };
                (k, cell)
            })
            .collect();
        output::pairs(&title, &rows)
    }
}

/// Whether a report key shows a secret property's value: `<prefix>-key`,
/// `global-key`, `computed-key` and the bare key all do.
fn is_secret(plugin: &Plugin, prefix: &str, key: &str) -> bool {
    let key = key
        .strip_prefix(prefix)
        .and_then(|k| k.strip_prefix('-'))
        .unwrap_or(key);
    let key = key
        .strip_prefix("global-")
        .or_else(|| key.strip_prefix("computed-"))
        .unwrap_or(key);
    plugin.property(key).is_some_and(|p| p.secret)
}

impl Family for SetArgs {
    type Plan = Change;

    fn plan(self, cx: &mut Context) -> Result<Change, CliError> {
        let SetArgs {
            plugin,
            args,
            global,
        } = self;
        let (scope, items) = if global {
            (Scope::Global, args)
        } else if let Some(app) = cx.app_flag() {
            (Scope::App(app.clone()), args)
        } else {
            let mut args = args.into_iter();
            let app = args.next().map(|a| args::app_name(&a)).transpose()?;
            let Some(app) = app else {
                return Err(set_usage(plugin));
            };
            (Scope::App(app), args.collect())
        };
        let (key, value) = match <[String; 1]>::try_from(items) {
            Ok([key]) => (key, None),
            Err(items) => match <[String; 2]>::try_from(items) {
                Ok([key, value]) => (key, Some(value)),
                Err(_) => return Err(set_usage(plugin)),
            },
        };
        Change::new(plugin, scope, key, value)
    }

    fn commands(plan: &Change) -> Result<Vec<Command>, CliError> {
        Ok(vec![plan.command()?])
    }

    fn prepare(plan: Change, _opts: &Opts) -> Result<Change, CliError> {
        plan.prepare()
    }

    async fn run(plan: Change, s: &Session) -> Result<(), CliError> {
        plan.run(s).await
    }
}

fn set_usage(plugin: &Plugin) -> CliError {
    let keys: Vec<&str> = plugin.properties.iter().map(|p| p.key).collect();
    CliError::usage(
        format!(
            "set takes (APP|--global) KEY [VALUE]; {} has: {}",
            plugin.name,
            keys.join(", ")
        ),
        format!(
            "`cli set {} api KEY VALUE`, or without VALUE to unset",
            plugin.name
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use dokku::catalog::plugins;

    #[test]
    fn secret_properties_are_found_under_every_report_key() {
        for key in [
            "logs-vector-sink",
            "vector-sink",
            "logs-global-vector-sink",
            "logs-computed-vector-sink",
        ] {
            assert!(is_secret(&plugins::LOGS, "logs", key), "{key}");
        }
        assert!(!is_secret(&plugins::LOGS, "logs", "logs-max-size"));
    }
}
