//! The words every family reads, validated where clap reads them: each
//! function here is a clap value parser (`#[arg(value_parser =
//! args::app_name)]`) that turns a word into a typed value (`AppName`,
//! `ConfigKey`, `Domain` …) or says which rule it broke, and the same
//! function checks the items of `[APP] ITEM…` argument lists. A bad word is
//! a usage error (exit 2) before anything runs.

use std::fmt;

use dokku::catalog::{self, Plugin};
use dokku::model::docker_options::Phase;
use dokku::model::ports::PortMapping;
use dokku::model::service::ServicePlugin;
use dokku::{
    AppName, ConfigKey, Domain, ImageVersion, PluginName, ProcessType, SecretString, ServiceName,
};

use crate::error::CliError;

/// `[APP]` or `--all`, for commands that act on one app or every app.
#[derive(Debug, clap::Args)]
pub struct AppOrAll {
    #[arg(value_parser = app_name)]
    pub app: Option<AppName>,
    /// Every app.
    #[arg(long)]
    pub all: bool,
}

/// `[APP]` or `--global`, for reports and settings that have both.
#[derive(Debug, clap::Args)]
pub struct AppOrGlobal {
    #[arg(value_parser = app_name)]
    pub app: Option<AppName>,
    /// The global settings instead of an app's.
    #[arg(long)]
    pub global: bool,
}

/// A word that is not what its argument takes: what is wrong, and how a
/// good one looks. Never holds a secret.
#[derive(Debug, Clone)]
pub struct BadArg {
    pub message: String,
    pub hint: String,
}

impl BadArg {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        BadArg {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for BadArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BadArg {}

impl From<BadArg> for CliError {
    fn from(e: BadArg) -> Self {
        CliError::usage(e.message, e.hint)
    }
}

/// A name checked by its type's rule: `"Bad_App" is not a valid app
/// name: it starts with 'B'; …` (the rule, once; the word, once).
fn name<T>(
    raw: &str,
    parse: fn(&str) -> Result<T, dokku::NameError>,
    kind: &str,
    hint: &str,
) -> Result<T, BadArg> {
    parse(raw).map_err(|e| BadArg::new(format!("{raw:?} is not a valid {kind}: {}", e.rule), hint))
}

/// A host's name in the registry (dokku-fleet's rule).
pub fn host_name(raw: &str) -> Result<dokku_fleet::HostName, BadArg> {
    dokku_fleet::HostName::new(raw).map_err(|e| {
        BadArg::new(
            e.to_string(),
            "a host name is 1-63 of a-z, 0-9, '-', '_', '.': `eu-1`",
        )
    })
}

/// A selection of hosts: labels (`env=prod,region=eu`), names
/// (`eu-1,us-1`) or `all`.
pub fn selector(raw: &str) -> Result<dokku_fleet::Selector, BadArg> {
    dokku_fleet::Selector::parse(raw).map_err(|e| {
        BadArg::new(
            e.to_string(),
            "--where env=prod,region=eu (every label must match), --where eu-1,us-1, or --where all",
        )
    })
}

/// A host label: `KEY=VALUE`.
pub fn label(raw: &str) -> Result<(String, String), BadArg> {
    let hint = "--label env=prod (letters, digits, '-', '_', '.', '/')";
    let (key, value) = raw
        .split_once('=')
        .ok_or_else(|| BadArg::new(format!("{raw:?} is not KEY=VALUE"), hint))?;
    // The selection rule checks the words as the registry will.
    dokku_fleet::Selector::labels(raw).map_err(|e| BadArg::new(e.to_string(), hint))?;
    Ok((key.trim().to_owned(), value.trim().to_owned()))
}

/// An existing app, by Dokku's rule for apps it already has (older Dokku
/// created names such as `old_intranet` that `apps:create` now refuses).
pub fn app_name(raw: &str) -> Result<AppName, BadArg> {
    name(
        raw,
        AppName::legacy,
        "app name",
        "app names start with a lowercase letter or digit and hold no capitals, '/' or ':'",
    )
}

/// A new app (`apps create`, the target of `rename` and `clone`), by
/// `apps:create`'s rule.
pub fn new_app_name(raw: &str) -> Result<AppName, BadArg> {
    name(
        raw,
        AppName::new,
        "name for a new app",
        "new app names are lowercase letters, digits, '-' and '.', starting with a letter or digit",
    )
}

pub fn config_key(raw: &str) -> Result<ConfigKey, BadArg> {
    name(
        raw,
        ConfigKey::new,
        "config key",
        "keys are letters, digits and '_', not starting with a digit",
    )
}

pub fn process_type(raw: &str) -> Result<ProcessType, BadArg> {
    name(
        raw,
        ProcessType::new,
        "process type",
        "process types are the names in the Procfile (web, worker …)",
    )
}

pub fn domain(raw: &str) -> Result<Domain, BadArg> {
    name(
        raw,
        Domain::new,
        "domain",
        "a domain is a hostname such as api.example.com (or *.example.com)",
    )
}

pub fn service_name(raw: &str) -> Result<ServiceName, BadArg> {
    name(
        raw,
        ServiceName::new,
        "service name",
        "service names are letters, digits, '-' and '_', starting with a letter or digit",
    )
}

pub fn image_version(raw: &str) -> Result<ImageVersion, BadArg> {
    name(
        raw,
        ImageVersion::new,
        "image version",
        "an image version is a Docker tag: letters, digits, '_', '.' and '-'",
    )
}

pub fn service_plugin(raw: &str) -> Result<ServicePlugin, BadArg> {
    let plugin = name(
        raw,
        PluginName::new,
        "plugin name",
        "name a service plugin: postgres, redis, mysql, mongo …",
    )?;
    Ok(ServicePlugin::from_name(&plugin))
}

fn catalogued(raw: &str, has: fn(&Plugin) -> bool, what: &str) -> Result<&'static Plugin, BadArg> {
    let known: Vec<&str> = catalog::CATALOG
        .iter()
        .filter(|p| has(p))
        .map(|p| p.name)
        .collect();
    catalog::plugin(raw).filter(|p| has(p)).ok_or_else(|| {
        BadArg::new(
            format!("{raw:?} is not a plugin with {what} this tool knows"),
            format!("one of: {}", known.join(", ")),
        )
    })
}

/// A catalogued plugin that has a `:report`.
pub fn plugin_with_report(raw: &str) -> Result<&'static Plugin, BadArg> {
    catalogued(raw, |p| p.report.is_some(), "a report")
}

/// A catalogued plugin that has `:set` properties.
pub fn plugin_with_properties(raw: &str) -> Result<&'static Plugin, BadArg> {
    catalogued(raw, |p| !p.properties.is_empty(), "properties")
}

/// The most containers of one process type the CLI scales to, as the web
/// dashboard does: Dokku itself takes any count, and a typo (`web=100`
/// for `web=10`) costs a deploy of that many containers.
pub const MAX_SCALE: u32 = 100;

/// `TYPE=COUNT`, the count from 0 to [`MAX_SCALE`].
pub fn formation(raw: &str) -> Result<(ProcessType, u32), BadArg> {
    let hint = "write the formation as TYPE=COUNT pairs, e.g. web=2 worker=1";
    let Some((kind, count)) = raw.split_once('=') else {
        return Err(BadArg::new(format!("{raw:?} is not TYPE=COUNT"), hint));
    };
    let kind = process_type(kind)?;
    match count.parse::<u32>() {
        Ok(n) if n <= MAX_SCALE => Ok((kind, n)),
        Ok(_) => Err(BadArg::new(
            format!("{kind}={count}: the count is more than {MAX_SCALE}"),
            format!("scale to between 0 and {MAX_SCALE} containers per process type"),
        )),
        Err(_) => Err(BadArg::new(
            format!("{kind}={count}: the count is not a whole number"),
            format!("give a count from 0 to {MAX_SCALE}, e.g. {kind}=2"),
        )),
    }
}

/// `KEY=VALUE`. A word without `=` is named only when it looks like an
/// environment variable's name (`NODE_ENV`: capitals, digits, `_`):
/// anything else may be a secret pasted in the wrong place (`sk_live_…`).
pub fn assignment(raw: &str) -> Result<(ConfigKey, SecretString), BadArg> {
    let Some((key, value)) = raw.split_once('=') else {
        let named = raw.len() <= 64
            && raw.starts_with(|c: char| c.is_ascii_uppercase())
            && raw
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        return Err(if named {
            BadArg::new(
                format!("{raw} has no value"),
                format!("write {raw}=VALUE (`cli config unset` removes a variable)"),
            )
        } else {
            BadArg::new(
                "an argument is not KEY=VALUE: it has no '=' (not shown, in case it is a secret)",
                "write each variable as KEY=VALUE",
            )
        });
    };
    Ok((config_key(key)?, SecretString::new(value)))
}

/// `scheme:host-port:container-port`.
pub fn port_mapping(raw: &str) -> Result<PortMapping, BadArg> {
    raw.parse().map_err(|e: dokku::Error| {
        let reason = match &e {
            dokku::Error::InvalidArgument { reason, .. } => reason.clone(),
            other => other.to_string(),
        };
        BadArg::new(
            format!("{raw:?} is not a port mapping: {reason}"),
            "write mappings as scheme:host-port:container-port, e.g. http:80:5000",
        )
    })
}

/// An S3 bucket (optionally with a path in it), as the plugin puts it in
/// an `s3://` URL and a cron line.
pub fn bucket(raw: &str) -> Result<String, BadArg> {
    let ok = !raw.is_empty()
        && !raw.starts_with(['-', '/'])
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(BadArg::new(
            format!("{raw:?} is not a bucket name"),
            "bucket names are lowercase letters, digits, '.' and '-' (a path after '/' may follow)",
        ))
    }
}

/// A cron schedule: five fields or an `@daily`-style macro. The plugin
/// writes it into a cron file, so one line only.
pub fn cron(raw: &str) -> Result<String, BadArg> {
    let fields = raw.split_whitespace().count();
    let ok = !raw.contains(['\n', '\r'])
        && (fields == 5 || (fields == 1 && raw.trim().starts_with('@')));
    if ok {
        Ok(raw.trim().to_owned())
    } else {
        Err(BadArg::new(
            format!("{raw:?} is not a cron schedule"),
            "give five fields in quotes, e.g. '0 3 * * *' (minute hour day month weekday), or @daily",
        ))
    }
}

/// A port a service publishes on the host: `15432` or `127.0.0.1:15432`.
pub fn host_port(raw: &str) -> Result<String, BadArg> {
    let ok = !raw.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ':');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(BadArg::new(
            format!("{raw:?} is not a port"),
            "give host ports (15432) or ip:port pairs (127.0.0.1:15432)",
        ))
    }
}

/// Whether `raw` is a word of a restricted alphabet: ASCII letters,
/// digits and `extra`, not starting with `-` or `.`.
fn plain(raw: &str, extra: &[char]) -> bool {
    !raw.is_empty()
        && !raw.starts_with(['-', '.'])
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
}

/// [`plain`], or which word is not: ids, key names, network names.
fn word(raw: &str, extra: &[char], kind: &str, hint: &str) -> Result<String, BadArg> {
    if plain(raw, extra) {
        Ok(raw.to_owned())
    } else {
        Err(BadArg::new(format!("{raw:?} is not a valid {kind}"), hint))
    }
}

/// A cron task's id, as `cron list` shows it.
pub fn task_id(raw: &str) -> Result<String, BadArg> {
    word(
        raw,
        &[],
        "cron task id",
        "`cli cron list APP` shows the task ids",
    )
}

/// A build's id, as `builds list` shows it.
pub fn build_id(raw: &str) -> Result<String, BadArg> {
    word(
        raw,
        &[],
        "build id",
        "`cli builds list APP` shows the build ids",
    )
}

/// A one-off container's name: `<app>.run.<n>`.
pub fn run_container(raw: &str) -> Result<String, BadArg> {
    let hint = "one-off containers are named APP.run.N; `cli run list APP` shows them";
    let bad = || BadArg::new(format!("{raw:?} is not a one-off container name"), hint);
    let (app, number) = raw.rsplit_once(".run.").ok_or_else(bad)?;
    app_name(app).map_err(|_| bad())?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(raw.to_owned())
}

/// A directory under Dokku's storage root (`/var/lib/dokku/data/storage`):
/// one path component.
pub fn storage_directory(raw: &str) -> Result<String, BadArg> {
    word(
        raw,
        &['-', '_', '.'],
        "storage directory name",
        "give one directory name (letters, digits, '-', '_', '.'), created under /var/lib/dokku/data/storage",
    )
}

/// A value for `--<resource>`: a number with an optional unit (`2`,
/// `0.5`, `512m`, `1g`, `100mbit`), `clear` (unset that one resource), or
/// for GPUs `all`.
pub fn resource_value(resource: &str, raw: &str) -> Result<String, BadArg> {
    if dokku::model::resource::is_resource_value(resource, raw) {
        Ok(raw.to_owned())
    } else {
        Err(BadArg::new(
            format!("{raw:?} is not a {resource} amount"),
            "give a number with an optional unit (--cpu 0.5, --memory 512m), or clear to unset it",
        ))
    }
}

/// The name an SSH key is added under.
pub fn key_name(raw: &str) -> Result<String, BadArg> {
    word(
        raw,
        &['-', '_', '.', '@'],
        "key name",
        "key names are letters, digits, '-', '_', '.' and '@' (e.g. alice or alice@laptop)",
    )
}

/// An SSH key's fingerprint as `ssh-keys list` shows it
/// (`SHA256:` and unpadded base64).
pub fn key_fingerprint(raw: &str) -> Result<String, BadArg> {
    let ok = raw.strip_prefix("SHA256:").is_some_and(|b64| {
        !b64.is_empty()
            && b64
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    });
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(BadArg::new(
            format!("{raw:?} is not an SSH key fingerprint"),
            "give it as `cli ssh-keys list` shows it: SHA256:… (43 base64 characters)",
        ))
    }
}

/// A Docker network's name.
pub fn network_name(raw: &str) -> Result<String, BadArg> {
    word(
        raw,
        &['-', '_', '.'],
        "network name",
        "network names are letters, digits, '-', '_' and '.', starting with a letter or digit",
    )
}

/// A registry server: `host[:port]` (`ghcr.io`, `registry.example.com:5000`).
pub fn registry_server(raw: &str) -> Result<String, BadArg> {
    let (host, port) = raw.split_once(':').unwrap_or((raw, "80"));
    let ok =
        plain(host, &['-', '.']) && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(BadArg::new(
            format!("{raw:?} is not a registry server"),
            "give the registry's host, with a port if it has one: ghcr.io, registry.example.com:5000",
        ))
    }
}

/// A registry user name.
pub fn registry_user(raw: &str) -> Result<String, BadArg> {
    word(
        raw,
        &['-', '_', '.', '@', '+'],
        "registry user name",
        "give the user name the registry knows (a token's name, an email …)",
    )
}

/// A buildpack: a URL (`https://…`, `git@…`, with an optional `#ref`) or
/// a registry short name (`heroku/nodejs`).
pub fn buildpack(raw: &str) -> Result<String, BadArg> {
    let url = ["https://", "http://", "git://", "ssh://", "git@"]
        .iter()
        .any(|scheme| raw.len() > scheme.len() && raw.starts_with(scheme));
    let short = raw.split_once('/').is_some_and(|(owner, name)| {
        plain(owner, &['-', '_', '.']) && plain(name, &['-', '_', '.'])
    });
    let one_word = !raw.chars().any(|c| c.is_whitespace() || c.is_control());
    if (url || short) && one_word {
        Ok(raw.to_owned())
    } else {
        let shown = dokku::secret::mask_userinfo(raw);
        Err(BadArg::new(
            format!("{shown:?} is not a buildpack"),
            "give its URL (https://github.com/heroku/heroku-buildpack-nodejs.git) or short name (heroku/nodejs)",
        ))
    }
}

/// One phase of `docker-options`: build, deploy or run.
pub fn phase(raw: &str) -> Result<Phase, BadArg> {
    Phase::ALL
        .into_iter()
        .find(|p| p.as_str() == raw)
        .ok_or_else(|| {
            BadArg::new(
                format!("{raw:?} is not a phase"),
                "the phases are build, deploy and run",
            )
        })
}

/// Phases of `docker-options`, comma-separated (`deploy,run`).
pub fn phases(raw: &str) -> Result<Vec<Phase>, BadArg> {
    let mut phases = Vec::new();
    for word in raw.split(',') {
        let phase = phase(word).map_err(|e| {
            BadArg::new(
                format!("{raw:?} is not a list of phases"),
                format!("{}; join several with commas: deploy,run", e.hint),
            )
        })?;
        if !phases.contains(&phase) {
            phases.push(phase);
        }
    }
    Ok(phases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_name_says_its_rule_once() {
        let e = app_name("Not_An_App").unwrap_err();
        assert_eq!(e.message.matches("Not_An_App").count(), 1, "{e}");
        assert!(e.message.contains("not a valid app name"), "{e}");
    }

    #[test]
    fn existing_apps_keep_their_old_names_and_new_ones_follow_todays_rule() {
        assert!(app_name("old_intranet").is_ok());
        let e = new_app_name("old_intranet").unwrap_err();
        assert!(e.message.contains("not a valid name for a new app"), "{e}");
    }

    #[test]
    fn assignments_keep_values_secret_in_errors() {
        let e = assignment("sk_live_abcdef").unwrap_err();
        assert!(!e.to_string().contains("sk_"), "{e}");
        let e = assignment("NODE_ENV").unwrap_err();
        assert!(e.to_string().contains("NODE_ENV has no value"), "{e}");
        let (key, value) = assignment("A=b=c").unwrap();
        assert_eq!(key.as_str(), "A");
        assert_eq!(value.expose(), "b=c");
    }

    #[test]
    fn scale_counts_are_whole_numbers_up_to_the_limit() {
        assert_eq!(formation("web=100").unwrap().1, 100);
        let e = formation("web=101").unwrap_err();
        assert!(e.message.contains("more than 100"), "{e}");
        let e = formation("web=-1").unwrap_err();
        assert!(e.message.contains("not a whole number"), "{e}");
        assert!(!e.message.contains("TYPE=COUNT"), "{e}");
        assert!(formation("web").unwrap_err().message.contains("TYPE=COUNT"));
    }

    #[test]
    fn generic_commands_know_the_catalogued_plugins() {
        assert_eq!(plugin_with_report("ps").unwrap().name, "ps");
        assert_eq!(
            plugin_with_properties("letsencrypt").unwrap().name,
            "letsencrypt"
        );
        assert!(plugin_with_report("config").is_err());
        let e = plugin_with_properties("nope").unwrap_err();
        assert!(e.hint.contains("ps"), "{e:?}");
    }
}
