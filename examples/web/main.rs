//! The web dashboard: what Docklight does, done safely and fast.
//!
//! ```sh
//! cargo run --example web -- --demo            # a simulated fleet of three hosts
//! DOKKU_WEB_PASSWORD=… cargo run --example web -- --host dokku@example.com
//! DOKKU_WEB_PASSWORD=… cargo run --example web -- --hosts  # the host registry
//! ```
//!
//! Listens on 127.0.0.1:3001 by default. The admin password comes from
//! `DOKKU_WEB_PASSWORD` (with `--demo` and none set, one is generated and
//! printed); `DOKKU_WEB_VIEWER_PASSWORD` adds a read-only login. Put it
//! behind a TLS reverse proxy to reach it from another machine.

#[path = "../common/mod.rs"]
mod common;
mod hosts;
mod server;

#[cfg(test)]
mod browser_tests;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use server::auth::{generate_password, Auth, Limits};
use server::{app, fleet_app, AppState, Options};

const AFTER_HELP: &str = "\
Environment:
  DOKKU_WEB_PASSWORD         the admin password (required, except with --demo,
                             where one is generated and printed)
  DOKKU_WEB_VIEWER_PASSWORD  a read-only login (optional)
  DOKKU_WEB_BIND, DOKKU_WEB_PORT  the same as --bind and --port
  DOKKU_WEB_CPU_BUDGET       the same as --dokku-cpu-budget
  RUST_LOG                   log level of the lines on stderr (info by default)

Examples:
  web --demo                 (three simulated hosts: eu-1, us-1, legacy)
  DOKKU_WEB_PASSWORD=... web --host dokku@example.com --port 3002
  DOKKU_WEB_PASSWORD=... web --hosts ~/.config/dokku-rs/hosts.toml";

/// The Dokku web dashboard.
#[derive(Debug, Parser)]
#[command(name = "web", version, about, after_help = AFTER_HELP)]
struct Args {
    #[command(flatten)]
    target: common::TargetArgs,
    /// Show every host of a host registry (dokku-fleet's hosts.toml; the
    /// default one without FILE), each under /h/NAME, with a fleet page.
    #[arg(long, value_name = "FILE", num_args = 0..=1, conflicts_with_all = ["demo", "local", "host"])]
    hosts: Option<Option<std::path::PathBuf>>,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1", env = "DOKKU_WEB_BIND")]
    bind: std::net::IpAddr,
    /// The port to listen on.
    #[arg(long, default_value_t = 3001, env = "DOKKU_WEB_PORT")]
    port: u16,
    /// Send the session cookie without `Secure`. Browsers keep Secure
    /// cookies on http://localhost and http://127.0.0.1 (both count as
    /// secure origins), so this is only needed for plain HTTP on another
    /// address, which you should not do.
    #[arg(long)]
    insecure_cookie: bool,
    /// Dokku seconds per minute the dashboard may spend keeping its view
    /// fresh (wall time of the commands it runs; 3 is about 5% of one
    /// core). A change made from the dashboard is refreshed regardless.
    #[arg(long, default_value_t = 3.0, env = "DOKKU_WEB_CPU_BUDGET")]
    dokku_cpu_budget: f64,
}

fn password(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|p| !p.is_empty())
}

/// What the dashboard shows: one host, or several.
enum Shown {
    One(common::Target),
    Fleet(Vec<server::fleet::HostSpec>),
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let history_file = args.target.history_file().ok();
    let shown = match (&args.hosts, args.target.demo) {
        (Some(path), _) => Shown::Fleet(hosts::registry(path.as_deref(), history_file.as_deref())?),
        (None, true) => {
            let common::Target::Demo { state, .. } = args.target.target()? else {
                return Err("--demo names no demo state directory".into());
            };
            Shown::Fleet(hosts::demo(&state, history_file.as_deref())?)
        }
        (None, false) => Shown::One(args.target.target()?),
    };
    if let Shown::Fleet(hosts) = &shown {
        if hosts.is_empty() {
            return Err("the host registry has no hosts: add one with `cli hosts add`".into());
        }
    }
    let history = common::open_history_for(&args.target).await?;

    let (admin, generated) = match (password("DOKKU_WEB_PASSWORD"), args.target.demo) {
        (Some(p), _) => (p, false),
        (None, true) => (generate_password()?, true),
        (None, false) => {
            return Err(
                "set DOKKU_WEB_PASSWORD (the admin password); only --demo makes one up".into(),
            )
        }
    };
    let viewer = password("DOKKU_WEB_VIEWER_PASSWORD");
    let auth = Auth::new(&admin, viewer.as_deref(), Limits::default())?;
    let budget = std::time::Duration::try_from_secs_f64(args.dokku_cpu_budget)
        .map_err(|_| "--dokku-cpu-budget takes seconds per minute, 0 or more")?;
    let options = Options {
        refresh: server::data::Settings {
            budget_per_minute: budget,
            ..server::data::Settings::default()
        },
        secure_cookie: !args.insecure_cookie,
        // Dashboards on other ports of this host keep their own sessions.
        cookie_scope: args.port.to_string(),
        ..Options::default()
    };
    let (state, router, label) = match shown {
        Shown::One(target) => {
            let executor = common::connect(&target).await?;
            // The dashboard's snapshot lives next to the history file, one
            // per host, shared with the CLI's `apps list`.
            let options = Options {
                snapshot_file: history_file
                    .as_deref()
                    .and_then(|history| common::snapshot::file_for(history, &target)),
                host_label: target.host_label(),
                ..options
            };
            let state = AppState::new(Arc::clone(&executor), history, auth, options);
            (state.clone(), app(state), target.host_label())
        }
        Shown::Fleet(hosts) => {
            let names: Vec<String> = hosts.iter().map(|h| h.name.to_string()).collect();
            let states = AppState::fleet(hosts, history, auth, options);
            let Some(first) = states.first().cloned() else {
                return Err("no hosts to show".into());
            };
            let label = format!("{} hosts ({})", names.len(), names.join(", "));
            (first, fleet_app(&states), label)
        }
    };

    let addr = SocketAddr::new(args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| bind_error(addr, &e))?;
    let loopback = args.bind.is_loopback();
    println!("Dokku dashboard for {label} {}", listening(addr));
    tracing::info!(%addr, host = %label, "listening");
    // Browsers keep a Secure cookie sent over plain http only from loopback;
    // elsewhere the login would silently not stick.
    if !args.insecure_cookie && !loopback {
        println!(
            "The session cookie is Secure: serve this behind HTTPS, \
             or pass --insecure-cookie on a network you trust."
        );
    }
    if generated {
        println!("Log in with the generated admin password: {admin}");
        println!("(set DOKKU_WEB_PASSWORD to choose one)");
    }
    // Expired sessions are dropped (and their open log streams closed)
    // every minute, not only when someone uses them.
    let sweeper = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            sweeper.auth.sweep();
        }
    });
    let serve = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    );
    // Ctrl-C ends at once rather than gracefully: a followed log never
    // finishes, and every audit record was durable before its command's
    // answer was sent.
    tokio::select! {
        served = serve => served?,
        _ = tokio::signal::ctrl_c() => println!("stopped"),
    }
    Ok(())
}

/// Where to open the dashboard: the address itself, or for all interfaces
/// (`0.0.0.0`, `::`) this machine's loopback and a note that others reach
/// it on this machine's addresses.
fn listening(addr: SocketAddr) -> String {
    let port = addr.port();
    match addr.ip() {
        ip if ip.is_unspecified() => format!(
            "listening on {addr} (every interface): open http://127.0.0.1:{port} here, \
             or this machine's address on port {port} from elsewhere"
        ),
        std::net::IpAddr::V6(ip) => format!("on http://[{ip}]:{port}"),
        ip => format!("on http://{ip}:{port}"),
    }
}

/// A bind failure that says what to do.
fn bind_error(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "port {} is already in use on {} (another dashboard, or another program): \
             stop it or choose another one with --port",
            addr.port(),
            addr.ip()
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "not allowed to listen on {addr} (ports below 1024 need privileges): \
             choose --port 1024 or above"
        ),
        std::io::ErrorKind::AddrNotAvailable => format!(
            "{} is not an address of this machine: choose another --bind",
            addr.ip()
        ),
        _ => format!("cannot listen on {addr}: {e}"),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // Structured lines on stderr: logins, failed logins, where it listens.
    let level = std::env::var("RUST_LOG")
        .ok()
        .and_then(|l| l.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("web: {e}");
            ExitCode::FAILURE
        }
    }
}
