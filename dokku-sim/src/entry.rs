//! Dokku's entry script (`/usr/bin/dokku`, dokku/dokku v0.38.27 `dokku`):
//! what happens to the words before any plugin runs.
//!
//! Locally, `dokku ARGV…` runs the script once. Behind `ssh dokku@host`,
//! sshcommand's forced command (`` … `cat ~/.sshcommand` $SSH_ORIGINAL_COMMAND ``,
//! dokku/sshcommand `sshcommand-acl-add`) runs it on the words of the login
//! shell's unquoted split of the line, and the script then runs **itself
//! again** on a second split of the raw line. The environment the first run
//! exported is inherited by the second. Each step here cites the line of
//! the script it models:
//!
//! 1. `parse_args "$@"` (`plugins/common/functions`): a word `--quiet`,
//!    `--trace` or `--force` exports `DOKKU_QUIET_OUTPUT`, `DOKKU_TRACE` or
//!    `DOKKU_APPS_FORCE_DELETE`; `--app` exports the next word as
//!    `DOKKU_APP_NAME`; every `--word` joins `DOKKU_GLOBAL_FLAGS`, which is
//!    only computed when empty. Anywhere in the line, not only in front.
//! 2. If the first word starts with `--`, leading `--word`s (and `--app`
//!    with its value) are shifted off; `--version` is skipped but not
//!    shifted.
//! 3. With `SSH_ORIGINAL_COMMAND` set: `[[ $1 =~ git-* ]] || [[ $1 =~ git:* ]]`
//!    is an unanchored regex, so any first word *containing* `git` re-runs
//!    the script on `$SSH_ORIGINAL_COMMAND` split on whitespace (`set -f`:
//!    no globbing); any other on `printf '%s' "$SSH_ORIGINAL_COMMAND" |
//!    xargs -n 1` read back by `readarray -t` ([`crate::split`]).
//! 4. `execute_dokku_cmd`: for a core plugin, a non-empty `DOKKU_APP_NAME`
//!    becomes the first argument after the subcommand.
//!
//! The login shell's split itself (with pathname expansion) is done by the
//! real shell in front of the `dokku-sim` binary; this module receives its
//! words.

use serde::Serialize;

use crate::{split, Error};

/// What `parse_args` exports: the global flags of an invocation, inherited
/// by the second run of the script behind SSH.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Globals {
    /// `DOKKU_APP_NAME` (`--app X`); empty when unset.
    pub app: String,
    /// `DOKKU_TRACE` (`--trace`): the script runs under `set -x`.
    pub trace: bool,
    /// `DOKKU_APPS_FORCE_DELETE` (`--force`): confirmations are skipped.
    pub force: bool,
    /// `DOKKU_QUIET_OUTPUT` (`--quiet`).
    pub quiet: bool,
    /// `DOKKU_GLOBAL_FLAGS`: every `--word`, space-separated.
    pub flags: String,
}

impl Globals {
    /// The globals a process inherits from its environment.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).unwrap_or_default();
        Self {
            app: var("DOKKU_APP_NAME"),
            trace: !var("DOKKU_TRACE").is_empty(),
            force: !var("DOKKU_APPS_FORCE_DELETE").is_empty(),
            quiet: !var("DOKKU_QUIET_OUTPUT").is_empty(),
            flags: var("DOKKU_GLOBAL_FLAGS"),
        }
    }

    /// Whether no global flag is set.
    pub fn is_clear(&self) -> bool {
        *self == Self::default()
    }

    /// `parse_args "$@"`.
    pub fn parse_args(&mut self, words: &[String]) {
        let mut flags = String::new();
        let mut skip = false;
        for (index, word) in words.iter().enumerate() {
            if skip {
                skip = false;
                continue;
            }
            match word.as_str() {
                "--quiet" => self.quiet = true,
                "--trace" => self.trace = true,
                "--force" => self.force = true,
                "--app" => {
                    // `${args[$next_index]}`: empty past the end.
                    self.app = words.get(index + 1).cloned().unwrap_or_default();
                    skip = true;
                }
                _ => {}
            }
            // `--app` joins the flags without its value (the branch that
            // would add `=value` is unreachable once `skip` is set).
            if word.starts_with("--") {
                flags.push(' ');
                flags.push_str(word);
            }
        }
        if self.flags.is_empty() {
            self.flags = flags.trim().to_owned();
        }
    }
}

/// The words after the entry script's leading-flag loop (step 2).
pub fn shift_leading(words: &[String]) -> &[String] {
    if !words.first().is_some_and(|w| w.starts_with("--")) {
        return words;
    }
    let mut shifted = 0;
    let mut skip = false;
    for word in words {
        if skip {
            skip = false;
            continue;
        }
        let remaining = words.len() - shifted;
        if word == "--version" {
            continue;
        } else if word == "--app" {
            // `shift 2 && skip_arg=true`: shift fails past the end.
            if remaining >= 2 {
                shifted += 2;
                skip = true;
            }
        } else if word.starts_with("--") {
            shifted += 1;
        } else {
            break;
        }
    }
    &words[shifted.min(words.len())..]
}

/// `[[ $1 =~ git-* ]] || [[ $1 =~ git:* ]]`: the regexes are unanchored
/// and `-*`/`:*` match nothing, so this is "contains `git`".
pub fn takes_git_path(first: &str) -> bool {
    first.contains("git")
}

/// Who runs the script (`id -un`): behind sshcommand always `dokku`;
/// locally whoever typed `dokku` (root re-executes as `dokku` for every
/// command but the root-only ones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum User {
    /// The `dokku` user: what an SDK reaches over SSH.
    #[default]
    Dokku,
    /// root, running `dokku` on the server.
    Root,
}

/// `[[ $1 =~ ^plugin:.* && $1 != "plugin:help" && $1 != "plugin:list" ]]`
/// or one of the named commands: the script fails them with `This command
/// must be run as root` unless `id -un` is `root`.
pub fn root_only(subcommand: &str) -> bool {
    (subcommand.starts_with("plugin:")
        && subcommand != "plugin:help"
        && subcommand != "plugin:list")
        || matches!(
            subcommand,
            "ssh-keys:add"
                | "ssh-keys:remove"
                | "scheduler-k3s:initialize"
                | "scheduler-k3s:uninstall"
        )
}

/// One run of the entry script, ready to dispatch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invocation {
    /// `"$@"` after the leading global flags were shifted off: the
    /// subcommand and its arguments.
    pub args: Vec<String>,
    /// What `parse_args` exported, on top of what was inherited.
    pub globals: Globals,
    /// Who runs it.
    pub user: User,
}

impl Invocation {
    /// `dokku ARGV…` run by the `dokku` user with `inherited` in its
    /// environment.
    pub fn new(argv: &[String], inherited: Globals) -> Self {
        let mut globals = inherited;
        globals.parse_args(argv);
        Self {
            args: shift_leading(argv).to_vec(),
            globals,
            user: User::Dokku,
        }
    }

    /// The same invocation run by `user`.
    pub fn by(mut self, user: User) -> Self {
        self.user = user;
        self
    }

    /// Behind sshcommand: the script runs on the login shell's `words`,
    /// then again on the second split of the raw `line`, inheriting what the
    /// first run exported. Returns the second run.
    pub fn over_ssh(words: &[String], line: &str, inherited: Globals) -> Result<Self, Error> {
        let outer = Self::new(words, inherited);
        let git = outer.args.first().is_some_and(|w| takes_git_path(w));
        let argv = if git {
            split::whitespace(line)
        } else {
            split::xargs(line)?
        };
        Ok(Self::new(&argv, outer.globals))
    }
}

/// The plugin directory that implements a subcommand's namespace, after
/// the script's aliases (`execute_dokku_cmd`'s `PLUGIN_ALIASES` and its
/// `case` of renamed plugins).
pub fn plugin_dir(subcommand: &str) -> String {
    let namespace = subcommand.split(':').next().unwrap_or_default();
    let dir = match namespace {
        "docker-local" => "scheduler-docker-local",
        "dockerfile" => "builder-dockerfile",
        "herokuish" => "builder-herokuish",
        "k3s" => "scheduler-k3s",
        "lambda" => "builder-lambda",
        "nixpacks" => "builder-nixpacks",
        "pack" => "builder-pack",
        "rails" => "builder-railpack",
        "events" => "20_events",
        "caddy" => "caddy-vhosts",
        "haproxy" => "haproxy-vhosts",
        "nginx" => "nginx-vhosts",
        "openresty" => "openresty-vhosts",
        "traefik" => "traefik-vhosts",
        "deploy" | "cleanup" | "url" | "urls" | "report" => "00_dokku-standard",
        other => other,
    };
    dir.to_owned()
}

/// What bash's `set -x` prints for a simple command: `+ ` and the words,
/// each single-quoted when it holds anything but plain characters.
pub fn xtrace(words: &[&str]) -> String {
    let mut line = String::from("+");
    for word in words {
        line.push(' ');
        let plain = !word.is_empty()
            && word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_./:=@%+,-".contains(&b));
        if plain {
            line.push_str(word);
        } else {
            line.push('\'');
            line.push_str(&word.replace('\'', r"'\''"));
            line.push('\'');
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn parse_args_reads_flags_anywhere() {
        let mut g = Globals::default();
        g.parse_args(&words("config:set app K=v --app victim --trace --label=x"));
        assert_eq!(g.app, "victim");
        assert!(g.trace && !g.force && !g.quiet);
        assert_eq!(g.flags, "--app --trace --label=x");
        // DOKKU_GLOBAL_FLAGS is only computed when empty.
        g.parse_args(&words("--force x"));
        assert!(g.force);
        assert_eq!(g.flags, "--app --trace --label=x");
    }

    #[test]
    fn app_flag_at_the_end_sets_an_empty_app() {
        let mut g = Globals::default();
        g.parse_args(&words("apps:list --app"));
        assert_eq!(g.app, "");
    }

    #[test]
    fn leading_flags_are_shifted_off() {
        assert_eq!(
            shift_leading(&words("--quiet --app blog ps:report")),
            &words("ps:report")[..]
        );
        assert_eq!(
            shift_leading(&words("ps:report --quiet")),
            &words("ps:report --quiet")[..]
        );
        // `--version` is skipped, not shifted: the next shift takes it.
        assert_eq!(
            shift_leading(&words("--version --quiet apps:list")),
            &words("--quiet apps:list")[..]
        );
        assert_eq!(shift_leading(&words("--app")), &words("--app")[..]);
    }

    #[test]
    fn the_git_test_is_unanchored() {
        for first in [
            "git",
            "git:report",
            "git-receive-pack",
            "legit",
            "digital:x",
            "'git",
        ] {
            assert!(takes_git_path(first), "{first}");
        }
        for first in ["apps:list", "gi''t:report", "'gi''t:report'", "GIT"] {
            assert!(!takes_git_path(first), "{first}");
        }
    }

    #[test]
    fn plugin_dirs_follow_the_aliases() {
        assert_eq!(plugin_dir("nginx:report"), "nginx-vhosts");
        assert_eq!(plugin_dir("herokuish:report"), "builder-herokuish");
        assert_eq!(plugin_dir("urls"), "00_dokku-standard");
        assert_eq!(plugin_dir("apps:list"), "apps");
    }

    #[test]
    fn xtrace_quotes_like_bash() {
        assert_eq!(
            xtrace(&["parse_args", "config:set", "a b", "it's", ""]),
            r"+ parse_args config:set 'a b' 'it'\''s' ''"
        );
    }
}
