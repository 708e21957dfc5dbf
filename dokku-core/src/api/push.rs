//! `git push` of a local repository as a typed, streamed deploy.
//!
//! The push runs the user's own `git` (their config, hooks and
//! credentials for the repository stay theirs) with `GIT_SSH_COMMAND` set
//! to the executor's [`GitTransport`]: for an SSH executor, an `ssh` that
//! opens a channel on the connection the SDK already holds, so the push
//! costs no new handshake. Dokku answers `git-receive-pack 'APP'` by
//! running receive-pack with a pre-receive hook that builds the pushed
//! commit (dokku/dokku v0.38.27 `plugins/git/internal-functions`
//! `cmd-git-glob`, `fn-git-create-hook`; `plugins/git/functions`
//! `cmd-git-hook`); the hook's output comes back as git's `remote: `
//! lines, which become the same [`DeployEvent`]s as any other deploy.
//!
//! The outcome is git's exit status read by the same tracker: a build that
//! fails makes the hook exit non-zero, which git reports as `pre-receive
//! hook declined` and exit 1, and the outcome names the phase and Dokku's
//! words from the `remote: ` lines (its exit code is `None`: git does not
//! pass Dokku's on). git failing before the host said anything (no such
//! ref, the host refused) is an error, not an outcome, as for Dokku's
//! other deploys. A push of a commit the host already has (`Everything
//! up-to-date`) runs no hook: it ends [`DeployOutcome::Unchanged`]. A hook
//! killed by `builds:cancel` also reads, to git, as a hook that declined:
//! when a push fails without Dokku's own failure line, one `builds:list`
//! asks whether its build was cancelled, and it ends `Cancelled` if so.

use std::path::PathBuf;
use std::process::Stdio;

use crate::api::builds::BuildFilter;
use crate::api::deploy::{read_deploy, CancelProbe, DeployStream, Deploys, Lines};
use crate::command::Command;
use crate::error::{Error, Result};
use crate::exec::{pipe_stream, ExecError, ExitStatus, GitTransport};
use crate::model::builds::BuildStatus;
use crate::model::deploy::DeploySource;
#[cfg(doc)]
use crate::model::deploy::{DeployEvent, DeployOutcome};
use crate::name::AppName;

/// A `git push` of a local repository to an app: what is pushed (a local
/// ref, `HEAD` by default), to which branch of the app's repository, and
/// whether to force it. Build it, then hand it to [`Deploys::push`].
///
/// ```
/// use dokku_core::api::push::PushSpec;
/// use dokku_core::AppName;
///
/// let spec = PushSpec::new(&AppName::new("api")?, "/src/api")
///     .branch("main")?
///     .force(true);
/// assert_eq!(spec.refspec(), "HEAD:refs/heads/main");
/// assert_eq!(spec.git_args("dokku@host:api"), ["push", "--progress", "--force", "--", "dokku@host:api", "HEAD:refs/heads/main"]);
/// assert!(PushSpec::new(&AppName::new("api")?, ".").branch("--upload-pack=x").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushSpec {
    /// The app deployed.
    pub app: AppName,
    /// The local repository (its work tree or `.git`).
    pub repository: PathBuf,
    /// What is pushed: a branch, tag or commit of the local repository
    /// (default `HEAD`).
    pub source: String,
    /// The branch of the app's repository it is pushed to; `None` pushes
    /// `source` to the branch of the same name (`HEAD`: the current
    /// branch's). Dokku builds a push to its deploy branch (`master`
    /// unless `git:set APP deploy-branch` says otherwise), or, while none
    /// is set for the app, makes the pushed branch the deploy branch.
    pub branch: Option<String>,
    /// `--force`: replace the branch even if the push is not a fast-forward.
    pub force: bool,
    /// The `git` program (default `git` on `PATH`).
    pub git: PathBuf,
    /// The commit `source` names, once [`PushSpec::resolve`]d.
    pub commit: Option<String>,
}

impl PushSpec {
    /// Push `HEAD` of the repository at `repository` to `app`.
    pub fn new(app: &AppName, repository: impl Into<PathBuf>) -> Self {
        Self {
            app: app.clone(),
            repository: repository.into(),
            source: "HEAD".to_owned(),
            branch: None,
            force: false,
            git: PathBuf::from("git"),
            commit: None,
        }
    }

    /// Look up the commit `source` names in the repository (`git
    /// rev-parse --verify SOURCE^{commit}`), so the history records what
    /// was pushed. A source that does not resolve is left for `git push`
    /// to report.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::push::PushSpec;
    /// use dokku_core::AppName;
    ///
    /// let spec = PushSpec::new(&AppName::new("api")?, ".").resolve().await;
    /// println!("pushing {:?}", spec.commit);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn resolve(mut self) -> Self {
        let out = tokio::process::Command::new(&self.git)
            .args(["rev-parse", "--verify", "--quiet"])
            .arg(format!("{}^{{commit}}", self.source))
            .current_dir(&self.repository)
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .await;
        self.commit = out.ok().filter(|o| o.status.success()).and_then(|o| {
            let sha = String::from_utf8_lossy(&o.stdout).trim().to_owned();
            (!sha.is_empty() && sha.bytes().all(|b| b.is_ascii_hexdigit())).then_some(sha)
        });
        self
    }

    /// Push this local branch, tag or commit instead of `HEAD`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a name git would not take as a ref
    /// (or would read as an option).
    pub fn source(mut self, reference: &str) -> Result<Self> {
        self.source = ref_name("source ref", reference)?.to_owned();
        Ok(self)
    }

    /// Push to this branch of the app's repository (Dokku's deploy branch).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a name git would not take as a branch.
    pub fn branch(mut self, branch: &str) -> Result<Self> {
        self.branch = Some(ref_name("branch", branch)?.to_owned());
        Ok(self)
    }

    /// Replace the branch even if the push is not a fast-forward.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// Run this `git` program instead of the one on `PATH`.
    pub fn git_program(mut self, program: impl Into<PathBuf>) -> Self {
        self.git = program.into();
        self
    }

    /// The refspec pushed: `SOURCE:refs/heads/BRANCH`, or `SOURCE`.
    pub fn refspec(&self) -> String {
        match &self.branch {
            Some(branch) => format!("{}:refs/heads/{branch}", self.source),
            None => self.source.clone(),
        }
    }

    /// The arguments `git` runs with, for a remote URL.
    pub fn git_args(&self, remote_url: &str) -> Vec<String> {
        let mut args = vec!["push".to_owned(), "--progress".to_owned()];
        if self.force {
            args.push("--force".to_owned());
        }
        args.extend(["--".to_owned(), remote_url.to_owned(), self.refspec()]);
        args
    }

    /// The push as the history records it and errors name it: what the
    /// host runs (`git-receive-pack 'APP'` on the wire), then the refspec,
    /// `--force`, and the commit when it was resolved. Not sent as such.
    pub fn command(&self) -> Command {
        let command = Command::write("git-receive-pack")
            .app_arg(&self.app)
            .arg(self.refspec());
        let command = if self.force {
            command.arg("--force")
        } else {
            command
        };
        match &self.commit {
            Some(commit) => command.arg(commit),
            None => command,
        }
        .long_running()
    }

    /// The deploy's source, as the history and `--json` describe it.
    pub fn deploy_source(&self) -> DeploySource {
        DeploySource::GitPush {
            source: self.source.clone(),
            branch: self.branch.clone(),
            commit: self.commit.clone(),
        }
    }
}

/// A name `git check-ref-format` accepts, that git cannot read as an
/// option (rules from git's `Documentation/git-check-ref-format.txt`).
fn ref_name<'v>(what: &'static str, value: &'v str) -> Result<&'v str> {
    let reason = if value.is_empty() {
        Some("is empty")
    } else if value.starts_with('-') {
        Some("starts with '-', which git would read as an option")
    } else if value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c))
    {
        Some("contains whitespace, a control character or one of ~^:?*[\\")
    } else if value.contains("..") || value.contains("@{") || value.contains("//") {
        Some("contains `..`, `@{` or `//`")
    } else if value.ends_with('/')
        || value.ends_with('.')
        || value.ends_with(".lock")
        || value.starts_with('/')
        || value.split('/').any(|part| part.starts_with('.'))
        || value == "@"
    {
        Some("is not a valid ref name (see git check-ref-format)")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidArgument {
            what: "git push",
            reason: format!("the {what} {reason}"),
        }),
        None => Ok(value),
    }
}

impl Deploys<'_> {
    /// Push a local repository to the app with the user's own `git`, over
    /// the executor's open connection ([`crate::Executor::git_transport`]),
    /// and read the deploy as it happens: the same [`DeployEvent`]s as
    /// [`Deploys::stream`], Dokku's lines first stripped of git's
    /// `remote: ` prefix, git's own lines as stderr.
    ///
    /// ```no_run
    /// use dokku_core::api::push::PushSpec;
    /// use dokku_core::model::deploy::DeployEvent;
    /// use futures_util::StreamExt;
    ///
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let spec = PushSpec::new(&dokku_core::AppName::new("api")?, ".").branch("main")?;
    /// let mut events = dokku.deploys().push(&spec).await?;
    /// while let Some(event) = events.next().await {
    ///     if let DeployEvent::Finished { outcome } = event? {
    ///         println!("{outcome:?}");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// The pushed commit is resolved first ([`PushSpec::resolve`]), and the
    /// push's output goes through the executor's
    /// [`observe`](crate::Executor::observe), so an audit decorator records
    /// it as `git-receive-pack APP REFSPEC [--force] [COMMIT]`.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] when the executor cannot carry a push
    /// ([`ExecError::Unsupported`]: a local or in-process executor;
    /// [`ExecError::TransportWord`]: a path ssh cannot be given intact) or
    /// `git` cannot be started. In the stream: as [`Deploys::stream`],
    /// with git's exit status read as Dokku's.
    pub async fn push(self, spec: &PushSpec) -> Result<DeployStream> {
        let spec = spec.clone().resolve().await;
        let command = spec.command();
        let transport = |source| Error::Transport {
            command: command.to_string(),
            source,
        };
        let executor = self.dokku.executor();
        let git_transport = executor.git_transport().await.map_err(transport)?;
        // Observed by the executor's decorators (an audit records the push
        // as `git-receive-pack APP REFSPEC [COMMIT]`).
        let start = async { spawn_push(&spec, &git_transport) };
        let stream = executor
            .observe(&command, Box::pin(start))
            .await
            .map_err(transport)?;
        let probe = cancel_probe(self.dokku.clone(), spec.app.clone());
        Ok(read_deploy(Lines::GitPush, command, stream, Some(probe)))
    }
}

/// Whether the app's newest push build (Dokku records a push as its
/// `git-hook`) was cancelled: one `builds:list`, asked only when a push
/// failed without Dokku saying why. A host without the builds plugin
/// (before 0.38) cannot say: no.
fn cancel_probe(dokku: crate::Dokku, app: AppName) -> CancelProbe {
    Box::new(move || {
        Box::pin(async move {
            let builds = dokku.builds().list(&app, &BuildFilter::default()).await;
            builds.ok().is_some_and(|builds| {
                builds
                    .iter()
                    .find(|b| b.source == "git-hook")
                    .is_some_and(|b| b.shown_status() == Some(&BuildStatus::Canceled))
            })
        })
    })
}

fn spawn_push(
    spec: &PushSpec,
    transport: &GitTransport,
) -> std::result::Result<crate::OutputStream, ExecError> {
    let url = transport.remote_url(spec.app.as_str());
    let mut git = tokio::process::Command::new(&spec.git);
    git.args(spec.git_args(&url))
        .current_dir(&spec.repository)
        .env("GIT_SSH_COMMAND", transport.ssh_command())
        // The command's first word is `ssh`; say so rather than rely on
        // git guessing the variant from it.
        .env("GIT_SSH_VARIANT", "ssh")
        // No prompt can be answered: fail instead of waiting.
        .env("GIT_TERMINAL_PROMPT", "0")
        // git's own words (`remote: `, `Everything up-to-date`) as read here.
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Dropping the stream ends git, which closes its channel: the
        // host sees the client go, as for any other dropped deploy.
        .kill_on_drop(true);
    let mut child = git.spawn().map_err(|source| ExecError::Spawn {
        program: spec.git.display().to_string(),
        source,
    })?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let wait = async move {
        let status = child.wait().await.map_err(ExecError::Io)?;
        Ok(ExitStatus::from(status.code()))
    };
    Ok(pipe_stream(None, stdout, stderr, wait))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> AppName {
        AppName::new("api").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn refs_git_would_refuse_or_read_as_options_are_refused_before_anything_runs() {
        for bad in [
            "",
            "-f",
            "--receive-pack=x",
            "a b",
            "a..b",
            "a:b",
            "a~1",
            "x^",
            "a*",
            "@{u}",
            "a.lock",
            "a/",
            ".hidden",
            "a/.b",
            "@",
        ] {
            assert!(PushSpec::new(&app(), ".").branch(bad).is_err(), "{bad:?}");
            assert!(PushSpec::new(&app(), ".").source(bad).is_err(), "{bad:?}");
        }
        for good in ["main", "feature/x", "v1.2", "4f9d2c1", "HEAD"] {
            assert!(PushSpec::new(&app(), ".").branch(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn a_push_without_a_branch_pushes_the_source_to_its_own_name() {
        let spec = PushSpec::new(&app(), ".");
        assert_eq!(spec.refspec(), "HEAD");
        assert_eq!(
            spec.git_args("h:api"),
            ["push", "--progress", "--", "h:api", "HEAD"]
        );
        assert_eq!(
            spec.command().to_string(),
            "dokku git-receive-pack api HEAD"
        );
        assert_eq!(spec.deploy_source().to_string(), "push HEAD");
        let mut forced = spec
            .branch("main")
            .unwrap_or_else(|e| panic!("{e}"))
            .force(true);
        forced.commit = Some("4f9d2c1aa0e1b2c3d4e5f60718293a4b5c6d7e8f".to_owned());
        assert_eq!(
            forced.command().to_string(),
            "dokku git-receive-pack api HEAD:refs/heads/main --force 4f9d2c1aa0e1b2c3d4e5f60718293a4b5c6d7e8f"
        );
        assert_eq!(
            forced.deploy_source().to_string(),
            "push HEAD (4f9d2c1aa0e1) to main"
        );
    }

    #[test]
    fn transport_words_ssh_would_reparse_are_refused_naming_their_role() {
        for bad in [
            "/tmp/a b/sock",
            "/tmp/a\"b",
            "/tmp/a'b",
            "/tmp/a\\b",
            "/tmp/%h",
            "/tmp/${HOME}",
            "~/sock",
            "/tmp/a\nb",
            "",
        ] {
            let error = GitTransport::ssh(&[("ssh", "ssh"), (bad, "the control socket path")], "h")
                .err()
                .unwrap_or_else(|| panic!("{bad:?} was accepted"));
            assert!(
                error.to_string().contains("the control socket path"),
                "{error}"
            );
        }
        for bad in ["", "-oProxyCommand=x", "[::1]:22", "h/x", "a b"] {
            assert!(
                GitTransport::ssh(&[("ssh", "ssh")], bad).is_err(),
                "{bad:?}"
            );
        }
        let ok = GitTransport::ssh(
            &[("ssh", "ssh"), ("-p", "-p"), ("2222", "the port")],
            "dokku@h",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.ssh_command(), "'ssh' '-p' '2222'");
        assert_eq!(ok.remote_url("api"), "dokku@h:api");
    }
}
