//! The simulator against a real Dokku: each recording of a real Dokku
//! 0.38.27 host (`tests/data/real-0.38.27-*.jsonl`, see
//! `tests/data/README.md`) is fed, in order, to a simulated 0.38.27 host
//! set up as the recording host was, and every record must come out byte
//! for byte: stdout, stderr and exit code.
//!
//! - `core` (278 commands) starts from an empty host;
//! - `surface` (1343 commands: every plugin's help, reports, properties
//!   and subcommands) starts on the host the core recording left, with the
//!   apps the recorder had on it (see [`SURFACE`]).
//!
//! What may differ is listed per recording, by record, with the reason:
//!
//! - the recording host's own stderr lines (`host_artifacts`) are removed
//!   from what was recorded;
//! - excluded records show the recording host's missing Docker daemon
//!   (or its stand-in `docker`) or the recording machine itself, as the
//!   recording's README says;
//! - [`Normaliser`] replaces values that differ between any two runs
//!   (random ports, creation times, build ids), or that the recording
//!   host set up differently from an empty host, by named rules scoped to
//!   the records they may touch;
//! - the preconditions: what the recorder put on the host before
//!   recording (an SSH key for its SSH records, files read by path, the
//!   apps already there), and what it piped to a command's stdin.
//!
//! Local records run as root, records sent over SSH go through the SSH
//! path as the `dokku` user ([`run`]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use base64::Engine;
use regex::Regex;
use sha2::{Digest, Sha256};

use dokku_sim::entry::{Globals, Invocation, User};
use dokku_sim::host::{profiles, SimHost, SshKey};
use dokku_sim::{commands, dispatch, dispatch_as, split, Outcome};

/// One recording, and what its replay may treat differently.
struct Recording {
    /// The file, imported verbatim.
    text: &'static str,
    /// Its checksum, as `tests/data/README.md` gives it.
    sha256: &'static str,
    /// How many records it holds.
    records: usize,
    /// Records left out of the comparison, and why. The simulator still
    /// runs them, in order, so the state carries on.
    excluded: &'static [(u64, &'static str)],
    /// The normalisation rules and the records each may touch.
    rules: &'static [(&'static str, &'static [u64])],
    /// What the recorder put on the host before recording.
    preconditions: fn(&mut SimHost),
    /// What the recorder piped to a record's stdin (the recordings keep
    /// no stdin; it is empty unless a record's note says otherwise).
    stdin: fn(u64) -> &'static [u8],
}

/// `captures-0.38.27-core.jsonl`.
const CORE: Recording = Recording {
    text: include_str!("data/real-0.38.27-core.jsonl"),
    sha256: "fef1c78f1b3849c093e8fafae1f1b847731b4ccc6edab254d6fbd2ea8f3e8723",
    records: 278,
    excluded: CORE_EXCLUDED,
    rules: CORE_RULES,
    preconditions: core_preconditions,
    stdin: |_| b"",
};

const CORE_EXCLUDED: &[(u64, &str)] = &[
    // The recording host's Docker stand-in.
    (
        109,
        "ps:inspect of an app without containers: the recording host's stand-in `docker` \
         answered `docker container inspect` with no container as a daemon would (`[]`, \
         `No such container`); the Docker CLI refuses it before any daemon (`requires at \
         least 1 argument`), which is what the simulator prints",
    ),
    (
        142,
        "network:list: the recording host's stand-in `docker` lists no networks (README); \
         Docker always has `bridge`, `host` and `none`, which the simulated host lists",
    ),
    (
        143,
        "network:create: no Docker daemon on the recording host (README: `Error response \
         from daemon` / no daemon, exit 1); the simulated host creates the network",
    ),
    (
        222,
        "run: the recording's README attributes its output to the missing daemon \
         (`No such image:` with an empty name, then the image-stage lines); the simulator \
         prints the first line, which a real server prints too, and exits 1",
    ),
    // The recording machine itself.
    (
        220,
        "report: the recording machine's uname, memory, disks and Docker version, then no \
         Docker daemon; on a host given that machine the simulator prints the same machine \
         part (the_reports_machine_part_is_the_recorded_one_on_the_recording_machine)",
    ),
];

/// `captures-0.38.27-surface.jsonl`. The recorder ran it on the host the
/// core recording left (every app destroyed, `GLOBAL_ONE=1` still set
/// globally: seq 1251), on which 16 apps had been created since (seq 54
/// lists them).
const SURFACE: Recording = Recording {
    text: include_str!("data/real-0.38.27-surface.jsonl"),
    sha256: "9e66b4fd1ceadff980ccfbd22295d4df1792d2350ad95c3fb9ae2335da8d4fcf",
    records: 1343,
    excluded: SURFACE_EXCLUDED,
    rules: SURFACE_RULES,
    preconditions: surface_preconditions,
    stdin: surface_stdin,
};

const SURFACE_EXCLUDED: &[(u64, &str)] = &[
    // The recording host's missing Docker daemon (README).
    (
        1003,
        "git:from-image: no Docker daemon to pull the image (README: `git:from-image` … \
         no daemon, exit 1); the simulated host has a daemon but no network to pull from",
    ),
    (
        1004,
        "git:load-image: no Docker daemon to load the (empty) archive into (README)",
    ),
    (
        1016,
        "network:list: the stand-in `docker` lists no networks (README); the simulated \
         host lists Docker's `bridge`, `host` and `none`",
    ),
    (1017, "network:list --format json: as seq 1016"),
    (
        1019,
        "network:exists bridge: `Network does not exist` from the stand-in (README); \
         Docker's `bridge` exists on the simulated host",
    ),
    (1021, "network:info bridge: as seq 1019"),
    (1022, "network:info bridge --format json: as seq 1019"),
    (
        1031,
        "network:create without a name: `Cannot connect to the Docker daemon` (README: \
         `network:create` … no daemon); the simulated daemon refuses the empty name",
    ),
    (
        1087,
        "registry:login: `docker login` without a daemon (README: `registry:login` … \
         Unable to run docker login: Cannot connect to the Docker daemon); the simulated \
         Docker logs in",
    ),
    (
        1088,
        "registry:login, the password as an argument: as seq 1087",
    ),
    (1089, "registry:login for an app: as seq 1087"),
    (
        1091,
        "registry:logout: `docker logout` without a daemon (README); the simulated Docker \
         forgets the server",
    ),
    (1092, "registry:logout for an app: as seq 1091"),
    (
        1217,
        "run:list: the stand-in `docker container ls` prints nothing (README: `run:list` \
         … no containers); Docker's table format prints its header row",
    ),
    (
        1220,
        "run:detached: `No such image` and the image-stage lines come from the missing \
         daemon (README: `run`, `run:detached`); the simulator prints the first line, \
         which a real server prints too, and exits 1",
    ),
    (1221, "run --no-tty: as seq 1220"),
    (1222, "run -e: as seq 1220"),
    (
        1223,
        "run:logs: `Cannot connect to the Docker daemon` (README: `run:logs`); the Docker \
         CLI refuses the empty container name before any daemon",
    ),
    (
        1183,
        "storage:exec: no Docker daemon to run the container (README: `storage:exec` no \
         daemon, exit 1); the simulator runs no container and prints nothing",
    ),
    // The recording host's missing `netrc` helper (README).
    (
        993,
        "git:auth: `netrc: command not found`, exit 127 (README); the simulated host \
         has the helper and sets the entry",
    ),
    (
        994,
        "git:auth-status after seq 993: no entry on the recording host (README: \
         \"git:auth-status is therefore always no entry\"); the simulated entry matches",
    ),
    (
        996,
        "git:auth-status of the host only, after seq 993: no entry on the recording host; \
         the simulated host has one",
    ),
    (
        997,
        "git:auth removing the entry: `netrc: command not found`, exit 127 (README)",
    ),
];

const SURFACE_RULES: &[(&str, &[u64])] = &[
    // The ports the kernel gave apps:create and apps:rename, where they
    // show again.
    (
        "random_port",
        &[75, 76, 77, 240, 241, 247, 248, 787, 1032, 1038, 1308, 1311],
    ),
    // `apps:report`'s created-at: the Unix time of apps:create.
    ("created_at", &[86, 87, 492, 493, 672]),
    // The build records' random ids, process ids and wall-clock times.
    ("build_identity", &[1205, 1206, 1215]),
    // The deploy key ssh-keygen generated.
    ("generated_deploy_key", &[988, 989]),
    // A temporary directory's random name.
    ("mktemp_name", &[1000]),
    // `--trace` and `trace:on`: bash's xtrace of the dokku script.
    ("xtrace", &[65, 1292, 1293]),
    // A Go map's iteration order (resource:limit's echo of what it set).
    ("go_map_order", &[485]),
];

/// What the surface recording's host held before its first record.
fn surface_preconditions(host: &mut SimHost) {
    admin_key(host);
    // `hostname` of the recording machine (the deploy key's comment,
    // `dokku@vm`: seq 988, 989).
    host.hostname = "vm".to_owned();
    // Left by the core recording (its seq 59, 265: GLOBAL_TWO unset again).
    host.global_config
        .insert("GLOBAL_ONE".to_owned(), "1".to_owned());
    // The recording's README: the host had no systemd, so its install set
    // the nginx plugin's global `nginx-service-command`.
    host.global_properties
        .entry("nginx".to_owned())
        .or_default()
        .insert(
            "nginx-service-command".to_owned(),
            "/usr/local/bin/nginx-service".to_owned(),
        );
    // README: a global proxy type `nginx` left over from an earlier run on
    // the recording host (seq 251 shows it; seq 788 restores it).
    host.global_properties
        .entry("proxy".to_owned())
        .or_default()
        .insert("type".to_owned(), "nginx".to_owned());
    // The core recording's node-js-app mounted a host directory (its seq
    // 155, 156, 160): the legacy storage entry outlives the app (seq 293).
    for argv in [
        "apps:create node-js-app",
        "storage:ensure-directory node-js-app",
        "storage:mount node-js-app /var/lib/dokku/data/storage/node-js-app:/app/storage",
        "apps:destroy node-js-app --force",
    ] {
        let argv: Vec<String> = argv.split(' ').map(str::to_owned).collect();
        assert_eq!(dispatch(host, &argv, b"").output().code, 0, "{argv:?}");
    }
    // Seq 1276 and 1281 read the certificate and key the recorder put in
    // /tmp; the certificate is the one seq 1279 prints (the key is never
    // printed).
    let crt = records(&SURFACE)
        .into_iter()
        .find(|r| r.seq == 1279)
        .map(|r| r.stdout)
        .unwrap();
    host.files.insert("/tmp/server.crt".to_owned(), crt);
    host.files.insert(
        "/tmp/server.key".to_owned(),
        "-----BEGIN PRIVATE KEY-----\n(not recorded)\n-----END PRIVATE KEY-----\n".to_owned(),
    );
    // Seq 54: the apps on the host when the recording started.
    let apps = (1..=15)
        .map(|n| format!("perf-{n:04}"))
        .chain(["real-one".to_owned()]);
    for app in apps {
        let out = dispatch(host, &["apps:create".to_owned(), app], b"");
        assert_eq!(out.output().code, 0);
    }
}

/// What the surface recorder piped in, as the records' notes say.
fn surface_stdin(seq: u64) -> &'static [u8] {
    match seq {
        // "ssh-keys:add with the key on stdin", "add again": the key seq
        // 1191 lists.
        1189 | 1198 => {
            b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDQub1lOlh0M57xeWfkjyBvyOt1W5Jrr6MRBnaV/F2V9 cap-surface\n"
        }
        // "invalid key on stdin".
        1194 => b"not a key\n",
        // "registry:login --password-stdin", "app-scoped login": they reach
        // `docker login`, so a password was piped.
        1087 | 1089 => b"secret\n",
        // "config:import json from stdin": the JSON its error quotes.
        1243 => b"{\"JSONKEY\":\"v\"}",
        _ => b"",
    }
}

/// A recorded command.
#[derive(serde::Deserialize)]
struct Record {
    seq: u64,
    via: String,
    argv: Vec<String>,
    stdout: String,
    #[serde(default)]
    stdout_base64: Option<String>,
    stderr: String,
    exit_code: Option<i32>,
    #[serde(default)]
    host_artifacts: Vec<String>,
}

impl Record {
    fn stdout_bytes(&self) -> Vec<u8> {
        match &self.stdout_base64 {
            Some(encoded) => base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap(),
            None => self.stdout.as_bytes().to_vec(),
        }
    }

    /// stderr without the recording host's own lines.
    fn stderr_without_host_artifacts(&self) -> String {
        self.stderr
            .split_inclusive('\n')
            .filter(|line| {
                !self
                    .host_artifacts
                    .iter()
                    .any(|artifact| line.trim_end_matches('\n') == artifact)
            })
            .collect()
    }
}

fn records(recording: &Recording) -> Vec<Record> {
    recording
        .text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// README: the SSH records reached the host with the key named `admin`.
fn admin_key(host: &mut SimHost) {
    host.ssh_keys.push(SshKey {
        name: "admin".to_owned(),
        fingerprint: "SHA256:ivuoFCc0/vSvY62kSHcmX+cQzboHz0Oi6jSOeVAADuE".to_owned(),
        public_key:
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBt9HfKyBFJSeZT24xpdPYti3hRIcQHjFTO71ML+tiOS admin"
                .to_owned(),
    });
}

/// What the recorder put on the host before the core recording.
fn core_preconditions(host: &mut SimHost) {
    admin_key(host);
    // Seq 226 reads the key of `battery-user` from this file (its public
    // key as seq 229 lists it).
    host.files.insert(
        "/tmp/key.pub".to_owned(),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE6OytbHVb0qahfXdu7Dg43jDiH/Yp6mmMlmG7YxClkv battery-user\n"
            .to_owned(),
    );
}

/// The values that differ between a real host and the simulated one, each
/// replaced by a named rule in both outputs, and only in the records the
/// rule names.
struct Normaliser {
    /// The recording's rules.
    rules: &'static [(&'static str, &'static [u64])],
    /// `random_port`: each port a real `ports-configure` picked, and the
    /// one the simulator picked in the same record.
    ports: BTreeMap<String, String>,
    /// How many replacements each rule made, to prove every rule is used.
    used: BTreeMap<&'static str, usize>,
}

/// The core recording's rules, and the records each may touch.
const CORE_RULES: &[(&str, &[u64])] = &[
    // The port the kernel gave `getAvailablePort`; learned from the
    // `Random port` lines of apps:create/rename/clone and replaced where
    // it shows again (ports, proxy, urls).
    (
        "random_port",
        &[
            8, 9, 10, 11, 28, 29, 30, 31, 115, 119, 120, 129, 130, 218, 219, 246, 268,
        ],
    ),
    // `apps:report`'s created-at: the Unix time of apps:create.
    ("created_at", &[16, 17, 18, 19, 255, 256]),
    // The recording host had no systemd, so its install set the global
    // nginx-service-command (README); an empty host has none.
    ("recording_host_nginx_service_command", &[134, 135]),
    // README: two proxy:report records show `Proxy global type: nginx`,
    // left over from an earlier run on the recording host.
    ("leftover_global_proxy_type", &[129, 130]),
    // builds-generate-id's random id, the process id and the wall-clock
    // times of the build.
    ("build_identity", &[203, 204]),
    // `hostname -f` of the recording host (`vm`) in the URLs of an app
    // without domains.
    ("recording_hostname", &[218, 219]),
];

impl Normaliser {
    fn new(rules: &'static [(&'static str, &'static [u64])]) -> Self {
        Self {
            rules,
            ports: BTreeMap::new(),
            used: BTreeMap::new(),
        }
    }

    fn applies(&self, name: &str, seq: u64) -> bool {
        self.rules
            .iter()
            .any(|(rule, seqs)| *rule == name && seqs.contains(&seq))
    }

    fn replace(&mut self, rule: &'static str, text: &mut String, pattern: &str, with: &str) {
        let re = Regex::new(pattern).unwrap();
        let count = re.find_iter(text).count();
        if count > 0 {
            *self.used.entry(rule).or_default() += count;
            *text = re.replace_all(text, with).into_owned();
        }
    }

    /// [`Normaliser::replace`] in both outputs.
    fn both(
        &mut self,
        rule: &'static str,
        want: &mut String,
        got: &mut String,
        pattern: &str,
        with: &str,
    ) {
        self.replace(rule, want, pattern, with);
        self.replace(rule, got, pattern, with);
    }

    /// Normalise what was recorded (`want`) and what the simulator printed
    /// (`got`) for record `seq`.
    fn normalise(&mut self, seq: u64, want: &mut String, got: &mut String) {
        if self.applies("random_port", seq) {
            let re = Regex::new(r"-----> Random port (\d+)").unwrap();
            let recorded: Vec<String> = re.captures_iter(want).map(|c| c[1].to_owned()).collect();
            let simulated: Vec<String> = re.captures_iter(got).map(|c| c[1].to_owned()).collect();
            for (real, sim) in recorded.into_iter().zip(simulated) {
                self.ports.insert(real, sim);
            }
            for (real, sim) in self.ports.clone() {
                self.replace("random_port", want, &format!(r"\b{real}\b"), &sim);
            }
        }
        if self.applies("created_at", seq) {
            self.both(
                "created_at",
                want,
                got,
                r#"(App created at: +|created-at":")\d+"#,
                "${1}<created-at>",
            );
        }
        if self.applies("recording_host_nginx_service_command", seq) {
            self.replace(
                "recording_host_nginx_service_command",
                want,
                "/usr/local/bin/nginx-service",
                "",
            );
        }
        if self.applies("leftover_global_proxy_type", seq) {
            self.replace(
                "leftover_global_proxy_type",
                want,
                r#"(Proxy global type: +|global-type":")nginx"#,
                "$1",
            );
        }
        if self.applies("build_identity", seq) {
            // builds:report.
            self.both(
                "build_identity",
                want,
                got,
                r#"((?:Build id: +|build-id":")[0-9a-z]+|(?:Build pid: +|build-pid":")\d+|(?:Build (?:started|finished) at: +|build-(?:started|finished)-at":")[0-9TZ:-]+)"#,
                "<build>",
            );
            // builds:list, a table row: id, pid (five digits on both
            // hosts, so the columns keep their width), start, duration.
            self.both(
                "build_identity",
                want,
                got,
                r"(?m)^[0-9a-z]{14}(  (?:build|deploy) +\w+ +)\d{5}( +\S+ +)\S+Z  \S+$",
                "<build-id----->${1}<pid>${2}<started-at-------->  <duration>",
            );
            // builds:list --format json.
            self.both(
                "build_identity",
                want,
                got,
                r#"("id":"|/)[0-9a-z]{14}("|\.log)|"pid":\d+|"started_at":"[^"]+"|"duration":"[^"]+""#,
                "${1}<build>${2}",
            );
        }
        if self.applies("generated_deploy_key", seq) {
            // ssh-keygen's new key: its fingerprint, its randomart and the
            // key itself.
            for pattern in [
                r"SHA256:[A-Za-z0-9+/]{43}",
                r"(?m)^\|[^|\n]{17}\|$",
                r"ssh-ed25519 [A-Za-z0-9+/=]+",
            ] {
                self.both("generated_deploy_key", want, got, pattern, "<key>");
            }
        }
        if self.applies("mktemp_name", seq) {
            // `mktemp -d /tmp/dokku-${DOKKU_PID}-<function>.XXXXXX`.
            self.both(
                "mktemp_name",
                want,
                got,
                r"/tmp/dokku-\d+-([\w-]+)\.[A-Za-z0-9]{6}",
                "/tmp/dokku-<pid>-${1}.<random>",
            );
        }
        if self.applies("go_map_order", seq) {
            // setResourceType ranges over a Go map: the resources print in
            // a random order. Sorted after the header in both.
            for text in [&mut *want, &mut *got] {
                let mut lines: Vec<&str> = text.lines().collect();
                if lines.len() > 2 {
                    lines[1..].sort_unstable();
                    let sorted = format!("{}\n", lines.join("\n"));
                    if sorted != *text {
                        *self.used.entry("go_map_order").or_default() += 1;
                    }
                    *text = sorted;
                }
            }
        }
        if self.applies("xtrace", seq) {
            // bash's `set -x` of the whole dokku script, with the host's
            // environment and process ids (README: not to match
            // literally); the simulator traces the two calls it models.
            self.both("xtrace", want, got, r"(?s)\A\+ .*\z", "<bash xtrace>");
        }
        if self.applies("recording_hostname", seq) {
            self.replace(
                "recording_hostname",
                want,
                r"^http://vm:",
                "http://dokku-sim:",
            );
        }
    }
}

/// One record's comparison: `None` when equal.
fn compare(record: &Record, got: &dokku_sim::Out, normaliser: &mut Normaliser) -> Option<String> {
    let mut want_stdout = String::from_utf8_lossy(&record.stdout_bytes()).into_owned();
    let mut got_stdout = String::from_utf8_lossy(&got.stdout).into_owned();
    let mut want_stderr = record.stderr_without_host_artifacts();
    let mut got_stderr = String::from_utf8_lossy(&got.stderr).into_owned();
    normaliser.normalise(record.seq, &mut want_stdout, &mut got_stdout);
    normaliser.normalise(record.seq, &mut want_stderr, &mut got_stderr);
    // Binary stdout (config:bundle) is compared as bytes.
    let stdout_equal = match &record.stdout_base64 {
        Some(_) => record.stdout_bytes() == got.stdout,
        None => want_stdout == got_stdout,
    };
    let want_code = record.exit_code.unwrap();
    if stdout_equal && want_stderr == got_stderr && want_code == got.code {
        return None;
    }
    let mut report = format!(
        "seq {} `dokku {}`\n",
        record.seq,
        record.argv[1..].join(" ")
    );
    if !stdout_equal {
        report.push_str(&format!(
            "  stdout want {want_stdout:?}\n         got  {got_stdout:?}\n"
        ));
    }
    if want_stderr != got_stderr {
        report.push_str(&format!(
            "  stderr want {want_stderr:?}\n         got  {got_stderr:?}\n"
        ));
    }
    if want_code != got.code {
        report.push_str(&format!("  exit   want {want_code}, got {}\n", got.code));
    }
    Some(report)
}

/// Run one record as it ran: a `local` record is `dokku ARGV…` run by root
/// on the server; an `ssh` record is the line `ssh dokku@host -- ARGV…`
/// sent (each argument shell-quoted only where it needs it, as the
/// recorder's client did), through sshcommand's forced command to the
/// `dokku` user: the login shell's split, then the script's own second
/// split of the raw line.
fn run(host: &mut SimHost, record: &Record, stdin: &[u8]) -> Outcome {
    let argv = &record.argv[1..];
    if record.via != "ssh" {
        return dispatch_as(host, argv, stdin, User::Root);
    }
    let line = argv
        .iter()
        .map(|arg| shell_quote(arg))
        .collect::<Vec<_>>()
        .join(" ");
    let words = split::whitespace(&line);
    let invocation = Invocation::over_ssh(&words, &line, Globals::default()).unwrap();
    commands::run(host, &invocation, stdin)
}

/// Python's `shlex.quote`: safe words as they are, anything else in single
/// quotes.
fn shell_quote(arg: &str) -> String {
    let safe = !arg.is_empty()
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@%+=:,./-_".contains(&b));
    if safe {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', "'\"'\"'"))
    }
}

/// Feed the recording to a simulated 0.38.27 host set up as the recording
/// host was: every record not excluded must match, every exclusion must
/// still be needed, every rule must still replace something.
fn replay(recording: &Recording) {
    let mut host = SimHost::new(profiles::V0_38_27);
    (recording.preconditions)(&mut host);
    let mut normaliser = Normaliser::new(recording.rules);
    let mut failures = Vec::new();
    let mut needless_exclusions = Vec::new();
    let mut matched = 0;
    let records = records(recording);
    for record in &records {
        let stdin = (recording.stdin)(record.seq);
        let outcome = run(&mut host, record, stdin);
        let out = match outcome {
            Outcome::Done(out) => out,
            Outcome::Follow(follow) => follow.initial,
        };
        let difference = compare(record, &out, &mut normaliser);
        let excluded = recording.excluded.iter().any(|(seq, _)| *seq == record.seq);
        match (difference, excluded) {
            (None, false) => matched += 1,
            (None, true) => needless_exclusions.push(record.seq),
            (Some(report), false) => failures.push(report),
            (Some(_), true) => {}
        }
    }
    assert!(
        needless_exclusions.is_empty(),
        "excluded but now matching (remove them from the exclusions): {needless_exclusions:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {} records differ ({matched} match):\n{}",
        failures.len(),
        records.len(),
        failures.join("\n")
    );
    assert_eq!(matched + recording.excluded.len(), records.len());
    for (rule, _) in recording.rules {
        assert!(
            normaliser.used.contains_key(rule),
            "normalisation rule {rule} no longer replaces anything: remove it"
        );
    }
}

fn assert_imported_verbatim(recording: &Recording) {
    let digest = Sha256::digest(recording.text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, recording.sha256);
    assert_eq!(records(recording).len(), recording.records);
}

#[test]
fn the_recordings_are_imported_verbatim() {
    assert_imported_verbatim(&CORE);
    assert_imported_verbatim(&SURFACE);
}

#[test]
fn an_empty_simulated_host_prints_what_real_dokku_0_38_27_printed() {
    replay(&CORE);
}

#[test]
fn every_plugin_surface_prints_what_real_dokku_0_38_27_printed() {
    replay(&SURFACE);
}

/// `report` (core seq 220, excluded from the replay above because it
/// describes the recording machine): on a simulated host given that
/// machine, the machine part (`uname`, `free -m`, `df -h`, `df -hi`) is
/// the recorded one byte for byte, up to Docker's part, which the
/// recording host could not print.
#[test]
fn the_reports_machine_part_is_the_recorded_one_on_the_recording_machine() {
    use dokku_sim::host::{Disk, Machine};
    let record = records(&CORE).into_iter().find(|r| r.seq == 220).unwrap();
    let mut host = SimHost::new(profiles::V0_38_27);
    host.hostname = "vm".to_owned();
    let words = |w: [&str; 4]| w.map(str::to_owned);
    host.machine = Machine {
        kernel: "6.18.44-fc-v1147 #1 SMP PREEMPT_DYNAMIC @0 x86_64".to_owned(),
        memory_mb: [24105, 849, 20862, 32, 2735, 23255],
        swap_mb: [0, 0, 0],
        disks: vec![Disk {
            filesystem: "/dev/vda".to_owned(),
            space: words(["252G", "21G", "70G", "24%"]),
            inodes: words(["16M", "463K", "16M", "3%"]),
            mounted_on: "/".to_owned(),
        }],
    };
    let Outcome::Done(out) = dispatch(&mut host, &["report".to_owned()], b"") else {
        panic!("report follows");
    };
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let machine_part = |text: &str| {
        text.split("-----> docker version: ")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(machine_part(&stdout), machine_part(&record.stdout));
    // The rest: Docker, herokuish, Dokku's tools and the plugin list.
    assert!(
        stdout.contains("\n-----> dokku version: dokku version 0.38.27\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n-----> dokku plugins: \n         00_dokku-standard "),
        "{stdout}"
    );
    assert_eq!(out.code, 0);
}
