//! Every plugin's `<plugin>:set (<app>|--global) <key> [<value>]`, through
//! one handler typed by the catalog.
//!
//! The key must be one of the plugin's catalogued properties, settable at
//! that scope on this host's Dokku, and the value of its kind; anything else
//! is refused before a byte is sent. A secret property's value goes as a
//! secret argument and the echoed output (`Setting <key> to <value>`) is
//! marked secret, by the catalog, not by the caller.
//!
//! ```no_run
//! # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
//! use dokku_core::api::Scope;
//! use dokku_core::catalog::plugins;
//! use dokku_core::AppName;
//!
//! let api = AppName::new("api")?;
//! let ps = dokku.properties(&plugins::PS);
//! ps.set(&api, "restart-policy", "always").await?;
//! ps.unset(Scope::Global, "stop-timeout-seconds").await?;
//! # Ok(()) }
//! ```

use crate::api::Scope;
use crate::catalog::{Plugin, Source};
use crate::client::Dokku;
use crate::command::{Command, Requirement};
use crate::error::{Error, Result};

/// Handler for one plugin's properties; see [`Dokku::properties`].
#[derive(Debug, Clone, Copy)]
pub struct Properties<'a> {
    dokku: &'a Dokku,
    plugin: &'static Plugin,
}

impl Dokku {
    /// The properties of a plugin, as the catalog describes them (any
    /// [`Plugin`] value works, catalogued or your own).
    pub fn properties(&self, plugin: &'static Plugin) -> Properties<'_> {
        Properties {
            dokku: self,
            plugin,
        }
    }
}

impl Properties<'_> {
    /// The plugin.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// let ps = dokku.properties(&dokku_core::catalog::plugins::PS);
    /// println!("{} properties", ps.plugin().properties.len());
    /// # Ok(()) }
    /// ```
    pub fn plugin(&self) -> &'static Plugin {
        self.plugin
    }

    /// Set `key` to `value` for an app or globally.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::catalog::plugins;
    /// let app = dokku_core::AppName::new("api")?;
    /// dokku.properties(&plugins::PS).set(&app, "restart-policy", "always").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an unknown key, a scope the property
    /// does not have, an empty value or one of the wrong kind (nothing is
    /// sent); [`Error::Unsupported`] on a Dokku before the property;
    /// [`Error::AppNotFound`] and the other command errors.
    pub async fn set(&self, scope: impl Into<Scope>, key: &str, value: &str) -> Result<()> {
        let command = self.command(&scope.into(), key, Some(value))?;
        self.dokku.run(&command).await.map(drop)
    }

    /// Unset `key` for an app or globally (back to the global value or
    /// Dokku's default).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{api::Scope, catalog::plugins};
    /// dokku.properties(&plugins::PS).unset(Scope::Global, "stop-timeout-seconds").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Properties::set`].
    pub async fn unset(&self, scope: impl Into<Scope>, key: &str) -> Result<()> {
        let command = self.command(&scope.into(), key, None)?;
        self.dokku.run(&command).await.map(drop)
    }

    /// The command [`Properties::set`] (with a value) or
    /// [`Properties::unset`] (without) sends; see [`set_command`].
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// use dokku_core::{api::Scope, catalog::plugins, AppName};
    /// let scope = Scope::from(&AppName::new("api")?);
    /// let command = dokku.properties(&plugins::PS).command(&scope, "restart-policy", Some("always"))?;
    /// println!("would run: {command}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`set_command`].
    pub fn command(&self, scope: &Scope, key: &str, value: Option<&str>) -> Result<Command> {
        set_command(self.plugin, scope, key, value)
    }
}

/// `<plugin>:set (<app>|--global) <key> [<value>]` (`buildpacks:set-property`
/// for buildpacks: [`Plugin::set_verb`]) for a catalogued property,
/// checked against the catalog (pure: for dry runs and plans).
///
/// ```
/// use dokku_core::api::properties::set_command;
/// use dokku_core::api::Scope;
/// use dokku_core::catalog::plugins;
///
/// let command = set_command(&plugins::LOGS, &Scope::Global, "vector-sink", Some("http://u:p@h"))?;
/// assert_eq!(command.to_string(), "dokku logs:set --global vector-sink ***");
/// assert!(set_command(&plugins::PS, &Scope::Global, "start-cmd", Some("x")).is_err());
/// # Ok::<(), dokku_core::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an unknown key, a scope the property does
/// not have, an empty value or one of the wrong kind.
pub fn set_command(
    plugin: &'static Plugin,
    scope: &Scope,
    key: &str,
    value: Option<&str>,
) -> Result<Command> {
    let invalid = |reason: String| Error::InvalidArgument {
        what: "property",
        reason: format!("{}:set: {reason}", plugin.name),
    };
    let valid = !key.is_empty() && !key.starts_with('-') && !key.contains(char::is_whitespace);
    let spec = match plugin.property(key) {
        Some(spec) if valid => spec,
        _ => {
            let known: Vec<&str> = plugin.properties.iter().map(|p| p.key).collect();
            return Err(invalid(if known.is_empty() {
                format!("the {} plugin has no properties", plugin.name)
            } else {
                unknown_key(&known, key)
            }));
        }
    };
    let global = matches!(scope, Scope::Global);
    if !spec.allows(global) {
        return Err(invalid(if global {
            format!("{key} cannot be set globally, only per app")
        } else {
            format!("{key} can only be set globally (--global)")
        }));
    }
    if let Some(value) = value {
        if value.is_empty() {
            return Err(invalid(format!(
                "an empty value for {key} would unset it; unset it instead"
            )));
        }
        if let Err(rule) = spec.check(value) {
            return Err(invalid(format!("{key} {rule}")));
        }
    }
    let mut command = scope.apply(Command::of(plugin, plugin.set_verb)).arg(key);
    if let Some(value) = value {
        command = command.arg(value);
    }
    if let (Source::Core, Some(since)) = (plugin.source, spec.since) {
        command = command.requires(Requirement::Version(since));
    }
    Ok(command)
}

/// Why `key` is refused: not one of `known`. The key is not echoed (a
/// value typed in its place would be); a known one within two edits of it
/// is named as the guess.
pub(crate) fn unknown_key(known: &[&str], key: &str) -> String {
    let typed = key.to_ascii_lowercase();
    let near = known
        .iter()
        .map(|k| (strsim::levenshtein(k, &typed), k))
        .filter(|(distance, _)| *distance <= 2)
        .min();
    let guess = near.map_or_else(String::new, |(_, k)| format!("did you mean {k}? "));
    format!("unknown property; {guess}known: {}", known.join(", "))
}

#[cfg(test)]
mod tests {
    use super::set_command;
    use crate::api::Scope;
    use crate::catalog::plugins;

    fn refusal(key: &str) -> String {
        match set_command(&plugins::PS, &Scope::Global, key, Some("5")) {
            Ok(command) => panic!("{key} was accepted: {command}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn an_unknown_key_near_a_known_one_is_named_as_the_guess() {
        let said = refusal("restart-polcy");
        assert!(said.contains("did you mean restart-policy?"), "{said}");
        assert!(refusal("Restart-Policy").contains("did you mean restart-policy?"));
    }

    #[test]
    fn storage_entries_refuse_an_unknown_key_the_same_way() {
        let said = match crate::api::storage::set_command("data", "storage-clas-name", Some("x")) {
            Ok(command) => panic!("accepted: {command}"),
            Err(e) => e.to_string(),
        };
        assert!(said.contains("did you mean storage-class-name?"), "{said}");
    }

    #[test]
    fn an_unknown_key_is_never_echoed_and_a_far_one_gets_no_guess() {
        // What was typed may be a value in the key's place.
        let said = refusal("hunter2-secret");
        assert!(!said.contains("hunter2"), "{said}");
        assert!(!said.contains("did you mean"), "{said}");
        assert!(said.contains("known: restart-policy"), "{said}");
    }
}
