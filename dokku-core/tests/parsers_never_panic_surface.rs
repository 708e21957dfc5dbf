//! Property tests for the parsers of the surface added by issue 14: each
//! returns a value or a `ParseError` (naming a line that exists) without
//! panicking, on arbitrary strings, on line soup built from the new
//! layouts' own markers (column-aligned tables, `Label: value` blocks,
//! tab-separated rows, syslog lines, `key=value` labels, dotted report
//! keys), on mutations of every output of both real Dokku 0.38.27
//! recordings, and, for the typed reports, on arbitrary key → value maps.
//!
//! Parsers covered: `table::{columns, label_values, verbose_lines}`,
//! `cron::{list, list_text, list_json}`, `builds::{list, info}`,
//! `network::{list_text, list_json, info}`, `storage::{list, entries,
//! info, global_report}`, `ssh_keys::list`, `run::list`,
//! `events::{line, lines, list}`, `resource::settings`, `buildpacks::list`,
//! `docker_options::list`, `proxies::labels`, `community::redirects`,
//! `scheduler::cluster_list`, and every new typed report through
//! `Report::from_output` and `Report::from_raw`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use common::line_in_range;
use dokku_core::api::report::Report;
use dokku_core::model::*;
use dokku_core::parse::{self, report::RawReport};
use proptest::prelude::*;
use proptest::sample::select;

/// Every stdout and stderr of both recordings, loaded once.
fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join("data");
        let mut out = Vec::new();
        for name in [
            "captures-0.38.27-core.jsonl",
            "captures-0.38.27-surface.jsonl",
        ] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                for stream in ["stdout", "stderr"] {
                    if let Some(s) = v[stream].as_str().filter(|s| !s.is_empty()) {
                        out.push(s.to_owned());
                    }
                }
            }
        }
        out
    })
}

fn typed<R: Report>(what: &str, input: &str, objects: &[RawReport]) {
    line_in_range(what, input, R::from_output(input));
    for raw in objects {
        let _ = R::from_raw(raw.clone()).map_err(|e| e.to_string());
    }
}

fn typed_reports(input: &str, objects: &[RawReport]) {
    typed::<builder::BuilderReport>("builder", input, objects);
    typed::<builder::BuilderDockerfileReport>("builder-dockerfile", input, objects);
    typed::<builder::BuilderHerokuishReport>("builder-herokuish", input, objects);
    typed::<builder::BuilderLambdaReport>("builder-lambda", input, objects);
    typed::<builder::BuilderNixpacksReport>("builder-nixpacks", input, objects);
    typed::<builder::BuilderPackReport>("builder-pack", input, objects);
    typed::<builder::BuilderRailpackReport>("builder-railpack", input, objects);
    typed::<buildpacks::BuildpacksReport>("buildpacks", input, objects);
    typed::<builds::BuildsReport>("builds", input, objects);
    typed::<checks::ChecksReport>("checks", input, objects);
    typed::<cron::CronReport>("cron", input, objects);
    typed::<docker_options::DockerOptionsReport>("docker-options", input, objects);
    typed::<git::GitReport>("git", input, objects);
    typed::<network::NetworkReport>("network", input, objects);
    typed::<proxies::NginxReport>("nginx", input, objects);
    typed::<proxies::OpenrestyReport>("openresty", input, objects);
    typed::<proxies::CaddyReport>("caddy", input, objects);
    typed::<proxies::HaproxyReport>("haproxy", input, objects);
    typed::<proxies::TraefikReport>("traefik", input, objects);
    typed::<registry::RegistryReport>("registry", input, objects);
    typed::<resource::ResourceReport>("resource", input, objects);
    typed::<scheduler::SchedulerReport>("scheduler", input, objects);
    typed::<scheduler::SchedulerDockerLocalReport>("scheduler-docker-local", input, objects);
    typed::<scheduler::SchedulerK3sReport>("scheduler-k3s", input, objects);
    typed::<storage::StorageReport>("storage", input, objects);
    typed::<community::MaintenanceReport>("maintenance", input, objects);
    typed::<community::HttpAuthReport>("http-auth", input, objects);
}

/// Run every new parser on `input`.
fn all_parsers(input: &str) {
    use parse::*;
    let headers = ["ID", "Schedule", "Concurrency", "Maintenance", "Command"];
    line_in_range(
        "table::columns",
        input,
        table::columns("x", input, &headers, &["none"]),
    );
    line_in_range(
        "table::label_values",
        input,
        table::label_values("x", input),
    );
    let _ = table::verbose_lines(input);
    line_in_range("cron::list", input, cron::list(input));
    line_in_range("cron::list_text", input, cron::list_text(input));
    line_in_range("cron::list_json", input, cron::list_json(input));
    line_in_range("builds::list", input, builds::list(input));
    line_in_range("builds::info", input, builds::info(input));
    let _ = network::list_text(input);
    line_in_range("network::list_json", input, network::list_json(input));
    line_in_range("network::info", input, network::info(input));
    line_in_range("storage::list", input, storage::list(input));
    line_in_range("storage::entries", input, storage::entries(input));
    line_in_range("storage::info", input, storage::info(input));
    line_in_range(
        "storage::global_report",
        input,
        storage::global_report(input),
    );
    line_in_range("ssh_keys::list", input, ssh_keys::list(input));
    line_in_range("host::vitals", input, host::vitals(input));
    line_in_range("run::list", input, run::list(input));
    let _ = events::line(input);
    let _ = events::lines(input);
    let _ = events::list(input);
    line_in_range("resource::settings", input, resource::settings(input));
    let _ = buildpacks::list(input);
    let _ = docker_options::list(input);
    line_in_range("proxies::labels", input, proxies::labels(input));
    line_in_range("community::redirects", input, community::redirects(input));
    line_in_range(
        "scheduler::cluster_list",
        input,
        scheduler::cluster_list(input),
    );
    let objects = parse::report::json("report", input).unwrap_or_default();
    typed_reports(input, &objects);
}

/// Pieces of the new layouts that steer parsers into their deeper branches.
const MARKERS: &[&str] = &[
    "ID  Schedule  Concurrency  Maintenance  Command",
    "abc  5 4 * * *  allow        true (task)  node x.js",
    "Build ID        Kind    Status     PID    Source            Started               Duration",
    "mx7exqmjqicslv  deploy  abandoned  30416  ps:restart        2026-12-03T10:29:39Z  18s",
    "App  Build ID  Kind  PID  Source  Started",
    "No builds recorded for this app",
    "Build ID:  x",
    "Exit Code:  -1",
    "PID:  abc",
    "=====> Networks",
    "=====> bridge network information",
    "       Name:           bridge",
    "-----> node-js-app volume bind-mounts:",
    "       /var/lib/dokku/data/storage/x:/app/x",
    "-----> Storage entries:",
    "       cap-vol\tdocker-local\t/var/lib/dokku/data/storage/cap-vol",
    "-----> Storage report (global):",
    "       cap-vol\tdocker-local\tmounted by: —",
    "mounted by: a, b",
    "-----> Storage entry cap-vol",
    "       Scheduler:        docker-local",
    "SHA256:abc NAME=\"admin\" SSHCOMMAND_ALLOWED_KEYS=\"no-pty\"",
    "NAME=\"",
    "=\"",
    "NAMES  COMMAND  CREATED",
    "Jul  3 16:09:48 dokku.me dokku[127630]: INVOKED: pre-deploy( app )",
    "2024-07-03T16:09:48+00:00 host dokku-event[1]: INVOKED: x(",
    "INVOKED: ",
    "=====> resource limits app information [defaults]",
    "=====> resource limits app information (web)",
    "       memory-swap: 1g",
    "-----> memory: ",
    "                      total        used        free      shared  buff/cache   available",
    "       Mem:           24105         849       20862          32        2735       23255",
    "       Swap:              0           0           0",
    "-----> disk utilization: ",
    "-----> disk inode utilization: ",
    "       Filesystem      Size  Used Avail Use% Mounted on",
    "       /dev/vda        252G   21G   70G  24% /",
    "=====> app caddy labels",
    "       com.example=v1",
    "SOURCE  DESTINATION  CODE",
    "a.example.com  b.example.com  301",
    "name  ready  roles  version",
    "node1  true   control-plane,master  v1.30",
    "       Resource _default_ limit cpu: 1",
    "       Storage attachment 1 host path: /x",
    "       Docker options deploy web: --x",
    "{\"deploy.web-list\":[\"a\"],\"build-list\":\"x\"}",
    "{\"attachment.x.host-path\":\"/x\"}",
    "{\"_default_.limit.cpu\":\"1\",\"web.bogus.cpu\":\"2\"}",
    "[{\"entry\":{\"name\":\"x\"},\"mounted_by\":null}]",
    "[{\"Name\":\"x\",\"Labels\":null,\"Roles\":null}]",
    "[{\"id\":\"x\",\"pid\":-1}]",
    "\t",
    "  ",
    ":",
    "—",
    "世界",
    "\u{0}",
    "\n",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        select(MARKERS).prop_map(str::to_owned),
        ".{0,6}",
        "[ -~]{0,12}"
    ]
}

fn line_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(piece(), 0..5), 0..20).prop_map(|lines| {
        lines
            .into_iter()
            .map(|parts| parts.concat())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Keys of the new reports, with their awkward cases.
const KEYS: &[&str] = &[
    "deploy-branch",
    "global-deploy-branch",
    "computed-deploy-branch",
    "disabled-list",
    "skipped-list",
    "build-pid",
    "build-exit-code",
    "task-count",
    "build-list",
    "deploy.web",
    "deploy.web-list",
    "docker-options-deploy.web-list",
    "_default_.limit.cpu",
    "resource-web.reserve.memory",
    "web.limit",
    "attachment.1.host-path",
    "attachment.x.phases",
    "storage-attachment.1.readonly",
    "computed-basic-auth-password",
    "global-token",
    "enabled",
    "allowed-ips",
    "web-listeners",
    "list",
];

fn raw_report() -> impl Strategy<Value = RawReport> {
    (
        prop::option::of(prop_oneof![Just("cap-misc".to_owned()), ".{0,8}"]),
        prop::collection::btree_map(
            prop_oneof![select(KEYS).prop_map(str::to_owned), ".{0,10}"],
            prop_oneof![
                select(&["", "true", "false", "-1", "none", "_all_", "[]", "[\"a\"]", "x,y"][..])
                    .prop_map(str::to_owned),
                ".{0,10}",
            ],
            0..10,
        ),
    )
        .prop_map(
            |(subject, fields): (Option<String>, BTreeMap<String, String>)| RawReport {
                subject,
                fields,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn new_parsers_never_panic_on_arbitrary_text(input in ".{0,400}") {
        all_parsers(&input);
    }

    #[test]
    fn new_parsers_never_panic_on_line_soup(input in line_soup()) {
        all_parsers(&input);
    }

    #[test]
    fn new_parsers_never_panic_on_mutated_recordings(
        index in any::<prop::sample::Index>(),
        at in any::<usize>(),
        insert in line_soup(),
        cut in any::<bool>(),
    ) {
        let corpus = corpus();
        let text = &corpus[index.index(corpus.len())];
        let chars: Vec<char> = text.chars().collect();
        let at = at % (chars.len() + 1);
        let mut mutated: String = chars[..at].iter().collect();
        if !cut {
            mutated.push_str(&insert);
            mutated.extend(&chars[at..]);
        }
        all_parsers(&mutated);
    }

    #[test]
    fn new_typed_reports_never_panic_on_arbitrary_maps(raws in prop::collection::vec(raw_report(), 1..4)) {
        typed_reports("", &raws);
    }
}

#[test]
fn new_parsers_read_every_recorded_output_without_panicking() {
    for text in corpus() {
        all_parsers(text);
    }
}
