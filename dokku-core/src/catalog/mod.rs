//! One description per Dokku plugin: its report, its properties and its
//! verbs, written once and read by everything else.
//!
//! Nearly every Dokku plugin is a `:report`, a few `:set` properties and a
//! handful of verbs. A [`Plugin`] entry says, for each of them, what the
//! rest of the SDK must know:
//!
//! - **verbs** ([`Verb`]): mutating or not, timeout class, the Dokku version
//!   that added it, which arguments are secrets ([`SecretArgs`]) and whether
//!   its output prints secrets ([`SecretOutput`]);
//! - **the report** ([`ReportSpec`]): its key prefix, since when it has
//!   `--format json` and `--global`, its layout, and how its text labels
//!   map back to dotted keys;
//! - **properties** ([`PropertySpec`]): key, value kind, secret or not,
//!   global or per-app or both, since which version.
//!
//! Who reads it:
//! - [`Command`](crate::Command): a command of a catalogued subcommand marks
//!   its secret arguments and secret output from the entry as arguments are
//!   added, whoever builds it (a handler, a dry run, a raw command typed into
//!   a CLI), and gets the plugin requirement of a non-core plugin. Audit
//!   stores redact from those marks alone.
//! - [`crate::api::report`]: one generic path fetches and decodes any plugin's
//!   report (one app, all apps, `--global`, one info flag).
//! - [`crate::api::properties`]: one handler sets any plugin's property,
//!   refusing unknown keys, wrong scopes and bad values before sending.
//! - Frontends list the catalogued plugins for generic `report` and `set`
//!   commands.
//!
//! Adding a plugin's report and properties means an entry in
//! [`plugins`] and a typed report struct; nothing else.

pub mod plugins;

use crate::command::{Requirement, TimeoutClass};
use crate::name::PluginName;
use crate::version::DokkuVersion;

pub use plugins::{lookup, plugin, CATALOG};

/// Where a plugin comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// Shipped with Dokku.
    Core,
    /// Installed separately (`dokku plugin:install …`); its commands need it.
    Community,
}

/// One Dokku plugin, described once.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Plugin {
    /// The command namespace: `ps` in `ps:report`.
    pub name: &'static str,
    /// What it manages, in a few words (for help texts).
    pub about: &'static str,
    /// Core or community.
    pub source: Source,
    /// The `<name>:report` command, if the plugin has one.
    pub report: Option<ReportSpec>,
    /// The `<name>:set` properties.
    pub properties: &'static [PropertySpec],
    /// The subcommands, by their name after `<name>:` (`""` is the bare
    /// `<name>` command, e.g. `logs`).
    pub verbs: &'static [Verb],
    /// The verb that sets [`Plugin::properties`]: `set` for nearly every
    /// plugin, `set-property` for `buildpacks` (whose `set` sets the
    /// buildpack list).
    pub set_verb: &'static str,
}

/// How a plugin's `:report` looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportSpec {
    /// The subcommand: `ps:report`.
    pub command: &'static str,
    /// The prefix of its keys (`ps` in `ps-restart-policy`; `ssl` for
    /// certs, `app` for apps). Keys are read with and without it.
    pub prefix: &'static str,
    /// Since when it takes `--format json`.
    pub json: JsonSince,
    /// The first Dokku whose report takes `--global`; `None`: never.
    pub global: Option<DokkuVersion>,
    /// Who prints it.
    pub layout: Layout,
    /// Keys whose text labels lost their dots (`Status web 1` is
    /// `status-web.1`), as templates: `.` separates segments, `{n}` is one
    /// number word, `{a|b}` one of these words, `{}` one or more words
    /// joined by `-`. Matched against the label turned into a key.
    pub dotted: &'static [&'static str],
}

/// Since when a report takes `--format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonSince {
    /// From this Dokku version.
    Dokku(DokkuVersion),
    /// From this version of the (community) plugin itself.
    Plugin(DokkuVersion),
    /// Never: text only.
    Never,
}

/// Who prints a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// A Go plugin's `common.ReportSingleApp`: keys printed bare and
    /// prefixed in late 0.38 JSON, labels from keys with `-` and `.` as
    /// spaces.
    Go,
    /// A bash plugin's `printf "%-30s %-25s"` rows.
    Bash,
}

/// One `<plugin>:set` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PropertySpec {
    /// The key (`restart-policy`); a trailing `*` stands for an
    /// environment variable's name (`dns-provider-*`: any
    /// `dns-provider-<VAR>`, `VAR` made of letters, digits and `_`).
    pub key: &'static str,
    /// What values it takes.
    pub kind: ValueKind,
    /// Where it can be set.
    pub scope: PropertyScope,
    /// Its values are secrets: sent as secret arguments, echoed output
    /// kept out of logs and history.
    pub secret: bool,
    /// The first Dokku that has it; `None`: every supported one.
    pub since: Option<DokkuVersion>,
}

/// The values a property takes; checked before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueKind {
    /// Any text.
    Text,
    /// `true` or `false`.
    Bool,
    /// A non-negative whole number.
    Number,
    /// One of these words.
    OneOf(&'static [&'static str]),
}

/// Where a property can be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PropertyScope {
    /// Per app only.
    App,
    /// Globally only (`--global`).
    Global,
    /// Per app, with a global default.
    Both,
}

/// One subcommand of a plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verb {
    /// The name after `<plugin>:` (`scale`); `""` for the bare command.
    pub name: &'static str,
    /// It changes state (never retried automatically).
    pub mutating: bool,
    /// How long it may run.
    pub timeout: TimeoutClass,
    /// The first Dokku (or, for a community plugin, plugin) version that
    /// has it; `None`: every supported one.
    pub since: Option<DokkuVersion>,
    /// Which arguments are secrets.
    pub secret_args: SecretArgs,
    /// Whether its output prints secrets.
    pub secret_output: SecretOutput,
    /// What it looks up by name, and how Dokku says it is not there.
    pub missing: Option<Missing>,
}

/// What a verb looks up by name (a network, a build, a cron task), and
/// the words of Dokku's failure when it is not there: such a failure is
/// [`crate::Error::NotFound`] rather than a plain
/// [`crate::Error::CommandFailed`]. Apps are not listed here: every
/// command that names an app says so alike ([`crate::Error::AppNotFound`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Missing {
    /// What it is, in a word or two: `network`, `build`.
    pub what: &'static str,
    /// The argument that names it.
    pub named_by: Named,
    /// Dokku's words for it (lower case): a failure whose message holds
    /// any of them, whatever its case, is this.
    pub says: &'static [&'static str],
}

/// Which argument names what a verb looks up, counting the arguments
/// after the subcommand that do not start with `-` (a flag's separate
/// value, `--format json`, counts: name positions before the flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Named {
    /// The n-th, from 0.
    At(usize),
    /// The last, for a verb whose flags take no separate value and whose
    /// name moves (`buildpacks:remove (<app>|--global) <url>`).
    Last,
}

impl Missing {
    /// The name among `args` (the arguments after the subcommand, as
    /// displayed).
    pub fn name_in<'a>(&self, args: &'a [String]) -> Option<&'a str> {
        let mut positional = args.iter().filter(|a| !a.starts_with('-'));
        match self.named_by {
            Named::At(n) => positional.nth(n),
            Named::Last => positional.next_back(),
        }
        .map(String::as_str)
    }
}

/// Which arguments of a verb are secrets. Positions count the arguments
/// after the subcommand from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretArgs {
    /// None.
    None,
    /// The arguments at these positions.
    At(&'static [usize]),
    /// The value after any of these flags (`--password VALUE`), or joined
    /// to it (`--password=VALUE`).
    FlagValues(&'static [&'static str]),
    /// The value part of every `KEY=VALUE` argument (`config:set`); the
    /// key stays visible.
    Assignments,
    /// `<plugin>:set (<app>|--global) <key> <value>`: the value, when the
    /// plugin's property `<key>` is secret.
    PropertyValue,
    /// Every argument that is not a flag (does not start with `-`) from
    /// the `from`-th such argument on (counting from 0), unless the flag
    /// `unless` came before it (the secret then travels another way):
    /// `registry:login [--password-stdin] [--global] [<app>] <server>
    /// <username> [<password>]` hides everything after the server, the
    /// username too when an app is named (a username is not a secret, but
    /// which position holds the password is only known once every argument
    /// is there), and nothing after `--password-stdin` (the SDK's form).
    PositionalFrom {
        /// The first secret positional.
        from: usize,
        /// A flag after which no argument is secret.
        unless: Option<&'static str>,
    },
    /// The `KEY=VALUE` argument after any of these flags (`run -e
    /// KEY=VALUE`): the value is secret, the key stays visible.
    FlagAssignments(&'static [&'static str]),
}

/// Whether a verb's output prints secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretOutput {
    /// Never.
    Never,
    /// Always (`config:export`, a datastore's `:info` with its DSN).
    Always,
    /// When the argument at this position is this word (`certs:show <app> key`).
    WhenArg(usize, &'static str),
    /// When any argument is secret: the command echoes what it set.
    WhenSecretArgs,
    /// `<service>:info <service> [--<field>]`: secret when it prints
    /// everything (no field flag after the name) or one of these fields.
    UnlessFieldFlag(&'static [&'static str]),
}

impl ReportSpec {
    /// A Go-layout report (`command`, keys prefixed `prefix`) with JSON
    /// since Dokku 0.23 and `--global` since 0.38, no dotted keys.
    pub const fn go(command: &'static str, prefix: &'static str) -> Self {
        Self {
            command,
            prefix,
            json: JsonSince::Dokku(crate::client::versions::JSON_REPORTS_GO),
            global: Some(crate::client::versions::GLOBAL_REPORTS),
            layout: Layout::Go,
            dotted: &[],
        }
    }

    /// This report, taking `--format json` since `json`.
    pub const fn json(self, json: JsonSince) -> Self {
        Self { json, ..self }
    }

    /// This report, taking `--global` since `global` (`None`: never).
    pub const fn global(self, global: Option<DokkuVersion>) -> Self {
        Self { global, ..self }
    }

    /// This report, printed by a bash plugin.
    pub const fn bash(self) -> Self {
        Self {
            layout: Layout::Bash,
            ..self
        }
    }

    /// This report, with these dotted-key templates.
    pub const fn dotted(self, dotted: &'static [&'static str]) -> Self {
        Self { dotted, ..self }
    }
}

impl Verb {
    /// A read: bounded, nothing secret.
    pub const fn read(name: &'static str) -> Self {
        Self {
            name,
            mutating: false,
            timeout: TimeoutClass::Bounded,
            since: None,
            secret_args: SecretArgs::None,
            secret_output: SecretOutput::Never,
            missing: None,
        }
    }

    /// A write: bounded, nothing secret.
    pub const fn write(name: &'static str) -> Self {
        Self {
            mutating: true,
            ..Self::read(name)
        }
    }

    /// This verb, long-running (deploys, restarts, rebuilds).
    pub const fn long(self) -> Self {
        Self {
            timeout: TimeoutClass::LongRunning,
            ..self
        }
    }

    /// This verb, running until the caller stops it (`logs -t`).
    pub const fn follow(self) -> Self {
        Self {
            timeout: TimeoutClass::Follow,
            ..self
        }
    }

    /// This verb, added in `version`.
    pub const fn since(self, version: DokkuVersion) -> Self {
        Self {
            since: Some(version),
            ..self
        }
    }

    /// This verb, with these secret arguments.
    pub const fn secret_args(self, secret_args: SecretArgs) -> Self {
        Self {
            secret_args,
            ..self
        }
    }

    /// This verb, with this output rule.
    pub const fn secret_output(self, secret_output: SecretOutput) -> Self {
        Self {
            secret_output,
            ..self
        }
    }

    /// This verb, printing secrets always.
    pub const fn prints_secrets(self) -> Self {
        self.secret_output(SecretOutput::Always)
    }

    /// This verb, looking up a `what` named by `named_by`, failing with a
    /// message that holds one of `says` when there is none ([`Missing`]).
    pub const fn missing(
        self,
        what: &'static str,
        named_by: Named,
        says: &'static [&'static str],
    ) -> Self {
        Self {
            missing: Some(Missing {
                what,
                named_by,
                says,
            }),
            ..self
        }
    }
}

impl PropertySpec {
    /// A text property settable per app and globally.
    pub const fn new(key: &'static str) -> Self {
        Self {
            key,
            kind: ValueKind::Text,
            scope: PropertyScope::Both,
            secret: false,
            since: None,
        }
    }

    /// This property, taking these values.
    pub const fn kind(self, kind: ValueKind) -> Self {
        Self { kind, ..self }
    }

    /// This property, settable per app only.
    pub const fn app_only(self) -> Self {
        Self {
            scope: PropertyScope::App,
            ..self
        }
    }

    /// This property, settable globally only.
    pub const fn global_only(self) -> Self {
        Self {
            scope: PropertyScope::Global,
            ..self
        }
    }

    /// This property, with secret values.
    pub const fn secret(self) -> Self {
        Self {
            secret: true,
            ..self
        }
    }

    /// This property, added in `version`.
    pub const fn since(self, version: DokkuVersion) -> Self {
        Self {
            since: Some(version),
            ..self
        }
    }

    /// Whether `key` names this property (exactly, or under its prefix).
    pub fn matches(&self, key: &str) -> bool {
        match self.key.strip_suffix('*') {
            Some(prefix) => key.strip_prefix(prefix).is_some_and(|var| {
                !var.is_empty() && var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }),
            None => key == self.key,
        }
    }

    /// Whether it can be set at this scope (`global`: `--global`).
    pub fn allows(&self, global: bool) -> bool {
        match self.scope {
            PropertyScope::App => !global,
            PropertyScope::Global => global,
            PropertyScope::Both => true,
        }
    }

    /// Check a value against [`PropertySpec::kind`]; the reason names the
    /// rule, never the value.
    pub fn check(&self, value: &str) -> Result<(), String> {
        match self.kind {
            ValueKind::Text => Ok(()),
            ValueKind::Bool if value == "true" || value == "false" => Ok(()),
            ValueKind::Bool => Err("expects true or false".to_owned()),
            ValueKind::Number if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(())
            }
            ValueKind::Number => Err("expects a whole number".to_owned()),
            ValueKind::OneOf(words) if words.contains(&value) => Ok(()),
            ValueKind::OneOf(words) => Err(format!("expects one of: {}", words.join(", "))),
        }
    }
}

impl Plugin {
    /// A plugin shipped with Dokku, with no report, properties or verbs yet.
    pub const fn core(name: &'static str, about: &'static str) -> Self {
        Self {
            name,
            about,
            source: Source::Core,
            report: None,
            properties: &[],
            verbs: &[],
            set_verb: "set",
        }
    }

    /// A plugin installed separately (its commands require it).
    pub const fn community(name: &'static str, about: &'static str) -> Self {
        Self {
            source: Source::Community,
            ..Self::core(name, about)
        }
    }

    /// This plugin, with a report.
    pub const fn with_report(self, report: ReportSpec) -> Self {
        Self {
            report: Some(report),
            ..self
        }
    }

    /// This plugin, with these properties.
    pub const fn with_properties(self, properties: &'static [PropertySpec]) -> Self {
        Self { properties, ..self }
    }

    /// This plugin, with these verbs.
    pub const fn with_verbs(self, verbs: &'static [Verb]) -> Self {
        Self { verbs, ..self }
    }

    /// This plugin, setting its properties with `<name>:<verb>` instead of
    /// `<name>:set`.
    pub const fn with_set_verb(self, set_verb: &'static str) -> Self {
        Self { set_verb, ..self }
    }

    /// The verb of this name (`"scale"`), if catalogued.
    pub fn verb(&self, name: &str) -> Option<&Verb> {
        self.verbs.iter().find(|v| v.name == name)
    }

    /// The property `key` names, if catalogued.
    pub fn property(&self, key: &str) -> Option<&PropertySpec> {
        self.properties.iter().find(|p| p.matches(key))
    }

    /// Whether a report key holds the value of a secret property: the
    /// property's key bare or with the report's prefix, as itself or its
    /// `global-`/`computed-` value (`traefik-computed-basic-auth-password`).
    pub fn is_secret_report_key(&self, key: &str) -> bool {
        let prefix = self.report.as_ref().map_or(self.name, |r| r.prefix);
        let bare = crate::parse::report::unprefixed(prefix, self.properties, key);
        let property = bare
            .strip_prefix("global-")
            .or_else(|| bare.strip_prefix("computed-"))
            .unwrap_or(bare);
        self.property(property).is_some_and(|p| p.secret)
    }

    /// The full subcommand of a verb: `ps:scale`, or `logs` for `""`.
    pub fn subcommand(&self, verb: &str) -> String {
        if verb.is_empty() {
            self.name.to_owned()
        } else {
            format!("{}:{verb}", self.name)
        }
    }

    /// What every command of this plugin needs from the host: the plugin
    /// itself, for a community plugin.
    pub fn requirement(&self) -> Option<Requirement> {
        match self.source {
            Source::Core => None,
            Source::Community => Some(Requirement::Plugin(PluginName::trusted(self.name))),
        }
    }

    /// Which argument positions of `verb` are secret, given the arguments
    /// so far and the one being added at `position`; and whether an added
    /// `KEY=VALUE` is an assignment whose value is secret.
    pub(crate) fn secret_kind(
        &self,
        verb: &Verb,
        previous: &[&str],
        arg: &str,
    ) -> Option<SecretKind> {
        let position = previous.len();
        match verb.secret_args {
            SecretArgs::None => None,
            SecretArgs::At(positions) => positions.contains(&position).then_some(SecretKind::Whole),
            SecretArgs::FlagValues(flags) => {
                if previous.last().is_some_and(|p| flags.contains(p)) {
                    Some(SecretKind::Whole)
                } else if flags.iter().any(|f| {
                    arg.strip_prefix(f)
                        .is_some_and(|rest| rest.starts_with('='))
                }) {
                    Some(SecretKind::AfterEquals)
                } else {
                    None
                }
            }
            SecretArgs::Assignments => {
                (!arg.starts_with('-') && arg.contains('=')).then_some(SecretKind::AfterEquals)
            }
            SecretArgs::PropertyValue => {
                // `(<app>|--global) <key> <value>`: the value follows the key.
                let key = previous.get(1)?;
                let secret = self.property(key).is_some_and(|p| p.secret);
                (position == 2 && secret).then_some(SecretKind::Whole)
            }
            SecretArgs::PositionalFrom { from, unless } => {
                if unless.is_some_and(|flag| previous.contains(&flag)) {
                    return None;
                }
                let before = previous.iter().filter(|a| !a.starts_with('-')).count();
                (!arg.starts_with('-') && before >= from).then_some(SecretKind::Whole)
            }
            SecretArgs::FlagAssignments(flags) => {
                let after_flag = previous.last().is_some_and(|p| flags.contains(p));
                let joined = flags.iter().any(|f| {
                    arg.strip_prefix(f).is_some_and(|rest| {
                        rest.starts_with('=') && rest.get(1..).is_some_and(|v| v.contains('='))
                    })
                });
                if after_flag && arg.contains('=') {
                    Some(SecretKind::AfterEquals)
                } else if after_flag || joined {
                    Some(SecretKind::Whole)
                } else {
                    None
                }
            }
        }
    }
}

/// How much of an argument is secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretKind {
    /// All of it.
    Whole,
    /// What follows the first `=` (`KEY=VALUE`, `--password=VALUE`).
    AfterEquals,
}

/// Turn a report's text label, already made a key (`status-web-1`), back
/// into the key Dokku printed in JSON (`status-web.1`), by the first
/// template of `dotted` that matches; any other label is returned as it is.
pub fn undot(dotted: &[&str], key: &str) -> String {
    // Most keys match no template: reject on the first literal word before
    // splitting anything.
    let candidates = dotted.iter().filter(|template| {
        let first = template.split(['-', '.']).next().unwrap_or("");
        first.starts_with('{') || key.split('-').next() == Some(first)
    });
    let mut candidates = candidates.peekable();
    if candidates.peek().is_none() {
        return key.to_owned();
    }
    let words: Vec<&str> = key.split('-').collect();
    for template in candidates {
        let segments: Vec<&str> = template.split('.').collect();
        if let Some(parts) = match_segments(&segments, &words) {
            return parts.join(".");
        }
    }
    key.to_owned()
}

// Each segment is `-`-joined pieces; each piece a literal word, `{n}`,
// `{a|b}` or `{}` (one or more words). Returns the segments' texts.
fn match_segments(segments: &[&str], words: &[&str]) -> Option<Vec<String>> {
    let pieces: Vec<Vec<&str>> = segments.iter().map(|s| split_pieces(s)).collect();
    let flat: Vec<(usize, &str)> = pieces
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.iter().map(move |piece| (i, *piece)))
        .collect();
    let mut taken = vec![Vec::new(); segments.len()];
    if match_pieces(&flat, words, &mut taken) {
        Some(taken.iter().map(|w: &Vec<&str>| w.join("-")).collect())
    } else {
        None
    }
}

// `status-{}` → ["status", "{}"]; braces may hold `|` but never `-`.
fn split_pieces(segment: &str) -> Vec<&str> {
    segment.split('-').collect()
}

fn match_pieces<'w>(
    pieces: &[(usize, &str)],
    words: &[&'w str],
    taken: &mut Vec<Vec<&'w str>>,
) -> bool {
    let Some(((segment, piece), rest)) = pieces.split_first() else {
        return words.is_empty();
    };
    let Some((word, remaining)) = words.split_first() else {
        return false;
    };
    let one = |ok: bool, taken: &mut Vec<Vec<&'w str>>| -> bool {
        if !ok {
            return false;
        }
        taken[*segment].push(word);
        if match_pieces(rest, remaining, taken) {
            return true;
        }
        taken[*segment].pop();
        false
    };
    match *piece {
        "{n}" => one(
            !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()),
            taken,
        ),
        "{}" => {
            // One or more words, shortest first.
            for count in 1..=words.len() {
                let (head, tail) = words.split_at(count);
                taken[*segment].extend_from_slice(head);
                if match_pieces(rest, tail, taken) {
                    return true;
                }
                let keep = taken[*segment].len() - count;
                taken[*segment].truncate(keep);
            }
            false
        }
        alternatives if alternatives.starts_with('{') => {
            let inner = alternatives.trim_start_matches('{').trim_end_matches('}');
            one(inner.split('|').any(|a| a == *word), taken)
        }
        literal => one(literal == *word, taken),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_labels_get_their_dots_back() {
        let ps = ["status-{}.{n}"];
        assert_eq!(undot(&ps, "status-web-1"), "status-web.1");
        assert_eq!(undot(&ps, "status-my-worker-12"), "status-my-worker.12");
        assert_eq!(undot(&ps, "restart-policy"), "restart-policy");
        let resource = ["resource-{}.{limit|reserve}.{}"];
        assert_eq!(
            undot(&resource, "resource-_default_-limit-memory-swap"),
            "resource-_default_.limit.memory-swap"
        );
        assert_eq!(
            undot(&resource, "resource-web-reserve-cpu"),
            "resource-web.reserve.cpu"
        );
        let storage = ["storage-attachment.{n}.{}"];
        assert_eq!(
            undot(&storage, "storage-attachment-1-host-path"),
            "storage-attachment.1.host-path"
        );
        assert_eq!(
            undot(&storage, "storage-build-mounts"),
            "storage-build-mounts"
        );
    }

    #[test]
    fn property_keys_match_exactly_or_by_prefix() {
        let exact = PropertySpec::new("email");
        assert!(exact.matches("email") && !exact.matches("email2"));
        let prefix = PropertySpec::new("dns-provider-*").secret();
        assert!(prefix.matches("dns-provider-AWS_SECRET_ACCESS_KEY"));
        assert!(!prefix.matches("dns-provider-") && !prefix.matches("dns-provider"));
        assert!(!prefix.matches("dns-provider-A B") && !prefix.matches("dns-provider-a=b"));
    }

    #[test]
    fn values_are_checked_by_kind_without_echoing_them() {
        let bool_prop = PropertySpec::new("x").kind(ValueKind::Bool);
        assert!(bool_prop.check("true").is_ok());
        let err = bool_prop.check("hunter2").unwrap_err();
        assert!(!err.contains("hunter2"));
        assert!(PropertySpec::new("x")
            .kind(ValueKind::Number)
            .check("12x")
            .is_err());
        assert!(PropertySpec::new("x")
            .kind(ValueKind::OneOf(&["a", "b"]))
            .check("b")
            .is_ok());
    }
}
