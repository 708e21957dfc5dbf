//! One invocation in progress, and how plugins reach each other.
//!
//! In Dokku, a plugin never calls into another plugin's code: it runs
//! `plugn trigger <name> …` (every plugin that implements the trigger
//! runs, in plugin order) or runs another plugin's command (bash
//! `config_set` execs the config plugin's binary; datastore plugins run
//! `dokku config:set`). The simulator does the same: a command module
//! reaches another plugin only through [`Ctx::trigger`] and [`Ctx::call`],
//! which go through the dispatch table in `commands` ([`Plugins`]), so no
//! command module imports another.

use dokku_core::DokkuVersion;

use super::flags::Flags;
use super::names::{invalid_name, name_matches, NO_APP};
use crate::host::SimHost;
use crate::out::Out;

/// A command that keeps printing until the caller stops reading (`logs
/// -t`, `events -t`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    /// What is printed before following starts (the last lines).
    pub initial: Out,
    /// What it follows.
    pub what: Followed,
}

/// What a [`Follow`] follows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Followed {
    /// An app's containers' logs (`logs -t`).
    Logs {
        /// The app.
        app: String,
        /// Only this process type.
        process: Option<String>,
        /// `--quiet`: raw lines without prefix.
        quiet: bool,
    },
    /// The event log (`events -t`: `tail -F`), from this position
    /// ([`crate::host::EventLog::written`]).
    Events {
        /// The next line to print.
        from: u64,
    },
    /// A running build's log (`builds:output`: `tail -n 1000 -f`).
    Build {
        /// The app.
        app: String,
        /// The build.
        id: String,
        /// How many of its log's lines were printed.
        from: usize,
    },
}

/// The result of one invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The command finished.
    Done(Out),
    /// The command follows (`logs -t`, `events -t`) until stopped.
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

    /// The output, whether the command finished or follows.
    pub fn into_output(self) -> Out {
        match self {
            Outcome::Done(out) => out,
            Outcome::Follow(follow) => follow.initial,
        }
    }
}

/// A plugin subcommand: `None` when no plugin implements it.
pub type CommandFn = fn(&mut Ctx<'_>, &str, &[String]) -> Option<Outcome>;
/// Every plugin's implementation of one trigger, in plugin order.
pub type TriggerFn = fn(&mut Ctx<'_>, &str, &[String]);

/// The dispatch table: how the `dokku` program finds a subcommand, and how
/// `plugn trigger` finds the plugins implementing a trigger.
#[derive(Debug, Clone, Copy)]
pub struct Plugins {
    /// Runs a subcommand.
    pub command: CommandFn,
    /// Runs a trigger.
    pub trigger: TriggerFn,
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
    /// The dispatch table.
    pub plugins: Plugins,
}

/// What a trigger printed on stdout, captured (`$(plugn trigger …)`), and
/// how it exited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    /// Standard output.
    pub stdout: String,
    /// Exit code.
    pub code: i32,
}

impl Captured {
    /// The output without its trailing newline, as `$(…)` strips it.
    pub fn text(&self) -> &str {
        self.stdout.trim_end_matches('\n')
    }

    /// The output split on whitespace, as bash's unquoted `$(…)` is.
    pub fn words(&self) -> Vec<String> {
        self.stdout.split_whitespace().map(str::to_owned).collect()
    }
}

impl Ctx<'_> {
    /// The Dokku version of the host.
    pub fn version(&self) -> DokkuVersion {
        self.host.version
    }

    /// `common.VerifyAppName`: a non-empty name that the current or the
    /// legacy rule accepts (else exit 1), of an app that exists (else
    /// `App <app> does not exist`, exit 20). Returns whether all holds.
    pub fn verify_app(&mut self, app: &str) -> bool {
        if app.is_empty() {
            self.out.fail(NO_APP);
            return false;
        }
        let version = self.host.version;
        if !name_matches(version, app, false) && !name_matches(version, app, true) {
            // VerifyAppName returns the new rule's error when both fail.
            self.out.fail(invalid_name(version));
            return false;
        }
        if !self.host.apps.contains_key(app) {
            self.out.app_missing(app);
            return false;
        }
        true
    }

    /// bash's `verify_app_name` (`plugins/common/functions`): the Go check
    /// run with `--quiet`, so any failure, an empty or invalid name too, is
    /// `App <app> does not exist`, exit 20.
    pub fn verify_app_bash(&mut self, app: &str) -> bool {
        let mut quiet = Out::new(true);
        std::mem::swap(&mut quiet, &mut self.out);
        let ok = self.verify_app(app);
        std::mem::swap(&mut quiet, &mut self.out);
        if !ok {
            self.out.app_missing(app);
        }
        ok
    }

    /// [`Flags::parse`] with this host's pflag.
    pub fn parse_flags(
        &mut self,
        subcommand: &str,
        args: &[String],
        bools: &[&str],
        values: &[&str],
        short: &[(&str, &str)],
    ) -> Option<Flags> {
        let version = self.host.version;
        Flags::parse(
            version,
            &mut self.out,
            subcommand,
            args,
            bools,
            values,
            short,
        )
    }

    /// Run another plugin's subcommand in this invocation (what `dokku
    /// <subcommand>` or a plugin's own binary does when a plugin runs it):
    /// its output is printed here, its exit code returned.
    pub fn call(&mut self, subcommand: &str, args: &[String]) -> i32 {
        let quiet = self.out.quiet;
        self.call_with(subcommand, args, quiet)
    }

    /// [`Ctx::call`] with `DOKKU_QUIET_OUTPUT=1` in its environment.
    pub fn call_quiet(&mut self, subcommand: &str, args: &[String]) -> i32 {
        self.call_with(subcommand, args, true)
    }

    fn call_with(&mut self, subcommand: &str, args: &[String], quiet: bool) -> i32 {
        let mut fresh = Out::new(quiet);
        // Standard error merged as the caller's (its log is the caller's).
        fresh.capture = self.out.capture.map(|_| 0);
        let outer = std::mem::replace(&mut self.out, fresh);
        let command = self.plugins.command;
        let inner = match command(self, subcommand, args) {
            Some(outcome) => outcome.into_output(),
            None => std::mem::take(&mut self.out),
        };
        self.out = outer;
        self.out.stdout.extend_from_slice(&inner.stdout);
        self.out.stderr.extend_from_slice(&inner.stderr);
        inner.code
    }

    /// `plugn trigger <name> <args…>` with its output streamed (Go's
    /// `StreamStdio: true`, or a bare call in bash). Returns the exit code
    /// of the trigger; this invocation's own exit code is kept.
    pub fn trigger(&mut self, name: &str, args: &[String]) -> i32 {
        let code = std::mem::take(&mut self.out.code);
        let trigger = self.plugins.trigger;
        trigger(self, name, args);
        std::mem::replace(&mut self.out.code, code)
    }

    /// A `mktemp -d "/tmp/dokku-${DOKKU_PID}-<function>.XXXXXX"` name (from
    /// the clock, not random).
    pub fn temp_dir(&self, function: &str) -> String {
        use sha2::{Digest, Sha256};
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let digest = Sha256::digest(format!("{function}:{}", self.host.now).as_bytes());
        let suffix: String = digest
            .iter()
            .take(6)
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
            .collect();
        let pid = 1_000 + self.host.now % 30_000;
        format!("/tmp/dokku-{pid}-{function}.{suffix}")
    }

    /// `$(plugn trigger <name> <args…>)`: stdout captured, stderr printed.
    pub fn trigger_capture(&mut self, name: &str, args: &[String]) -> Captured {
        let stdout = std::mem::take(&mut self.out.stdout);
        let code = self.trigger(name, args);
        let captured = std::mem::replace(&mut self.out.stdout, stdout);
        Captured {
            stdout: String::from_utf8_lossy(&captured).into_owned(),
            code,
        }
    }
}
