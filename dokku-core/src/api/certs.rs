//! `certs:*`: an app's own TLS certificate.
//!
//! `certs:add`/`certs:update` read a tar archive holding one `.crt` and one
//! `.key` file from standard input when no file paths are given
//! (dokku/dokku `plugins/certs/subcommands/add`, `is_tar_import`), so the
//! certificate and the private key travel on stdin, never in argv, and
//! never in logs or history (stdin is secret). `certs:show <app> key`
//! prints the private key: that command is marked as printing secrets.

use crate::client::Dokku;
use crate::command::Command;
use crate::error::{Error, Result};
use crate::model::certs::{CertPart, CertsReport};
use crate::name::{AppName, Domain};
use crate::secret::{SecretBytes, SecretString};

/// The in-memory tar archive `certs:add` expects: `server.crt` and
/// `server.key`. The key never leaves [`SecretBytes`].
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the certificate is not PEM (no `BEGIN
/// CERTIFICATE`) or the key is not a PEM private key.
pub fn certs_tar(cert_pem: &str, key_pem: &SecretString) -> Result<SecretBytes> {
    let refuse = |reason: &str| Error::InvalidArgument {
        what: "certs:add",
        reason: reason.to_owned(),
    };
    if !cert_pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(refuse("the certificate is not PEM (no BEGIN CERTIFICATE)"));
    }
    let key = key_pem.expose();
    if !(key.contains("-----BEGIN ") && key.contains("PRIVATE KEY-----")) {
        return Err(refuse("the key is not a PEM private key"));
    }
    let mut builder = tar::Builder::new(Vec::new());
    for (name, bytes) in [
        ("server.crt", cert_pem.as_bytes()),
        ("server.key", key.as_bytes()),
    ] {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(0);
        builder
            .append_data(&mut header, name, bytes)
            .map_err(|e| refuse(&format!("cannot build the archive: {e}")))?;
    }
    builder
        .into_inner()
        .map(SecretBytes::new)
        .map_err(|e| refuse(&format!("cannot build the archive: {e}")))
}

/// `certs:add <app>` (or `certs:update`) with the certificate and key as a
/// tar archive on stdin.
///
/// # Errors
///
/// As [`certs_tar`].
pub fn add_command(
    update: bool,
    app: &AppName,
    cert_pem: &str,
    key_pem: &SecretString,
) -> Result<Command> {
    let archive = certs_tar(cert_pem, key_pem)?;
    let subcommand = if update { "certs:update" } else { "certs:add" };
    Ok(Command::write(subcommand)
        .app_arg(app)
        .stdin(archive.expose().to_vec()))
}

/// The answers `openssl req` asks for while `certs:generate` runs; the
/// command is interactive, so they are sent on stdin in prompt order.
/// Empty fields are sent as `.` (openssl's "leave blank").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsrSubject {
    /// Country Name (2 letter code).
    pub country: String,
    /// State or Province Name.
    pub state: String,
    /// Locality Name (city).
    pub locality: String,
    /// Organization Name.
    pub organization: String,
    /// Organizational Unit Name.
    pub unit: String,
    /// Common Name: the hostname. Defaults to the domain given.
    pub common_name: String,
    /// Email Address.
    pub email: String,
}

/// `certs:generate <app> [<domain>]`: a self-signed certificate, valid for
/// 365 days; the output is the certificate signing request.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a subject field with a line break (it
/// would shift every later answer to `openssl req`).
pub fn generate_command(
    app: &AppName,
    domain: Option<&Domain>,
    subject: &CsrSubject,
) -> Result<Command> {
    let common_name = match (subject.common_name.as_str(), domain) {
        ("", Some(d)) => d.to_string(),
        (cn, _) => cn.to_owned(),
    };
    let fields = [
        subject.country.as_str(),
        &subject.state,
        &subject.locality,
        &subject.organization,
        &subject.unit,
        &common_name,
        &subject.email,
        // A challenge password and an optional company name.
        "",
        "",
    ];
    if fields.iter().any(|f| f.contains(['\n', '\r'])) {
        return Err(Error::InvalidArgument {
            what: "certs:generate",
            reason: "subject fields must be single lines".to_owned(),
        });
    }
    let answers: String = fields
        .iter()
        .enumerate()
        .map(|(i, f)| match (i < 7, f.is_empty()) {
            (true, true) => ".\n".to_owned(),
            _ => format!("{f}\n"),
        })
        .collect();
    let command = Command::write("certs:generate").app_arg(app).args(domain);
    Ok(command.stdin(answers.into_bytes()))
}

/// `certs:remove <app>`.
pub fn remove_command(app: &AppName) -> Command {
    Command::write("certs:remove").app_arg(app)
}

/// `certs:show <app> crt|key`; the key is secret output.
pub fn show_command(app: &AppName, part: CertPart) -> Command {
    Command::read("certs:show").app_arg(app).arg(part.as_str())
}

/// Handler for `certs:*`; see [`Dokku::certs`].
#[derive(Debug, Clone, Copy)]
pub struct Certs<'a> {
    pub(crate) dokku: &'a Dokku,
}

impl<'a> Certs<'a> {
    /// `certs:report` for one app (JSON from 0.38.0).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let report = dokku.certs().report(&dokku_core::AppName::new("api")?).await?;
    /// println!("TLS: {} until {:?}", report.enabled, report.expires_at);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`], [`Error::Parse`] and transport errors.
    pub async fn report(self, app: &AppName) -> Result<CertsReport> {
        self.dokku.report::<CertsReport>().app(app).await
    }

    /// `certs:report` for every app, in one invocation.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let with_tls = dokku.certs().report_all().await?.iter().filter(|r| r.enabled).count();
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] and transport errors.
    pub async fn report_all(self) -> Result<Vec<CertsReport>> {
        self.dokku.report::<CertsReport>().all().await
    }

    /// Install a certificate and key (PEM) for an app.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// let cert = std::fs::read_to_string("server.crt")?;
    /// let key = dokku_core::SecretString::new(std::fs::read_to_string("server.key")?);
    /// dokku.certs().add(&app, &cert, &key).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the certificate or the key is not PEM
    /// (nothing is sent), [`Error::AppNotFound`], [`Error::CommandFailed`] and
    /// [`Error::Transport`].
    pub async fn add(self, app: &AppName, cert_pem: &str, key_pem: &SecretString) -> Result<()> {
        let command = add_command(false, app, cert_pem, key_pem)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Replace an app's certificate and key (PEM).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = dokku_core::AppName::new("api")?;
    /// let cert = std::fs::read_to_string("renewed.crt")?;
    /// let key = dokku_core::SecretString::new(std::fs::read_to_string("renewed.key")?);
    /// dokku.certs().update(&app, &cert, &key).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Certs::add`].
    pub async fn update(self, app: &AppName, cert_pem: &str, key_pem: &SecretString) -> Result<()> {
        let command = add_command(true, app, cert_pem, key_pem)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Generate a self-signed certificate; returns what Dokku printed (the
    /// certificate signing request).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::api::certs::CsrSubject;
    /// let app = dokku_core::AppName::new("api")?;
    /// let domain = dokku_core::Domain::new("api.example.com")?;
    /// let csr = dokku.certs().generate(&app, Some(&domain), &CsrSubject::default()).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a subject field with a line break (nothing
    /// is sent), [`Error::AppNotFound`], [`Error::CommandFailed`] and
    /// [`Error::Transport`].
    pub async fn generate(
        self,
        app: &AppName,
        domain: Option<&Domain>,
        subject: &CsrSubject,
    ) -> Result<String> {
        let command = generate_command(app, domain, subject)?;
        let output = self.dokku.run(&command).await?;
        Ok(output.stdout_lossy().into_owned())
    }

    /// Remove an app's certificate.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.certs().remove(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CommandFailed`] when the app has no certificate (`An
    /// app-specific SSL endpoint is not defined`), [`Error::AppNotFound`] and
    /// [`Error::Transport`].
    pub async fn remove(self, app: &AppName) -> Result<()> {
        self.dokku.run(&remove_command(app)).await.map(drop)
    }

    /// The app's certificate (PEM).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let pem = dokku.certs().show_crt(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CommandFailed`] when the app has no certificate,
    /// [`Error::AppNotFound`] and [`Error::Transport`].
    pub async fn show_crt(self, app: &AppName) -> Result<String> {
        let output = self.dokku.run(&show_command(app, CertPart::Crt)).await?;
        Ok(output.stdout_lossy().into_owned())
    }

    /// The app's private key (PEM), as a secret.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let key = dokku.certs().show_key(&dokku_core::AppName::new("api")?).await?;
    /// println!("{} bytes of key", key.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Certs::show_crt`].
    pub async fn show_key(self, app: &AppName) -> Result<SecretString> {
        let output = self.dokku.run(&show_command(app, CertPart::Key)).await?;
        Ok(SecretString::new(output.stdout_lossy().into_owned()))
    }
}
