//! `storage:*`: an app's bind mounts and (Dokku 0.38+) named storage
//! entries. The app report is generic (`dokku.report::<StorageReport>()`);
//! the global report, a list of entries, is [`Storage::entries_report`].
//!
//! Recorded on 0.38.27: `storage:mount <app> <host>:<container>` makes a
//! legacy entry (`legacy-<hash>`, left registered after unmounting); a
//! named entry is mounted with `storage:mount <app> <name> --container-dir
//! <path>` (`<name>:<path>` is *not* the named entry, but a host path or
//! volume called `<name>`); `storage:create` twice says it already exists
//! and succeeds; `storage:destroy` of a mounted entry fails; the entry
//! commands print pretty-printed JSON; `storage:ensure-directory` is
//! deprecated (a warning on stderr) but works.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::storage::{StorageEntry, StorageEntryUsage, StorageMount};
use crate::name::{AppName, ProcessType};
use crate::parse::{self, context};

fn path_arg(what: &'static str, name: &str, path: &str) -> Result<String> {
    if path.is_empty() || path.contains(':') || path.chars().any(|c| c.is_control()) {
        return Err(Error::InvalidArgument {
            what,
            reason: format!("the {name} is empty or holds ':' or control characters"),
        });
    }
    super::word(what, name, path).map(str::to_owned)
}

/// `storage:list <app> --format json`.
pub fn list_command(app: &AppName) -> Command {
    Command::read("storage:list")
        .app_arg(app)
        .args(["--format", "json"])
}

/// `storage:mount <app> <host>:<container>` (`unmount`: `storage:unmount`).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a path that is empty, holds `:` or
/// whitespace, or starts with `-`.
pub fn bind_command(app: &AppName, host: &str, container: &str, unmount: bool) -> Result<Command> {
    let sub = if unmount {
        "storage:unmount"
    } else {
        "storage:mount"
    };
    let host = path_arg(sub, "host path", host)?;
    let container = path_arg(sub, "container path", container)?;
    Ok(Command::write(sub)
        .app_arg(app)
        .arg(format!("{host}:{container}")))
}

/// How a named entry is mounted (build it with `..Default::default()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MountOptions {
    /// Only in these phases (`deploy`, `run`; default both).
    pub phases: Vec<String>,
    /// Only for this process type.
    pub process_type: Option<ProcessType>,
    /// A subpath within the entry.
    pub subpath: Option<String>,
    /// Read-only.
    pub readonly: bool,
}

/// `storage:mount <app> <entry> --container-dir <path> [options]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an entry name, path, phase or subpath
/// that is not one word.
pub fn mount_entry_command(
    app: &AppName,
    entry: &str,
    container_dir: &str,
    options: &MountOptions,
) -> Result<Command> {
    const WHAT: &str = "storage:mount";
    let entry = super::word(WHAT, "entry name", entry)?;
    let dir = path_arg(WHAT, "container path", container_dir)?;
    let mut command = Command::write(WHAT)
        .app_arg(app)
        .arg(entry)
        .arg("--container-dir")
        .arg(dir);
    for phase in &options.phases {
        command = command
            .arg("--phase")
            .arg(super::word(WHAT, "phase", phase)?);
    }
    if let Some(process) = &options.process_type {
        command = command.arg("--process-type").arg(process);
    }
    if let Some(subpath) = &options.subpath {
        command = command
            .arg("--volume-subpath")
            .arg(super::word(WHAT, "subpath", subpath)?);
    }
    Ok(command.arg_if(options.readonly, "--volume-readonly"))
}

/// `storage:unmount <app> <entry> [--container-dir <path>]`.
///
/// # Errors
///
/// As [`mount_entry_command`].
pub fn unmount_entry_command(
    app: &AppName,
    entry: &str,
    container_dir: Option<&str>,
) -> Result<Command> {
    const WHAT: &str = "storage:unmount";
    let mut command =
        Command::write(WHAT)
            .app_arg(app)
            .arg(super::word(WHAT, "entry name", entry)?);
    if let Some(dir) = container_dir {
        command = command
            .arg("--container-dir")
            .arg(path_arg(WHAT, "container path", dir)?);
    }
    Ok(command)
}

/// `storage:ensure-directory [--chown <option>] <directory>` (deprecated
/// by Dokku for `storage:create`).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a directory or chown option that is not
/// one word.
pub fn ensure_directory_command(directory: &str, chown: Option<&str>) -> Result<Command> {
    const WHAT: &str = "storage:ensure-directory";
    let mut command = Command::write(WHAT);
    if let Some(chown) = chown {
        command = command
            .arg("--chown")
            .arg(super::word(WHAT, "chown option", chown)?);
    }
    Ok(command.arg(super::word(WHAT, "directory", directory)?))
}

/// How `storage:create` makes an entry (docker-local options; for k3s use
/// `Command::new`; build it with `..Default::default()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateOptions {
    /// The host directory (default `/var/lib/dokku/data/storage/<name>`).
    pub path: Option<String>,
    /// Ownership: `herokuish`, `heroku`, `paketo`, `root` or `false`.
    pub chown: Option<String>,
    /// Octal permissions (`0755`).
    pub mode: Option<String>,
    /// `Retain` or `Delete`.
    pub reclaim_policy: Option<String>,
}

/// `storage:create <name> [<path>] [--chown C] [--mode M] [--reclaim-policy P]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a name or option that is not one word.
pub fn create_command(name: &str, options: &CreateOptions) -> Result<Command> {
    const WHAT: &str = "storage:create";
    let mut command = Command::write(WHAT).arg(super::word(WHAT, "entry name", name)?);
    if let Some(path) = &options.path {
        command = command.arg(path_arg(WHAT, "path", path)?);
    }
    for (flag, value) in [
        ("--chown", &options.chown),
        ("--mode", &options.mode),
        ("--reclaim-policy", &options.reclaim_policy),
    ] {
        if let Some(value) = value {
            command = command.arg(flag).arg(super::word(WHAT, flag, value)?);
        }
    }
    Ok(command)
}

/// `storage:destroy <name> --force [--destroy-host-dir]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a name that is not one word.
pub fn destroy_command(name: &str, destroy_host_dir: bool) -> Result<Command> {
    const WHAT: &str = "storage:destroy";
    Ok(Command::write(WHAT)
        .arg(super::word(WHAT, "entry name", name)?)
        .arg("--force")
        .arg_if(destroy_host_dir, "--destroy-host-dir"))
}

/// `storage:info <name> --format json`.
///
/// # Errors
///
/// As [`destroy_command`].
pub fn info_command(name: &str) -> Result<Command> {
    Ok(Command::read("storage:info")
        .arg(super::word("storage:info", "entry name", name)?)
        .args(["--format", "json"]))
}

/// `storage:list-entries --format json`.
pub fn entries_command() -> Command {
    Command::read("storage:list-entries").args(["--format", "json"])
}

/// `storage:report --global --format json`.
pub fn entries_report_command() -> Command {
    Command::read("storage:report").args(["--global", "--format", "json"])
}

/// `storage:set <name> <property> [<value>]` (an entry's property:
/// `access-mode`, `chown`, `mode`, `namespace`, `reclaim-policy`, `size`,
/// `storage-class-name`).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an unknown property or a name or value
/// that is not one word.
pub fn set_command(name: &str, property: &str, value: Option<&str>) -> Result<Command> {
    const WHAT: &str = "storage:set";
    const KNOWN: &[&str] = &[
        "access-mode",
        "chown",
        "mode",
        "namespace",
        "reclaim-policy",
        "size",
        "storage-class-name",
    ];
    if !KNOWN.contains(&property) {
        return Err(Error::InvalidArgument {
            what: WHAT,
            reason: super::properties::unknown_key(KNOWN, property),
        });
    }
    let mut command = Command::write(WHAT)
        .arg(super::word(WHAT, "entry name", name)?)
        .arg(property);
    if let Some(value) = value {
        command = command.arg(super::word(WHAT, "value", value)?);
    }
    Ok(command)
}

/// Handler for `storage:*`; see [`Dokku::storage`].
#[derive(Debug, Clone, Copy)]
pub struct Storage<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for mounts and storage entries.
    pub fn storage(&self) -> Storage<'_> {
        Storage { dokku: self }
    }
}

impl Storage<'_> {
    /// The app's bind mounts, with their entry names.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for m in dokku.storage().list(&dokku_core::AppName::new("api")?).await? {
    ///     println!("{} -> {}", m.host_path, m.container_path);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn list(self, app: &AppName) -> Result<Vec<StorageMount>> {
        let command = list_command(app);
        let output = self.dokku.run(&command).await?;
        context(&command, parse::storage::list(&output.stdout_lossy()))
    }

    /// Bind-mount a host directory (or Docker volume) into the app's
    /// containers (effective on the next deploy).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.storage().mount(&app, "/var/lib/dokku/data/storage/api", "/app/storage").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent), [`Error::CommandFailed`]
    /// (`Mount path already exists.`) and the other command errors.
    pub async fn mount(self, app: &AppName, host: &str, container: &str) -> Result<()> {
        let command = bind_command(app, host, container, false)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Remove a bind mount.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.storage().unmount(&app, "/var/lib/dokku/data/storage/api", "/app/storage").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Storage::mount`] (`Mount path does not exist.`).
    pub async fn unmount(self, app: &AppName, host: &str, container: &str) -> Result<()> {
        let command = bind_command(app, host, container, true)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Mount a named storage entry (Dokku 0.38+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::storage::MountOptions;
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.storage().mount_entry(&app, "uploads", "/app/uploads", &MountOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Storage::mount`], and [`Error::Unsupported`] before 0.38.
    pub async fn mount_entry(
        self,
        app: &AppName,
        entry: &str,
        container_dir: &str,
        options: &MountOptions,
    ) -> Result<()> {
        let command = mount_entry_command(app, entry, container_dir, options)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Unmount a named entry (every mount of it, or the one at
    /// `container_dir`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.storage().unmount_entry(&app, "uploads", None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Storage::mount_entry`].
    pub async fn unmount_entry(
        self,
        app: &AppName,
        entry: &str,
        container_dir: Option<&str>,
    ) -> Result<()> {
        let command = unmount_entry_command(app, entry, container_dir)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Create `/var/lib/dokku/data/storage/<directory>` owned for the
    /// builder (`chown`: `herokuish` by default). Deprecated by Dokku in
    /// favour of [`Storage::create`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.storage().ensure_directory("api-data", None).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`], [`Error::CommandFailed`].
    pub async fn ensure_directory(self, directory: &str, chown: Option<&str>) -> Result<()> {
        let command = ensure_directory_command(directory, chown)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Register a named entry (and create its directory); an existing one
    /// is left in place (Dokku 0.38+).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::storage::CreateOptions;
    /// dokku.storage().create("uploads", &CreateOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`], [`Error::Unsupported`] before 0.38 and
    /// the command errors.
    pub async fn create(self, name: &str, options: &CreateOptions) -> Result<()> {
        self.dokku
            .run(&create_command(name, options)?)
            .await
            .map(drop)
    }

    /// Remove a named entry that no app mounts (`destroy_host_dir`: its
    /// directory and data too).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.storage().destroy("uploads", false).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CommandFailed`] while mounted (`still mounted by app(s)`)
    /// or when it does not exist, and the errors of [`Storage::create`].
    pub async fn destroy(self, name: &str, destroy_host_dir: bool) -> Result<()> {
        self.dokku
            .run(&destroy_command(name, destroy_host_dir)?)
            .await
            .map(drop)
    }

    /// One named entry.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let entry = dokku.storage().info("uploads").await?;
    /// println!("{:?}", entry.host_path);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CommandFailed`] (`does not exist`), [`Error::Parse`].
    pub async fn info(self, name: &str) -> Result<StorageEntry> {
        let command = info_command(name)?;
        let output = self.dokku.run(&command).await?;
        context(&command, parse::storage::info(&output.stdout_lossy()))
    }

    /// Every registered entry (legacy ones included).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let entries = dokku.storage().entries().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] and the command errors.
    pub async fn entries(self) -> Result<Vec<StorageEntry>> {
        let command = entries_command();
        let output = self.dokku.run(&command).await?;
        context(&command, parse::storage::entries(&output.stdout_lossy()))
    }

    /// Every entry and the apps that mount it (`storage:report --global`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for usage in dokku.storage().entries_report().await? {
    ///     println!("{} mounted by {:?}", usage.entry.name, usage.mounted_by);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] and the command errors.
    pub async fn entries_report(self) -> Result<Vec<StorageEntryUsage>> {
        let command = entries_report_command();
        let output = self.dokku.run(&command).await?;
        context(
            &command,
            parse::storage::global_report(&output.stdout_lossy()),
        )
    }

    /// Set (or, with `None`, clear) a property of a named entry.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.storage().set("uploads", "mode", Some("0750")).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] and the command errors.
    pub async fn set(self, name: &str, property: &str, value: Option<&str>) -> Result<()> {
        self.dokku
            .run(&set_command(name, property, value)?)
            .await
            .map(drop)
    }
}
