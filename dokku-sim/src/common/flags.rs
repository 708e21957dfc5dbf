//! Flags parsed the way Dokku's Go plugins parse them (spf13/pflag with
//! `ExitOnError`), and the usage pflag prints when parsing fails.
//!
//! What a failure prints depends on pflag's version: v1.0.6 (Dokku 0.35)
//! prints the error, then `Usage of <set>:` and the flag list; v1.0.10
//! (Dokku 0.37 on, `plugins/*/go.mod`) prints the usage first and the
//! error last (`FlagSet.fail` calls only `usage()`, `Parse` prints the
//! error before `os.Exit(2)`). The flag list is pflag's `FlagUsages`,
//! formatted from [`USAGES`], the simulator's description of the flag
//! sets in Dokku's `plugins/*/src/subcommands/subcommands.go`.

use dokku_core::DokkuVersion;

use crate::out::{Out, EXIT_FLAG_ERROR};

/// pflag v1.0.10: usage before the error (Dokku 0.37.0's `go.mod`).
const PFLAG_USAGE_FIRST: DokkuVersion = DokkuVersion::new(0, 37, 0);

/// One flag of a pflag set, as `FlagUsages` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagUsage {
    /// The one-letter shorthand, if any.
    pub short: Option<char>,
    /// The long name, without `--`.
    pub name: &'static str,
    /// The value's type name (`string`, `int`), empty for booleans.
    pub kind: &'static str,
    /// The usage text.
    pub usage: &'static str,
    /// A non-zero default, as pflag quotes it (`"stdout"`, `100`).
    pub default: &'static str,
}

const fn flag(name: &'static str, kind: &'static str, usage: &'static str) -> FlagUsage {
    FlagUsage {
        short: None,
        name,
        kind,
        usage,
        default: "",
    }
}

const fn with_default(mut usage: FlagUsage, default: &'static str) -> FlagUsage {
    usage.default = default;
    usage
}

const fn short(mut usage: FlagUsage, letter: char) -> FlagUsage {
    usage.short = Some(letter);
    usage
}

const FORMAT: FlagUsage = with_default(
    flag("format", "string", "format: [ stdout | json ]"),
    "\"stdout\"",
);
const GLOBAL_SET: FlagUsage = flag("global", "", "--global: set a global property");

/// The flag sets whose usage the simulator prints, by subcommand, as
/// Dokku 0.38.27 defines them (`plugins/<plugin>/src/subcommands/
/// subcommands.go`, `plugins/logs/src/commands/commands.go`). A set not
/// listed prints its `Usage of` line alone.
pub const USAGES: &[(&str, &[FlagUsage])] = &[
    (
        "apps:clone",
        &[
            flag(
                "ignore-existing",
                "",
                "--ignore-existing: exit 0 if new app already exists",
            ),
            flag(
                "skip-deploy",
                "",
                "--skip-deploy: skip deploy of the new app",
            ),
        ],
    ),
    (
        "apps:destroy",
        &[flag(
            "force",
            "",
            "--force: force destroy without confirmation",
        )],
    ),
    ("apps:list", &[FORMAT]),
    ("apps:report", &[FORMAT]),
    (
        "apps:rename",
        &[flag(
            "skip-deploy",
            "",
            "--skip-deploy: skip deploy of the new app",
        )],
    ),
    ("apps:set", &[GLOBAL_SET]),
    (
        "logs",
        &[
            short(flag("help", "", "print help for the command"), 'h'),
            short(
                with_default(flag("num", "int", "the number of lines to display"), "100"),
                'n',
            ),
            short(
                flag("ps", "string", "only display logs from the given process"),
                'p',
            ),
            short(
                flag(
                    "quiet",
                    "",
                    "display raw logs without colors, time and names",
                ),
                'q',
            ),
            short(flag("tail", "", "continually stream logs"), 't'),
        ],
    ),
    ("ps:report", &[FORMAT]),
    (
        "ps:scale",
        &[
            FORMAT,
            flag("skip-deploy", "", "--skip-deploy: skip deploy of the app"),
        ],
    ),
    ("ps:set", &[GLOBAL_SET]),
    (
        "resource:limit",
        &[
            flag(
                "cpu",
                "string",
                "cpu: The amount of cpu to limit processes by",
            ),
            flag(
                "memory",
                "string",
                "memory: The amount of memory to limit processes by",
            ),
            flag(
                "memory-swap",
                "string",
                "memory-swap: The amount of swap memory to limit processes by",
            ),
            flag(
                "network",
                "string",
                "network: The amount of network bandwidth to limit processes by",
            ),
            flag(
                "network-egress",
                "string",
                "network-egress: The amount of egress network bandwidth to limit processes by",
            ),
            flag(
                "network-ingress",
                "string",
                "network-ingress: The amount of ingress network bandwidth to limit processes by",
            ),
            flag(
                "nvidia-gpu",
                "string",
                "nvidia-gpu: The number of Nvidia GPUs to limit a process to",
            ),
            flag(
                "process-type",
                "string",
                "process-type: A process type to manage",
            ),
        ],
    ),
    (
        "resource:reserve",
        &[
            flag(
                "cpu",
                "string",
                "cpu: The amount of cpu to reserve for processes",
            ),
            flag(
                "memory",
                "string",
                "memory: The amount of memory to reserve for processes",
            ),
            flag(
                "memory-swap",
                "string",
                "memory-swap: The amount of swap memory to reserve for processes",
            ),
            flag(
                "network",
                "string",
                "network: The amount of network bandwidth to reserve for processes",
            ),
            flag(
                "network-egress",
                "string",
                "network-egress: The amount of egress network bandwidth to reserve for processes",
            ),
            flag(
                "network-ingress",
                "string",
                "network-ingress: The amount of ingress network bandwidth to reserve for processes",
            ),
            flag(
                "nvidia-gpu",
                "string",
                "nvidia-gpu: The number of Nvidia GPUs to resource for a process",
            ),
            flag(
                "process-type",
                "string",
                "process-type: A process type to manage",
            ),
        ],
    ),
];

/// pflag's `FlagUsages` of one set: one line per flag, sorted by name,
/// usage texts aligned two columns after the longest `--name type`.
pub fn usage_lines(set: &str) -> Vec<String> {
    let Some((_, flags)) = USAGES.iter().find(|(name, _)| *name == set) else {
        return Vec::new();
    };
    let mut flags = flags.to_vec();
    flags.sort_by_key(|f| f.name);
    let heads: Vec<String> = flags
        .iter()
        .map(|f| {
            let mut head = match f.short {
                Some(letter) => format!("  -{letter}, --{}", f.name),
                None => format!("      --{}", f.name),
            };
            if !f.kind.is_empty() {
                head.push(' ');
                head.push_str(f.kind);
            }
            head
        })
        .collect();
    // `maxlen` counts the NUL that marks the column.
    let maxlen = heads.iter().map(|h| h.len() + 1).max().unwrap_or(0);
    flags
        .iter()
        .zip(heads)
        .map(|(f, head)| {
            // fmt.Fprintln(buf, line[:sidx], spacing, usage): three
            // operands joined by spaces.
            let spacing = " ".repeat(maxlen - head.len());
            let mut line = format!("{head} {spacing} {}", f.usage);
            if !f.default.is_empty() {
                line.push_str(&format!(" (default {})", f.default));
            }
            line
        })
        .collect()
}

/// Flags parsed the way Go plugins parse them (spf13/pflag): long flags
/// anywhere among the arguments, `--flag value` or `--flag=value`, and an
/// unknown flag is exit 2.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flags {
    /// Boolean flags that were given.
    pub bools: Vec<String>,
    /// Value flags and their values, in order.
    pub values: Vec<(String, String)>,
    /// Everything else, in order.
    pub positional: Vec<String>,
}

/// pflag's failure output for the set `subcommand` on a Dokku `version`:
/// the error and the usage, in that version's order; exit 2.
pub fn flag_error(out: &mut Out, version: DokkuVersion, subcommand: &str, message: &str) {
    let mut usage = vec![format!("Usage of {subcommand}:")];
    usage.extend(usage_lines(subcommand));
    if version >= PFLAG_USAGE_FIRST {
        for line in &usage {
            out.stderr_plain(line);
        }
        out.stderr_plain(message);
    } else {
        out.stderr_plain(message);
        for line in &usage {
            out.stderr_plain(line);
        }
    }
    out.code = EXIT_FLAG_ERROR;
}

impl Flags {
    /// Parse `args` for `subcommand` on a Dokku `version`. `bools` and
    /// `values` list the long flags (with `--`); `short` maps one-letter
    /// flags to long ones. On an unknown flag or a missing value, prints
    /// pflag's error into `out` and returns `None`.
    pub fn parse(
        version: DokkuVersion,
        out: &mut Out,
        subcommand: &str,
        args: &[String],
        bools: &[&str],
        values: &[&str],
        short: &[(&str, &str)],
    ) -> Option<Flags> {
        let new_pflag = version >= PFLAG_USAGE_FIRST;
        let mut flags = Flags::default();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            if arg == "--" {
                flags.positional.extend(iter.by_ref().cloned());
                break;
            }
            let long = match short.iter().find(|(s, _)| s == arg) {
                Some((_, long)) => (*long).to_owned(),
                None => arg.clone(),
            };
            if !long.starts_with('-') || long == "-" {
                flags.positional.push(arg.clone());
                continue;
            }
            if !long.starts_with("--") {
                // An unknown shorthand: pflag names its first letter.
                let letter = long.chars().nth(1).unwrap_or('-');
                let message = format!("unknown shorthand flag: '{letter}' in {long}");
                flag_error(out, version, subcommand, &message);
                return None;
            }
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (long.clone(), None),
            };
            if bools.contains(&name.as_str()) {
                flags.bools.push(name);
            } else if values.contains(&name.as_str()) {
                let value = match inline {
                    Some(v) => v,
                    None => match iter.next() {
                        Some(v) => v.clone(),
                        None => {
                            let message = if new_pflag {
                                format!("flag needs an argument: {name}")
                            } else {
                                format!("flag needs an argument: {}", name.trim_start_matches('-'))
                            };
                            flag_error(out, version, subcommand, &message);
                            return None;
                        }
                    },
                };
                flags.values.push((name, value));
            } else {
                flag_error(out, version, subcommand, &format!("unknown flag: {name}"));
                return None;
            }
        }
        Some(flags)
    }

    /// Whether a boolean flag was given.
    pub fn has(&self, flag: &str) -> bool {
        self.bools.iter().any(|f| f == flag)
    }

    /// The last value of a value flag.
    pub fn value(&self, flag: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(f, _)| f == flag)
            .map(|(_, v)| v.as_str())
    }

    /// pflag's `args.Arg(0)`: the first positional, or empty.
    pub fn first(&self) -> String {
        self.positional.first().cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_is_aligned_like_pflag() {
        assert_eq!(
            usage_lines("logs"),
            [
                "  -h, --help        print help for the command",
                "  -n, --num int     the number of lines to display (default 100)",
                "  -p, --ps string   only display logs from the given process",
                "  -q, --quiet       display raw logs without colors, time and names",
                "  -t, --tail        continually stream logs",
            ]
        );
        assert_eq!(
            usage_lines("apps:list"),
            ["      --format string   format: [ stdout | json ] (default \"stdout\")"]
        );
        assert!(usage_lines("apps:create").is_empty());
    }
}
