//! Per-command cost over SSH, side by side against one loopback sshd with
//! Dokku's forced command in front of `dokku-sim`:
//!
//! - (a) `SshExecutor`: one ControlMaster, a channel per command (native mux),
//!   sequential and 8 at once;
//! - (b) a new `ssh` process per command, as existing dashboards do;
//! - (c) `ssh -S` over an OpenSSH ControlMaster, one client process per
//!   command.
//!
//! Targets (DESIGN §9, issue 4): a ≥ 20× faster than b and ≥ 1.5× faster
//! than c sequentially; with a forced command that takes 200 ms (Dokku's
//! start-up), 8-concurrent throughput ≥ 6× sequential. Criterion measures
//! each variant; a summary with medians and ratios is printed at the end.
//! Needs `/usr/sbin/sshd` (openssh-server).
// criterion_group! generates an undocumented pub fn; a bench that cannot
// start its server has nothing to measure.
#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "../dokku-ssh/tests/common/mod.rs"]
mod sshd;

use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dokku::ssh::SshExecutor;
use dokku::{Command, Executor};
use sshd::{Options, Sshd};

fn ssh_args(server: &Sshd) -> Vec<String> {
    vec![
        "-p".into(),
        server.port.to_string(),
        "-i".into(),
        server.client_key.display().to_string(),
        "-F".into(),
        "/dev/null".into(),
        "-o".into(),
        "IdentitiesOnly=yes".into(),
        "-o".into(),
        "BatchMode=yes".into(),
        "-o".into(),
        "StrictHostKeyChecking=yes".into(),
        "-o".into(),
        format!("UserKnownHostsFile={}", server.known_hosts.display()),
        format!("{}@127.0.0.1", server.user),
    ]
}

fn run_ssh(args: &[String], extra: &[&str]) {
    let status = Process::new("ssh")
        .args(extra)
        .args(args)
        .arg("version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("ssh runs");
    assert!(status.success());
}

struct Master {
    socket: std::path::PathBuf,
    args: Vec<String>,
}

impl Master {
    fn start(server: &Sshd) -> Self {
        let socket = server.dir.path().join("bench-master.sock");
        let args = ssh_args(server);
        let status = Process::new("ssh")
            .args(["-M", "-f", "-N", "-S"])
            .arg(&socket)
            .args(&args)
            .stdin(Stdio::null())
            .status()
            .expect("ssh master starts");
        assert!(status.success());
        Self { socket, args }
    }

    fn run(&self) {
        run_ssh(
            &self.args,
            &["-S", self.socket.to_str().expect("utf-8 path")],
        );
    }
}

impl Drop for Master {
    fn drop(&mut self) {
        let _ = Process::new("ssh")
            .args(["-O", "exit", "-S"])
            .arg(&self.socket)
            .args(&self.args)
            .stderr(Stdio::null())
            .status();
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn sample(n: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn bench(c: &mut Criterion) {
    let Some(server) = Sshd::start() else { return };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let exec: SshExecutor = rt
        .block_on(server.builder().max_concurrent(8).connect())
        .expect("connect");
    let version = Command::read("version");
    let args = ssh_args(&server);
    let master = Master::start(&server);

    let mut group = c.benchmark_group("ssh");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(1));
    group.bench_function("a_ssh_executor_sequential", |b| {
        b.iter(|| rt.block_on(exec.run(&version)).expect("run"))
    });
    group.throughput(Throughput::Elements(8));
    group.bench_function("a_ssh_executor_8_concurrent", |b| {
        b.iter(|| {
            rt.block_on(futures_util::future::join_all(
                (0..8).map(|_| exec.run(&version)),
            ))
            .into_iter()
            .for_each(|r| assert!(r.expect("run").status.success()))
        })
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("b_new_ssh_process", |b| b.iter(|| run_ssh(&args, &[])));
    group.bench_function("c_controlmaster_process", |b| b.iter(|| master.run()));
    group.finish();

    // The summary: medians of the same three, and their ratios.
    let a = sample(30, || {
        rt.block_on(exec.run(&version)).expect("run");
    });
    let b = sample(15, || run_ssh(&args, &[]));
    let cm = sample(30, || master.run());
    let a8 = sample(10, || {
        rt.block_on(futures_util::future::join_all(
            (0..8).map(|_| exec.run(&version)),
        ));
    }) / 8;
    drop(master);
    rt.block_on(exec.close()).expect("close");

    // With Dokku's ~200 ms start-up in the forced command.
    let slow = Sshd::start_with(Options {
        latency_ms: Some(200),
        ..Options::default()
    })
    .expect("sshd");
    let slow_exec = rt
        .block_on(slow.builder().max_concurrent(8).connect())
        .expect("connect");
    let seq = sample(5, || {
        rt.block_on(slow_exec.run(&version)).expect("run");
    });
    let conc = sample(5, || {
        rt.block_on(futures_util::future::join_all(
            (0..8).map(|_| slow_exec.run(&version)),
        ));
    });
    let speedup = (seq.as_secs_f64() * 8.0) / conc.as_secs_f64();
    rt.block_on(slow_exec.close()).expect("close");

    let per_s = |d: Duration| 1.0 / d.as_secs_f64();
    println!("\nssh per-command medians (commands/s):");
    println!(
        "  a  SshExecutor sequential    {a:>10.2?} ({:>7.0}/s)",
        per_s(a)
    );
    println!(
        "  a8 SshExecutor 8 concurrent  {a8:>10.2?} ({:>7.0}/s)",
        per_s(a8)
    );
    println!(
        "  b  new ssh process           {b:>10.2?} ({:>7.0}/s)",
        per_s(b)
    );
    println!(
        "  c  ControlMaster, ssh -S     {cm:>10.2?} ({:>7.0}/s)",
        per_s(cm)
    );
    let ba = b.as_secs_f64() / a.as_secs_f64();
    let ca = cm.as_secs_f64() / a.as_secs_f64();
    println!(
        "  b/a = {ba:.1}x (target >= 20x) {}",
        if ba >= 20.0 { "ok" } else { "MISSED" }
    );
    println!(
        "  c/a = {ca:.1}x (target >= 1.5x) {}",
        if ca >= 1.5 { "ok" } else { "MISSED" }
    );
    println!(
        "  200 ms forced command: 8-concurrent throughput = {speedup:.1}x sequential (target >= 6x) {}",
        if speedup >= 6.0 { "ok" } else { "MISSED" }
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
