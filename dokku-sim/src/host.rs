//! The state of one simulated Dokku host.
//!
//! Plain data, serialisable (the `dokku-sim` binary keeps it as JSON in its
//! state directory), deterministic: container ids, timestamps and log lines
//! derive from the state itself, so the same history gives the same output.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

pub use crate::scheduler::DeployFailure;

/// Seconds in a day.
pub const SECONDS_PER_DAY: u64 = 86_400;

use dokku_core::DokkuVersion;

/// Dokku versions the simulator can imitate.
pub mod profiles {
    use dokku_core::DokkuVersion;

    /// Current Dokku: JSON everywhere it exists, 0.38 report keys.
    pub const V0_38_27: DokkuVersion = DokkuVersion::new(0, 38, 27);
    /// Before the 0.38 JSON and key changes.
    pub const V0_35_20: DokkuVersion = DokkuVersion::new(0, 35, 20);
}

/// What a simulated host's clock follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    /// Only the simulator's own changes move it: the same commands give the
    /// same times (tests, replayed recordings).
    #[default]
    Fixed,
    /// Also this machine's clock, which it is never behind: a demo a person
    /// uses, where a build started now says so and runs for real seconds.
    Wall,
}

/// This machine's clock, in Unix seconds.
pub(crate) fn wall_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A container's Docker state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerState {
    /// Running.
    Running,
    /// Exited (stopped or crashed).
    Exited,
    /// In Docker's restart loop.
    Restarting,
}

impl ContainerState {
    /// Docker's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerState::Running => "running",
            ContainerState::Exited => "exited",
            ContainerState::Restarting => "restarting",
        }
    }
}

/// One container of an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    /// Its process type.
    pub process_type: String,
    /// Its 1-based index within the process type.
    pub index: u32,
    /// Docker's state.
    pub state: ContainerState,
    /// The full container id (reports show the first 11 characters).
    pub id: String,
}

/// A one-off container `run:detached` started: `docker container create
/// --rm --name <app>.run.<n>`, labelled with its app and time to live
/// (`com.dokku.active-deadline-seconds`). The simulator cannot run its
/// command, so it runs as a background worker does: until `run:stop`
/// stops it or `run:retire` finds it past its time to live, and then,
/// started with `--rm`, it is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunContainer {
    /// `<app>.run.<n>` (`n`: bash's `$RANDOM`, 0-32767).
    pub name: String,
    /// The app label (kept when the app is renamed, as Docker keeps it).
    pub app: String,
    /// The full container id.
    pub id: String,
    /// Docker's command: `/exec` and the words for a herokuish image,
    /// else the words.
    pub command: String,
    /// Unix time of its creation.
    pub created: u64,
    /// Seconds it may run (`--ttl-seconds`, a day by default).
    pub ttl_seconds: u64,
}

/// One line of an app's Procfile: `<process_type>: <command>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredProcfileEntry")]
pub struct ProcfileEntry {
    /// The process type.
    pub process_type: String,
    /// Its command (empty when a state written before commands were kept
    /// did not know it).
    pub command: String,
}

/// A Procfile entry as a saved state holds it: an entry, or only its
/// process type (states written before the simulator kept commands).
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredProcfileEntry {
    Entry {
        process_type: String,
        command: String,
    },
    ProcessType(String),
}

impl From<StoredProcfileEntry> for ProcfileEntry {
    fn from(stored: StoredProcfileEntry) -> Self {
        match stored {
            StoredProcfileEntry::Entry {
                process_type,
                command,
            } => Self {
                process_type,
                command,
            },
            StoredProcfileEntry::ProcessType(process_type) => Self {
                process_type,
                command: String::new(),
            },
        }
    }
}

impl ProcfileEntry {
    /// A Procfile's entries: `<process_type>: <command>` lines, in order;
    /// blank lines, `#` comments and lines without a `:` are skipped.
    pub fn parse(procfile: &str) -> Vec<Self> {
        procfile
            .lines()
            .map(str::trim)
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once(':'))
            .map(|(process_type, command)| Self {
                process_type: process_type.trim().to_owned(),
                command: command.trim().to_owned(),
            })
            .collect()
    }
}

/// One app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct App {
    /// Unix time of `apps:create`.
    pub created_at: u64,
    /// The deploy lock is held.
    pub locked: bool,
    /// `git`, `docker-image`, `git-sync`, `archive`; empty if never deployed.
    pub deploy_source: String,
    /// The sha or image of the last deploy.
    pub deploy_source_metadata: String,
    /// Whether the app has been deployed.
    pub deployed: bool,
    /// The Procfile's lines, in file order.
    pub procfile: Vec<ProcfileEntry>,
    /// `ps:scale`: process type → count.
    pub scale: BTreeMap<String, u32>,
    /// Whether app.json has a `formation` key (then scaling is refused).
    pub formation_in_app_json: bool,
    /// Running containers, sorted by process type and index.
    pub containers: Vec<Container>,
    /// Start again after a reboot (`ps:report` Restore).
    pub restore: bool,
    /// Properties set with `<plugin>:set`: plugin → property → value.
    pub properties: BTreeMap<String, BTreeMap<String, String>>,
    /// Environment variables.
    pub config: BTreeMap<String, String>,
    /// Domains, in the order they were added: the app's `VHOST` file.
    pub domains: Vec<String>,
    /// The `VHOST` file exists though it lists no domain (`touch`ed by
    /// `domains:set`, `domains:disable` …). With domains it always exists.
    #[serde(default)]
    pub vhost_file: bool,
    /// Output of failed deploy containers, if any.
    pub failed_logs: Vec<String>,
    /// How many deploys happened: feeds container ids.
    pub deploys: u32,
    /// Extra settings other plugins keep about the app (ports, proxy,
    /// letsencrypt …), by plugin.
    pub extra: BTreeMap<String, BTreeMap<String, String>>,
}

/// An installed plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plugin {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Enabled or disabled.
    pub enabled: bool,
    /// Ships with Dokku.
    pub core: bool,
    /// Its description.
    pub description: String,
    /// Git origin, for plugins installed from git.
    pub source_url: String,
    /// Installed commit.
    pub committish: String,
    /// Checked-out branch.
    pub branch: String,
}

/// A datastore service (postgres, redis …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// The plugin (`postgres`).
    pub plugin: String,
    /// The image version.
    pub version: String,
    /// `running`, `stopped` …
    pub status: String,
    /// Linked apps.
    pub links: Vec<String>,
    /// The connection URL (a secret).
    pub dsn: String,
    /// The image name without tag (`postgres`); empty means the plugin's name.
    #[serde(default)]
    pub image: String,
    /// The container id; empty means one derived from the name.
    #[serde(default)]
    pub id: String,
    /// The container's address on the bridge network.
    #[serde(default)]
    pub internal_ip: String,
    /// Host side of each exposed port (`expose`); empty when not exposed.
    #[serde(default)]
    pub exposed: Vec<String>,
    /// Backup settings: `AWS_ACCESS_KEY_ID` … (`backup-auth`), `SCHEDULE`,
    /// `ENCRYPTION_KEY`; values are secrets.
    #[serde(default)]
    pub backup: BTreeMap<String, String>,
}

/// An ssh key allowed to push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshKey {
    /// The key's name.
    pub name: String,
    /// Its SHA256 fingerprint.
    pub fingerprint: String,
    /// The public key as it was added (`<type> <base64> [<comment>]`).
    #[serde(default)]
    pub public_key: String,
}

/// A registered storage entry (`plugins/storage/entry.go` `Entry`): a
/// named volume, or the `legacy-<hash>` entry a `host:container` mount
/// registers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageEntry {
    /// The entry's name.
    pub name: String,
    /// `docker-local` or `k3s`.
    pub scheduler: String,
    /// The host directory or Docker volume behind it.
    pub host_path: String,
    /// The PVC size (k3s).
    pub size: String,
    /// The PVC access mode (k3s).
    pub access_mode: String,
    /// The PVC storage class (k3s).
    pub storage_class: String,
    /// The PVC namespace (k3s).
    pub namespace: String,
    /// Who owns the host directory (`--chown`).
    pub chown: String,
    /// The host directory's octal mode (`--mode`).
    pub mode: String,
    /// `Retain` or `Delete`.
    pub reclaim_policy: String,
    /// PVC annotations.
    pub annotations: BTreeMap<String, String>,
    /// PVC labels.
    pub labels: BTreeMap<String, String>,
}

/// A Docker network (`docker network ls`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// Docker's id (64 hex digits).
    pub id: String,
    /// `bridge`, `host`, `null` …
    pub driver: String,
    /// `local` or `swarm`.
    pub scope: String,
    /// Made by `network:create` (the `com.dokku.network-name` label).
    pub dokku_managed: bool,
}

/// The networks Docker creates on install: `bridge`, `host`, `none`.
pub fn default_networks() -> BTreeMap<String, Network> {
    [("bridge", "bridge"), ("host", "host"), ("none", "null")]
        .into_iter()
        .map(|(name, driver)| {
            let network = Network {
                id: container_id(name, driver, 0, 0),
                driver: driver.to_owned(),
                scope: "local".to_owned(),
                dokku_managed: false,
            };
            (name.to_owned(), network)
        })
        .collect()
}

/// Everything one simulated Dokku host knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimHost {
    /// Which Dokku this host imitates.
    pub version: DokkuVersion,
    /// The `plugn` version (what `plugn version` would print).
    pub plugn_version: String,
    /// Apps by name (Dokku lists them sorted).
    pub apps: BTreeMap<String, App>,
    /// Global environment variables.
    pub global_config: BTreeMap<String, String>,
    /// Global domains.
    pub global_domains: Vec<String>,
    /// Global properties: plugin → property → value.
    pub global_properties: BTreeMap<String, BTreeMap<String, String>>,
    /// Installed plugins, in `plugin:list` order.
    pub plugins: Vec<Plugin>,
    /// Datastore services by name.
    pub services: BTreeMap<String, Service>,
    /// Allowed ssh keys.
    pub ssh_keys: Vec<SshKey>,
    /// The simulated clock (Unix seconds); advanced by state changes so
    /// timestamps are deterministic, and on a [`Clock::Wall`] host never
    /// behind this machine's clock.
    pub now: u64,
    /// What the clock follows besides the simulator's own changes.
    #[serde(default)]
    pub clock: Clock,
    /// `hostname -f`: the name in URLs of an app without domains.
    #[serde(default = "default_hostname")]
    pub hostname: String,
    /// Files on the host that commands read by path (`ssh-keys:add <name>
    /// <file>`), by path.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Registered storage entries, by name.
    #[serde(default)]
    pub storage_entries: BTreeMap<String, StorageEntry>,
    /// Directories that exist under `/var/lib/dokku/data/storage`, by
    /// path (`storage:ensure-directory`, `storage:create`).
    #[serde(default)]
    pub storage_dirs: BTreeSet<String>,
    /// Docker's networks, by name.
    #[serde(default = "default_networks")]
    pub networks: BTreeMap<String, Network>,
    /// Docker images on the host (`docker image ls`), by reference:
    /// `git:from-image` deploys these without a registry. The host has no
    /// network, so any other image cannot be pulled.
    #[serde(default)]
    pub images: BTreeSet<String>,
    /// The next deploy of an app fails this way, once
    /// ([`SimHost::fail_next_deploy`]).
    #[serde(default)]
    pub deploy_faults: BTreeMap<String, DeployFailure>,
    /// Whether a syslog daemon writes Dokku's event log (the rsyslog
    /// filter `20_events` installs). With it and `events:on`, every
    /// trigger the simulator fires is logged. The recording host had none
    /// (`events` printed nothing after `events:on`: surface seq
    /// 1287-1289), so it is off unless a scenario turns it on.
    #[serde(default)]
    pub syslog: bool,
    /// `/var/log/dokku/events.log`, as syslog wrote it.
    #[serde(default, skip_serializing_if = "EventLog::is_empty")]
    pub events: EventLog,
    /// Each app whose deploy is still being printed over time, as that
    /// deploy found it: `builds:cancel` puts it back (the simulator
    /// applies a deploy when it starts).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub before_deploy: BTreeMap<String, App>,
    /// The builds whose process lives (Dokku's `CheckPIDAlive`), as whoever
    /// runs a `builds:*` command found them
    /// ([`crate::commands::builds::note_live`]): a simulated command cannot
    /// ask. Never kept.
    #[serde(skip)]
    pub live_builds: BTreeSet<String>,
    /// The one-off containers `run:detached` started, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub run_containers: Vec<RunContainer>,
    /// The machine `report` describes: kernel, memory, disks.
    #[serde(default)]
    pub machine: Machine,
}

/// The machine under the simulated Dokku, as `uname`, `free -m` and `df`
/// would describe it (`report`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// `uname -a` after the kernel name and host name: release, version,
    /// hardware (`6.8.0-51-generic #52-Ubuntu SMP … x86_64`).
    pub kernel: String,
    /// `free -m`'s `Mem:` row: total, used, free, shared, buff/cache,
    /// available (MiB).
    pub memory_mb: [u64; 6],
    /// `free -m`'s `Swap:` row: total, used, free (MiB).
    pub swap_mb: [u64; 3],
    /// The local file systems `df` lists.
    pub disks: Vec<Disk>,
}

/// One file system, as `df -h` and `df -hi` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disk {
    /// The device.
    pub filesystem: String,
    /// `df -h`: size, used, available, use%.
    pub space: [String; 4],
    /// `df -hi`: inodes, used, free, use%.
    pub inodes: [String; 4],
    /// The mount point.
    pub mounted_on: String,
}

impl Default for Machine {
    /// A small VPS: 4 GiB, one 80 GB disk.
    fn default() -> Self {
        let words = |w: [&str; 4]| w.map(str::to_owned);
        Self {
            kernel: "6.8.0-51-generic #52-Ubuntu SMP PREEMPT_DYNAMIC Thu Dec  5 13:09:44 UTC 2024 \
                     x86_64"
                .to_owned(),
            memory_mb: [3915, 1480, 312, 41, 2122, 2207],
            swap_mb: [2047, 96, 1951],
            disks: vec![Disk {
                filesystem: "/dev/vda1".to_owned(),
                space: words(["78G", "31G", "47G", "40%"]),
                inodes: words(["5.0M", "412K", "4.6M", "9%"]),
                mounted_on: "/".to_owned(),
            }],
        }
    }
}

/// Dokku's event log (`/var/log/dokku/events.log`): its last lines, the
/// older ones rotated away as logrotate would.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLog {
    lines: VecDeque<String>,
    /// Lines rotated away since the log began.
    rotated: u64,
}

impl EventLog {
    /// Lines kept; older ones are rotated away.
    pub const KEPT: usize = 1000;

    /// Whether nothing was ever logged.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.rotated == 0
    }

    /// Append a line.
    pub fn push(&mut self, line: String) {
        self.lines.push_back(line);
        while self.lines.len() > Self::KEPT {
            self.lines.pop_front();
            self.rotated += 1;
        }
    }

    /// How many lines were ever written (a position for [`EventLog::since`]).
    pub fn written(&self) -> u64 {
        self.rotated + self.lines.len() as u64
    }

    /// The last `n` lines (`tail -n`).
    pub fn tail(&self, n: usize) -> impl Iterator<Item = &str> {
        self.lines
            .iter()
            .skip(self.lines.len().saturating_sub(n))
            .map(String::as_str)
    }

    /// The lines written after position `from` that are still kept.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &str> {
        let skip = usize::try_from(from.saturating_sub(self.rotated)).unwrap_or(usize::MAX);
        self.lines.iter().skip(skip).map(String::as_str)
    }
}

fn default_hostname() -> String {
    "dokku-sim".to_owned()
}

/// The core plugins of a Dokku version (`plugins/*/plugin.toml`: name,
/// version, description), as `plugn list` shows them. 0.38.27's set is
/// the recorded one (captures-0.38.27-core.jsonl seq 4: no
/// scheduler-k3s, builds at its own version 0.34.0); 0.35.20's is its
/// tag's `plugins/` directory.
fn core_plugins(version: DokkuVersion) -> Vec<Plugin> {
    const PLUGINS: &[(&str, &str)] = &[
        ("00_dokku-standard", "dokku core standard plugin"),
        ("20_events", "dokku core events logging plugin"),
        ("app-json", "dokku core app-json plugin"),
        ("apps", "dokku core apps plugin"),
        ("builder", "dokku core builder plugin"),
        ("builder-dockerfile", "dokku core builder-dockerfile plugin"),
        ("builder-herokuish", "dokku core builder-herokuish plugin"),
        ("builder-lambda", "dokku core builder-lambda plugin"),
        ("builder-nixpacks", "dokku core builder-nixpacks plugin"),
        ("builder-null", "dokku core builder-null plugin"),
        ("builder-pack", "dokku core builder-pack plugin"),
        ("builder-railpack", "dokku core builder-railpack plugin"),
        ("buildpacks", "dokku core buildpacks plugin"),
        ("builds", "dokku core builds plugin"),
        ("caddy-vhosts", "dokku core caddy-vhosts plugin"),
        ("certs", "dokku core certificate management plugin"),
        ("checks", "dokku core checks plugin"),
        ("common", "dokku core common plugin"),
        ("config", "dokku core config plugin"),
        ("cron", "dokku core cron plugin"),
        ("docker-options", "dokku core docker-options plugin"),
        ("domains", "dokku core domains plugin"),
        ("enter", "dokku core enter plugin"),
        ("git", "dokku core git plugin"),
        ("haproxy-vhosts", "dokku core haproxy-vhosts plugin"),
        ("logs", "dokku core logs plugin"),
        ("network", "dokku core network plugin"),
        ("nginx-vhosts", "dokku core nginx-vhosts plugin"),
        ("openresty-vhosts", "dokku core openresty-vhosts plugin"),
        ("plugin", "dokku core plugin plugin"),
        ("ports", "dokku core ports plugin"),
        ("proxy", "dokku core proxy plugin"),
        ("ps", "dokku core ps plugin"),
        ("registry", "dokku core registry plugin"),
        ("repo", "dokku core repo plugin"),
        ("resource", "dokku core resource plugin"),
        ("run", "dokku core run plugin"),
        ("scheduler", "dokku core scheduler plugin"),
        (
            "scheduler-docker-local",
            "dokku core scheduler-docker-local plugin",
        ),
        ("scheduler-k3s", "dokku core scheduler-k3s plugin"),
        ("scheduler-null", "dokku core scheduler-null plugin"),
        ("shell", "dokku core shell plugin"),
        ("ssh-keys", "dokku core ssh-keys plugin"),
        ("storage", "dokku core storage plugin"),
        ("trace", "dokku core trace plugin"),
        ("traefik-vhosts", "dokku core traefik-vhosts plugin"),
    ];
    let current = version >= profiles::V0_38_27;
    PLUGINS
        .iter()
        .filter(|(name, _)| match *name {
            // Not part of the recorded 0.38.27 build.
            "scheduler-k3s" => !current,
            // Added after 0.35.
            "builds" | "builder-railpack" => current,
            _ => true,
        })
        .map(|(name, description)| Plugin {
            name: (*name).to_owned(),
            // The builds plugin carries its own version.
            version: if *name == "builds" {
                "0.34.0".to_owned()
            } else {
                version.to_string()
            },
            enabled: true,
            core: true,
            description: (*description).to_owned(),
            source_url: String::new(),
            committish: String::new(),
            branch: String::new(),
        })
        .collect()
}

impl SimHost {
    /// An empty host of this version with Dokku's core plugins, no apps.
    pub fn new(version: DokkuVersion) -> Self {
        Self {
            version,
            plugn_version: if version >= profiles::V0_38_27 {
                "v0.17.1".to_owned()
            } else {
                "v0.16.0".to_owned()
            },
            apps: BTreeMap::new(),
            global_config: BTreeMap::new(),
            global_domains: Vec::new(),
            global_properties: BTreeMap::new(),
            plugins: core_plugins(version),
            services: BTreeMap::new(),
            ssh_keys: Vec::new(),
            now: 1_736_280_000,
            clock: Clock::Fixed,
            hostname: default_hostname(),
            files: BTreeMap::new(),
            storage_entries: BTreeMap::new(),
            storage_dirs: BTreeSet::new(),
            networks: default_networks(),
            images: BTreeSet::new(),
            deploy_faults: BTreeMap::new(),
            syslog: false,
            events: EventLog::default(),
            before_deploy: BTreeMap::new(),
            live_builds: BTreeSet::new(),
            run_containers: Vec::new(),
            machine: Machine::default(),
        }
    }

    /// The plugins in `$PLUGIN_PATH/available/*` glob order (byte order in
    /// the C locale).
    pub fn sorted_plugins(&self) -> Vec<&Plugin> {
        let mut sorted: Vec<&Plugin> = self.plugins.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        sorted
    }

    /// `plugn list`: one `printf "  %-20s %-5s %-10s %s\n"` row per plugin
    /// directory (no header: `plugn version` is not called); `printf` pads
    /// by bytes, and a longer field simply runs on.
    pub fn plugn_list(&self) -> Vec<String> {
        self.sorted_plugins()
            .into_iter()
            .map(|plugin| {
                let state = if plugin.enabled {
                    "enabled"
                } else {
                    "disabled"
                };
                format!(
                    "  {} {} {} {}",
                    crate::out::right_pad(&plugin.name, 20),
                    crate::out::right_pad(&plugin.version, 5),
                    crate::out::right_pad(state, 10),
                    plugin.description
                )
            })
            .collect()
    }

    /// Make the next deploy of `app` fail at `failure`'s phase, with what
    /// Dokku prints for such a failure and its exit code; the build record
    /// ends `failed`. Once: the deploy after it runs as before. A failure
    /// at the build or release is met by the next build (`git:from-image`,
    /// `ps:rebuild`); at the healthcheck or post-deploy by the next deploy
    /// of any kind (`ps:restart` too). See [`DeployFailure`].
    ///
    /// ```
    /// use dokku_sim::{dispatch, host::profiles, DeployFailure, SimHost};
    ///
    /// let mut host = SimHost::new(profiles::V0_38_27);
    /// host.images.insert("nginx:1.27".to_owned());
    /// let argv = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    /// dispatch(&mut host, &argv(&["apps:create", "api"]), b"");
    /// host.fail_next_deploy("api", DeployFailure::Build);
    /// let out = dispatch(&mut host, &argv(&["git:from-image", "api", "nginx:1.27"]), b"");
    /// assert_eq!(out.output().code, 1);
    /// assert!(String::from_utf8_lossy(&out.output().stdout).ends_with(" !     App build failed\n"));
    /// ```
    pub fn fail_next_deploy(&mut self, app: &str, failure: DeployFailure) {
        self.deploy_faults.insert(app.to_owned(), failure);
    }

    /// The failure waiting for `app`'s next deploy, taken if it is one of
    /// `phases` (a failure at another phase stays for a later deploy).
    pub fn take_deploy_fault(
        &mut self,
        app: &str,
        phases: &[DeployFailure],
    ) -> Option<DeployFailure> {
        let failure = *self.deploy_faults.get(app)?;
        if !phases.contains(&failure) {
            return None;
        }
        self.deploy_faults.remove(app)
    }

    /// The clock at the start of a command: a [`Clock::Wall`] host's moved
    /// on to this machine's time first (never back); a fixed one's as it is.
    pub fn catch_up(&mut self) -> u64 {
        if self.clock == Clock::Wall {
            self.now = self.now.max(wall_seconds());
        }
        self.now
    }

    /// Advance the clock and return the new time.
    pub fn tick(&mut self, seconds: u64) -> u64 {
        self.now += seconds;
        self.now
    }

    /// An app's environment as its containers get it: the global config,
    /// then the app's (which wins).
    pub fn merged_config(&self, app: &str) -> BTreeMap<String, String> {
        let mut env = self.global_config.clone();
        if let Some(state) = self.apps.get(app) {
            env.extend(state.config.clone());
        }
        env
    }

    /// A property of an app (`ps` / `restart-policy`), if set.
    pub fn app_property(&self, app: &str, plugin: &str, property: &str) -> Option<&str> {
        self.apps
            .get(app)?
            .properties
            .get(plugin)?
            .get(property)
            .map(String::as_str)
    }

    /// A global property, if set.
    pub fn global_property(&self, plugin: &str, property: &str) -> Option<&str> {
        self.global_properties
            .get(plugin)?
            .get(property)
            .map(String::as_str)
    }

    /// Whether the app has a TLS certificate (its own, or one letsencrypt
    /// issued): the certs plugin's `certs-exists`, read from the files.
    pub fn has_cert(&self, app: &str) -> bool {
        self.cert(app)
            .is_some_and(|c| c.contains_key("crt") && c.contains_key("key"))
    }

    /// The app's certificate files and what openssl reads from them.
    pub fn cert(&self, app: &str) -> Option<&BTreeMap<String, String>> {
        self.apps.get(app)?.extra.get("certs")
    }

    /// Install a certificate on an app (`certs:add`, or letsencrypt):
    /// the PEM files and what `certs:report` reads from them.
    pub fn install_cert(
        &mut self,
        app: &str,
        crt: &str,
        key: &str,
        issued_by_ca: Option<&str>,
        expires_at: u64,
    ) {
        let now = self.now;
        let Some(a) = self.apps.get_mut(app) else {
            return;
        };
        let first = a.domains.first().cloned().unwrap_or_else(|| app.to_owned());
        let mut hostnames = a.domains.clone();
        hostnames.sort();
        hostnames.dedup();
        let entry = a.extra.entry("certs".to_owned()).or_default();
        entry.insert("crt".to_owned(), crt.to_owned());
        entry.insert("key".to_owned(), key.to_owned());
        let lifetime = expires_at.saturating_sub(now).min(90 * SECONDS_PER_DAY);
        let starts = if issued_by_ca.is_some() {
            expires_at.saturating_sub(lifetime)
        } else {
            now
        };
        entry.insert("starts-at".to_owned(), openssl_date(starts));
        entry.insert("expires-at".to_owned(), openssl_date(expires_at));
        entry.insert("subject".to_owned(), format!("CN={first}"));
        entry.insert("hostnames".to_owned(), hostnames.join(" "));
        match issued_by_ca {
            Some(issuer) => {
                entry.insert("issuer".to_owned(), issuer.to_owned());
                entry.insert(
                    "verified".to_owned(),
                    "verified by a certificate authority".to_owned(),
                );
            }
            None => {
                entry.insert("issuer".to_owned(), format!("CN = {first}"));
                entry.insert("verified".to_owned(), "self signed".to_owned());
            }
        }
    }
}

/// A deterministic 64-character hex container id for an app's container.
pub fn container_id(app: &str, process_type: &str, index: u32, deploy: u32) -> String {
    // FNV-1a over the identity, stretched to 64 hex digits: stable across
    // runs and platforms, unlike std's RandomState.
    let mut id = String::with_capacity(64);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u8..4 {
        for byte in app
            .bytes()
            .chain([0])
            .chain(process_type.bytes())
            .chain(index.to_le_bytes())
            .chain(deploy.to_le_bytes())
            .chain([round])
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        id.push_str(&format!("{hash:016x}"));
    }
    id
}

/// A month's English abbreviation (1 = `Jan`), as C's `%b` writes it.
fn month_abbr(month: u32) -> &'static str {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("Jan")
}

/// openssl's `Mon DD HH:MM:SS YYYY GMT` for a Unix time.
pub fn openssl_date(unix: u64) -> String {
    let (y, m, d, hh, mm, ss) = civil(unix);
    let month = month_abbr(m);
    format!("{month} {d:>2} {hh:02}:{mm:02}:{ss:02} {y} GMT")
}

/// syslog's `Mmm dd HH:MM:SS` (RFC 3164, UTC) for a Unix time.
pub fn syslog_time(unix: u64) -> String {
    let (_, m, d, hh, mm, ss) = civil(unix);
    let month = month_abbr(m);
    format!("{month} {d:>2} {hh:02}:{mm:02}:{ss:02}")
}

/// `date +"%F %T"` (UTC) for a Unix time.
pub fn date_time(unix: u64) -> String {
    let (y, m, d, hh, mm, ss) = civil(unix);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's
/// days-from-civil); `None` before the epoch or for a month or day out of
/// range.
pub fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || year < 1970 {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

/// Unix time → (year, month, day, hour, minute, second), UTC (Howard
/// Hinnant's days-to-civil).
fn civil(unix: u64) -> (i64, u32, u32, u64, u64, u64) {
    let days = (unix / SECONDS_PER_DAY) as i64;
    let rem = unix % SECONDS_PER_DAY;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Docker's `--timestamps` form: RFC 3339, UTC, always 9 fractional digits.
pub fn docker_timestamp(seconds: u64, nanos: u32) -> String {
    let (y, m, d, hh, mm, ss) = civil(seconds);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{nanos:09}Z")
}

impl App {
    /// The Procfile's process types, in file order.
    pub fn process_types(&self) -> Vec<String> {
        self.procfile
            .iter()
            .map(|e| e.process_type.clone())
            .collect()
    }

    /// `is_app_vhost_enabled` (domains): vhost support is on unless the
    /// app's `NO_VHOST` config var is `1`. The config var is the state, as
    /// in Dokku.
    pub fn vhost_enabled(&self) -> bool {
        self.config.get("NO_VHOST").map(String::as_str) != Some("1")
    }

    /// Whether the app's `VHOST` file exists.
    pub fn has_vhost_file(&self) -> bool {
        self.vhost_file || !self.domains.is_empty()
    }

    /// Replace the containers with what the scale says should run.
    pub fn converge(&mut self, name: &str) {
        self.deploys += 1;
        let mut containers = Vec::new();
        for (process_type, count) in &self.scale {
            for index in 1..=*count {
                containers.push(Container {
                    process_type: process_type.clone(),
                    index,
                    state: ContainerState::Running,
                    id: container_id(name, process_type, index, self.deploys),
                });
            }
        }
        self.containers = containers;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_ids_are_stable_and_distinct() {
        let a = container_id("node-js-app", "web", 1, 1);
        assert_eq!(a.len(), 64);
        assert_eq!(a, container_id("node-js-app", "web", 1, 1));
        assert_ne!(a, container_id("node-js-app", "web", 2, 1));
        assert_ne!(a, container_id("node-js-app", "web", 1, 2));
    }

    #[test]
    fn openssl_and_date_forms() {
        assert_eq!(openssl_date(1_798_761_600), "Jan  1 00:00:00 2027 GMT");
        assert_eq!(date_time(1_798_761_600 + 3_661), "2027-01-01 01:01:01");
        assert_eq!(openssl_date(951_782_400), "Feb 29 00:00:00 2000 GMT");
    }

    #[test]
    fn docker_timestamps() {
        assert_eq!(docker_timestamp(0, 5), "1970-01-01T00:00:00.000000005Z");
        assert_eq!(
            docker_timestamp(1_736_280_000, 0),
            "2025-01-07T20:00:00.000000000Z"
        );
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut host = SimHost::new(profiles::V0_38_27);
        host.apps.insert("a".into(), App::default());
        let json = serde_json::to_string(&host).unwrap();
        assert_eq!(serde_json::from_str::<SimHost>(&json).unwrap(), host);
    }
}
