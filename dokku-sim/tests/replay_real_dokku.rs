//! The simulator against a real Dokku: the recording of an empty real
//! Dokku 0.38.27 host (`tests/data/real-0.38.27-core.jsonl`, 278 commands
//! in order, see `tests/data/README.md`) is fed, in order, to an empty
//! simulated 0.38.27 host, and every record must come out byte for byte:
//! stdout, stderr and exit code.
//!
//! What may differ is listed here, by record, with the reason:
//!
//! - the recording host's own stderr lines (`host_artifacts`) are removed
//!   from what was recorded;
//! - [`EXCLUDED`] records show the recording host's missing Docker daemon
//!   (or its stand-in `docker`) or the recording machine itself, as the
//!   recording's README says;
//! - [`Normaliser`] replaces values that differ between any two runs
//!   (random ports, creation times, build ids), or that the recording
//!   host set up differently from an empty host, by named rules scoped to
//!   the records they may touch;
//! - [`preconditions`]: the two things the recorder put on the host
//!   before recording, an SSH key for its SSH records and a key file for
//!   `ssh-keys:add`.
//!
//! Records sent over SSH are replayed with the argv Dokku received (the
//! `argv` field); stdin is empty, as for every record of this file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use base64::Engine;
use regex::Regex;
use sha2::{Digest, Sha256};

use dokku_sim::host::{profiles, SimHost, SshKey};
use dokku_sim::{dispatch, Outcome};

/// The recording, imported verbatim.
const RECORDING: &str = include_str!("data/real-0.38.27-core.jsonl");
/// Its checksum, as `tests/data/README.md` gives it.
const RECORDING_SHA256: &str = "fef1c78f1b3849c093e8fafae1f1b847731b4ccc6edab254d6fbd2ea8f3e8723";

/// Records left out of the comparison, and why. The simulator still runs
/// them, in order, so the state carries on.
const EXCLUDED: &[(u64, &str)] = &[
    // The recording host's Docker stand-in.
    (
        109,
        "ps:inspect of an app without containers: the recording host's stand-in `docker` \
         answered `docker container inspect` with no container as a daemon would (`[]`, \
         `No such container`); the Docker CLI refuses it before any daemon (`requires at \
         least 1 argument`), which is what the simulator prints",
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
         Docker daemon; not simulated",
    ),
];

/// A recorded command.
#[derive(serde::Deserialize)]
struct Record {
    seq: u64,
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

fn records() -> Vec<Record> {
    RECORDING
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// What the recorder put on the host before recording.
fn preconditions(host: &mut SimHost) {
    // README: the SSH records reached the host with the key named `admin`.
    host.ssh_keys.push(SshKey {
        name: "admin".to_owned(),
        fingerprint: "SHA256:ivuoFCc0/vSvY62kSHcmX+cQzboHz0Oi6jSOeVAADuE".to_owned(),
        public_key:
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBt9HfKyBFJSeZT24xpdPYti3hRIcQHjFTO71ML+tiOS admin"
                .to_owned(),
    });
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
    /// `random_port`: each port a real `ports-configure` picked, and the
    /// one the simulator picked in the same record.
    ports: BTreeMap<String, String>,
    /// How many replacements each rule made, to prove every rule is used.
    used: BTreeMap<&'static str, usize>,
}

/// The records each rule may touch.
const RULES: &[(&str, &[u64])] = &[
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
    fn new() -> Self {
        Self {
            ports: BTreeMap::new(),
            used: BTreeMap::new(),
        }
    }

    fn applies(name: &str, seq: u64) -> bool {
        RULES
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

    /// Normalise what was recorded (`want`) and what the simulator printed
    /// (`got`) for record `seq`.
    fn normalise(&mut self, seq: u64, want: &mut String, got: &mut String) {
        if Self::applies("random_port", seq) {
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
        if Self::applies("created_at", seq) {
            for text in [&mut *want, &mut *got] {
                let mut t = std::mem::take(text);
                self.replace(
                    "created_at",
                    &mut t,
                    r#"(App created at: +|created-at":")\d+"#,
                    "${1}<created-at>",
                );
                *text = t;
            }
        }
        if Self::applies("recording_host_nginx_service_command", seq) {
            self.replace(
                "recording_host_nginx_service_command",
                want,
                "/usr/local/bin/nginx-service",
                "",
            );
        }
        if Self::applies("leftover_global_proxy_type", seq) {
            self.replace(
                "leftover_global_proxy_type",
                want,
                r#"(Proxy global type: +|global-type":")nginx"#,
                "$1",
            );
        }
        if Self::applies("build_identity", seq) {
            for text in [&mut *want, &mut *got] {
                let mut t = std::mem::take(text);
                self.replace(
                    "build_identity",
                    &mut t,
                    r#"((?:Build id: +|build-id":")[0-9a-z]+|(?:Build pid: +|build-pid":")\d+|(?:Build (?:started|finished) at: +|build-(?:started|finished)-at":")[0-9TZ:-]+)"#,
                    "<build>",
                );
                *text = t;
            }
        }
        if Self::applies("recording_hostname", seq) {
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

#[test]
fn the_recording_is_imported_verbatim() {
    let digest = Sha256::digest(RECORDING.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, RECORDING_SHA256);
    assert_eq!(records().len(), 278);
}

#[test]
fn an_empty_simulated_host_prints_what_real_dokku_0_38_27_printed() {
    let mut host = SimHost::new(profiles::V0_38_27);
    preconditions(&mut host);
    let mut normaliser = Normaliser::new();
    let mut failures = Vec::new();
    let mut needless_exclusions = Vec::new();
    let mut matched = 0;
    let records = records();
    for record in &records {
        let outcome = dispatch(&mut host, &record.argv[1..], b"");
        let out = match outcome {
            Outcome::Done(out) => out,
            Outcome::Follow(follow) => follow.initial,
        };
        let difference = compare(record, &out, &mut normaliser);
        let excluded = EXCLUDED.iter().any(|(seq, _)| *seq == record.seq);
        match (difference, excluded) {
            (None, false) => matched += 1,
            (None, true) => needless_exclusions.push(record.seq),
            (Some(report), false) => failures.push(report),
            (Some(_), true) => {}
        }
    }
    assert!(
        needless_exclusions.is_empty(),
        "excluded but now matching (remove them from EXCLUDED): {needless_exclusions:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {} records differ ({matched} match):\n{}",
        failures.len(),
        records.len(),
        failures.join("\n")
    );
    assert_eq!(matched + EXCLUDED.len(), records.len());
    for (rule, _) in RULES {
        assert!(
            normaliser.used.contains_key(rule),
            "normalisation rule {rule} no longer replaces anything: remove it"
        );
    }
}
