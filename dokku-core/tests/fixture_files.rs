//! The fixture files themselves: every fixture under `tests/fixtures` (all
//! plugins) is well-formed, states the Dokku version and the source it was
//! established from, and has a numeric exit code; and the loader reads the
//! format as documented (sections, trailing newlines, the `argv` header).
// clippy.toml's allow-*-in-tests covers `#[test]` functions only, not the
// helpers of an integration test crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Fixture;
use dokku_core::DokkuVersion;

#[test]
fn every_fixture_states_dokku_source_command_and_exit() {
    let paths = common::all_paths();
    assert!(paths.len() >= 100, "only {} fixtures found", paths.len());
    let mut problems = Vec::new();
    for path in &paths {
        let fixture = match Fixture::try_load(path) {
            Ok(f) => f,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let name = path.display();
        match fixture.header("dokku") {
            None => problems.push(format!("{name}: no `# dokku:` header")),
            Some(v) if fixture.dokku.is_none() => {
                problems.push(format!("{name}: `# dokku: {v}` is not a version"));
            }
            Some(_) => {}
        }
        if fixture.header("source").map_or(true, str::is_empty) {
            problems.push(format!("{name}: no `# source:` header"));
        }
        if fixture.command.is_empty() {
            problems.push(format!("{name}: no `# command:` header"));
        }
        if fixture.argv().is_empty() {
            problems.push(format!("{name}: empty argv"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn all_covers_every_plugin_directory() {
    let fixtures = common::all();
    for dir in [
        "apps", "config", "domains", "logs", "plugin", "ps", "version",
    ] {
        assert!(
            fixtures.iter().any(|f| f.dir() == dir),
            "no fixture loaded from {dir}/"
        );
        assert!(!common::in_dir(dir).is_empty());
    }
    assert_eq!(fixtures.len(), common::all_paths().len());
}

#[test]
fn exit_codes_are_the_ones_dokku_uses() {
    for f in common::all() {
        assert!(
            matches!(f.exit, 0 | 1 | 2 | 20),
            "{}: unexpected exit {}",
            f.path.display(),
            f.exit
        );
        assert_eq!(f.output().status.as_code(), Some(f.exit));
    }
}

#[test]
fn loads_sections_with_trailing_newlines() {
    let f = Fixture::load("apps/list-text.txt");
    assert_eq!(f.dokku, Some(DokkuVersion::new(0, 38, 27)));
    assert_eq!(f.command, "apps:list");
    assert_eq!(f.exit, 0);
    assert_eq!(
        f.stdout,
        "=====> My Apps\nmy.dotted.app\nnode-js-app\npython-app\n"
    );
    assert_eq!(f.stderr, "");
    assert_eq!(f.argv(), ["apps:list"]);
    assert_eq!(f.header("certainty"), Some("verified"));
    assert_eq!(f.snapshot_name(), "apps__list-text");

    let f = Fixture::load("apps/list-empty.txt");
    assert_eq!(f.stdout, "=====> My Apps\n");
    assert_eq!(
        f.stderr,
        " !     You haven't deployed any applications yet\n"
    );

    // An empty section is empty; a section of one empty line is "\n".
    let f = Fixture::load("apps/exists.txt");
    assert_eq!((f.stdout.as_str(), f.stderr.as_str()), ("", ""));
    let f = Fixture::load("apps/report-flag-empty-value.txt");
    assert_eq!(f.stdout, "\n");
}

#[test]
fn output_carries_exit_and_both_streams() {
    let f = Fixture::load("apps/report-missing-app.txt");
    let out = f.output();
    assert_eq!(out.status.as_code(), Some(20));
    assert!(out.stdout.is_empty());
    assert_eq!(out.stderr, b" !     App missing-app does not exist\n");
}

#[test]
fn stdout_trailing_newline_false_removes_the_last_newline() {
    let f = Fixture::load("config/export-shell.txt");
    assert!(
        f.stdout.ends_with("-----END CERTIFICATE-----' "),
        "{:?}",
        f.stdout
    );
    // Only the final newline goes; the multi-line value keeps its own.
    assert_eq!(f.stdout.matches('\n').count(), 2);

    let text = "# dokku: 0.38.27\n# source: x\n# command: c\n# exit: 0\n\
                # stdout-trailing-newline: false (why)\n--- stdout\na\nb\n--- stderr\n";
    let f = Fixture::parse("inline.txt", text).unwrap();
    assert_eq!(f.stdout, "a\nb");
}

#[test]
fn argv_header_is_a_json_array_and_wins_over_the_command() {
    let f = Fixture::load("config/set.txt");
    let argv = f.argv();
    assert_eq!(argv.len(), 5);
    assert_eq!(argv[..3], ["config:set", "--no-restart", "node-js-app"]);
    assert_eq!(argv[4], "GREETING=Grüße aus Köln, 世界 ☕");

    let f = Fixture::load("ps/scale-set-skip-deploy.txt");
    assert_eq!(
        f.argv(),
        [
            "ps:scale",
            "--skip-deploy",
            "node-js-app",
            "web=2",
            "worker=1"
        ]
    );
}

#[test]
fn raw_escape_bytes_survive_loading() {
    let f = Fixture::load("logs/logs-snapshot.txt");
    assert!(f
        .stdout
        .starts_with("\u{1b}[36m2026-08-10T09:15:02.418263912Z app[web.1]:\u{1b}[0m"));
}

#[test]
fn malformed_fixtures_are_refused_with_a_reason() {
    let cases = [
        ("no stdout marker", "# dokku: 0.38.27\n# exit: 0\n"),
        (
            "no stderr marker",
            "# dokku: 0.38.27\n# exit: 0\n--- stdout\nx\n",
        ),
        (
            "exit not a number",
            "# dokku: 0.38.27\n# exit: zero\n--- stdout\n--- stderr\n",
        ),
        ("no exit", "# dokku: 0.38.27\n--- stdout\n--- stderr\n"),
        (
            "not a header",
            "dokku: 0.38.27\n# exit: 0\n--- stdout\n--- stderr\n",
        ),
        (
            "duplicate header",
            "# exit: 0\n# exit: 1\n--- stdout\n--- stderr\n",
        ),
    ];
    for (why, text) in cases {
        assert!(Fixture::parse("bad.txt", text).is_err(), "{why} accepted");
    }
}
