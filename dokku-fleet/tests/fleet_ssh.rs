//! A fleet of three real OpenSSH sshd instances (different ports, different
//! host keys), each with Dokku's forced command in front of the `dokku-sim`
//! binary: enrolment and pinning, the fleet's status over all three, a
//! stopped host reported unreachable while the others answer, a host whose
//! key changed refused by name with nothing sent, and a hung host (sshd and
//! its sessions stopped with SIGSTOP) that gives up at its own timeout
//! after the others have answered.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../dokku-ssh/tests/common/mod.rs"]
mod sshd;

use std::path::Path;
use std::time::Duration;

use dokku_fleet::{Fleet, FleetError, HostKey, PinChange, Registry, Selector};
use dokku_history::{HistoryStore, Query};
use futures_util::StreamExt;
use sshd::Sshd;

/// The three servers, or `None` when sshd is missing (the harness skips
/// loudly, or fails under CI=true).
fn three() -> Option<[Sshd; 3]> {
    Some([Sshd::start()?, Sshd::start()?, Sshd::start()?])
}

const NAMES: [&str; 3] = ["alpha", "bravo", "charlie"];

fn host_key(server: &Sshd) -> HostKey {
    let text = std::fs::read_to_string(server.dir.path().join("host_key.pub")).unwrap();
    HostKey::parse(&text).unwrap()
}

/// A registry naming the three servers; pinned to their keys when `pin`.
fn write_registry(path: &Path, servers: &[Sshd; 3], pin: bool, extra: &[&str]) {
    let mut text = String::from("# Three test hosts.\n[fleet]\ntimeout_secs = 30\n");
    for (i, (name, s)) in NAMES.iter().zip(servers).enumerate() {
        let region = if i == 1 { "us" } else { "eu" };
        text.push_str(&format!(
            "\n[hosts.{name}]\ntarget = \"{}@127.0.0.1:{}\"\nidentity = \"{}\"\nssh_config = \"/dev/null\"\nlabels = {{ env = \"prod\", region = \"{region}\" }}\n",
            s.user,
            s.port,
            s.client_key.display(),
        ));
        if pin {
            text.push_str(&format!("host_key = \"{}\"\n", host_key(s)));
        }
        if let Some(more) = extra.get(i) {
            text.push_str(more);
            text.push('\n');
        }
    }
    std::fs::write(path, text).unwrap();
}

fn fleet(registry: &Registry, control: &Path) -> Fleet {
    Fleet::builder()
        .registry(registry)
        .control_dir(control)
        .build()
        .unwrap()
}

#[tokio::test]
async fn enrolled_hosts_are_pinned_on_confirmation_and_answer_the_fleet_status() {
    let Some(servers) = three() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hosts.toml");
    write_registry(&path, &servers, false, &[]);
    let mut registry = Registry::load(&path).unwrap();

    // Unpinned hosts are refused, by name, before any contact.
    let unpinned = fleet(&registry, dir.path());
    let status = unpinned.overview(&Selector::All).await.unwrap();
    for r in &status {
        let e = r.result.as_ref().unwrap_err();
        assert!(
            matches!(e, FleetError::NotPinned { host, .. } if host == &r.host),
            "{e}"
        );
    }
    assert!(servers.iter().all(|s| s.accepted_logins() == 0));

    // First contact shows the fingerprint ssh-keygen shows; nothing logs in.
    for (name, server) in NAMES.iter().zip(&servers) {
        let enrolment = registry.enrol(name).await.unwrap();
        assert_eq!(
            enrolment.fingerprint().to_string(),
            sshd::fingerprint(&server.dir.path().join("host_key.pub"))
        );
        assert_eq!(server.accepted_logins(), 0, "{}", server.log_text());
        // … a person confirms it …
        assert_eq!(registry.pin(name, enrolment).unwrap(), PinChange::Pinned);
    }
    registry.save().unwrap();
    let registry = Registry::load(&path).unwrap();
    assert!(registry.text().starts_with("# Three test hosts."));

    let store = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let fleet = Fleet::builder()
        .registry(&registry)
        .control_dir(dir.path())
        .audit(store.clone())
        .audit_actor("ops")
        .build()
        .unwrap();
    let status = fleet.overview(&Selector::All).await.unwrap();
    assert!(
        status.all_ok(),
        "{:?}",
        status
            .failed()
            .map(|(h, e)| format!("{h}: {e}"))
            .collect::<Vec<_>>()
    );
    for (host, apps) in status.ok() {
        assert!(apps.iter().any(|a| a.app.as_str() == "api"), "{host}");
    }
    let eu = fleet
        .overview(&Selector::parse("region=eu").unwrap())
        .await
        .unwrap();
    assert_eq!(
        eu.iter().map(|r| r.host.as_str()).collect::<Vec<_>>(),
        ["alpha", "charlie"]
    );
    // One connection per host, reused by every command.
    for server in &servers {
        assert_eq!(server.accepted_logins(), 1, "{}", server.log_text());
    }

    // One trail, every row naming its host and target.
    let stats = store.host_stats(None).await.unwrap();
    assert_eq!(
        stats.iter().map(|s| s.host.as_str()).collect::<Vec<_>>(),
        NAMES
    );
    for (s, server) in stats.iter().zip(&servers) {
        assert_eq!(
            s.target.as_deref(),
            Some(format!("{}@127.0.0.1:{}", server.user, server.port).as_str())
        );
    }
    let mut bravo = Query::default();
    bravo.host = Some("bravo".to_owned());
    let rows = store.query(bravo).await.unwrap().records;
    assert!(!rows.is_empty() && rows.iter().all(|r| r.entry.actor == "ops"));
    fleet.close().await;
}

#[tokio::test]
async fn a_stopped_host_is_reported_unreachable_while_the_others_answer() {
    let Some(servers) = three() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hosts.toml");
    write_registry(&path, &servers, true, &[]);
    let registry = Registry::load(&path).unwrap();
    let [alpha, bravo, charlie] = servers;
    let bravo_target = format!("{}@127.0.0.1:{}", bravo.user, bravo.port);
    drop(bravo); // sshd stopped: the port refuses connections

    let fleet = fleet(&registry, dir.path());
    let status = fleet.overview(&Selector::All).await.unwrap();
    assert!(status.get("alpha").unwrap().result.is_ok());
    assert!(status.get("charlie").unwrap().result.is_ok());
    let down = status.get("bravo").unwrap().result.as_ref().unwrap_err();
    assert!(
        matches!(down, FleetError::Unreachable { host, target, .. }
            if host == "bravo" && *target == bravo_target),
        "{down}"
    );
    assert!(
        down.to_string()
            .starts_with(&format!("bravo ({bravo_target}) is unreachable")),
        "{down}"
    );
    assert_eq!((alpha.accepted_logins(), charlie.accepted_logins()), (1, 1));
    fleet.close().await;
}

#[tokio::test]
async fn a_host_whose_key_changed_is_refused_by_name_and_sent_nothing() {
    let Some(servers) = three() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hosts.toml");
    write_registry(&path, &servers, true, &[]);
    let registry = Registry::load(&path).unwrap();
    let before = fleet(&registry, dir.path());
    assert!(before.overview(&Selector::All).await.unwrap().all_ok());
    before.close().await;

    let bravo = &servers[1];
    let pinned = host_key(bravo).fingerprint();
    bravo.rotate_host_key();
    assert_ne!(host_key(bravo).fingerprint(), pinned);
    let (logins, sessions) = (bravo.accepted_logins(), bravo.sessions_started());

    let after = fleet(&registry, dir.path());
    let status = after.overview(&Selector::All).await.unwrap();
    assert!(status.get("alpha").unwrap().result.is_ok());
    assert!(status.get("charlie").unwrap().result.is_ok());
    let refused = status.get("bravo").unwrap().result.as_ref().unwrap_err();
    assert!(
        matches!(refused, FleetError::HostKeyRefused { host, pinned: p, .. }
            if host == "bravo" && *p == pinned.to_string()),
        "{refused}"
    );
    let message = refused.to_string();
    assert!(message.starts_with("bravo ("), "{message}");
    assert!(message.contains("nothing was sent"), "{message}");
    // Nothing authenticated, no session, and the pin is as it was.
    assert_eq!(bravo.accepted_logins(), logins, "{}", bravo.log_text());
    assert_eq!(bravo.sessions_started(), sessions);
    let reread = Registry::load(&path).unwrap();
    assert_eq!(
        reread
            .get("bravo")
            .unwrap()
            .host_key
            .as_ref()
            .unwrap()
            .fingerprint(),
        pinned
    );
    after.close().await;
}

/// Processes stopped with SIGSTOP (through the `kill` program) until
/// dropped, then continued.
struct Stopped(Vec<u32>);

impl Stopped {
    /// Stop `root` and every process descended from it (sshd's listener,
    /// its per-connection processes and their sessions).
    fn tree(root: u32) -> Self {
        let mut parents: Vec<(u32, u32)> = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // `pid (comm) state ppid …`; comm may hold spaces and parens.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parents.push((pid, ppid));
            }
        }
        let mut tree = vec![root];
        let mut i = 0;
        while i < tree.len() {
            let parent = tree[i];
            tree.extend(
                parents
                    .iter()
                    .filter(|(_, pp)| *pp == parent)
                    .map(|(p, _)| *p),
            );
            i += 1;
        }
        signal("-STOP", &tree);
        Stopped(tree)
    }
}

fn signal(which: &str, pids: &[u32]) {
    let status = std::process::Command::new("kill")
        .arg(which)
        .args(pids.iter().map(u32::to_string))
        .status()
        .unwrap();
    assert!(status.success(), "kill {which} {pids:?}");
}

impl Drop for Stopped {
    fn drop(&mut self) {
        signal("-CONT", &self.0);
    }
}

#[tokio::test]
async fn a_hung_host_gives_up_at_its_own_timeout_after_the_others_answered() {
    let Some(servers) = three() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hosts.toml");
    // bravo gives up after 3 s; the others keep the fleet's 30 s.
    write_registry(&path, &servers, true, &["", "timeout_secs = 3", ""]);
    let registry = Registry::load(&path).unwrap();
    let fleet = fleet(&registry, dir.path());
    assert!(fleet.overview(&Selector::All).await.unwrap().all_ok());

    // bravo hangs: its sshd and the session processes behind the open
    // connection stop answering.
    let stopped = Stopped::tree(servers[1].pid());
    assert!(
        stopped.0.len() > 1,
        "the connection's processes are stopped too"
    );
    // A generous bound on the whole run; the assertions are on order and
    // results, not on how long anything took.
    let results = tokio::time::timeout(Duration::from_secs(60), async {
        let mut stream = fleet.overview_stream(&Selector::All).unwrap();
        let mut seen = Vec::new();
        while let Some(r) = stream.next().await {
            seen.push(r);
        }
        seen
    })
    .await
    .expect("every host answered or gave up");
    let order: Vec<&str> = results.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(order[2], "bravo", "{order:?}");
    for r in &results[..2] {
        assert!(
            r.result.is_ok(),
            "{}: {:?}",
            r.host,
            r.result.as_ref().err()
        );
    }
    let hung = results[2].result.as_ref().unwrap_err();
    assert!(
        matches!(hung, FleetError::TimedOut { host, after, .. }
            if host == "bravo" && *after == Duration::from_secs(3)),
        "{hung}"
    );
    // The others answered before bravo gave up.
    assert!(results[..2].iter().all(|r| r.elapsed < results[2].elapsed));
    drop(stopped);
    fleet.close().await;
}
