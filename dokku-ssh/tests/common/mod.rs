//! A real OpenSSH sshd on 127.0.0.1 for the tests, with a forced command
//! like Dokku's sshcommand in front of the `dokku-sim` binary.
//!
//! Each [`Sshd`] has its own port, config, host key, client key,
//! authorized_keys and simulator state, all in a temporary directory, and is
//! stopped by PID when dropped. Without `/usr/sbin/sshd` the tests fail when
//! `CI=true` (CI installs it) and skip loudly otherwise.
#![allow(dead_code)]

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dokku_ssh::{HostKeyPolicy, SshBuilder, SshExecutor};

mod build;

const SSHD: &str = "/usr/sbin/sshd";

/// Options for the forced command.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// `DOKKU_SIM_LATENCY_MS` for every command (Dokku's start-up time).
    pub latency_ms: Option<u64>,
    /// `DOKKU_SIM_FOLLOW_MS`: how often `logs -t` prints.
    pub follow_ms: Option<u64>,
    /// `DOKKU_SIM_DEPLOY_LINE_MS`: the wait after each line of a deploy.
    pub deploy_line_ms: Option<u64>,
    /// `DOKKU_SIM_PROBE=1`: print the invocation Dokku would dispatch, as
    /// JSON, instead of running it.
    pub probe: bool,
}

/// A running sshd.
pub struct Sshd {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Everything it uses lives here.
    pub dir: tempfile::TempDir,
    /// The client's private key.
    pub client_key: PathBuf,
    /// A known_hosts file that trusts this server's key.
    pub known_hosts: PathBuf,
    /// The simulator's state directory.
    pub state: PathBuf,
    /// sshd's log.
    pub log: PathBuf,
    /// The user the client logs in as.
    pub user: String,
}

/// A new ed25519 key pair at `path` and `path.pub`.
pub fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success(), "ssh-keygen failed");
}

/// A git repository at `dir` (branch `main`) with one commit of `files`;
/// the commit's sha. What a user runs `git push` from.
pub fn git_repository(dir: &Path, files: &[(&str, &str)]) -> String {
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    git(&["init", "-q", "-b", "main"]);
    for (name, text) in files {
        fs::write(dir.join(name), text).expect("a file of the repository");
    }
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "release"]);
    git(&["rev-parse", "HEAD"])
}

/// `ssh-keygen -lf`'s fingerprint of a public key, as sshcommand records it.
pub fn fingerprint(public: &Path) -> String {
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(public)
        .output()
        .expect("ssh-keygen runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .nth(1)
        .expect("a fingerprint")
        .to_owned()
}

/// The workspace's `dokku-sim` binary, freshly built.
pub fn dokku_sim_bin() -> PathBuf {
    build::built().join("dokku-sim")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn id(args: &[&str]) -> String {
    let out = Command::new("id").args(args).output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The user the client logs in as. As root, a dedicated system user with
/// bash as its shell, like Dokku's own `dokku` user (sshcommand's
/// `fn-adduser`: Debian's `adduser` default), since sshd runs the forced
/// command through the login shell; root's own `.bashrc` here costs ~150 ms
/// per command, which would swamp every measurement. Otherwise, the
/// current user.
const TEST_USER: &str = "dokku-sim-test";

fn login_user() -> String {
    if id(&["-u"]) != "0" {
        return id(&["-un"]);
    }
    let exists = Command::new("id")
        .arg(TEST_USER)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !exists {
        // Racing test threads may both try; the loser's failure is fine.
        let _ = Command::new("useradd")
            .args([
                "--system",
                "--create-home",
                "--home-dir",
                "/var/lib/dokku-sim-test",
            ])
            .args(["--shell", "/bin/bash", TEST_USER])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    // `useradd` locks the password ("!"), and sshd without PAM refuses
    // locked accounts even for keys; "*" is unusable but not locked.
    // An account made by an older harness had `/bin/sh`.
    let _ = Command::new("usermod")
        .args(["-p", "*", "-s", "/bin/bash", TEST_USER])
        .stderr(Stdio::null())
        .status();
    TEST_USER.to_owned()
}

/// Let the login user reach the directory and own the simulator state.
fn hand_over(dir: &Path, state: &Path, user: &str) {
    if user == id(&["-un"]) {
        return;
    }
    let _ = Command::new("chmod").arg("755").arg(dir).status();
    let status = Command::new("chown")
        .args(["-R", user])
        .arg(state)
        .status()
        .expect("chown runs");
    assert!(status.success(), "chown {user} {}", state.display());
}

impl Sshd {
    /// Start sshd, or `None` (with a loud message) when it is not installed
    /// and this is not CI.
    pub fn start() -> Option<Sshd> {
        Self::start_with(Options::default())
    }

    /// Start sshd with these forced-command options.
    pub fn start_with(options: Options) -> Option<Sshd> {
        if !Path::new(SSHD).exists() {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{SSHD} is missing: CI must install openssh-server (see .ci/run)");
            }
            eprintln!("\n!!! SKIPPING: {SSHD} is not installed; install openssh-server to run the SSH tests !!!\n");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = |name: &str| dir.path().join(name);
        keygen(&path("host_key"));
        keygen(&path("client_key"));
        let state = path("state");
        fs::create_dir_all(&state).expect("state dir");

        let mut env = format!("DOKKU_SIM_STATE={} ", state.display());
        if let Some(ms) = options.latency_ms {
            env.push_str(&format!("DOKKU_SIM_LATENCY_MS={ms} "));
        }
        if let Some(ms) = options.deploy_line_ms {
            env.push_str(&format!("DOKKU_SIM_DEPLOY_LINE_MS={ms} "));
        }
        if let Some(ms) = options.follow_ms {
            env.push_str(&format!("DOKKU_SIM_FOLLOW_MS={ms} "));
        }
        if options.probe {
            env.push_str("DOKKU_SIM_PROBE=1 ");
        }
        // The forced command exactly as sshcommand's `acl-add` writes it
        // (dokku/sshcommand `sshcommand`, KEY_PREFIX), with the simulator's
        // settings in front like its FINGERPRINT and NAME: the login shell
        // splits `$SSH_ORIGINAL_COMMAND` unquoted, as on a real Dokku host.
        let sshcommand = path(".sshcommand");
        fs::write(&sshcommand, format!("{}\n", dokku_sim_bin().display())).expect(".sshcommand");
        let client_pub = fs::read_to_string(path("client_key.pub")).expect("client key");
        let authorized = format!(
            "command=\"{env}FINGERPRINT={} NAME=\\\"admin\\\" `cat {}` $SSH_ORIGINAL_COMMAND\",\
             no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding {}",
            fingerprint(&path("client_key.pub")),
            sshcommand.display(),
            client_pub.trim()
        );
        fs::write(path("authorized_keys"), format!("{authorized}\n")).expect("authorized_keys");

        let port = free_port();
        let user = login_user();
        hand_over(dir.path(), &state, &user);
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPidFile {}\n\
             StrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             PubkeyAuthentication yes\nPermitRootLogin prohibit-password\nLogLevel VERBOSE\n",
            path("host_key").display(),
            path("authorized_keys").display(),
            path("sshd.pid").display(),
        );
        fs::write(path("sshd_config"), config).expect("sshd_config");
        // sshd's privilege separation directory.
        let _ = fs::create_dir_all("/run/sshd");
        let log = path("sshd.log");
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(path("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("sshd starts");

        let host_pub = fs::read_to_string(path("host_key.pub")).expect("host key");
        let known_hosts = path("known_hosts");
        fs::write(
            &known_hosts,
            format!("[127.0.0.1]:{port} {}\n", host_pub.trim()),
        )
        .expect("known_hosts");

        let sshd = Sshd {
            child,
            port,
            client_key: path("client_key"),
            known_hosts,
            state,
            log,
            user,
            dir,
        };
        sshd.wait_listening();
        Some(sshd)
    }

    fn wait_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("sshd did not listen on {}:\n{}", self.port, self.log_text());
    }

    /// A builder that trusts this server and logs in with the test key.
    pub fn builder(&self) -> SshBuilder {
        SshExecutor::builder("127.0.0.1")
            .port(self.port)
            .user(self.user.clone())
            .identity_file(&self.client_key)
            .known_hosts_file(&self.known_hosts)
            .config_file("/dev/null")
            .host_key_policy(HostKeyPolicy::Strict)
            .control_dir(self.dir.path())
    }

    /// Connect with [`Sshd::builder`].
    pub async fn connect(&self) -> SshExecutor {
        self.builder()
            .connect()
            .await
            .expect("connect to the test sshd")
    }

    /// Run `line` as the command of a new plain `ssh` process (no
    /// multiplexing, no quoting by us): what a person typing
    /// `ssh dokku@host LINE` sends.
    pub fn raw_ssh(&self, line: &str) -> std::process::Output {
        Command::new("ssh")
            .args([
                "-F",
                "/dev/null",
                "-o",
                "BatchMode=yes",
                "-o",
                "IdentitiesOnly=yes",
            ])
            .args(["-o", "StrictHostKeyChecking=yes", "-o"])
            .arg(format!("UserKnownHostsFile={}", self.known_hosts.display()))
            .arg("-i")
            .arg(&self.client_key)
            .args(["-p", &self.port.to_string()])
            .arg(format!("{}@127.0.0.1", self.user))
            .args(["--", line])
            .stdin(Stdio::null())
            .output()
            .expect("ssh runs")
    }

    /// sshd's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Give the server a new host key: a new key pair, then SIGHUP, on
    /// which sshd re-executes itself and reads it (same PID, same port);
    /// returns once it listens again. The harness's known_hosts keeps the
    /// old key.
    pub fn rotate_host_key(&self) {
        let key = self.dir.path().join("host_key");
        let _ = fs::remove_file(&key);
        let _ = fs::remove_file(key.with_extension("pub"));
        keygen(&key);
        let restarts = self.log_text().matches("Server listening").count();
        let status = Command::new("kill")
            .args(["-HUP", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -HUP sshd");
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.log_text().matches("Server listening").count() <= restarts {
            assert!(
                Instant::now() < deadline,
                "sshd did not restart:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Make the simulator's next deploy of `app` fail at `failure`'s phase
    /// (its state, changed as the forced command's user would see it).
    pub fn fail_next_deploy(&self, app: &str, failure: dokku_sim::DeployFailure) {
        let state =
            dokku_sim::StateDir::open(&self.state, dokku_sim::scenario::demo).expect("sim state");
        state
            .update(|host| host.fail_next_deploy(app, failure))
            .expect("fault injected");
        hand_over(self.dir.path(), &self.state, &self.user);
    }

    /// How many sessions (commands) sshd has started.
    pub fn sessions_started(&self) -> usize {
        self.log_text().matches("Starting session").count()
    }

    /// sshd's log so far.
    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// How many logins sshd accepted.
    pub fn accepted_logins(&self) -> usize {
        self.log_text().matches("Accepted publickey").count()
    }

    /// PIDs of `dokku-sim` processes serving this server's state (named
    /// in their environment, as the forced command sets it).
    pub fn remote_processes(&self) -> Vec<u32> {
        let needle = format!("DOKKU_SIM_STATE={}", self.state.display());
        processes(|pid, cmdline| {
            cmdline.contains("dokku-sim")
                && !cmdline.contains("sshd")
                && fs::read(format!("/proc/{pid}/environ"))
                    .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == needle.as_bytes()))
        })
    }

    /// Wait until no `dokku-sim` process serves this server; false on timeout.
    pub async fn wait_no_remote_processes(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if self.remote_processes().is_empty() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// Kill the ssh ControlMaster processes whose sockets live in this
    /// server's directory (the client side of the connection).
    pub fn kill_masters(&self) -> usize {
        let needle = self.dir.path().display().to_string();
        let masters = processes(|_, cmdline| {
            cmdline.starts_with("ssh ") && cmdline.contains(" -M ") && cmdline.contains(&needle)
        });
        for pid in &masters {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
        masters.len()
    }
}

/// PIDs of the processes whose PID and command line (arguments joined by
/// spaces) satisfy `wanted`.
fn processes(wanted: impl Fn(u32, &str) -> bool) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if wanted(pid, &String::from_utf8_lossy(&cmdline).replace('\0', " ")) {
            pids.push(pid);
        }
    }
    pids
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
