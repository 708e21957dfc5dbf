//! The web dashboard: what Docklight does, done safely and fast.
//!
//! ```sh
//! cargo run --example web -- --demo            # a simulated fleet of three hosts
//! DOKKU_WEB_PASSWORD=… cargo run --example web -- --host dokku@example.com
//! DOKKU_WEB_PASSWORD=… cargo run --example web -- --hosts  # the host registry
//! ```
//!
//! Listens on 127.0.0.1:3001 by default. Users are kept in a users file
//! (`--users`, by default `web-users.json` next to the history file). On
//! the first start there is none: `DOKKU_WEB_PASSWORD` becomes user
//! `admin` (with `--demo` and none set, one is generated and printed) and
//! `DOKKU_WEB_VIEWER_PASSWORD`, if set, user `viewer`. A forgotten password
//! is replaced with `web user reset-password NAME`. Put it behind a TLS
//! reverse proxy to reach it from another machine.

#[path = "../common/mod.rs"]
mod common;
mod hosts;
mod server;

#[cfg(test)]
mod browser_tests;

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use server::api::tokens;
use server::auth::{bootstrap_users, generate_password, hash_password, Auth, Limits};
use server::users::{UserError, UserName, Users};
use server::{app, fleet_app, AppState, Options};

const AFTER_HELP: &str = "\
Environment:
  DOKKU_WEB_PASSWORD         the first start's password of user admin (required
                             then, except with --demo, where one is generated
                             and printed)
  DOKKU_WEB_VIEWER_PASSWORD  the first start's password of user viewer (optional)
  DOKKU_WEB_USERS            the same as --users
  DOKKU_WEB_BIND, DOKKU_WEB_PORT  the same as --bind and --port
  DOKKU_WEB_CPU_BUDGET       the same as --dokku-cpu-budget
  RUST_LOG                   log level of the lines on stderr (info by default)

Examples:
  web --demo                 (three simulated hosts: eu-1, us-1, legacy)
  web token create --label ci --role deployer --apps 'api*'   (an API token)
  web user reset-password admin   (a forgotten password: a new one is printed)
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
    /// The users file (JSON, hashes only). Default: web-users.json next to
    /// the history file. Without one, the first users are made from
    /// DOKKU_WEB_PASSWORD and DOKKU_WEB_VIEWER_PASSWORD and written to it.
    #[arg(long, value_name = "FILE", env = "DOKKU_WEB_USERS")]
    users: Option<std::path::PathBuf>,
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
    /// Also trust the certificate authorities of this PEM file for https
    /// webhooks (a relay behind a private CA); Mozilla's roots stay trusted.
    #[arg(long, value_name = "FILE", env = "DOKKU_WEB_WEBHOOK_CA")]
    webhook_ca: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Instead of serving.
#[derive(Debug, clap::Subcommand)]
enum Command {
    /// API tokens, kept beside the history (tokens.json): make, list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Users of the users file: reset-password.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// Give a user a new, generated password and print it (once: only its
    /// hash is kept). A running dashboard takes it at once, and the
    /// sessions the old password opened end.
    ResetPassword {
        /// The user: admin, viewer, or one made on /users.
        name: String,
    },
}

#[derive(Debug, clap::Subcommand)]
enum TokenCommand {
    /// Make a token and print it (once: only its hash is kept).
    Create {
        /// What it is for.
        #[arg(long)]
        label: String,
        /// Whose token it is (the history's actor): a user of the users file.
        #[arg(long, default_value = "admin")]
        owner: String,
        /// Host name patterns, space- or comma-separated (`*` for any).
        #[arg(long, default_value = "*")]
        hosts: String,
        /// App name patterns.
        #[arg(long, default_value = "*")]
        apps: String,
        /// The most it may do: viewer, deployer or admin (at most the owner's).
        #[arg(long, default_value = "viewer")]
        role: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 30)]
        days: u64,
    },
    /// List every token (never the tokens themselves).
    List,
    /// Revoke a token by its id.
    Revoke {
        /// The token's id (the part after `dkr_`).
        id: String,
    },
}

/// The users file: `--users`, else `web-users.json` beside the history.
fn users_file(
    args: &Args,
    history: Option<&std::path::Path>,
) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    match (&args.users, history) {
        (Some(path), _) => Ok(path.clone()),
        (None, Some(history)) => Ok(history.with_file_name("web-users.json")),
        (None, None) => Err("no place for the users file: pass --users FILE".into()),
    }
}

/// The users of an existing users file (the dashboard makes it on its
/// first start).
fn existing_users(file: &Path) -> Result<Users, UserError> {
    let (users, _) = Users::open(file, || {
        Err(UserError(format!(
            "there are no users yet ({} does not exist): start the dashboard once",
            file.display()
        )))
    })?;
    Ok(users)
}

/// `web user reset-password NAME`: a generated password for the user, its
/// hash saved in `file`. Returns the password.
fn reset_password(file: &Path, name: &str) -> Result<String, UserError> {
    let users = existing_users(file)?;
    let name = UserName::parse(name)?;
    let password = generate_password().map_err(|e| UserError(e.0))?;
    let hash = hash_password(&password).map_err(|e| UserError(e.0))?;
    users.change(|all| match all.get_mut(&name) {
        Some(user) => {
            user.password = hash;
            Ok(())
        }
        None => Err(UserError(format!(
            "there is no user {name} in {}",
            file.display()
        ))),
    })?;
    Ok(password)
}

/// The audit trail of `web user …` and `web token …`: the change is
/// made only if the trail can record it, then recorded by whoever runs
/// the command (from the command line), under the target's host label as
/// the dashboard records its own changes (`web` without a target: the
/// users and tokens are the dashboard's, whatever host it shows).
struct Trail {
    history: dokku_history::HistoryStore,
    host: String,
}

impl Trail {
    async fn open(args: &Args) -> Result<Self, Box<dyn std::error::Error>> {
        let history = common::open_history_for(&args.target).await?;
        history.check_writable().await?;
        let host = match args.target.target() {
            Ok(target) => target.host_label(),
            Err(_) => "web".to_owned(),
        };
        Ok(Self { history, host })
    }

    async fn record(&self, argv: Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
        let actor = common::local_user();
        let entry = server::own_entry(&self.host, &actor, dokku_history::Source::Cli, argv);
        self.history.append(entry).await?;
        Ok(())
    }
}

/// `web user …`: against the users file.
async fn user_command(
    args: &Args,
    command: &UserCommand,
) -> Result<(), Box<dyn std::error::Error>> {
    let file = users_file(args, args.target.history_file().ok().as_deref())?;
    match command {
        UserCommand::ResetPassword { name } => {
            let trail = Trail::open(args).await?;
            let password = reset_password(&file, name)?;
            let argv = vec!["web:users:password".to_owned(), name.clone()];
            trail.record(argv).await?;
            eprintln!(
                "New password of {name} in {}; copy it now, it is not shown again. \
                 A running dashboard takes it at once and ends the sessions the old one opened.",
                file.display()
            );
            println!("{password}");
        }
    }
    Ok(())
}

/// `web token …`: against the tokens file beside the history.
async fn token_command(
    args: &Args,
    command: &TokenCommand,
) -> Result<(), Box<dyn std::error::Error>> {
    let history = args.target.history_file()?;
    let file = tokens::file_beside(&history).ok_or("the history file has no directory")?;
    let store = tokens::Tokens::open(
        Some(file.clone()),
        tokens::WallClock::system(),
        tokens::RateLimit::default(),
    )?;
    match command {
        TokenCommand::Create {
            label,
            owner,
            hosts,
            apps,
            role,
            days,
        } => {
            let users_file = users_file(args, Some(&history))?;
            let users = existing_users(&users_file)?;
            let owner_role = users
                .get(owner)
                .and_then(|user| user.highest_role())
                .ok_or_else(|| {
                    format!(
                        "--owner names no user with a grant in {}",
                        users_file.display()
                    )
                })?;
            let scope = server::pages::tokens::scope_of(owner_role, hosts, apps, role)
                .map_err(|e| e.failure().message)?;
            if !(1..=server::pages::tokens::MAX_DAYS).contains(days) || label.trim().is_empty() {
                return Err(format!(
                    "give a --label and --days from 1 to {}",
                    server::pages::tokens::MAX_DAYS
                )
                .into());
            }
            let trail = Trail::open(args).await?;
            let (token, record) = store.create(owner, label.trim(), scope, days * 86_400)?;
            trail
                .record(server::pages::tokens::created_argv(&record))
                .await?;
            eprintln!(
                "Made token {} in {}; copy it now, it is not shown again:",
                record.id,
                file.display()
            );
            println!("{token}");
        }
        TokenCommand::List => {
            let now = store.clock().now();
            for t in store.list(None) {
                let state = match (t.revoked_at, t.is_live(now)) {
                    (Some(_), _) => "revoked",
                    (None, true) => "live",
                    (None, false) => "expired",
                };
                println!(
                    "{}\t{}\t{}\thosts={}\tapps={}\trole={}\texpires={}\t{state}",
                    t.id,
                    t.owner,
                    t.label,
                    t.scope.hosts.join(","),
                    t.scope.apps.join(","),
                    t.scope.role.as_str(),
                    t.expires_at
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let trail = Trail::open(args).await?;
            if !store.revoke(None, id)? {
                return Err(format!("there is no token {id}").into());
            }
            let argv = vec!["web:tokens:revoke".to_owned(), id.clone()];
            trail.record(argv).await?;
            println!("revoked {id}");
        }
    }
    Ok(())
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
    match &args.command {
        Some(Command::Token(command)) => return token_command(&args, command).await,
        Some(Command::User(command)) => return user_command(&args, command).await,
        None => {}
    }
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

    let users_file = users_file(&args, history_file.as_deref())?;
    let mut generated = None;
    let (users, bootstrapped) = Users::open(&users_file, || {
        let admin = match (password("DOKKU_WEB_PASSWORD"), args.target.demo) {
            (Some(p), _) => p,
            (None, true) => {
                let p = generate_password().map_err(|e| UserError(e.0))?;
                generated = Some(p.clone());
                p
            }
            (None, false) => {
                return Err(UserError(format!(
                    "there are no users yet ({} does not exist): set DOKKU_WEB_PASSWORD, \
                     the first password of user admin; only --demo makes one up",
                    users_file.display()
                )))
            }
        };
        let viewer = password("DOKKU_WEB_VIEWER_PASSWORD");
        bootstrap_users(&admin, viewer.as_deref()).map_err(|e| UserError(e.0))
    })?;
    let auth = Auth::with_users(users, Limits::default());
    let budget = std::time::Duration::try_from_secs_f64(args.dokku_cpu_budget)
        .map_err(|_| "--dokku-cpu-budget takes seconds per minute, 0 or more")?;
    // API tokens live next to the history (hashed, 0600), or in memory
    // when there is no history file.
    let tokens_file = history_file.as_deref().and_then(tokens::file_beside);
    let tokens = tokens::Tokens::open(
        tokens_file,
        tokens::WallClock::system(),
        tokens::RateLimit::default(),
    )?;
    // The webhooks (secrets, 0600) next to the history file; a private
    // CA's roots beside Mozilla's when asked.
    let notifications = match &history_file {
        Some(history) => server::notifications::Notifications::open(
            history.with_file_name("notifications.json"),
            common::notify::tokio_sleep(),
        )?,
        None => server::notifications::Notifications::in_memory(common::notify::tokio_sleep()),
    };
    let notifications = match &args.webhook_ca {
        Some(file) => notifications.with_roots(common::notify::roots_with(file)?),
        None => notifications,
    };
    let options = Options {
        tokens: Arc::new(tokens),
        refresh: server::data::Settings {
            budget_per_minute: budget,
            ..server::data::Settings::default()
        },
        secure_cookie: !args.insecure_cookie,
        // Pushes noticed: each host's builds read every minute.
        builds_every: Some(server::notifications::BUILDS_EVERY),
        // Dashboards on other ports of this host keep their own sessions.
        cookie_scope: args.port.to_string(),
        notifications: Arc::new(notifications),
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
    if bootstrapped {
        println!(
            "Made the first users (admin{}) in {}",
            if password("DOKKU_WEB_VIEWER_PASSWORD").is_some() {
                ", viewer"
            } else {
                ""
            },
            users_file.display()
        );
    }
    if let Some(admin) = generated {
        println!("Log in as admin with the generated password: {admin}");
        println!("(set DOKKU_WEB_PASSWORD before the first start to choose one)");
    } else if args.target.demo {
        println!(
            "Log in as admin with the password of the demo's first start \
             (forgotten? `web user reset-password admin` prints a new one)"
        );
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::net::{IpAddr, Ipv4Addr};

    use super::*;

    const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn logs_in(file: &Path, user: &str, password: &str) -> bool {
        let auth = Auth::with_users(existing_users(file).unwrap(), Limits::default());
        matches!(
            auth.login(IP, user, password),
            Ok(server::auth::Login::Ok(_))
        )
    }

    #[test]
    fn a_reset_password_replaces_the_forgotten_one_and_only_that_users() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("web-users.json");
        Users::open(&file, || {
            bootstrap_users("first-admin-pw", Some("viewer-pw")).map_err(|e| UserError(e.0))
        })
        .unwrap();

        let new = reset_password(&file, "admin").unwrap();
        assert!(new.len() >= 16, "{new}");
        assert!(logs_in(&file, "admin", &new));
        assert!(!logs_in(&file, "admin", "first-admin-pw"));
        assert!(logs_in(&file, "viewer", "viewer-pw"));
        // Only the hash is kept.
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains(&new));
        // Each reset is a new password.
        assert_ne!(reset_password(&file, "admin").unwrap(), new);

        let no_user = reset_password(&file, "mallory").unwrap_err().0;
        assert!(no_user.contains("there is no user mallory in"), "{no_user}");
        assert!(reset_password(&file, "not a name").is_err());
        let missing = reset_password(&dir.path().join("none.json"), "admin")
            .unwrap_err()
            .0;
        assert!(missing.contains("start the dashboard once"), "{missing}");
    }

    /// A webhook CA file that cannot be used stops the dashboard before it
    /// serves, naming the file (it would otherwise tell nobody).
    #[tokio::test]
    async fn a_webhook_ca_file_that_cannot_be_used_stops_the_start_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        let argv = [
            "web".to_owned(),
            "--demo".to_owned(),
            "--demo-state".to_owned(),
            path("state"),
            "--history-db".to_owned(),
            path("history.sqlite3"),
            "--webhook-ca".to_owned(),
            path("none.pem"),
        ];
        let error = run(Args::parse_from(argv)).await.unwrap_err().to_string();
        assert!(
            error.contains(&path("none.pem")) && error.contains("cannot be read"),
            "{error}"
        );
    }

    /// `web user reset-password` and `web token create|revoke` are
    /// recorded in the trail by whoever ran them, from the command line,
    /// under the target's host label; never the password or the token.
    #[tokio::test]
    async fn user_and_token_commands_are_recorded_by_who_ran_them() {
        let dir = tempfile::tempdir().unwrap();
        let history = dir.path().join("history.sqlite3");
        let file = history.with_file_name("web-users.json");
        Users::open(&file, || {
            bootstrap_users("first-admin-pw", None).map_err(|e| UserError(e.0))
        })
        .unwrap();
        let web = |words: &[&str]| {
            let history = history.to_str().unwrap().to_owned();
            let mut argv = vec!["web".to_owned(), "--history-db".to_owned(), history];
            argv.extend(words.iter().map(|w| (*w).to_owned()));
            run(Args::parse_from(argv))
        };
        web(&["user", "reset-password", "admin"]).await.unwrap();
        web(&["--demo", "token", "create", "--label", "ci", "--days", "7"])
            .await
            .unwrap();
        let store = common::open_history(&history).unwrap();
        let id = store.recent(1).await.unwrap()[0].entry.argv[1].clone();
        web(&["token", "revoke", &id]).await.unwrap();
        assert!(web(&["token", "revoke", "nope"]).await.is_err());

        let records = store.recent(10).await.unwrap();
        let seen: Vec<(String, String, String)> = records
            .iter()
            .rev()
            .map(|r| {
                (
                    r.entry.host.clone(),
                    r.entry.subcommand.clone(),
                    r.entry.argv[1].clone(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("web".into(), "web:users:password".into(), "admin".into()),
                ("demo".into(), "web:tokens:create".into(), id.clone()),
                ("web".into(), "web:tokens:revoke".into(), id.clone()),
            ]
        );
        for r in &records {
            assert_eq!(r.entry.actor, common::local_user());
            assert_eq!(r.entry.source, dokku_history::Source::Cli);
            assert!(r.entry.mutating);
        }
        let created = &records[1].entry.argv;
        assert_eq!(
            created[2..].join(" "),
            "--owner admin --role viewer --hosts * --apps * --days 7 --label ci"
        );
        // The file keeps only hashes; the trail neither.
        let all = serde_json::to_string(&records).unwrap();
        assert!(!all.contains("dkr_") && !all.contains("$argon2"), "{all}");
    }
}
