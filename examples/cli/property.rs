//! Setting one property of a catalogued plugin, `<plugin>:set
//! (<app>|--global) <key> [<value>]`, checked by the library's catalog
//! (unknown keys, wrong scopes and bad values are refused before anything
//! is sent). Shared by the generic `set` and `letsencrypt set/unset`.
//!
//! A secret property's value (a DNS provider token, a log sink URL with a
//! password) is never taken from the command line, where it would land in
//! shell history and `ps`: give `-` and it is read from a prompt with echo
//! off, or from standard input.

use dokku::api::properties::set_command;
use dokku::api::Scope;
use dokku::catalog::Plugin;
use dokku::{Command, SecretString};

use crate::error::CliError;
use crate::family::scope_name;
use crate::output;
use crate::session::{self, Session};

/// One property change, validated.
#[derive(Debug, Clone)]
pub struct Change {
    plugin: &'static Plugin,
    scope: Scope,
    key: String,
    value: Value,
}

#[derive(Debug, Clone)]
enum Value {
    Unset,
    Plain(String),
    /// A secret, read when the change is prepared (`None` until then).
    Secret(Option<SecretString>),
}

impl Change {
    /// `value`: `None` unsets; `-` reads a secret property's value later.
    pub fn new(
        plugin: &'static Plugin,
        scope: Scope,
        key: String,
        value: Option<String>,
    ) -> Result<Self, CliError> {
        let secret = plugin.property(&key).is_some_and(|p| p.secret);
        let value = match value {
            None => Value::Unset,
            Some(v) if secret && v == "-" => Value::Secret(None),
            Some(_) if secret => {
                // Checked first: an unknown key or scope says so instead.
                set_command(plugin, &scope, &key, None)?;
                return Err(CliError::usage(
                    format!(
                        "{key} is a secret: its value is not taken from the command line (shell history, `ps`)"
                    ),
                    format!(
                        "give - as the value and type it at the prompt, or pipe it in: `… | cli set {} {} {key} -`",
                        plugin.name,
                        scope_name(&scope)
                    ),
                ));
            }
            Some(v) => Value::Plain(v),
        };
        let change = Change {
            plugin,
            scope,
            key,
            value,
        };
        change.command()?;
        Ok(change)
    }

    /// The command it sends (a secret not asked for yet as `***`).
    pub fn command(&self) -> Result<Command, CliError> {
        let unasked = SecretString::new("***");
        let value = match &self.value {
            Value::Unset => None,
            Value::Plain(v) => Some(v.as_str()),
            Value::Secret(v) => Some(v.as_ref().unwrap_or(&unasked).expose()),
        };
        Ok(set_command(self.plugin, &self.scope, &self.key, value)?)
    }

    /// Ask for a secret value (never for a dry run).
    pub fn prepare(self) -> Result<Self, CliError> {
        match self.value {
            Value::Secret(None) => {
                let value = session::read_secret(&format!("value of {}", self.key))?;
                Ok(Change {
                    value: Value::Secret(Some(value)),
                    ..self
                })
            }
            _ => Ok(self),
        }
    }

    pub async fn run(self, s: &Session) -> Result<(), CliError> {
        let command = self.command()?;
        s.run(&command).await?;
        let verb = if matches!(self.value, Value::Unset) {
            "unset"
        } else {
            "set"
        };
        let what = format!(
            "{} {} on {}",
            self.plugin.name,
            self.key,
            scope_name(&self.scope)
        );
        output::changed(s.opts.json, verb, &what, &command)
    }
}
