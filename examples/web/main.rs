//! The web dashboard: what Docklight does, done safely and fast.
//!
//! ```sh
//! cargo run --example web -- --demo            # a simulated host, a printed password
//! DOKKU_WEB_PASSWORD=… cargo run --example web -- --host dokku@example.com
//! ```
//!
//! Listens on 127.0.0.1:3001 by default. The admin password comes from
//! `DOKKU_WEB_PASSWORD` (with `--demo` and none set, one is generated and
//! printed); `DOKKU_WEB_VIEWER_PASSWORD` adds a read-only login. Put it
//! behind a TLS reverse proxy to reach it from another machine.

#[path = "../common/mod.rs"]
mod common;
mod server;

#[cfg(test)]
mod browser_tests;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use server::auth::{generate_password, Auth, Limits};
use server::{app, AppState, Options};

/// The Dokku web dashboard.
#[derive(Debug, Parser)]
#[command(name = "web", version, about)]
struct Args {
    #[command(flatten)]
    target: common::TargetArgs,
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
}

fn password(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|p| !p.is_empty())
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let target = args.target.target()?;
    let executor = common::connect(&target).await?;
    let history = common::open_history(&args.target.history_path()?)?;

    let (admin, generated) = match (password("DOKKU_WEB_PASSWORD"), &target) {
        (Some(p), _) => (p, false),
        (None, common::Target::Demo { .. }) => (generate_password()?, true),
        (None, _) => {
            return Err(
                "set DOKKU_WEB_PASSWORD (the admin password); only --demo makes one up".into(),
            )
        }
    };
    let viewer = password("DOKKU_WEB_VIEWER_PASSWORD");
    let auth = Auth::new(&admin, viewer.as_deref(), Limits::default())?;
    let options = Options {
        secure_cookie: !args.insecure_cookie,
        host_label: target.host_label(),
        ..Options::default()
    };
    let state = AppState::new(Arc::clone(&executor), history, auth, options);

    let addr = SocketAddr::new(args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let loopback = args.bind.is_loopback();
    let shown = match args.bind {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() || ip.is_loopback() => {
            format!("http://127.0.0.1:{}", args.port)
        }
        _ => format!("http://{addr}"),
    };
    println!("Dokku dashboard for {} on {shown}", target.host_label());
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
    let serve = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
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

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("web: {e}");
            ExitCode::FAILURE
        }
    }
}
