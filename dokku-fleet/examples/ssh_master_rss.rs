//! What a connected SSH host costs in memory: each host of a fleet keeps
//! one OpenSSH ControlMaster process, so N connected hosts are N `ssh`
//! processes. This connects N fleet hosts (all to one local test sshd in
//! front of dokku-sim, each with its own master) and reads every master's
//! memory from /proc: RSS (resident, shared libraries counted in full for
//! each), PSS (shared pages divided among the processes sharing them: the
//! honest per-process share) and private pages, and this process's own
//! growth per host.
//!
//! ```sh
//! cargo run -p dokku-fleet --example ssh_master_rss -- 50
//! ```
//!
//! Not a test and not timed: a measurement to read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../dokku-ssh/tests/common/mod.rs"]
mod sshd;

use std::collections::BTreeMap;

use dokku_fleet::{Fleet, HostKey, Registry, Selector};

/// `key: N kB` fields of a /proc status-like file.
fn kb_fields(path: &str) -> BTreeMap<String, u64> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            let kb = v.trim().strip_suffix(" kB")?.trim().parse().ok()?;
            Some((k.trim().to_owned(), kb))
        })
        .collect()
}

/// The ssh ControlMaster processes whose control sockets live under `dir`.
fn masters(dir: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if args.first().is_some_and(|a| a == "ssh")
            && args.iter().any(|a| a == "-M")
            && args.iter().any(|a| a.contains(dir))
        {
            pids.push(pid);
        }
    }
    pids
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("the number of hosts"))
        .unwrap_or(20);
    let Some(server) = sshd::Sshd::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let key =
        HostKey::parse(&std::fs::read_to_string(server.dir.path().join("host_key.pub")).unwrap())
            .unwrap();
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "[hosts.host-{i:04}]\ntarget = \"{}@127.0.0.1:{}\"\nidentity = \"{}\"\nssh_config = \"/dev/null\"\nhost_key = \"{key}\"\n\n",
            server.user,
            server.port,
            server.client_key.display()
        ));
    }
    let registry = Registry::parse(dir.path().join("hosts.toml"), &text).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let before = kb_fields("/proc/self/status")["VmRSS"];
        // Below sshd's MaxStartups (10 unauthenticated connections).
        let fleet = Fleet::builder()
            .registry(&registry)
            .control_dir(dir.path())
            .concurrency(8)
            .build()
            .unwrap();
        let status = fleet.overview(&Selector::All).await.unwrap();
        let failed: Vec<String> = status.failed().map(|(h, e)| format!("{h}: {e}")).collect();
        assert!(failed.is_empty(), "{failed:?}");
        let after = kb_fields("/proc/self/status")["VmRSS"];

        let pids = masters(&dir.path().display().to_string());
        assert_eq!(pids.len(), n, "one master per host");
        let (mut rss, mut pss, mut private) = (0u64, 0u64, 0u64);
        for pid in &pids {
            rss += kb_fields(&format!("/proc/{pid}/status"))["VmRSS"];
            let rollup = kb_fields(&format!("/proc/{pid}/smaps_rollup"));
            pss += rollup["Pss"];
            private += rollup["Private_Clean"] + rollup["Private_Dirty"];
        }
        let per = |total: u64| total as f64 / n as f64;
        println!("{n} connected hosts, one ssh ControlMaster each:");
        println!(
            "  per master: RSS {:.0} kB, PSS {:.0} kB, private {:.0} kB",
            per(rss),
            per(pss),
            per(private)
        );
        println!(
            "  all masters: RSS {:.1} MB (counting shared libraries once per process), PSS {:.1} MB",
            rss as f64 / 1024.0,
            pss as f64 / 1024.0
        );
        println!(
            "  this process grew by {} kB ({:.0} kB per host: clients, executors, runtime)",
            after.saturating_sub(before),
            per(after.saturating_sub(before))
        );
        println!(
            "  1,000 hosts at this rate: ~{:.0} MB PSS in masters (~{:.0} MB RSS summed), 1,000 processes",
            per(pss) * 1000.0 / 1024.0,
            per(rss) * 1000.0 / 1024.0
        );
        fleet.close().await;
    });
}
