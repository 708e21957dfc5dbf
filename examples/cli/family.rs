//! The one shape every command family has, and the one driver that runs
//! it.
//!
//! A family module (`apps.rs`, `ps.rs` …) owns its clap arguments, the
//! typed plan they validate into, the Dokku commands a plan sends and how
//! it runs, and implements [`Family`] once. `main.rs` matches the command
//! line to a family and calls [`execute`]; nothing else dispatches. The
//! driver decides `--dry-run` right after validation: a dry run prints the
//! plan's commands and stops, before any question, secret prompt, stdin
//! read, file read or connection.

use std::future::Future;

use dokku::api::{Scope, Target};
use dokku::{AppName, Command};

use crate::args;
use crate::common::TargetArgs;
use crate::error::CliError;
use crate::session::{self, Session};

/// Flags that shape every command's behaviour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Opts {
    pub json: bool,
    pub dry_run: bool,
    pub yes: bool,
    pub reveal: bool,
}

/// A command family.
pub trait Family: Sized {
    /// What to do, fully validated: names typed, nothing left to check but
    /// what only the host knows.
    type Plan: Clone;

    /// Whether the family talks to a Dokku host (`history` and
    /// `completions` do not: they run the same with `--dry-run`).
    const REMOTE: bool = true;

    /// Raw flags into a plan. Reads nothing: no prompt, no stdin, no file
    /// (the app may come from the `dokku` git remote).
    fn plan(self, cx: &mut Context) -> Result<Self::Plan, CliError>;

    /// The Dokku commands the plan sends, as a current Dokku gets them,
    /// for `--dry-run` (secrets, and inputs a dry run does not read, as
    /// `***` or left out: stdin is never shown).
    fn commands(plan: &Self::Plan) -> Result<Vec<Command>, CliError>;

    /// What a real run asks or reads before connecting: confirmations,
    /// secrets, files. Never called for a dry run; a refusal here sends
    /// nothing.
    fn prepare(plan: Self::Plan, _opts: &Opts) -> Result<Self::Plan, CliError> {
        Ok(plan)
    }

    /// Run the plan (the session connects on first use).
    fn run(plan: Self::Plan, s: &Session) -> impl Future<Output = Result<(), CliError>>;
}

/// Validate, then dry-run or prepare and run, with Ctrl-C handled and a
/// refusal from stale cached capabilities retried once.
pub fn execute<F: Family>(
    family: F,
    opts: Opts,
    app: Option<AppName>,
    target: TargetArgs,
) -> Result<(), CliError> {
    let mut cx = Context::new(opts, app);
    let plan = family.plan(&mut cx)?;
    if opts.dry_run && F::REMOTE {
        return session::print_dry_run(&opts, &F::commands(&plan)?);
    }
    let plan = F::prepare(plan, &opts)?;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CliError::Io)?
        .block_on(async {
            let s = Session::new(target, opts);
            let mut result = s.interruptible(F::run(plan.clone(), &s)).await;
            if result.as_ref().is_err_and(|e| s.may_be_stale(e)) {
                s.forget_capabilities().await;
                result = s.interruptible(F::run(plan, &s)).await;
            }
            s.save_capabilities().await;
            s.mark_changed();
            result
        })
}

/// What validation reads besides the words of one family: the global
/// flags, and where an app comes from when it is not among the arguments
/// (`--app`, else the app of the `dokku` git remote here).
pub struct Context {
    pub opts: Opts,
    app: Option<AppName>,
    remote: Option<Option<String>>,
}

impl Context {
    pub fn new(opts: Opts, app: Option<AppName>) -> Self {
        Context {
            opts,
            app,
            remote: None,
        }
    }

    /// `--app`, if given.
    pub fn app_flag(&self) -> Option<&AppName> {
        self.app.as_ref()
    }

    fn default_app(&mut self) -> Result<AppName, CliError> {
        if let Some(app) = &self.app {
            return Ok(app.clone());
        }
        let remote = self.remote.get_or_insert_with(git_remote_app);
        match remote {
            Some(app) => Ok(args::app_name(app)?),
            None => Err(CliError::usage(
                "no app given",
                "name the app as the first argument, pass --app APP, or run inside a git \
                 repository with a `dokku` remote",
            )),
        }
    }

    /// An optional positional app, else the default one.
    pub fn app(&mut self, positional: Option<AppName>) -> Result<AppName, CliError> {
        match positional {
            Some(app) => Ok(app),
            None => self.default_app(),
        }
    }

    /// Split `[APP] ITEM…`: with `--app`, every argument is an item;
    /// otherwise the first argument is the app when there are more than
    /// `items` arguments and it does not look like an item. A `dokku` git
    /// remote names the app otherwise.
    pub fn split(
        &mut self,
        args: Vec<String>,
        items: usize,
        looks_like_item: impl Fn(&str) -> bool,
    ) -> Result<(AppName, Vec<String>), CliError> {
        let mut args = std::collections::VecDeque::from(args);
        if self.app.is_none() {
            if let Some(first) = args.front() {
                if args.len() > items && !looks_like_item(first) {
                    let app = args::app_name(first)?;
                    args.pop_front();
                    return Ok((app, args.into()));
                }
            }
        }
        Ok((self.default_app()?, args.into()))
    }

    /// `[APP]` or `--global`.
    pub fn scope(&mut self, target: args::AppOrGlobal) -> Result<Scope, CliError> {
        let args::AppOrGlobal { app, global } = target;
        if global {
            if let Some(app) = app {
                return Err(CliError::usage(
                    format!("both an app ({app}) and --global given"),
                    "drop one of them",
                ));
            }
            return Ok(Scope::Global);
        }
        Ok(Scope::App(self.app(app)?))
    }

    /// `[APP] ITEM…` for commands that also take `--global`.
    pub fn scoped_items(
        &mut self,
        args: Vec<String>,
        global: bool,
        items: usize,
        looks_like_item: impl Fn(&str) -> bool,
    ) -> Result<(Scope, Vec<String>), CliError> {
        if global {
            return Ok((Scope::Global, args));
        }
        let (app, rest) = self.split(args, items, looks_like_item)?;
        Ok((Scope::App(app), rest))
    }

    /// `[APP]` or `--all`.
    pub fn app_or_all(&mut self, target: args::AppOrAll) -> Result<Target, CliError> {
        match (target.all, target.app) {
            (true, Some(app)) => Err(CliError::usage(
                format!("both an app ({app}) and --all given"),
                "drop one of them",
            )),
            (true, None) => Ok(Target::All),
            (false, app) => Ok(Target::App(self.app(app)?)),
        }
    }
}

/// Exactly `N` items, or a usage error.
pub fn exactly<const N: usize>(
    items: Vec<String>,
    message: &str,
    hint: &str,
) -> Result<[String; N], CliError> {
    <[String; N]>::try_from(items).map_err(|_| CliError::usage(message, hint))
}

/// Each item of a list through a value parser.
pub fn each<T>(
    items: &[String],
    parse: fn(&str) -> Result<T, args::BadArg>,
) -> Result<Vec<T>, CliError> {
    items
        .iter()
        .map(|item| parse(item).map_err(CliError::from))
        .collect()
}

/// `app` or `every app`, for messages.
pub fn who(target: &Target) -> String {
    match target {
        Target::App(app) => app.to_string(),
        _ => "every app".to_owned(),
    }
}

/// `app` or `--global`, for messages.
pub fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::App(app) => app.to_string(),
        _ => "--global".to_owned(),
    }
}

/// The app of the `dokku` remote of the git repository here, as Dokku's
/// own client finds it.
fn git_remote_app() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["remote", "get-url", "dokku"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    remote_app(String::from_utf8_lossy(&out.stdout).trim())
}

/// `dokku@host:app`, `ssh://dokku@host:22/app` → `app`.
pub fn remote_app(url: &str) -> Option<String> {
    let path = match url.strip_prefix("ssh://") {
        Some(rest) => rest.split_once('/')?.1,
        None => url.rsplit_once(':')?.1,
    };
    let app = path.trim_matches('/').trim_end_matches(".git");
    (!app.is_empty() && !app.contains('/')).then(|| app.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_name_the_app() {
        assert_eq!(remote_app("dokku@example.com:api"), Some("api".to_owned()));
        assert_eq!(
            remote_app("ssh://dokku@example.com:2222/api"),
            Some("api".to_owned())
        );
        assert_eq!(remote_app("https://github.com/x/y.git"), None);
        assert_eq!(remote_app("dokku@example.com:"), None);
    }

    #[test]
    fn the_first_argument_is_the_app_unless_app_names_it() {
        let mut cx = Context::new(Opts::default(), None);
        cx.remote = Some(Some("remote-app".to_owned()));
        let split = |cx: &mut Context, args: &[&str], items| {
            cx.split(args.iter().map(|s| (*s).to_owned()).collect(), items, |a| {
                a.contains('=')
            })
            .map(|(app, rest)| (app.to_string(), rest))
        };
        assert_eq!(
            split(&mut cx, &["api", "A=1"], 0).unwrap(),
            ("api".to_owned(), vec!["A=1".to_owned()])
        );
        assert_eq!(
            split(&mut cx, &["A=1"], 0).unwrap(),
            ("remote-app".to_owned(), vec!["A=1".to_owned()])
        );
        let mut flagged = Context::new(Opts::default(), AppName::new("flagged").ok());
        assert_eq!(split(&mut flagged, &["web=1"], 0).unwrap().0, "flagged");
        assert!(split(&mut cx, &["Bad_App", "A=1"], 0).is_err());
    }
}
