//! `dokku-sim`: the simulated host as a program that behaves like `dokku`.
//!
//! ```text
//! dokku-sim [--state-dir DIR] <dokku arguments…>
//! ```
//!
//! State lives in a [`StateDir`] (`DIR` or `$DOKKU_SIM_STATE`), created on
//! first use from the demo scenario (`DOKKU_SIM_SCENARIO=empty` for an
//! empty host; `DOKKU_SIM_VERSION=0.35.20` for an older Dokku). Every
//! invocation changes it under the directory's lock, so concurrent
//! invocations lose no update.
//!
//! `DOKKU_SIM_LATENCY_MS` delays every invocation, as real Dokku's start-up
//! does (0.2–1 s). `DOKKU_SIM_COST=measured` charges what a real Dokku
//! 0.38.27 charges instead: a floor per invocation, and per app for a
//! report of every app, whose blocks are printed one by one as they are
//! "computed" (`DOKKU_SIM_COST_SPEEDUP=N` divides every cost by N).
//! `DOKKU_SIM_DEPLOY_LINE_MS` paces a deploy's output: each line of a
//! deploy command (`git:from-image`, `ps:rebuild`, …) is followed by that
//! wait, as a real build prints over time.
//!
//! When `SSH_ORIGINAL_COMMAND` is set, the program behaves as Dokku's entry
//! script behind sshcommand's forced command
//! (`` DOKKU_SIM_STATE=… `cat ~/.sshcommand` $SSH_ORIGINAL_COMMAND ``): its
//! arguments are the login shell's split of the line, whose global flags
//! it reads, and the command it runs is the second split of the raw line,
//! inheriting those flags ([`dokku_sim::entry`]).
//!
//! `git-receive-pack 'APP'` (what `git push dokku@host:APP` asks for) is
//! served as Dokku's git plugin serves it: the app's bare repository in
//! the state directory, a pre-receive hook that runs this program's
//! `git-hook APP`, and the real `git receive-pack` ([`receive`]).
//!
//! `DOKKU_SIM_PROBE=1` prints, as one JSON object, the invocation the
//! script would dispatch (its arguments and global flags) instead of
//! running it: the tests compare it with the same argv run locally.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use dokku_core::DokkuVersion;
use dokku_sim::commands::{self, builds, Outcome};
use dokku_sim::cost::{all_apps_report, app_blocks, deploy_command, paced_lines};
use dokku_sim::entry::{Globals, Invocation};
use dokku_sim::host::{profiles, SimHost};
use dokku_sim::{scenario, Cost, StateDir};

#[path = "dokku-sim/receive.rs"]
mod receive;

/// Subcommands that read standard input.
const READS_STDIN: &[&str] = &[
    "git-hook",
    "apps:destroy",
    "certs:add",
    "certs:update",
    "certs:generate",
];

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(message) => {
            let _ = writeln!(io::stderr(), "dokku-sim: {message}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<i32, String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut state_dir = std::env::var_os("DOKKU_SIM_STATE").map(PathBuf::from);
    if args.first().map(String::as_str) == Some("--state-dir") {
        if args.len() < 2 {
            return Err("--state-dir needs a directory".to_owned());
        }
        state_dir = Some(PathBuf::from(args.remove(1)));
        args.remove(0);
    }
    let inherited = Globals::from_env();
    let invocation = match std::env::var_os("SSH_ORIGINAL_COMMAND") {
        Some(line) => {
            let line = line
                .into_string()
                .map_err(|_| "SSH_ORIGINAL_COMMAND is not UTF-8")?;
            Invocation::over_ssh(&args, &line, inherited).map_err(|e| e.to_string())?
        }
        None => Invocation::new(&args, inherited),
    };
    if std::env::var_os("DOKKU_SIM_PROBE").is_some_and(|v| v == "1") {
        let json = serde_json::to_string(&invocation).map_err(|e| e.to_string())?;
        write_all(format!("{json}\n").as_bytes(), b"")?;
        return Ok(0);
    }
    let state_dir =
        state_dir.ok_or("no state directory: pass --state-dir DIR or set DOKKU_SIM_STATE")?;
    let state = StateDir::open(&state_dir, initial_state()?).map_err(|e| e.to_string())?;
    if invocation
        .args
        .first()
        .is_some_and(|s| s == "git-receive-pack")
    {
        return receive::receive_pack(&state, &state_dir, &invocation);
    }
    if let Some(ms) = std::env::var("DOKKU_SIM_LATENCY_MS")
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    let cost = cost_model()?;
    if let Some(cost) = cost {
        std::thread::sleep(cost.floor_cost());
    }

    let deploy_line = std::env::var("DOKKU_SIM_DEPLOY_LINE_MS")
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_millis);
    let mut stdin = read_stdin_if_needed(&invocation.args)?;
    if invocation.args.first().is_some_and(|s| s == "git-hook") {
        stdin = receive::detect_builders(&stdin);
    }
    if let Some(code) = cancel_paced_build(&state, &invocation.args)? {
        return Ok(code);
    }
    // A paced deploy's build records stay `running` under this process
    // while it prints, so `builds:cancel` can end it.
    let paced = deploy_command(&invocation.args) && !deploy_line.is_zero();
    let pid = u64::from(std::process::id());
    let builds_command = invocation
        .args
        .first()
        .is_some_and(|s| s.starts_with("builds:"));
    let (outcome, held) = state
        .update(|host| {
            if builds_command {
                builds::note_live(host, |_, pid| builds::pid_alive(pid));
            }
            let before = paced.then(|| host.apps.clone());
            let outcome = commands::run(host, &invocation, &stdin);
            let held = before.map_or_else(Vec::new, |before| {
                builds::hold_new(host, &before, Some(pid))
            });
            (outcome, held)
        })
        .map_err(|e| e.to_string())?;
    let out = outcome.output();
    match (cost, all_apps_report(&invocation.args)) {
        // Dokku prints each app's block when it has computed it.
        (Some(cost), Some(subcommand)) => {
            for block in app_blocks(&out.stdout) {
                std::thread::sleep(cost.app_cost(subcommand));
                write_all(&block, b"")?;
            }
            write_all(b"", &out.stderr)?;
        }
        // A deploy prints a line, then works until the next one.
        _ if deploy_command(&invocation.args) && !deploy_line.is_zero() => {
            let lines = paced_lines(&out.stdout);
            let total = lines.len();
            for (printed, line) in lines.into_iter().enumerate() {
                write_all(&line, b"")?;
                // The build's log grows as it prints.
                state
                    .update(|host| builds::reveal(host, &held, printed + 1, total))
                    .map_err(|e| e.to_string())?;
                if reader_gone_within(deploy_line) {
                    // What the next write would die of (SIGPIPE): the
                    // client's channel closed (Ctrl-C, a dropped stream).
                    // The record stays `running` under a dead process:
                    // `abandoned`, as Dokku shows a build that died.
                    return Ok(141);
                }
            }
            write_all(b"", &out.stderr)?;
            state
                .update(|host| builds::release(host, &held))
                .map_err(|e| e.to_string())?;
        }
        _ => write_all(&out.stdout, &out.stderr)?,
    }
    match outcome {
        Outcome::Done(out) => Ok(out.code),
        Outcome::Follow(mut follow) => {
            let interval = std::env::var("DOKKU_SIM_FOLLOW_MS")
                .ok()
                .and_then(|ms| ms.parse().ok())
                .map_or(Duration::from_millis(500), Duration::from_millis);
            for tick in 0.. {
                // A reader gone (the client's channel closed) ends the
                // follow, even one with nothing new to write.
                if reader_gone_within(interval) {
                    break;
                }
                let host = state.load().map_err(|e| e.to_string())?;
                let mut text = String::new();
                for line in commands::follow_lines(&host, &mut follow, tick) {
                    text.push_str(&line);
                    text.push('\n');
                }
                // A closed pipe (the reader went away) ends the follow.
                if write_all(text.as_bytes(), b"").is_err() {
                    break;
                }
            }
            Ok(0)
        }
    }
}

/// `builds:cancel <app>` while a paced `dokku-sim` prints the app's build:
/// the record marked `canceled`, `Killing app deploy`, and SIGTERM to that
/// process (Dokku signals the build's process group; the simulated build
/// is the one process). `None` when nothing is running: the plain
/// command answers.
#[cfg(unix)]
fn cancel_paced_build(state: &StateDir, args: &[String]) -> Result<Option<i32>, String> {
    use rustix::process::{kill_process, Pid, Signal};
    let [subcommand, app, ..] = args else {
        return Ok(None);
    };
    if subcommand != "builds:cancel" {
        return Ok(None);
    }
    let pid_of = |pid: u64| i32::try_from(pid).ok().and_then(Pid::from_raw);
    let cancelled = state
        .update(|host| builds::cancel_running(host, app, builds::pid_alive))
        .map_err(|e| e.to_string())?;
    let Some(pid) = cancelled.and_then(pid_of) else {
        return Ok(None);
    };
    write_all(builds::KILLING.as_bytes(), b"")?;
    if let Err(e) = kill_process(pid, Signal::TERM) {
        write_all(
            b"",
            format!(
                " !     Failed to signal process group {}: {e}\n",
                pid.as_raw_pid()
            )
            .as_bytes(),
        )?;
    }
    Ok(Some(0))
}

#[cfg(not(unix))]
fn cancel_paced_build(_: &StateDir, _: &[String]) -> Result<Option<i32>, String> {
    Ok(None)
}

/// Wait `pause`, or less if whoever reads stdout went away (sshd closes
/// its end when the client's channel closes; a pipe's reader exits): true
/// if it did. A real build notices at its next write; the simulator,
/// which may wait minutes between lines, looks while it waits.
#[cfg(unix)]
fn reader_gone_within(pause: Duration) -> bool {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let stdout = io::stdout();
    let mut fds = [PollFd::new(&stdout, PollFlags::empty())];
    let timeout = Timespec {
        tv_sec: i64::try_from(pause.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: pause.subsec_nanos().into(),
    };
    match poll(&mut fds, Some(&timeout)) {
        Ok(0) => false,
        Ok(_) => fds[0]
            .revents()
            .intersects(PollFlags::ERR | PollFlags::HUP | PollFlags::NVAL),
        // Interrupted: the wait is cut short, nothing more.
        Err(_) => false,
    }
}

#[cfg(not(unix))]
fn reader_gone_within(pause: Duration) -> bool {
    std::thread::sleep(pause);
    false
}

fn read_stdin_if_needed(args: &[String]) -> Result<Vec<u8>, String> {
    let subcommand = args.first().map(String::as_str);
    // `config:import` reads stdin only for the file name `-`.
    let reads = match subcommand {
        Some("config:import") => args.iter().any(|a| a == "-"),
        Some(s) => READS_STDIN.contains(&s),
        None => false,
    };
    let mut stdin = Vec::new();
    if reads {
        io::stdin()
            .read_to_end(&mut stdin)
            .map_err(|e| format!("reading stdin: {e}"))?;
    }
    Ok(stdin)
}

fn write_all(stdout: &[u8], stderr: &[u8]) -> Result<(), String> {
    let mut out = io::stdout().lock();
    out.write_all(stdout)
        .and_then(|()| out.flush())
        .map_err(|e| format!("writing stdout: {e}"))?;
    let mut err = io::stderr().lock();
    err.write_all(stderr)
        .and_then(|()| err.flush())
        .map_err(|e| format!("writing stderr: {e}"))
}

/// `DOKKU_SIM_COST=measured` charges what a real Dokku charges
/// ([`Cost::MEASURED`]), `DOKKU_SIM_COST_SPEEDUP=N` N times faster.
fn cost_model() -> Result<Option<Cost>, String> {
    let speedup = match std::env::var("DOKKU_SIM_COST_SPEEDUP") {
        Ok(n) => n
            .parse::<u32>()
            .map_err(|_| format!("DOKKU_SIM_COST_SPEEDUP {n:?} is not a whole number"))?,
        Err(_) => 1,
    };
    match std::env::var("DOKKU_SIM_COST").as_deref() {
        Err(_) | Ok("") | Ok("none") => Ok(None),
        Ok("measured") => Ok(Some(Cost::MEASURED.faster(speedup))),
        Ok(other) => Err(format!(
            "unknown DOKKU_SIM_COST {other:?} (measured or none)"
        )),
    }
}

/// How a state directory with no state yet starts. The environment is
/// checked now; the host is only built when there is no state to load, not
/// on every invocation.
fn initial_state() -> Result<impl Fn() -> SimHost + Send + Sync + 'static, String> {
    let version = match std::env::var("DOKKU_SIM_VERSION") {
        Ok(v) => {
            DokkuVersion::parse(&v).ok_or(format!("DOKKU_SIM_VERSION {v:?} is not a version"))?
        }
        Err(_) => profiles::V0_38_27,
    };
    let empty = match std::env::var("DOKKU_SIM_SCENARIO").as_deref() {
        Ok("empty") => true,
        Ok("demo") | Err(_) => false,
        Ok(other) => {
            return Err(format!(
                "unknown DOKKU_SIM_SCENARIO {other:?} (demo or empty)"
            ))
        }
    };
    Ok(move || {
        if empty {
            SimHost::new(version)
        } else {
            scenario::demo_for(version)
        }
    })
}
