//! Report keys with dots keep them, in text as in JSON.
//!
//! Dokku's JSON reports print some keys with dots (`_default_.limit.cpu`,
//! `status-web.1`, `attachment.1.host-path`); the text form turns both
//! dots and dashes into spaces (`resource _default_ limit cpu:`,
//! `Status web 1:`, `Storage attachment 1 host path:`). Read with the
//! report's templates (the catalog's `dotted`, in the catalog's syntax),
//! a text label becomes the very key the JSON form prints, so a raw map
//! read from text is the JSON map's prefixed half, value for value.
//!
//! `resource:report` and `storage:report` are real Dokku 0.38.27 output
//! (`tests/fixtures/{resource,storage}/`, imported from the recordings);
//! they have no catalog entries yet, so they are read with
//! `parse::report::text_with` and the templates they will have. `ps:report`
//! goes through its typed report (`PsReport::from_output`) and the catalog.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use common::Fixture;
use dokku_core::api::report::Report;
use dokku_core::catalog::plugins;
use dokku_core::model::ps::PsReport;
use dokku_core::parse::report::{self, RawReport};
use dokku_core::ProcessType;

const RESOURCE: &[&str] = &["resource-{}.{limit|reserve}.{}"];
const STORAGE: &[&str] = &["storage-attachment.{n}.{}"];

/// The one report of a text fixture, read with `templates`.
fn text(path: &str, what: &'static str, templates: &[&str]) -> RawReport {
    let f = Fixture::load(path);
    assert!(!f.stdout.trim_start().starts_with('{'), "{path} is JSON");
    let mut reports = report::text_with(what, &f.stdout, templates).unwrap();
    assert_eq!(reports.len(), 1, "{path}");
    reports.remove(0)
}

/// The one report of a JSON fixture.
fn json(path: &str, what: &'static str) -> RawReport {
    let f = Fixture::load(path);
    assert!(f.stdout.trim_start().starts_with('{'), "{path} is not JSON");
    let mut reports = report::json(what, &f.stdout).unwrap();
    assert_eq!(reports.len(), 1, "{path}");
    reports.remove(0)
}

fn get<'a>(raw: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    raw.get(key).map(String::as_str)
}

/// Every key the text form printed is a key of the JSON form, with the
/// same value.
fn text_is_within_json(text: &BTreeMap<String, String>, json: &BTreeMap<String, String>) {
    for (key, value) in text {
        assert_eq!(
            json.get(key),
            Some(value),
            "text key {key:?} is not the JSON key with the same value"
        );
    }
}

#[test]
fn resource_limits_keep_their_dots_in_text_and_json() {
    let text = text(
        "resource/report-text-default-0.38.txt",
        "resource:report",
        RESOURCE,
    );
    let json = json("resource/report-json-default-0.38.txt", "resource:report");
    assert_eq!(text.subject.as_deref(), Some("cap-props"));
    assert_eq!(
        text.fields.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "resource-_default_.limit.cpu",
            "resource-_default_.limit.memory"
        ]
    );
    assert_eq!(get(&text.fields, "resource-_default_.limit.cpu"), Some("2"));
    // JSON prints each key bare and prefixed, dots and all.
    assert_eq!(get(&json.fields, "_default_.limit.cpu"), Some("2"));
    assert_eq!(get(&json.fields, "resource-_default_.limit.cpu"), Some("2"));
    assert_eq!(get(&json.fields, "_default_.limit.memory"), Some("1g"));
    assert_eq!(json.fields.len(), 4);
    text_is_within_json(&text.fields, &json.fields);
}

#[test]
fn resource_keys_with_dashes_and_process_types_keep_their_dots() {
    let text = text(
        "resource/report-text-processes-0.38.txt",
        "resource:report",
        RESOURCE,
    );
    let json = json("resource/report-json-processes-0.38.txt", "resource:report");
    for (key, value) in [
        ("resource-_default_.limit.cpu", "1.5"),
        // A dash inside the last segment stays a dash.
        ("resource-_default_.limit.memory-swap", "1g"),
        ("resource-_default_.reserve.network-ingress", "5m"),
        ("resource-_default_.reserve.nvidia-gpu", "1"),
        // Per process type.
        ("resource-web.limit.cpu", "2"),
        ("resource-web.limit.memory", "2g"),
        ("resource-worker.reserve.memory", "128m"),
    ] {
        assert_eq!(get(&text.fields, key), Some(value), "text {key}");
        assert_eq!(get(&json.fields, key), Some(value), "json {key}");
        let bare = key.strip_prefix("resource-").unwrap();
        assert_eq!(get(&json.fields, bare), Some(value), "json {bare}");
    }
    assert_eq!(text.fields.len(), 17);
    assert!(text.fields.keys().all(|k| k.matches('.').count() == 2));
    text_is_within_json(&text.fields, &json.fields);
    // The JSON form is the same keys once bare and once prefixed.
    assert_eq!(json.fields.len(), 2 * text.fields.len());
}

#[test]
fn without_templates_a_text_label_loses_its_dots() {
    let f = Fixture::load("resource/report-text-default-0.38.txt");
    let plain = report::text("resource:report", &f.stdout).unwrap();
    assert!(plain[0].fields.contains_key("resource-_default_-limit-cpu"));
    assert!(!plain[0].fields.contains_key("resource-_default_.limit.cpu"));
}

#[test]
fn storage_attachments_keep_their_dots_in_text_and_json() {
    let text = text(
        "storage/report-text-attachments-0.38.txt",
        "storage:report",
        STORAGE,
    );
    let json = json("storage/report-json-attachments-0.38.txt", "storage:report");
    assert_eq!(text.subject.as_deref(), Some("cap-misc"));
    let data = "/var/lib/dokku/data/storage/cap-misc-data";
    assert_eq!(
        get(&text.fields, "storage-attachment.1.host-path"),
        Some(data)
    );
    assert_eq!(get(&json.fields, "attachment.1.host-path"), Some(data));
    assert_eq!(
        get(&json.fields, "storage-attachment.1.host-path"),
        Some(data)
    );
    assert_eq!(
        get(&text.fields, "storage-attachment.4.process-type"),
        Some("web")
    );
    assert_eq!(
        get(&text.fields, "storage-attachment.4.readonly"),
        Some("true")
    );
    // Keys without a number are left alone.
    assert_eq!(get(&text.fields, "storage-build-mounts"), Some(""));
    assert!(text.fields.contains_key("storage-deploy-mounts"));
    // Four attachments of nine fields each, and the three mount lists.
    assert_eq!(text.fields.len(), 4 * 9 + 3);

    // The JSON was recorded before attachments 3 and 4 were added: the
    // first two read the same in both forms.
    let shared: BTreeMap<String, String> = text
        .fields
        .iter()
        .filter(|(k, _)| {
            k.starts_with("storage-attachment.1.") || k.starts_with("storage-attachment.2.")
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(shared.len(), 18);
    text_is_within_json(&shared, &json.fields);
}

#[test]
fn ps_container_statuses_keep_their_dots_in_text_and_json() {
    let one = |path: &str| -> PsReport {
        let mut reports = PsReport::from_output(&Fixture::load(path).stdout).unwrap();
        assert_eq!(reports.len(), 1, "{path}");
        reports.remove(0)
    };
    let text = one("ps/report-text-0.38.txt");
    let json = one("ps/report-json-0.38.txt");
    for report in [&text, &json] {
        assert_eq!(
            get(&report.raw, "status-web.1"),
            Some("running (CID: 5f2a8c3d9b1)")
        );
        assert_eq!(
            get(&report.raw, "status-worker.1"),
            Some("running (CID: 8e4b7a1c2d3)")
        );
        assert!(!report.raw.contains_key("status-web-1"));
        assert_eq!(report.containers.len(), 2);
    }
    text_is_within_json(&text.raw, &json.raw);
    assert_eq!(text.containers, json.containers);
}

#[test]
fn ps_statuses_of_dashed_process_types_split_at_the_index() {
    // The catalog's template: `{}` takes every word of the process type.
    let spec = plugins::PS.report.as_ref().unwrap();
    assert_eq!(spec.dotted, ["status-{}.{n}"]);
    let out = "=====> api ps information\n       Deployed:                      true\n       Status my worker 12:           exited (CID: 0a1b2c3d4e5)\n";
    let report = PsReport::from_output(out).unwrap().remove(0);
    assert_eq!(
        get(&report.raw, "status-my-worker.12"),
        Some("exited (CID: 0a1b2c3d4e5)")
    );
    let c = &report.containers[0];
    assert_eq!(
        (&c.process_type, c.index),
        (&ProcessType::new("my-worker").unwrap(), 12)
    );
}
