//! The `dokku` program, simulated: argv in, output and exit code out.
//!
//! [`dispatch`] does what Dokku's entry script does before a plugin runs
//! ([`crate::entry`]: the global flags `--quiet`, `--force`, `--app`,
//! `--trace` anywhere in the line, the leading ones shifted off), answers
//! `version`, and prints "is not a dokku command" for anything no plugin
//! implements.
//! Each plugin family lives in its own module, formatted from Dokku's source.

pub mod apps;
pub mod certs;
pub mod config;
pub mod domains;
mod go_report;
pub mod godotenv;
pub mod letsencrypt;
pub mod logs;
pub mod plugin;
pub mod ports;
pub mod proxy;
pub mod ps;
pub mod service;

use crate::entry::{self, Globals, Invocation};
use crate::host::SimHost;
use crate::out::Out;

/// A `logs -t` that keeps printing until the caller stops reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    /// What is printed before following starts (the last lines).
    pub initial: Out,
    /// The app.
    pub app: String,
    /// Only this process type.
    pub process: Option<String>,
    /// `--quiet`: raw lines without prefix.
    pub quiet: bool,
}

/// The result of one invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The command finished.
    Done(Out),
    /// The command follows (`logs -t`) until stopped.
    Follow(Follow),
}

impl Outcome {
    /// The output printed so far (all of it for a finished command).
    pub fn output(&self) -> &Out {
        match self {
            Outcome::Done(out) => out,
            Outcome::Follow(follow) => &follow.initial,
        }
    }
}

/// One invocation in progress: the host, what has been printed, and what
/// the entry script read from the global flags.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The host, changed in place by mutating commands.
    pub host: &'a mut SimHost,
    /// What has been printed.
    pub out: Out,
    /// Standard input.
    pub stdin: &'a [u8],
    /// `dokku --force`.
    pub force: bool,
}

impl Ctx<'_> {
    /// `common.VerifyAppName`: a non-empty name that the current or the
    /// legacy rule accepts (else exit 1), of an app that exists (else
    /// `App <app> does not exist`, exit 20). Returns whether all holds.
    pub fn verify_app(&mut self, app: &str) -> bool {
        if app.is_empty() {
            self.out.fail(apps::NO_APP);
            return false;
        }
        if !apps::name_matches(app, false) && !apps::name_matches(app, true) {
            // VerifyAppName returns the new rule's error when both fail.
            self.out.fail(apps::INVALID_NAME);
            return false;
        }
        if !self.host.apps.contains_key(app) {
            self.out.app_missing(app);
            return false;
        }
        true
    }
}

/// Flags parsed the way Go plugins parse them (spf13/pflag): long flags
/// anywhere among the arguments, `--flag value` or `--flag=value`, and an
/// unknown flag is exit 2.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flags {
    /// Boolean flags that were given.
    pub bools: Vec<String>,
    /// Value flags and their values, in order.
    pub values: Vec<(String, String)>,
    /// Everything else, in order.
    pub positional: Vec<String>,
}

impl Flags {
    /// Parse `args` for `subcommand`. `bools` and `values` list the long
    /// flags (with `--`); `short` maps one-letter flags to long ones. On
    /// an unknown flag or a missing value, prints pflag's error into `out`
    /// and returns `None`.
    pub fn parse(
        out: &mut Out,
        subcommand: &str,
        args: &[String],
        bools: &[&str],
        values: &[&str],
        short: &[(&str, &str)],
    ) -> Option<Flags> {
        let mut flags = Flags::default();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            if arg == "--" {
                flags.positional.extend(iter.by_ref().cloned());
                break;
            }
            let long = match short.iter().find(|(s, _)| s == arg) {
                Some((_, long)) => (*long).to_owned(),
                None => arg.clone(),
            };
            if !long.starts_with('-') || long == "-" {
                flags.positional.push(arg.clone());
                continue;
            }
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (long.clone(), None),
            };
            if bools.contains(&name.as_str()) {
                flags.bools.push(name);
            } else if values.contains(&name.as_str()) {
                let value = match inline {
                    Some(v) => v,
                    None => match iter.next() {
                        Some(v) => v.clone(),
                        None => {
                            out.stderr_plain(&format!(
                                "flag needs an argument: {}",
                                name.trim_start_matches('-')
                            ));
                            out.stderr_plain(&format!("Usage of {subcommand}:"));
                            out.code = crate::out::EXIT_FLAG_ERROR;
                            return None;
                        }
                    },
                };
                flags.values.push((name, value));
            } else {
                out.unknown_flag(subcommand, &name);
                return None;
            }
        }
        Some(flags)
    }

    /// Whether a boolean flag was given.
    pub fn has(&self, flag: &str) -> bool {
        self.bools.iter().any(|f| f == flag)
    }

    /// The last value of a value flag.
    pub fn value(&self, flag: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(f, _)| f == flag)
            .map(|(_, v)| v.as_str())
    }
}

/// Run one `dokku` invocation against `host`. `argv` excludes the program
/// name (`["apps:list"]`); nothing is inherited from an environment.
pub fn dispatch(host: &mut SimHost, argv: &[String], stdin: &[u8]) -> Outcome {
    run(host, &Invocation::new(argv, Globals::default()), stdin)
}

/// Run one invocation of the entry script ([`crate::entry`]): its global
/// flags are already read and the leading ones shifted off.
pub fn run(host: &mut SimHost, invocation: &Invocation, stdin: &[u8]) -> Outcome {
    let globals = &invocation.globals;
    let mut ctx = Ctx {
        host,
        out: Out::new(globals.quiet),
        stdin,
        force: globals.force,
    };
    if globals.trace {
        // `set -x` traces every command of the script; these two lines
        // stand for all of them and carry every argument, as the real
        // trace does (secrets included).
        let mut words = vec!["parse_args"];
        words.extend(invocation.args.iter().map(String::as_str));
        ctx.out.stderr_plain(&entry::xtrace(&words));
    }
    let Some((subcommand, args)) = invocation.args.split_first() else {
        // `dokku` alone prints the help; an empty invocation is rare enough
        // that a short usage line stands in for it.
        ctx.out
            .log("Usage: dokku [--quiet|--trace|--force] COMMAND <app> [command-specific-options]");
        return Outcome::Done(ctx.out);
    };
    if matches!(subcommand.as_str(), "version" | "-v" | "--version") {
        ctx.out.log(&format!("dokku version {}", ctx.host.version));
        return Outcome::Done(ctx.out);
    }
    let mut args: Vec<String> = args.to_vec();
    // `execute_dokku_cmd`: a core plugin gets DOKKU_APP_NAME as its first
    // argument.
    let dir = entry::plugin_dir(subcommand);
    let core = ctx.host.plugins.iter().any(|p| p.core && p.name == dir);
    if core && !globals.app.is_empty() {
        args.insert(0, globals.app.clone());
    }
    if globals.trace {
        let mut words = vec!["execute_dokku_cmd", subcommand.as_str()];
        words.extend(args.iter().map(String::as_str));
        ctx.out.stderr_plain(&entry::xtrace(&words));
    }
    let family = subcommand.split(':').next().unwrap_or("");
    let handled = match family {
        "apps" => apps::run(&mut ctx, subcommand, &args),
        "ps" => ps::run(&mut ctx, subcommand, &args),
        "config" => config::run(&mut ctx, subcommand, &args),
        "domains" => domains::run(&mut ctx, subcommand, &args),
        "logs" => logs::run(&mut ctx, subcommand, &args),
        "plugin" => plugin::run(&mut ctx, subcommand, &args),
        "ports" => ports::run(&mut ctx, subcommand, &args),
        "certs" => certs::run(&mut ctx, subcommand, &args),
        "letsencrypt" => letsencrypt::run(&mut ctx, subcommand, &args),
        "proxy" => proxy::run(&mut ctx, subcommand, &args),
        _ => service::run(&mut ctx, family, subcommand, &args),
    };
    match handled {
        Some(outcome) => outcome,
        None => {
            // `execute_dokku_cmd` in the `dokku` script.
            let line = std::iter::once(subcommand.as_str())
                .chain(args.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ");
            ctx.out.warn(&format!("`{line}` is not a dokku command."));
            ctx.out
                .warn("See `dokku help` for a list of available commands.");
            ctx.out.code = 1;
            Outcome::Done(ctx.out)
        }
    }
}
