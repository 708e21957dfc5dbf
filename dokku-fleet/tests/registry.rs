//! The host registry: the documented format reads as written, every
//! mistake names the file, line and field, and pins are stored only as
//! asked, never replaced silently, keeping the file's comments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::Duration;

use dokku_fleet::{FleetError, HostKey, HostKeyPin, PinChange, Registry, Target};

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const OTHER: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBlw7pQyGy0rQb4b4ZcwXW4o1Vv2y2Q6mO0a2z6fKp8E";

const EXAMPLE: &str = r#"# Our Dokku hosts.
[fleet]
concurrency = 16
host_concurrency = 3
timeout_secs = 20
identity = "~/.ssh/dokku"

[hosts.eu-1]
target = "dokku@eu-1.example.com"
host_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
labels = { env = "prod", region = "eu" }

[hosts.us-1]
target = "dokku@us-1.example.com:2222"   # a non-standard port
identity = "keys/us"
labels = { env = "prod", region = "us" }
concurrency = 2
timeout_secs = 60

[hosts.staging]
target = "staging"
labels = { env = "staging" }

[hosts.here]
local = true

[hosts.sandbox]
demo = "0.35.20"
"#;

fn registry_error(text: &str) -> (usize, usize, String, String) {
    match Registry::parse("/etc/hosts.toml", text).unwrap_err() {
        FleetError::Registry {
            file,
            line,
            column,
            field,
            reason,
        } => {
            assert_eq!(file, Path::new("/etc/hosts.toml"));
            (line, column, field, reason)
        }
        other => panic!("{other}"),
    }
}

#[test]
fn the_documented_format_reads_as_written() {
    let r = Registry::parse("/home/alice/.config/dokku-rs/hosts.toml", EXAMPLE).unwrap();
    let d = r.defaults();
    assert_eq!(d.concurrency, Some(16));
    assert_eq!(d.host_concurrency, Some(3));
    assert_eq!(d.timeout, Some(Duration::from_secs(20)));
    assert!(d.identity.as_ref().unwrap().ends_with(".ssh/dokku"));
    let names: Vec<&str> = r.hosts().iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["eu-1", "here", "sandbox", "staging", "us-1"]);

    let eu = r.get("eu-1").unwrap();
    assert_eq!(eu.target.to_string(), "dokku@eu-1.example.com");
    assert_eq!(
        eu.host_key,
        Some(HostKeyPin::Key(HostKey::parse(KEY).unwrap()))
    );
    assert_eq!(eu.labels["region"], "eu");

    let us = r.get("us-1").unwrap();
    let Target::Ssh(t) = &us.target else {
        panic!("{:?}", us.target)
    };
    assert_eq!(
        (t.user(), t.host(), t.port()),
        (Some("dokku"), "us-1.example.com", Some(2222))
    );
    // Relative to the registry's directory.
    assert_eq!(
        us.identity.as_deref(),
        Some(Path::new("/home/alice/.config/dokku-rs/keys/us"))
    );
    assert_eq!(us.concurrency, Some(2));
    assert_eq!(us.timeout, Some(Duration::from_secs(60)));
    assert_eq!(us.host_key, None);

    assert_eq!(r.get("here").unwrap().target, Target::Local);
    assert_eq!(
        r.get("sandbox").unwrap().target.to_string(),
        "demo (Dokku 0.35.20)"
    );
    assert_eq!(r.get("staging").unwrap().target.to_string(), "staging");
}

#[test]
fn a_syntax_error_names_the_line_and_field() {
    let text = "[hosts.eu-1]\ntarget = \"dokku@eu-1\"\nlabels = { env = prod }\n";
    let (line, column, field, reason) = registry_error(text);
    assert_eq!((line, field.as_str()), (3, "hosts.eu-1.labels"), "{reason}");
    assert!(column > 1);
}

#[test]
fn an_unknown_field_is_refused_by_name() {
    let text = "[hosts.eu-1]\ntarget = \"dokku@eu-1\"\n\nidentiy = \"~/.ssh/x\"\n";
    let (line, column, field, reason) = registry_error(text);
    assert_eq!((line, column), (4, 1));
    assert_eq!(field, "hosts.eu-1.identiy");
    assert!(reason.contains("identiy"), "{reason}");
}

#[test]
fn field_values_are_checked_where_they_are_written() {
    let cases: &[(&str, usize, &str, &str)] = &[
        (
            "[hosts.a]\ntarget = \"dokku@bad host\"\n",
            2,
            "hosts.a.target",
            "not a host name",
        ),
        (
            "[hosts.a]\ntarget = \"-oProxyCommand=x\"\n",
            2,
            "hosts.a.target",
            "cannot start with '-'",
        ),
        (
            "[hosts.a]\ntarget = \"dokku@a\"\nhost_key = \"SHA256:c2hvcnQ\"\n",
            3,
            "hosts.a.host_key",
            "32 bytes",
        ),
        (
            "[hosts.a]\ntarget = \"dokku@a\"\ntimeout_secs = 0\n",
            3,
            "hosts.a.timeout_secs",
            "at least 1",
        ),
        (
            "[hosts.a]\ntarget = \"dokku@a\"\nlabels = { env = \"pr od\" }\n",
            3,
            "hosts.a.labels.env",
            "letters",
        ),
        (
            "[hosts.a]\nlocal = true\nhost_key = \"SHA256:x\"\n",
            3,
            "hosts.a.host_key",
            "only SSH hosts",
        ),
        (
            "[hosts.a]\ntarget = \"dokku@a\"\nlocal = true\n",
            1,
            "hosts.a",
            "only one of",
        ),
        ("[hosts.a]\nlabels = {}\n", 1, "hosts.a", "needs one of"),
        (
            "[hosts.a]\ndemo = \"zero\"\n",
            2,
            "hosts.a.demo",
            "not a Dokku version",
        ),
        ("[hosts.Bad]\nlocal = true\n", 1, "hosts.Bad", "lower-case"),
        (
            "[fleet]\nconcurrency = 0\n",
            2,
            "fleet.concurrency",
            "at least 1",
        ),
    ];
    for (text, want_line, want_field, want_reason) in cases {
        let (line, _, field, reason) = registry_error(text);
        assert_eq!(
            (line, field.as_str()),
            (*want_line, *want_field),
            "{text}: {reason}"
        );
        assert!(reason.contains(want_reason), "{text}: {reason}");
    }
}

#[test]
fn the_error_message_says_file_line_column_and_field() {
    let err = Registry::parse(
        "/etc/hosts.toml",
        "[hosts.a]\ntarget = \"dokku@a\"\ntimeout_secs = 0\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "/etc/hosts.toml:3:16: hosts.a.timeout_secs: must be at least 1 second"
    );
}

#[test]
fn a_confirmed_key_is_pinned_once_and_never_replaced_silently() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hosts.toml");
    let mut r = Registry::load_or_empty(&path).unwrap();
    r.add_ssh_host("eu-1", "dokku@eu-1.example.com").unwrap();
    assert!(matches!(
        r.add_ssh_host("eu-1", "dokku@elsewhere"),
        Err(FleetError::DuplicateHost { .. })
    ));
    r.save().unwrap();
    // A person adds a comment and a label by hand.
    let edited = std::fs::read_to_string(&path).unwrap().replace(
        "[hosts.eu-1]",
        "# The Frankfurt box.\n[hosts.eu-1]\nlabels = { env = \"prod\" }",
    );
    std::fs::write(&path, edited).unwrap();

    let mut r = Registry::load(&path).unwrap();
    let key = HostKey::parse(KEY).unwrap();
    assert_eq!(r.pin("eu-1", key.clone()).unwrap(), PinChange::Pinned);
    assert_eq!(r.pin("eu-1", key.clone()).unwrap(), PinChange::Unchanged);
    let other = HostKey::parse(OTHER).unwrap();
    let refused = r.pin("eu-1", other.clone()).unwrap_err();
    assert!(
        matches!(&refused, FleetError::AlreadyPinned { host, .. } if host == "eu-1"),
        "{refused}"
    );
    assert!(refused.to_string().contains(&key.fingerprint().to_string()));
    r.save().unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# The Frankfurt box."), "{text}");
    assert!(text.contains(&format!("host_key = \"{KEY}\"")), "{text}");
    let r2 = Registry::load(&path).unwrap();
    let eu = r2.get("eu-1").unwrap();
    assert_eq!(eu.host_key, Some(HostKeyPin::Key(key.clone())));
    assert_eq!(eu.labels["env"], "prod");

    // Rotation must name the old fingerprint.
    let mut r3 = r2.clone();
    let wrong = other.fingerprint();
    assert!(matches!(
        r3.replace_pin("eu-1", &wrong, other.clone()),
        Err(FleetError::PinMismatch { .. })
    ));
    r3.replace_pin("eu-1", &key.fingerprint(), other.clone())
        .unwrap();
    assert_eq!(
        r3.get("eu-1").unwrap().host_key,
        Some(HostKeyPin::Key(other))
    );
}

#[test]
fn only_ssh_hosts_are_pinned() {
    let mut r = Registry::parse("hosts.toml", "[hosts.here]\nlocal = true\n").unwrap();
    assert!(matches!(
        r.pin("here", HostKey::parse(KEY).unwrap()),
        Err(FleetError::InvalidPin { .. })
    ));
    assert!(matches!(
        r.pin("nowhere", HostKey::parse(KEY).unwrap()),
        Err(FleetError::UnknownHost { .. })
    ));
}

#[test]
fn the_default_registry_lives_in_the_config_directory() {
    let path = Registry::default_path().unwrap();
    assert!(path.ends_with("dokku-rs/hosts.toml"), "{}", path.display());
}

#[test]
fn hosts_are_labelled_given_an_identity_and_removed_keeping_the_rest_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hosts.toml");
    std::fs::write(&path, "# Ours.\n[hosts.here]\nlocal = true\n").unwrap();
    let mut r = Registry::load(&path).unwrap();
    r.add_ssh_host("eu-1", "dokku@eu-1.example.com:2222")
        .unwrap();
    let labels = [("env", "prod"), ("region", "eu")]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    r.set_labels("eu-1", &labels).unwrap();
    r.set_identity("eu-1", Path::new("/keys/eu")).unwrap();
    assert!(matches!(
        r.set_identity("here", Path::new("/keys/x")),
        Err(FleetError::InvalidTarget { .. })
    ));
    // A label the file would refuse is refused here, nothing changed.
    let mut bad = dokku_fleet::Labels::new();
    bad.insert("env".to_owned(), "pr od".to_owned());
    assert!(matches!(
        r.set_labels("eu-1", &bad),
        Err(FleetError::Registry { .. })
    ));
    r.save().unwrap();
    let r = Registry::load(&path).unwrap();
    let eu = r.get("eu-1").unwrap();
    assert_eq!(eu.labels, labels);
    assert_eq!(eu.identity.as_deref(), Some(Path::new("/keys/eu")));

    let mut r = r.clone();
    let removed = r.remove_host("eu-1").unwrap();
    assert_eq!(removed.name, "eu-1");
    assert!(matches!(
        r.remove_host("eu-1"),
        Err(FleetError::UnknownHost { .. })
    ));
    r.save().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("# Ours.") && !text.contains("eu-1"),
        "{text}"
    );
    assert!(Registry::load(&path).unwrap().get("here").is_some());
}
