//! Pure parsers from Dokku's output to typed values.
//!
//! Nothing here does I/O: every function takes `&str` and returns a value or a
//! [`ParseError`] that names the command family and, where it can, the line it
//! could not read. They never panic on any input (property-tested), so a
//! newer Dokku printing something unexpected is an error, not a crash.
//!
//! Parsers never put output *values* into error messages for commands whose
//! output is secret (config); they name positions and keys instead.

pub mod apps;
pub mod buildpacks;
pub mod builds;
pub mod certs;
pub mod community;
pub mod config;
pub mod cron;
pub mod deploy;
pub mod docker_options;
pub mod events;
pub mod host;
pub mod letsencrypt;
pub mod logs;
pub mod network;
pub mod plugin;
pub mod ports;
pub mod proxies;
pub mod ps;
pub mod report;
pub mod resource;
pub mod run;
pub mod scheduler;
pub mod service;
pub mod ssh_keys;
pub mod storage;
pub mod table;
pub mod version;

use std::fmt;

use crate::command::Command;
use crate::error::Error;
use crate::exec::Output;

/// Dokku printed something we could not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct ParseError {
    /// The command family, e.g. `apps:report`.
    pub what: &'static str,
    /// The 1-based line of the output, when one line is at fault.
    pub line: Option<usize>,
    /// What was wrong.
    pub reason: String,
}

impl ParseError {
    /// An error about the output as a whole.
    pub fn new(what: &'static str, reason: impl Into<String>) -> Self {
        Self {
            what,
            line: None,
            reason: reason.into(),
        }
    }

    /// An error about one line (0-based index in, 1-based line out).
    pub fn at(what: &'static str, index: usize, reason: impl Into<String>) -> Self {
        Self {
            what,
            line: Some(index + 1),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} output, line {line}: {}", self.what, self.reason),
            None => write!(f, "{} output: {}", self.what, self.reason),
        }
    }
}

/// `stdout` read as the JSON of a `T`. The error says what was
/// `expected` and where the JSON broke, never what it held (serde's own
/// messages may quote a value).
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    expected: &str,
    stdout: &str,
) -> Result<T, ParseError> {
    serde_json::from_str(stdout.trim()).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        ParseError::new(
            what,
            format!("not {expected} (line {line}, column {column})"),
        )
    })
}

/// A JSON array of `T` (`null` or nothing at all is an empty one).
pub(crate) fn json_array<T: serde::de::DeserializeOwned>(
    what: &'static str,
    stdout: &str,
) -> Result<Vec<T>, ParseError> {
    if stdout.trim().is_empty() {
        return Ok(Vec::new());
    }
    json::<Option<Vec<T>>>(what, "the JSON array expected", stdout).map(Option::unwrap_or_default)
}

/// Attach the command line to a parser's error.
pub(crate) fn context<T>(command: &Command, result: Result<T, ParseError>) -> Result<T, Error> {
    result.map_err(|source| Error::Parse {
        command: command.to_string(),
        source,
    })
}

/// The prefix Dokku puts on warnings and failures (`dokku_log_warn`,
/// `dokku_log_fail`).
pub const WARN_PREFIX: &str = " !     ";

/// Strip Dokku's ` !     ` prefix from every line, and the ANSI colour
/// codes tools built on josegonzalez/cli-skeleton (dokku-datastore) wrap it
/// in (`ESC[1m ESC[31m !     ESC[0m ESC[0m`).
pub fn strip_warn_prefixes(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = strip_ansi(l);
            l.strip_prefix(WARN_PREFIX)
                .unwrap_or(&l)
                .trim_end()
                .to_owned()
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Classify a finished command: success passes through; a failure becomes
/// the matching [`Error`].
pub fn expect_success(command: &Command, output: Output) -> Result<Output, Error> {
    if output.status.success() {
        return Ok(output);
    }
    let raw_stderr = output.stderr_lossy();
    let command_line = command.to_string();
    // A stored environment Dokku can no longer read (exit 1; a missing
    // app, exit 20, is checked before the file is read). Its message
    // quotes stored values, so only its kind is kept.
    if output.status.as_code() != Some(20) && !reads_envfile_input(command) {
        if let Some(problem) = config::env_read_error(&raw_stderr) {
            let (app, global) = env_scope(command);
            return Err(Error::CorruptConfig {
                app,
                global,
                problem: problem.to_owned(),
                command: command_line,
            });
        }
    }
    let stderr = strip_warn_prefixes(&config::redact_env_read_errors(&raw_stderr));
    let stdout = if command.output_is_secret() {
        String::new()
    } else {
        output.stdout_lossy().into_owned()
    };
    let lower = stderr.to_ascii_lowercase();
    let app = command.app().map(|a| a.to_string());
    if lower.contains("is not a dokku command") {
        return Err(Error::NotADokkuCommand {
            subcommand: command.subcommand().to_owned(),
            command: command_line,
        });
    }
    if let Some(app) = app {
        let missing = output.status.as_code() == Some(20)
            || lower.contains(&format!("app {app} does not exist"));
        if missing {
            return Err(Error::AppNotFound {
                app,
                command: command_line,
            });
        }
        if lower.contains(&format!("app {app} has not been deployed")) {
            return Err(Error::AppNotDeployed {
                app,
                command: command_line,
            });
        }
        // Only the commands that take a new app name can find it taken
        // ("Name is already taken"); other "already exists" messages
        // (`storage:mount`'s "Mount path already exists.") are Dokku's
        // own failures.
        let names_an_app = matches!(
            command.subcommand(),
            "apps:create" | "apps:rename" | "apps:clone"
        );
        if names_an_app
            && (lower.contains("name is already taken") || lower.contains("already exists"))
        {
            let app = taken_name(command).unwrap_or(app);
            return Err(Error::AppExists {
                app,
                command: command_line,
            });
        }
    }
    let message = if stderr.is_empty() {
        strip_warn_prefixes(&stdout)
    } else {
        stderr.clone()
    };
    // What the verb looks up by name, said missing in Dokku's words.
    if let Some(missing) = command.verb().and_then(|v| v.missing) {
        let said = message.to_lowercase();
        if missing.says.iter().any(|words| said.contains(words)) {
            let args: Vec<String> = command
                .arguments()
                .iter()
                .map(|a| a.redacted().into_owned())
                .collect();
            if let Some(name) = missing.name_in(&args) {
                return Err(Error::NotFound {
                    what: missing.what,
                    name: name.to_owned(),
                    message: message.trim().to_owned(),
                    command: command_line,
                });
            }
        }
    }
    Err(Error::CommandFailed {
        command: command_line,
        status: output.status,
        message,
        stdout,
        stderr,
    })
}

/// `config:import` in its default `envfile` format parses its *input*
/// with the same reader, so there the same messages are about the input
/// (still quoting it: they are redacted, not classified).
fn reads_envfile_input(command: &Command) -> bool {
    if command.subcommand() != "config:import" {
        return false;
    }
    let args: Vec<std::borrow::Cow<'_, str>> =
        command.arguments().iter().map(|a| a.redacted()).collect();
    let json = args.iter().any(|a| a == "--format=json")
        || args
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json");
    !json
}

/// Whose stored environment a command read, as (the app's file, the
/// global file): `--global` reads the global file, an app's config command
/// (without `--merged`) the app's, and anything else that reads an app's
/// environment (merged reads, deploys, restarts) both.
fn env_scope(command: &Command) -> (Option<String>, bool) {
    let has = |flag: &str| command.arguments().iter().any(|a| a.redacted() == flag);
    if has("--global") {
        return (None, true);
    }
    let app = command.app().map(ToString::to_string);
    let own_only = command.subcommand().starts_with("config") && !has("--merged");
    let global = app.is_none() || !own_only;
    (app, global)
}

// For rename and clone the name that is taken is the new one.
fn taken_name(command: &Command) -> Option<String> {
    match command.subcommand() {
        "apps:rename" | "apps:clone" => command
            .arguments()
            .iter()
            .rev()
            .map(|a| a.redacted().into_owned())
            .find(|a| !a.starts_with("--")),
        _ => None,
    }
}

/// Remove ANSI escape sequences (colours, cursor movement) from text.
pub fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\u{1b}') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            // CSI: ESC [ params… final byte in @..~
            Some('[') => {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // OSC: ESC ] … BEL or ESC \
            Some(']') => {
                chars.next();
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            // Two-character sequences (ESC c, ESC ( B …).
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::ExitStatus;
    use crate::name::AppName;

    #[test]
    fn strips_ansi() {
        assert_eq!(strip_ansi("\u{1b}[1;32mok\u{1b}[0m done"), "ok done");
        assert_eq!(strip_ansi("plain"), "plain");
        assert_eq!(strip_ansi("\u{1b}]0;title\u{7}x"), "x");
        assert_eq!(strip_ansi("trailing \u{1b}"), "trailing ");
    }

    #[test]
    fn classifies_missing_app() {
        let app = AppName::new("ghost").unwrap();
        let cmd = Command::read("apps:report").app_arg(&app);
        let out = Output::new(
            ExitStatus::code(20),
            "",
            " !     App ghost does not exist\n",
        );
        let err = expect_success(&cmd, out).unwrap_err();
        assert!(
            matches!(err, Error::AppNotFound { ref app, .. } if app == "ghost"),
            "{err}"
        );
    }

    /// Source-derived (dokku-postgres' `verify_service_name`, shared by
    /// every datastore generated from Dokku's service template): a missing
    /// service fails with `<Plugin> service <name> does not exist`.
    #[test]
    fn what_a_verb_looks_up_said_missing_is_not_found_naming_it() {
        let out = |stderr: &str| Output::new(ExitStatus::code(1), "", stderr);
        let info = Command::read("postgres:info").arg("lost-db");
        let err = expect_success(
            &info,
            out(" !     Postgres service lost-db does not exist\n"),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::NotFound { what: "service", name, .. } if name == "lost-db"),
            "{err}"
        );
        assert!(err.is_not_found());
        // A verb whose later arguments are secrets names the service only.
        let auth = Command::write("postgres:backup-auth")
            .arg("lost-db")
            .secret(crate::SecretString::new("AKIA-KEY-ID"))
            .secret(crate::SecretString::new("s3cr3t-access-key"));
        let err = expect_success(
            &auth,
            out(" !     Postgres service lost-db does not exist\n"),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::NotFound { what: "service", name, .. } if name == "lost-db"),
            "{err}"
        );
        assert!(!format!("{err} {err:?}").contains("s3cr3t"), "{err:?}");
        // The app a link names is checked first: a missing app is that.
        let app = AppName::new("ghost").unwrap();
        let link = Command::write("postgres:link").arg("db").app_arg(&app);
        let err = expect_success(&link, out(" !     App ghost does not exist\n")).unwrap_err();
        assert!(matches!(err, Error::AppNotFound { .. }), "{err}");
        // Other failures of the same verb stay Dokku's.
        let err = expect_success(&info, out(" !     Docker is not running\n")).unwrap_err();
        assert!(matches!(err, Error::CommandFailed { .. }), "{err}");
        // A verb without a lookup is never NotFound, whatever it says.
        let list = Command::read("postgres:list");
        let err = expect_success(&list, out(" !     something does not exist\n")).unwrap_err();
        assert!(matches!(err, Error::CommandFailed { .. }), "{err}");
    }

    #[test]
    fn failure_message_strips_prefixes_and_hides_secret_stdout() {
        let cmd = Command::read("config:export").prints_secrets();
        let out = Output::new(
            ExitStatus::code(1),
            "SECRET=1\n",
            " !     boom\n !     more\n",
        );
        match expect_success(&cmd, out).unwrap_err() {
            Error::CommandFailed {
                message, stdout, ..
            } => {
                assert_eq!(message, "boom\nmore");
                assert!(stdout.is_empty());
            }
            other => panic!("{other}"),
        }
    }
}
