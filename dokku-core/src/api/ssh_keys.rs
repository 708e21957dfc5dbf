//! `ssh-keys:*`: who may push and run commands over SSH.
//!
//! Recorded on 0.38.27: `ssh-keys:add <name>` reads the key from stdin and
//! prints its fingerprint (over SSH: ` !     This command must be run as
//! root`); `ssh-keys:list <name>` of an unknown name is exit 1 with no
//! output (text) or `[]` (JSON), an empty list rather than an error;
//! `ssh-keys:remove` of an unknown name succeeds silently.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::ssh_keys::SshKey;
use crate::parse::{self, context};

/// `ssh-keys:list [--format json] [<name>]`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a name that is not one word.
pub fn list_command(name: Option<&str>) -> Result<Command> {
    let command = Command::read("ssh-keys:list").args(["--format", "json"]);
    Ok(match name {
        Some(name) => command.arg(super::word("ssh-keys:list", "key name", name)?),
        None => command,
    })
}

/// `ssh-keys:add <name>` with the public key on stdin.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a name that is not one word, or a key
/// that is not one line starting `ssh-`, `ecdsa-` or `sk-`.
pub fn add_command(name: &str, public_key: &str) -> Result<Command> {
    let name = super::word("ssh-keys:add", "key name", name)?;
    let key = public_key.trim();
    let shaped =
        ["ssh-", "ecdsa-", "sk-"].iter().any(|p| key.starts_with(p)) && !key.contains('\n');
    if !shaped {
        return Err(Error::InvalidArgument {
            what: "ssh-keys:add",
            reason: "expected one OpenSSH public key line (ssh-ed25519 AAAA… comment)".to_owned(),
        });
    }
    Ok(Command::write("ssh-keys:add")
        .arg(name)
        .stdin(format!("{key}\n")))
}

/// `ssh-keys:remove <name>` or `ssh-keys:remove --fingerprint <fp>`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a name or fingerprint that is not one word.
pub fn remove_command(name_or_fingerprint: &str, by_fingerprint: bool) -> Result<Command> {
    let value = super::word("ssh-keys:remove", "key name", name_or_fingerprint)?;
    Ok(Command::write("ssh-keys:remove")
        .arg_if(by_fingerprint, "--fingerprint")
        .arg(value))
}

/// Handler for `ssh-keys:*`; see [`Dokku::ssh_keys`].
#[derive(Debug, Clone, Copy)]
pub struct SshKeys<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for authorized SSH keys.
    pub fn ssh_keys(&self) -> SshKeys<'_> {
        SshKeys { dokku: self }
    }
}

impl SshKeys<'_> {
    /// Every key, or those added under `name` (none is an empty list).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// for key in dokku.ssh_keys().list(None).await? {
    ///     println!("{} {}", key.name, key.fingerprint);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`], [`Error::Parse`] and the command errors.
    pub async fn list(self, name: Option<&str>) -> Result<Vec<SshKey>> {
        let command = list_command(name)?;
        let output = self.dokku.execute(&command).await?;
        // sshcommand: no match is exit 1 with no output at all.
        if output.status.as_code() == Some(1)
            && output.stdout.is_empty()
            && output.stderr.is_empty()
        {
            return Ok(Vec::new());
        }
        let output = parse::expect_success(&command, output)?;
        context(&command, parse::ssh_keys::list(&output.stdout_lossy()))
    }

    /// Authorize a public key under `name`; returns its fingerprint. Dokku
    /// requires root for it: over SSH as the `dokku` user it is refused.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let key = std::fs::read_to_string("id_ed25519.pub")?;
    /// let fingerprint = dokku.ssh_keys().add("alice", &key).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] (nothing sent), [`Error::CommandFailed`]
    /// (`Duplicate ssh key name`, not root, an invalid key).
    pub async fn add(self, name: &str, public_key: &str) -> Result<String> {
        let output = self.dokku.run(&add_command(name, public_key)?).await?;
        Ok(output.stdout_lossy().trim().to_owned())
    }

    /// Remove the keys added under `name` (an unknown name: nothing).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.ssh_keys().remove("alice").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] and the command errors.
    pub async fn remove(self, name: &str) -> Result<()> {
        self.dokku
            .run(&remove_command(name, false)?)
            .await
            .map(drop)
    }

    /// Remove the key with this fingerprint (`SHA256:…`).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.ssh_keys().remove_fingerprint("SHA256:9W9mCidzvHeIGSEq0bCEXpPePea0Duk3NvltQZe6fvc").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`SshKeys::remove`].
    pub async fn remove_fingerprint(self, fingerprint: &str) -> Result<()> {
        self.dokku
            .run(&remove_command(fingerprint, true)?)
            .await
            .map(drop)
    }
}
