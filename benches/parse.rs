//! Parser throughput on a large synthetic host (DESIGN §9: ≥ 100 MB/s).
//!
//! The inputs follow the real layouts (see dokku-core/tests/fixtures): the
//! all-apps `ps:report` and `apps:report` text that a dashboard reads in one
//! invocation (typed through the generic report path, and raw with and
//! without the catalog's dotted-key templates), one-line JSON reports, and
//! `apps:list`.

// criterion_group! generates an undocumented pub fn.
#![allow(missing_docs)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dokku::api::report::Report;
use dokku::catalog::plugins;
use dokku::model::apps::AppReport;
use dokku::model::ps::PsReport;
use dokku::parse;

const APPS: usize = 600;

fn row(out: &mut String, label: &str, value: &str, width: usize) {
    let label = format!("{label}:");
    let _ = writeln!(out, "       {label:<width$}{value}");
}

fn ps_report_all() -> String {
    let mut out = String::new();
    for i in 0..APPS {
        let _ = writeln!(out, "=====> app-{i:04} ps information");
        let w = 34;
        row(&mut out, "Deployed", "true", w);
        row(&mut out, "Processes", "3", w);
        row(&mut out, "Ps can scale", "true", w);
        row(&mut out, "Ps computed dockerfile start cmd", "", w);
        row(&mut out, "Ps computed procfile path", "Procfile", w);
        row(&mut out, "Ps computed restart policy", "on-failure:10", w);
        row(&mut out, "Ps computed skip deploy", "false", w);
        row(&mut out, "Ps computed start cmd", "", w);
        row(&mut out, "Ps computed stop timeout seconds", "30", w);
        row(&mut out, "Ps dockerfile start cmd", "", w);
        row(&mut out, "Ps global procfile path", "", w);
        row(&mut out, "Ps global restart policy", "", w);
        row(&mut out, "Ps global skip deploy", "", w);
        row(&mut out, "Ps global stop timeout seconds", "", w);
        row(&mut out, "Ps procfile path", "", w);
        row(&mut out, "Ps restart policy", "", w);
        row(&mut out, "Ps skip deploy", "", w);
        row(&mut out, "Ps start cmd", "", w);
        row(&mut out, "Ps stop timeout seconds", "", w);
        row(&mut out, "Restore", "true", w);
        row(&mut out, "Running", "true", w);
        row(
            &mut out,
            "Status web 1",
            &format!("running (CID: {i:011x})"),
            w,
        );
        row(
            &mut out,
            "Status web 2",
            &format!("running (CID: {:011x})", i + 1),
            w,
        );
        row(
            &mut out,
            "Status worker 1",
            &format!("exited (CID: {:011x})", i + 2),
            w,
        );
    }
    out
}

fn apps_report_all() -> String {
    let mut out = String::new();
    for i in 0..APPS {
        let _ = writeln!(out, "=====> app-{i:04} app information");
        let w = 33;
        row(
            &mut out,
            "App created at",
            &(1_700_000_000 + i).to_string(),
            w,
        );
        row(&mut out, "App deploy source", "git", w);
        row(
            &mut out,
            "App deploy source metadata",
            "cd7b8afccb202f222e7dc7b427553e71ba5ddafd",
            w,
        );
        row(&mut out, "App dir", &format!("/home/dokku/app-{i:04}"), w);
        row(&mut out, "App global disable autocreation", "", w);
        row(&mut out, "App locked", "false", w);
    }
    out
}

fn ps_report_json() -> String {
    let mut fields: Vec<String> = [
        ("can-scale", "true"),
        ("computed-procfile-path", "Procfile"),
        ("computed-restart-policy", "on-failure:10"),
        ("deployed", "true"),
        ("processes", "3"),
        ("restore", "true"),
        ("running", "true"),
        ("status-web.1", "running (CID: 5f2a8c3d9b1)"),
    ]
    .iter()
    .map(|(k, v)| format!("\"{k}\":\"{v}\",\"ps-{k}\":\"{v}\""))
    .collect();
    fields.sort();
    format!("{{{}}}\n", fields.join(","))
}

fn apps_list() -> String {
    let mut out = String::from("=====> My Apps\n");
    for i in 0..APPS {
        let _ = writeln!(out, "app-{i:04}");
    }
    out
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    let ps_all = ps_report_all();
    group.throughput(Throughput::Bytes(ps_all.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("ps_report_all_text", APPS),
        &ps_all,
        |b, s| b.iter(|| PsReport::from_output(black_box(s))),
    );

    let apps_all = apps_report_all();
    group.throughput(Throughput::Bytes(apps_all.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("apps_report_all_text", APPS),
        &apps_all,
        |b, s| b.iter(|| AppReport::from_output(black_box(s))),
    );

    let raw_all = ps_report_all();
    group.throughput(Throughput::Bytes(raw_all.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("report_text_raw", APPS),
        &raw_all,
        |b, s| b.iter(|| parse::report::text("ps:report", black_box(s))),
    );

    // The same text with the catalog's templates restoring dotted keys
    // (`status-web.1`), as the typed path reads it.
    let dotted = plugins::PS.report.as_ref().map_or(&[][..], |r| r.dotted);
    group.throughput(Throughput::Bytes(raw_all.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("report_text_dotted", APPS),
        &raw_all,
        |b, s| b.iter(|| parse::report::text_with("ps:report", black_box(s), dotted)),
    );

    let json = ps_report_json().repeat(APPS);
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("report_json_lines", APPS),
        &json,
        |b, s| b.iter(|| parse::report::json("ps:report", black_box(s))),
    );

    let list = apps_list();
    group.throughput(Throughput::Bytes(list.len() as u64));
    group.bench_with_input(BenchmarkId::new("apps_list_text", APPS), &list, |b, s| {
        b.iter(|| parse::apps::list_text(black_box(s)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
