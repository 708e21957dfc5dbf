//! `apps:*`: list, create, destroy, rename, clone, lock and report apps.
//!
//! `apps:destroy` asks for the app name on stdin unless `--force` is given,
//! and a remote session has no one to answer; so the SDK always sends
//! `--force` and moves the confirmation into the API instead: the caller must
//! pass the app name again, typed by a person where there is one.
//!
//! The all-apps report is read in the text format even where JSON exists:
//! Dokku's JSON form prints one object per app without its name, and pairing
//! it with a separate `apps:list` would race with apps being created.

use crate::api::Format;
use crate::client::{versions, Dokku};
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::apps::AppReport;
use crate::model::domains::DomainsReport;
use crate::model::overview::AppOverview;
use crate::model::ps::PsReport;
use crate::name::AppName;
use crate::parse::{self, context};

/// `apps:list`, JSON where the host has it.
pub fn list_command(format: Format) -> Command {
    format.apply(Command::read("apps:list"), versions::APPS_LIST_JSON)
}

/// `apps:exists <app>`.
pub fn exists_command(app: &AppName) -> Command {
    Command::read("apps:exists").app_arg(app)
}

/// `apps:create <app>`.
pub fn create_command(app: &AppName) -> Command {
    Command::write("apps:create").app_arg(app)
}

/// `apps:destroy <app> --force`.
pub fn destroy_command(app: &AppName) -> Command {
    Command::write("apps:destroy").app_arg(app).arg("--force")
}

/// `apps:rename [--skip-deploy] <old> <new>`.
pub fn rename_command(from: &AppName, to: &AppName, skip_deploy: bool) -> Command {
    Command::write("apps:rename")
        .about_app(from)
        .arg_if(skip_deploy, "--skip-deploy")
        .arg(from)
        .arg(to)
}

/// `apps:clone [--skip-deploy] [--ignore-existing] <old> <new>`.
pub fn clone_command(
    from: &AppName,
    to: &AppName,
    skip_deploy: bool,
    ignore_existing: bool,
) -> Command {
    Command::write("apps:clone")
        .about_app(from)
        .arg_if(skip_deploy, "--skip-deploy")
        .arg_if(ignore_existing, "--ignore-existing")
        .arg(from)
        .arg(to)
}

/// `apps:lock <app>`.
pub fn lock_command(app: &AppName) -> Command {
    Command::write("apps:lock").app_arg(app)
}

/// `apps:unlock <app>`.
pub fn unlock_command(app: &AppName) -> Command {
    Command::write("apps:unlock").app_arg(app)
}

/// `apps:locked <app>`.
pub fn locked_command(app: &AppName) -> Command {
    Command::read("apps:locked").app_arg(app)
}

/// `urls <app>`: every URL the app answers on.
pub fn urls_command(app: &AppName) -> Command {
    Command::read("urls").app_arg(app)
}

/// `url <app>`: the app's main URL.
pub fn url_command(app: &AppName) -> Command {
    Command::read("url").app_arg(app)
}

/// Handler for `apps:*`; see [`Dokku::apps`].
#[derive(Debug, Clone, Copy)]
pub struct Apps<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Apps<'a> {
    /// Every app on the host, in Dokku's order (sorted by name). Names
    /// created under Dokku's older rule (with `_`) are included.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for app in dokku.apps().list().await? {
    ///     println!("{app}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] for a list Dokku printed in an unknown shape,
    /// [`Error::CommandFailed`] and [`Error::Transport`] (also from the first
    /// call's probe of the host's version and plugins).
    pub async fn list(self) -> Result<Vec<AppName>> {
        let caps = self.dokku.capabilities().await?;
        let format = Format::for_host(&caps, versions::APPS_LIST_JSON);
        let command = list_command(format);
        let output = self.dokku.run(&command).await?;
        let stdout = output.stdout_lossy();
        context(
            &command,
            match format {
                Format::Json => parse::apps::list_json(&stdout),
                Format::Text => parse::apps::list_text(&stdout),
            },
        )
    }

    /// Whether the app exists.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// if !dokku.apps().exists(&app).await? {
    ///     dokku.apps().create(&app).await?;
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// A missing app is `Ok(false)`, not an error. [`Error::CommandFailed`] for
    /// any other failure, and [`Error::Transport`].
    pub async fn exists(self, app: &AppName) -> Result<bool> {
        match self.dokku.run(&exists_command(app)).await {
            Ok(_) => Ok(true),
            Err(Error::AppNotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Create an app. Fails with [`Error::AppExists`] if the name is taken.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.apps().create(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppExists`] when the name is taken, [`Error::CommandFailed`]
    /// when Dokku refuses the name (a [legacy](AppName::legacy) one with `_` is
    /// not checked here), and [`Error::Transport`].
    pub async fn create(self, app: &AppName) -> Result<()> {
        creatable("apps:create", app)?;
        self.dokku.run(&create_command(app)).await.map(drop)
    }

    /// Destroy an app, its containers and its configuration.
    ///
    /// `confirm` must be the app's name again: ask the person for it. A
    /// mismatch is refused before anything is sent.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api-staging")?;
    /// dokku.apps().destroy(&app, "api-staging").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `confirm` is not the app's name (nothing
    /// is sent), [`Error::AppNotFound`], [`Error::CommandFailed`] and
    /// [`Error::Transport`].
    pub async fn destroy(self, app: &AppName, confirm: &str) -> Result<()> {
        if confirm != app.as_str() {
            return Err(Error::InvalidArgument {
                what: "apps:destroy",
                reason: format!("the confirmation does not match the app name {app}"),
            });
        }
        self.dokku.run(&destroy_command(app)).await.map(drop)
    }

    /// Rename an app; it is rebuilt unless [`Rename::skip_deploy`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::AppName;
    /// let (from, to) = (AppName::new("api")?, AppName::new("api-v2")?);
    /// dokku.apps().rename(&from, &to).skip_deploy().send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`Rename::send`], which returns them.
    pub fn rename(self, from: &AppName, to: &AppName) -> Rename<'a> {
        Rename {
            dokku: self.dokku,
            from: from.clone(),
            to: to.clone(),
            skip_deploy: false,
        }
    }

    /// Clone an app with its configuration; the copy is built unless
    /// [`CloneApp::skip_deploy`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::AppName;
    /// let (from, to) = (AppName::new("api")?, AppName::new("api-staging")?);
    /// dokku.apps().clone(&from, &to).skip_deploy().send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None here: nothing is sent until [`CloneApp::send`], which returns them.
    pub fn clone(self, from: &AppName, to: &AppName) -> CloneApp<'a> {
        CloneApp {
            dokku: self.dokku,
            from: from.clone(),
            to: to.clone(),
            skip_deploy: false,
            ignore_existing: false,
        }
    }

    /// Create the app's deploy lock (`apps:lock`): reports show the app
    /// locked. It does not stop a deploy: Dokku's builds take the lock with
    /// `flock`, which the file alone does not hold, so a build goes ahead
    /// and its end removes the lock (Dokku 0.38, from its source).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.apps().lock(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] and [`Error::Transport`].
    pub async fn lock(self, app: &AppName) -> Result<()> {
        self.dokku.run(&lock_command(app)).await.map(drop)
    }

    /// Release the deploy lock. Does not stop a deploy in progress.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.apps().unlock(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] and [`Error::Transport`].
    pub async fn unlock(self, app: &AppName) -> Result<()> {
        self.dokku.run(&unlock_command(app)).await.map(drop)
    }

    /// Whether the deploy lock is held. Read from the exit code: the
    /// "locked" message is suppressed in quiet mode.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// if dokku.apps().locked(&dokku_core::AppName::new("api")?).await? {
    ///     println!("api is locked");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// No lock is `Ok(false)`, not an error. [`Error::AppNotFound`],
    /// [`Error::CommandFailed`] for any other failure, and [`Error::Transport`].
    pub async fn locked(self, app: &AppName) -> Result<bool> {
        let command = locked_command(app);
        let output = self.dokku.execute(&command).await?;
        match output.status.as_code() {
            Some(0) => Ok(true),
            Some(1) if output.stderr_lossy().contains("Deploy lock does not exist") => Ok(false),
            _ => parse::expect_success(&command, output).map(|_| true),
        }
    }

    /// Every URL the app answers on (`urls`): one per domain and proxy
    /// port mapping, `https` where it has a certificate, sorted as Dokku
    /// sorts them. Dokku's core `urls` command, not an `apps:` one.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for url in dokku.apps().urls(&dokku_core::AppName::new("api")?).await? {
    ///     println!("{url}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::CommandFailed`] and
    /// [`Error::Transport`].
    pub async fn urls(self, app: &AppName) -> Result<Vec<String>> {
        let output = self.dokku.run(&urls_command(app)).await?;
        Ok(parse::apps::urls(&output.stdout_lossy()))
    }

    /// The app's main URL (`url`): the first of its URLs with its default
    /// scheme (`https` with a certificate); `None` when it has none.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// if let Some(url) = dokku.apps().url(&dokku_core::AppName::new("api")?).await? {
    ///     println!("open {url}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Apps::urls`].
    pub async fn url(self, app: &AppName) -> Result<Option<String>> {
        let output = self.dokku.run(&url_command(app)).await?;
        Ok(parse::apps::urls(&output.stdout_lossy()).into_iter().next())
    }

    /// `apps:report` for one app (JSON where the host has it).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let report = dokku.apps().report(&dokku_core::AppName::new("api")?).await?;
    /// println!("deployed from {:?}", report.deploy_source);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn report(self, app: &AppName) -> Result<AppReport> {
        self.dokku.report::<AppReport>().app(app).await
    }

    /// `apps:report` for every app, in one invocation.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for report in dokku.apps().report_all().await? {
    ///     println!("{:?} locked: {}", report.app, report.locked);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] and transport errors.
    pub async fn report_all(self) -> Result<Vec<AppReport>> {
        self.dokku.report::<AppReport>().all().await
    }

    /// Every app at a glance: status (one rule, [`AppStatus::of`]),
    /// processes, domains, deploy source, lock, in three invocations
    /// whatever the number of apps (`apps:report`, `ps:report` and
    /// `domains:report` for every app, run at once).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for app in dokku.apps().overview().await? {
    ///     println!("{:<20} {:<14} {} containers", app.app, app.status, app.containers());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// [`AppStatus::of`]: crate::model::overview::AppStatus::of
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] and transport errors of any of the three reports.
    pub async fn overview(self) -> Result<Vec<AppOverview>> {
        let (apps, ps, domains) = futures_util::future::join3(
            self.dokku.report::<AppReport>().all(),
            self.dokku.report::<PsReport>().all(),
            self.dokku.report::<DomainsReport>().all(),
        )
        .await;
        Ok(AppOverview::join(apps?, ps?, domains?))
    }
}

/// Builder for `apps:rename`; finish with [`Rename::send`].
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct Rename<'a> {
    dokku: &'a Dokku,
    from: AppName,
    to: AppName,
    skip_deploy: bool,
}

impl Rename<'_> {
    /// Do not rebuild the renamed app.
    pub fn skip_deploy(mut self) -> Self {
        self.skip_deploy = true;
        self
    }

    /// The command this builder would send.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::AppName;
    /// let rename = dokku.apps().rename(&AppName::new("api")?, &AppName::new("api-v2")?);
    /// println!("would run: {}", rename.skip_deploy().command());
    /// # Ok(()) }
    /// ```
    pub fn command(&self) -> Command {
        rename_command(&self.from, &self.to, self.skip_deploy)
    }

    /// Rename the app. Fails with [`Error::AppExists`] if the new name is taken.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::AppName;
    /// let (from, to) = (AppName::new("api")?, AppName::new("api-v2")?);
    /// dokku.apps().rename(&from, &to).send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppExists`] when the new name is taken, [`Error::AppNotFound`]
    /// for a missing app, [`Error::CommandFailed`] (a failed rebuild too) and
    /// [`Error::Transport`].
    pub async fn send(self) -> Result<()> {
        creatable("apps:rename", &self.to)?;
        self.dokku.run(&self.command()).await.map(drop)
    }
}

/// A new app's name must pass Dokku's creation rule: a name read from an
/// older host ([`AppName::legacy`], with `_`) names an existing app but
/// cannot be given to a new one, and Dokku would refuse it after a round
/// trip.
fn creatable(what: &'static str, app: &AppName) -> Result<()> {
    AppName::new(app.as_str())
        .map(drop)
        .map_err(|e| Error::InvalidArgument {
            what,
            reason: format!("{app:?} cannot name a new app: {e}"),
        })
}

/// What `apps:clone` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cloned {
    /// The copy was created.
    Created,
    /// The target already existed and `--ignore-existing` was given:
    /// nothing was copied.
    AlreadyExisted,
}

/// Builder for `apps:clone`; finish with [`CloneApp::send`].
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct CloneApp<'a> {
    dokku: &'a Dokku,
    from: AppName,
    to: AppName,
    skip_deploy: bool,
    ignore_existing: bool,
}

impl CloneApp<'_> {
    /// Do not build the copy.
    pub fn skip_deploy(mut self) -> Self {
        self.skip_deploy = true;
        self
    }

    /// Succeed without doing anything if the target already exists.
    pub fn ignore_existing(mut self) -> Self {
        self.ignore_existing = true;
        self
    }

    /// The command this builder would send.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::AppName;
    /// let clone = dokku.apps().clone(&AppName::new("api")?, &AppName::new("api-staging")?);
    /// println!("would run: {}", clone.ignore_existing().command());
    /// # Ok(()) }
    /// ```
    pub fn command(&self) -> Command {
        clone_command(&self.from, &self.to, self.skip_deploy, self.ignore_existing)
    }

    /// Clone the app. With [`CloneApp::ignore_existing`], an existing
    /// target is not an error: Dokku warns `Name is already taken`, exits
    /// 0 and copies nothing, which comes back as [`Cloned::AlreadyExisted`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::apps::Cloned;
    /// use dokku_core::AppName;
    /// let (from, to) = (AppName::new("api")?, AppName::new("api-staging")?);
    /// match dokku.apps().clone(&from, &to).skip_deploy().ignore_existing().send().await? {
    ///     Cloned::Created => println!("cloned"),
    ///     Cloned::AlreadyExisted => println!("{to} already exists; nothing copied"),
    ///     _ => {}
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppExists`] without `ignore_existing`, [`Error::AppNotFound`]
    /// for a missing source, and the other command errors.
    pub async fn send(self) -> Result<Cloned> {
        creatable("apps:clone", &self.to)?;
        let output = self.dokku.run(&self.command()).await?;
        let skipped =
            self.ignore_existing && output.stderr_lossy().contains("Name is already taken");
        Ok(if skipped {
            Cloned::AlreadyExisted
        } else {
            Cloned::Created
        })
    }
}
