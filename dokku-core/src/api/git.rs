//! `git:*` settings and credentials: the deploy key, netrc entries for
//! private git hosts, known hosts, a repository's state. The settings
//! themselves are properties (`dokku.properties(&plugins::GIT)`) and the
//! report is generic (`dokku.report::<GitReport>()`); deploying through git
//! is not here.
//!
//! Passwords go on stdin: `git:auth` and `git:auth-status` read the
//! password from stdin when it is not an argument and stdin is a pipe
//! (Dokku 0.38.0+, `fn-git-auth-read-password`). Before 0.38 the password
//! can only be an argument, where the catalog marks it secret (shown and
//! stored as `***`); the SDK refuses rather than put it there itself.
//! Source: dokku/dokku `plugins/git/internal-functions`; the recording has
//! `git:auth` only failing for want of the host's `netrc` helper.

use crate::client::Dokku;
use crate::command::{Command, Requirement};
use crate::error::{Error, Result};
use crate::model::git::DeployKey;
use crate::name::AppName;
use crate::parse;
use crate::secret::SecretString;
use crate::version::DokkuVersion;

/// The first Dokku whose `git:auth` reads the password from stdin (and
/// which has `git:auth-status`).
pub const AUTH_STDIN: DokkuVersion = DokkuVersion::new(0, 38, 0);

/// `git:initialize <app>`.
pub fn initialize_command(app: &AppName) -> Command {
    Command::write("git:initialize").app_arg(app)
}

/// `git:status <app>`.
pub fn status_command(app: &AppName) -> Command {
    Command::read("git:status").app_arg(app)
}

/// `git:public-key`.
pub fn public_key_command() -> Command {
    Command::read("git:public-key")
}

/// `git:generate-deploy-key`.
pub fn generate_deploy_key_command() -> Command {
    Command::write("git:generate-deploy-key")
}

/// `git:allow-host <host>`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a host that is not one word.
pub fn allow_host_command(host: &str) -> Result<Command> {
    let host = super::word("git:allow-host", "host", host)?;
    Ok(Command::write("git:allow-host").arg(host))
}

/// `git:unlock <app> [--force]`.
pub fn unlock_command(app: &AppName, force: bool) -> Command {
    Command::write("git:unlock")
        .app_arg(app)
        .arg_if(force, "--force")
}

/// `git:auth <host> [<username>]` (or `git:auth-status`), the password
/// on stdin; without credentials it removes (or checks the absence of)
/// the host's entry.
///
/// ```
/// use dokku_core::api::git::auth_command;
/// use dokku_core::SecretString;
///
/// let password = SecretString::new("hunter2");
/// let set = auth_command(false, "github.com", Some(("deploy", &password)))?;
/// assert_eq!(set.to_string(), "dokku git:auth github.com deploy");
/// assert_eq!(set.stdin_bytes().map(|b| b.len()), Some(8), "the password and a newline");
/// # Ok::<(), dokku_core::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a host or username that is not one word,
/// or an empty password (Dokku would prompt for one).
pub fn auth_command(
    status: bool,
    host: &str,
    credentials: Option<(&str, &SecretString)>,
) -> Result<Command> {
    let what = if status {
        "git:auth-status"
    } else {
        "git:auth"
    };
    let host = super::word(what, "host", host)?;
    let mut command = if status {
        Command::read(what)
    } else {
        Command::write(what)
    }
    .arg(host);
    // Reading the password from stdin (and auth-status) came with 0.38.0;
    // removing an entry works on every version that has git:auth.
    if status || credentials.is_some() {
        command = command.requires(Requirement::Version(AUTH_STDIN));
    }
    if let Some((username, password)) = credentials {
        let username = super::word(what, "username", username)?;
        if password.is_empty() {
            return Err(Error::InvalidArgument {
                what,
                reason: "the password is empty".to_owned(),
            });
        }
        let mut stdin = Vec::with_capacity(password.len() + 1);
        stdin.extend_from_slice(password.expose().as_bytes());
        stdin.push(b'\n');
        command = command.arg(username).stdin(stdin);
    }
    Ok(command)
}

/// Handler for `git:*`; see [`Dokku::git`].
#[derive(Debug, Clone, Copy)]
pub struct Git<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for the `git` plugin's settings verbs.
    pub fn git(&self) -> Git<'_> {
        Git { dokku: self }
    }
}

impl Git<'_> {
    /// Create the app's bare repository (`git:initialize`; harmless when it
    /// exists).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.git().initialize(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn initialize(self, app: &AppName) -> Result<()> {
        self.dokku.run(&initialize_command(app)).await.map(drop)
    }

    /// `git status` of the app's repository, as git prints it. Dokku keeps
    /// a bare repository, where git refuses (`this operation must be run
    /// in a work tree`, exit 128): that is a [`Error::CommandFailed`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let status = dokku.git().status(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] (git's refusal) and
    /// transport errors.
    pub async fn status(self, app: &AppName) -> Result<String> {
        let output = self.dokku.run(&status_command(app)).await?;
        Ok(output.stdout_lossy().into_owned())
    }

    /// The host's public deploy key (the line to add to a git host), or
    /// `None` when there is none yet.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// if let Some(key) = dokku.git().public_key().await? {
    ///     println!("add this deploy key: {key}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// Transport errors, and [`Error::CommandFailed`] for any other failure.
    pub async fn public_key(self) -> Result<Option<String>> {
        let command = public_key_command();
        let output = self.dokku.execute(&command).await?;
        let none = output.status.as_code() == Some(1)
            && output
                .stderr_lossy()
                .contains("There is no deploy key associated with the dokku user");
        if none {
            return Ok(None);
        }
        let output = parse::expect_success(&command, output)?;
        Ok(Some(output.stdout_lossy().trim().to_owned()))
    }

    /// Generate the host's deploy key (ed25519) unless it has one.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::model::git::DeployKey;
    /// if dokku.git().generate_deploy_key().await? == DeployKey::AlreadyExisted {
    ///     println!("kept the existing key");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The command errors.
    pub async fn generate_deploy_key(self) -> Result<DeployKey> {
        let output = self.dokku.run(&generate_deploy_key_command()).await?;
        let existed = output
            .stdout_lossy()
            .contains("A deploy key already exists for this host");
        Ok(if existed {
            DeployKey::AlreadyExisted
        } else {
            DeployKey::Generated
        })
    }

    /// Add a git host's SSH key to Dokku's `known_hosts` (`ssh-keyscan`;
    /// trust on first use: check the fingerprint out of band).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.git().allow_host("github.com").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a host that is not one word,
    /// [`Error::CommandFailed`] when the host cannot be reached.
    pub async fn allow_host(self, host: &str) -> Result<()> {
        self.dokku.run(&allow_host_command(host)?).await.map(drop)
    }

    /// Store netrc credentials for a git host (Dokku 0.38+; the password
    /// goes on stdin).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let token = dokku_core::SecretString::new(std::env::var("GIT_TOKEN")?);
    /// dokku.git().auth("github.com", "deploy", &token).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a host or username that is not one
    /// word or an empty password, [`Error::Unsupported`] before Dokku 0.38,
    /// [`Error::CommandFailed`] (the host's `netrc` helper missing is exit
    /// 127).
    pub async fn auth(self, host: &str, username: &str, password: &SecretString) -> Result<()> {
        let command = auth_command(false, host, Some((username, password)))?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Remove a git host's netrc credentials.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.git().remove_auth("github.com").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Git::auth`].
    pub async fn remove_auth(self, host: &str) -> Result<()> {
        self.dokku
            .run(&auth_command(false, host, None)?)
            .await
            .map(drop)
    }

    /// Whether the host's netrc entry matches: these credentials, or (with
    /// `None`) no entry at all. Dokku answers with the exit code alone.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let token = dokku_core::SecretString::new("s3cret");
    /// let current = dokku.git().auth_matches("github.com", Some(("deploy", &token))).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Git::auth`]; a mismatch is `Ok(false)`.
    pub async fn auth_matches(
        self,
        host: &str,
        credentials: Option<(&str, &SecretString)>,
    ) -> Result<bool> {
        let command = auth_command(true, host, credentials)?;
        let output = self.dokku.execute(&command).await?;
        let silent = output.stdout.is_empty() && output.stderr.is_empty();
        match output.status.as_code() {
            Some(0) => Ok(true),
            Some(1) if silent => Ok(false),
            _ => parse::expect_success(&command, output).map(|_| true),
        }
    }

    /// Remove a stale deploy lock of the app's repository (`--force`
    /// without asking). Dokku 0.38.27's own `git:unlock` is broken
    /// (`cmd-git-unlock: command not found`, exit 127): that comes back as
    /// [`Error::CommandFailed`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.git().unlock(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn unlock(self, app: &AppName) -> Result<()> {
        self.dokku.run(&unlock_command(app, true)).await.map(drop)
    }
}
