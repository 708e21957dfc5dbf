//! A connected session: the audited client, the history it writes to, and
//! the two interactions every command family shares: streaming a long
//! command's output live, and asking before destroying something.

use std::collections::BTreeMap;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dokku::model::plugin::PluginInfo;
use dokku::{
    Capabilities, Chunk, Command, Dokku, DokkuVersion, ExecError, Executor, Output, SecretString,
};
use dokku_history::{Audited, HistoryStore, Source};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::common::{self, Target, TargetArgs};
use crate::error::CliError;
use crate::output::{self, BOLD, RED, YELLOW};
use crate::plan::{now_ms, Opts};

pub struct Session {
    pub dokku: Dokku,
    /// The audit layer under `dokku`, to wait for cancelled commands'
    /// records before exiting.
    audited: Audited<Arc<dyn Executor>>,
    /// Becomes true at the first Ctrl-C. A flag rather than a fresh
    /// `ctrl_c()` per wait: a signal that lands between two waits is not
    /// lost, and every waiter (a stream's loop, the command around it)
    /// sees the same one.
    interrupted: tokio::sync::watch::Receiver<bool>,
    pub opts: Opts,
    caps: CapsCache,
    /// Whether the client started from cached capabilities.
    caps_from_cache: bool,
}

/// How long a host's probed capabilities (Dokku version, plugins) are
/// reused by later runs: probing costs two Dokku start-ups per run.
const CAPS_TTL_MS: i64 = 10 * 60 * 1000;

/// The hosts' capabilities, kept beside the history database.
struct CapsCache {
    path: PathBuf,
    key: String,
}

#[derive(Serialize, Deserialize)]
struct CachedCaps {
    version: DokkuVersion,
    plugins: Vec<PluginInfo>,
    probed_at_ms: i64,
}

impl CapsCache {
    fn for_target(history: &Path, target: &Target) -> Self {
        let key = match target {
            Target::Demo { state } => format!("demo:{}", state.display()),
            Target::Local { program } => format!("local:{program}"),
            ssh => format!("ssh:{}", ssh.host_label()),
        };
        CapsCache {
            path: history.with_file_name("capabilities.json"),
            key,
        }
    }

    fn read_all(&self) -> BTreeMap<String, CachedCaps> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn load(&self) -> Option<Capabilities> {
        let entry = self.read_all().remove(&self.key)?;
        let age = now_ms() - entry.probed_at_ms;
        (0..CAPS_TTL_MS).contains(&age).then_some(Capabilities {
            version: entry.version,
            plugins: entry.plugins,
        })
    }

    // A lost race or a failed write only costs the next run a probe.
    fn store(&self, caps: Option<&Capabilities>) {
        let mut all = self.read_all();
        match caps {
            Some(caps) => all.insert(
                self.key.clone(),
                CachedCaps {
                    version: caps.version,
                    plugins: caps.plugins.clone(),
                    probed_at_ms: now_ms(),
                },
            ),
            None => all.remove(&self.key),
        };
        let tmp = self.path.with_extension("json.tmp");
        if let Ok(bytes) = serde_json::to_vec(&all) {
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, &self.path);
            }
        }
    }
}

/// Who runs the commands, for the audit trail: the login name from the
/// environment, else what `id -un` says (cron and containers often set no
/// `$USER`).
pub fn local_user() -> String {
    let from_env = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()));
    from_env
        .or_else(|| {
            let out = std::process::Command::new("id").arg("-un").output().ok()?;
            let name = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            (out.status.success() && !name.is_empty()).then_some(name)
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Open the history the flags name (a file, or `--history postgres://…`).
pub async fn open_store(target: &TargetArgs) -> Result<HistoryStore, CliError> {
    Ok(common::open_history_for(target).await?)
}

impl Session {
    /// Connect to the target and wrap the executor so every command is
    /// recorded (actor: the local user, source: cli, host: the target).
    pub async fn open(args: &TargetArgs, opts: Opts) -> Result<Self, CliError> {
        let target = args.target()?;
        let history = args.history_file()?;
        let store = common::open_history_for(args).await?;
        let executor = common::connect(&target).await?;
        let audited = Audited::new(executor, store)
            .actor(local_user())
            .source(Source::Cli)
            .host(target.host_label());
        let caps = CapsCache::for_target(&history, &target);
        let cached = caps.load();
        let caps_from_cache = cached.is_some();
        let dokku = match cached {
            Some(known) => Dokku::new(audited.clone()).with_capabilities(known),
            None => Dokku::new(audited.clone()),
        };
        let (tx, interrupted) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = tx.send(true);
            }
        });
        Ok(Session {
            dokku,
            audited,
            interrupted,
            opts,
            caps,
            caps_from_cache,
        })
    }

    /// Whether a refusal for lack of a plugin or version may come from
    /// stale cached capabilities (then [`Session::forget_capabilities`]
    /// and try again: nothing was sent).
    pub fn may_be_stale(&self, error: &CliError) -> bool {
        self.caps_from_cache && matches!(error, CliError::Dokku(dokku::Error::Unsupported { .. }))
    }

    /// Probe the host afresh on the next call.
    pub async fn forget_capabilities(&mut self) {
        self.caps.store(None);
        self.dokku.refresh_capabilities().await;
        self.caps_from_cache = false;
    }

    /// Keep what this run probed for the next runs.
    pub async fn save_capabilities(&self) {
        if self.caps_from_cache {
            return;
        }
        if let Some(caps) = self.dokku.cached_capabilities().await {
            self.caps.store(Some(&caps));
        }
    }

    /// Run a long command, showing its output live under a spinner (in
    /// JSON mode, collecting it instead). `mask` rewrites each stdout line
    /// before it is shown or returned (config values). Ctrl-C stops it.
    pub async fn stream(
        &self,
        command: &Command,
        label: &str,
        mask: &mut dyn FnMut(&str) -> String,
    ) -> Result<Vec<String>, CliError> {
        let bar = output::spinner(label.to_owned());
        let mut stream = self.dokku.stream(command).await.inspect_err(|_| {
            bar.finish_and_clear();
        })?;
        let mut lines = Vec::new();
        let mut partial = Vec::new();
        let mut stderr = Vec::new();
        let mut stderr_partial = Vec::new();
        let json = self.opts.json;
        // A command whose output may hold credentials (a DSN, a URL with a
        // password) shows them masked unless --reveal.
        let mask_urls = command.output_is_secret() && !self.opts.reveal;
        let mut show = |line: &str, lines: &mut Vec<String>| -> io::Result<()> {
            let line = mask(line);
            let line = if mask_urls {
                dokku_history::redact::mask_userinfo(&line).into_owned()
            } else {
                line
            };
            if !json {
                bar.suspend(|| print_dokku_line(&line))?;
            }
            lines.push(line);
            Ok(())
        };
        let status = loop {
            let chunk = tokio::select! {
                chunk = stream.next() => chunk,
                _ = self.interrupted() => {
                    drop(stream);
                    output::interrupted(&bar);
                    self.settle().await;
                    return Err(CliError::Interrupted);
                }
            };
            match chunk {
                Some(Ok(Chunk::Stdout(bytes))) => {
                    partial.extend_from_slice(&bytes);
                    while let Some(end) = partial.iter().position(|&b| b == b'\n') {
                        let line: Vec<u8> = partial.drain(..=end).collect();
                        show(String::from_utf8_lossy(&line[..end]).trim_end(), &mut lines)?;
                    }
                }
                Some(Ok(Chunk::Stderr(bytes))) => {
                    stderr_partial.extend_from_slice(&bytes);
                    // Whole lines only: a godotenv error must be seen whole
                    // to be cut before the values it quotes.
                    if let Some(end) = stderr_partial.iter().rposition(|&b| b == b'\n') {
                        let lines: Vec<u8> = stderr_partial.drain(..=end).collect();
                        if !json {
                            bar.suspend(|| show_stderr(&lines, mask_urls))?;
                        }
                    }
                    stderr.extend_from_slice(&bytes);
                }
                Some(Ok(Chunk::Exit(status))) => break status,
                Some(Err(source)) => {
                    bar.finish_and_clear();
                    return Err(transport(command, source));
                }
                None => {
                    bar.finish_and_clear();
                    return Err(transport(command, ExecError::Truncated));
                }
            }
        };
        if !partial.is_empty() {
            show(String::from_utf8_lossy(&partial).trim_end(), &mut lines)?;
        }
        if !stderr_partial.is_empty() && !json {
            bar.suspend(|| show_stderr(&stderr_partial, mask_urls))?;
        }
        bar.finish_and_clear();
        let output = Output::new(status, Vec::new(), stderr);
        dokku::parse::expect_success(command, output)?;
        Ok(lines)
    }

    /// Resolves once Ctrl-C has been pressed (at once if it already was).
    pub async fn interrupted(&self) {
        let mut rx = self.interrupted.clone();
        if rx.wait_for(|pressed| *pressed).await.is_err() {
            // No signal handler could be installed: never interrupted.
            std::future::pending::<()>().await;
        }
    }

    /// A command dropped on Ctrl-C is recorded as cancelled by a task the
    /// audit layer spawns; wait for it before the process exits.
    pub async fn settle(&self) {
        self.audited.settle().await;
    }
}

fn transport(command: &Command, source: ExecError) -> CliError {
    CliError::Dokku(dokku::Error::Transport {
        command: command.to_string(),
        source,
    })
}

/// Dokku's `----->` headers in bold, ` !    ` warnings in red.
fn print_dokku_line(line: &str) -> io::Result<()> {
    let mut out = output::stdout();
    if line.starts_with("----->") || line.starts_with("=====>") {
        writeln!(out, "{BOLD}{line}{BOLD:#}")
    } else if line.starts_with(" !") {
        writeln!(out, "{RED}{line}{RED:#}")
    } else {
        writeln!(out, "{line}")
    }
}

/// Ask for the app's name before destroying it. `--yes` skips the
/// question; without a terminal to ask on, the command is refused.
pub fn confirm(opts: &Opts, app: &str, what: &str) -> Result<(), CliError> {
    if opts.yes {
        return Ok(());
    }
    if !io::stdin().is_terminal() {
        return Err(CliError::usage(
            format!("refusing to {what} without confirmation: standard input is not a terminal"),
            "pass --yes to confirm in scripts",
        ));
    }
    let mut err = anstream::stderr();
    write!(
        err,
        "{RED}!{RED:#} This will {what}. Type the app name ({BOLD}{app}{BOLD:#}) to confirm: "
    )?;
    err.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() == app {
        Ok(())
    } else {
        Err(CliError::failed(
            format!("aborted: {:?} is not {app}; nothing was run", answer.trim()),
            "type the app name exactly, or pass --yes",
        ))
    }
}

/// Dokku's stderr as it arrives, in yellow: a godotenv read error cut
/// before the stored values it quotes, and URL credentials masked where
/// the command's output is secret.
fn show_stderr(bytes: &[u8], mask_urls: bool) -> io::Result<()> {
    let text = String::from_utf8_lossy(bytes);
    let text = dokku::parse::config::redact_env_read_errors(&text);
    let text = if mask_urls {
        dokku_history::redact::mask_userinfo(&text).into_owned()
    } else {
        text.into_owned()
    };
    let mut err = anstream::stderr();
    write!(err, "{YELLOW}{text}{YELLOW:#}")
}

/// Print the commands a dry run would send.
pub fn print_dry_run(opts: &Opts, commands: &[Command]) -> Result<(), CliError> {
    if opts.json {
        let lines: Vec<String> = commands.iter().map(ToString::to_string).collect();
        output::json(&serde_json::json!({ "dry_run": true, "commands": lines }))?;
    } else {
        let mut out = output::stdout();
        for command in commands {
            writeln!(out, "{command}")?;
        }
        output::note("(dry run: nothing was sent)");
    }
    Ok(())
}

/// Read a secret the user should not put on the command line (it would
/// land in shell history and in `ps`): from a prompt with echo off when
/// standard input is a terminal, else the whole of standard input with
/// one trailing newline removed (`pass show x | cli …`).
pub fn read_secret(what: &str) -> Result<SecretString, CliError> {
    let secret = if io::stdin().is_terminal() {
        let mut err = anstream::stderr();
        write!(err, "{what}: ")?;
        err.flush()?;
        let echo_off = set_echo(false);
        let mut line = String::new();
        let read = io::stdin().lock().read_line(&mut line);
        if echo_off {
            set_echo(true);
        }
        writeln!(err)?;
        read?;
        line
    } else {
        let mut all = String::new();
        io::stdin().lock().read_to_string(&mut all)?;
        all
    };
    let secret = secret
        .strip_suffix('\n')
        .map(|s| s.strip_suffix('\r').unwrap_or(s))
        .unwrap_or(&secret);
    if secret.is_empty() {
        return Err(CliError::usage(
            format!("no {what} given"),
            "type it at the prompt, or pipe it in on standard input",
        ));
    }
    if secret.contains(['\n', '\r']) {
        return Err(CliError::usage(
            format!("the {what} is more than one line"),
            "give one line on standard input",
        ));
    }
    Ok(SecretString::new(secret.to_owned()))
}

/// Terminal echo on or off. Whether it took.
fn set_echo(on: bool) -> bool {
    output::stty(if on { "echo" } else { "-echo" })
}
