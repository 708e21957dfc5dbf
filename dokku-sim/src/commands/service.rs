//! The official datastore plugins (`postgres:*`, `redis:*` …), simulated.
//!
//! Written from dokku/dokku-postgres (`subcommands/*`, `common-functions`,
//! `functions`, `config`) and dokku/dokku-redis (`config`): every official
//! service plugin is generated from the same template and differs only in
//! its `config` (service name, default alias, scheme, port, config dir).
//! A plugin answers only when it is installed (`host.plugins`); otherwise
//! the entry script's "is not a dokku command" applies.
//!
//! Linking sets `<ALIAS>_URL` through `config:set` (so the app restarts and
//! the value is echoed, as with the real plugin) and unlinking unsets every
//! variable holding the service's URL.

use crate::common::{Ctx, Outcome};
use crate::host::{container_id, Service, SimHost};

/// What differs between the template's plugins (their `config` file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginConfig {
    /// `PLUGIN_COMMAND_PREFIX`.
    pub prefix: &'static str,
    /// `PLUGIN_SERVICE`.
    pub service: &'static str,
    /// `PLUGIN_DEFAULT_ALIAS`.
    pub default_alias: &'static str,
    /// `PLUGIN_ALT_ALIAS`.
    pub alt_alias: &'static str,
    /// `PLUGIN_DATASTORE_PORTS[0]`.
    pub port: u16,
    /// `PLUGIN_CONFIG_SUFFIX`.
    pub config_suffix: &'static str,
}

/// The plugins the simulator knows.
pub const PLUGINS: &[PluginConfig] = &[
    PluginConfig {
        prefix: "postgres",
        service: "Postgres",
        default_alias: "DATABASE",
        alt_alias: "DOKKU_POSTGRES",
        port: 5432,
        config_suffix: "data",
    },
    PluginConfig {
        prefix: "redis",
        service: "Redis",
        default_alias: "REDIS",
        alt_alias: "DOKKU_REDIS",
        port: 6379,
        config_suffix: "config",
    },
    PluginConfig {
        prefix: "mysql",
        service: "MySQL",
        default_alias: "DATABASE",
        alt_alias: "DOKKU_MYSQL",
        port: 3306,
        config_suffix: "config",
    },
    PluginConfig {
        prefix: "mongo",
        service: "Mongo",
        default_alias: "MONGO",
        alt_alias: "DOKKU_MONGO",
        port: 27017,
        config_suffix: "config",
    },
];

/// The alternative aliases `service_alternative_alias` tries, in order.
const COLORS: &[&str] = &[
    "AQUA", "BLACK", "BLUE", "FUCHSIA", "GRAY", "GREEN", "LIME", "MAROON", "NAVY", "OLIVE",
    "PURPLE", "RED", "SILVER", "TEAL", "WHITE", "YELLOW",
];

const DATA_ROOT: &str = "/var/lib/dokku/services";
const INFO_FLAGS: &[&str] = &[
    "--config-dir",
    "--data-dir",
    "--dsn",
    "--exposed-ports",
    "--id",
    "--internal-ip",
    "--initial-network",
    "--links",
    "--post-create-network",
    "--post-start-network",
    "--service-root",
    "--status",
    "--version",
];

/// Run a service plugin's subcommand; `None` if no installed plugin has it.
pub fn run(ctx: &mut Ctx<'_>, family: &str, subcommand: &str, args: &[String]) -> Option<Outcome> {
    let plugin = *PLUGINS.iter().find(|p| p.prefix == family)?;
    if !ctx
        .host
        .plugins
        .iter()
        .any(|p| p.name == family && p.enabled)
    {
        return None;
    }
    let verb = subcommand.split_once(':').map_or("", |(_, v)| v);
    let mut sim = Sim { ctx, plugin, args };
    let known = sim.run(verb);
    if !known {
        return None;
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// A new service as `create` leaves it: running, unlinked, a fresh
/// password. Deterministic: the password and id derive from the name.
pub fn new_service(plugin: &PluginConfig, name: &str, image: &str, version: &str) -> Service {
    let password = fake_hex(&format!("{}/{name}/password", plugin.prefix), 32);
    let host = dns_hostname(plugin, name);
    let dsn = match plugin.prefix {
        "redis" => format!("redis://:{password}@{host}:{}", plugin.port),
        prefix => format!(
            "{prefix}://{prefix}:{password}@{host}:{}/{}",
            plugin.port,
            database_name(name)
        ),
    };
    Service {
        plugin: plugin.prefix.to_owned(),
        version: version.to_owned(),
        status: "running".to_owned(),
        links: Vec::new(),
        dsn,
        image: image.to_owned(),
        id: container_id(name, plugin.prefix, 0, 0),
        internal_ip: String::new(),
        exposed: Vec::new(),
        backup: Default::default(),
    }
}

/// The plugin's config of this prefix.
pub fn plugin_config(prefix: &str) -> Option<&'static PluginConfig> {
    PLUGINS.iter().find(|p| p.prefix == prefix)
}

// `service_dns_hostname`: `dokku.<prefix>.<service>` with `.` and `_` as `-`.
fn dns_hostname(plugin: &PluginConfig, name: &str) -> String {
    format!("dokku-{}-{}", plugin.prefix, name.replace(['.', '_'], "-"))
}

// `write_database_name`: `.` and `-` become `_`.
fn database_name(name: &str) -> String {
    name.replace(['.', '-'], "_")
}

fn fake_hex(seed: &str, len: usize) -> String {
    let id = container_id(seed, "secret", 1, 1);
    id.chars().take(len).collect()
}

// Services of one plugin live in one namespace per plugin in Dokku; the
// simulator keeps them in one map, keyed by name.
struct Sim<'c, 'h> {
    ctx: &'c mut Ctx<'h>,
    plugin: PluginConfig,
    args: &'c [String],
}

impl Sim<'_, '_> {
    fn run(&mut self, verb: &str) -> bool {
        match verb {
            "list" => self.list(),
            "exists" => {
                if let Some(name) = self.service() {
                    self.ctx.out.info1(&format!("Service {name} exists"));
                }
            }
            "info" => self.info(),
            "create" => self.create(),
            "destroy" => self.destroy(),
            "link" => self.link(),
            "unlink" => self.unlink(),
            "linked" => self.linked(),
            "links" => {
                if let Some(name) = self.service() {
                    for app in self.get(&name).links.clone() {
                        self.ctx.out.log(&app);
                    }
                }
            }
            "app-links" => self.app_links(),
            "promote" => self.promote(),
            "start" => self.start(),
            "stop" => self.stop(),
            "restart" => {
                if self.service().is_some() {
                    self.stop();
                    self.start();
                }
            }
            "pause" => self.pause(),
            "expose" => self.expose(),
            "unexpose" => self.unexpose(),
            "logs" => self.logs(),
            "export" => self.export(),
            "import" => self.import(),
            "upgrade" => self.upgrade(),
            "clone" => self.clone_service(),
            "backup-auth" => self.backup_auth(),
            "backup-deauth" => self.backup_edit(&[
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_DEFAULT_REGION",
                "AWS_SIGNATURE_VERSION",
                "ENDPOINT_URL",
            ]),
            "backup-schedule" => self.backup_schedule(),
            "backup-unschedule" => self.backup_edit(&["SCHEDULE"]),
            "backup-schedule-cat" => self.backup_schedule_cat(),
            "backup-set-encryption" => self.backup_set_encryption(),
            "backup-unset-encryption" => self.backup_edit(&["ENCRYPTION_KEY"]),
            "backup" => self.backup(),
            _ => return false,
        }
        true
    }

    fn arg(&self, index: usize) -> String {
        self.args.get(index).cloned().unwrap_or_default()
    }

    fn get(&self, name: &str) -> &Service {
        // Only called after `verify`, which checked the name.
        &self.ctx.host.services[name]
    }

    fn get_mut(&mut self, name: &str) -> &mut Service {
        self.ctx.host.services.entry(name.to_owned()).or_default()
    }

    // The first argument as a service name that exists: the subcommands'
    // empty check, then `verify_service_name`.
    fn service(&mut self) -> Option<String> {
        let name = self.arg(0);
        self.verify(&name).then_some(name)
    }

    fn verify(&mut self, name: &str) -> bool {
        if name.is_empty() {
            self.ctx
                .out
                .fail("Please specify a valid name for the service");
            return false;
        }
        let exists = self
            .ctx
            .host
            .services
            .get(name)
            .is_some_and(|s| s.plugin == self.plugin.prefix);
        if !exists {
            self.ctx.out.fail(&format!(
                "{} service {name} does not exist",
                self.plugin.service
            ));
        }
        exists
    }

    fn names(&self) -> Vec<String> {
        services_of(self.ctx.host, self.plugin.prefix)
    }

    fn list(&mut self) {
        let names = self.names();
        if names.is_empty() {
            self.ctx
                .out
                .warn(&format!("There are no {} services", self.plugin.service));
            return;
        }
        self.ctx
            .out
            .info2_quiet(&format!("{} services", self.plugin.service));
        for name in names {
            self.ctx.out.log(&name);
        }
    }

    fn root(&self, name: &str) -> String {
        format!("{DATA_ROOT}/{}/{name}", self.plugin.prefix)
    }

    fn fields(&self, name: &str) -> Vec<(&'static str, String)> {
        let s = self.get(name);
        let root = self.root(name);
        let exposed = if s.exposed.is_empty() {
            "-".to_owned()
        } else {
            format!("{}->{} ", self.plugin.port, s.exposed.join(" "))
        };
        let links = if s.links.is_empty() {
            "-".to_owned()
        } else {
            s.links.iter().map(|l| format!("{l} ")).collect()
        };
        let id = if s.id.is_empty() {
            container_id(name, self.plugin.prefix, 0, 0)
        } else {
            s.id.clone()
        };
        let image = if s.image.is_empty() {
            self.plugin.prefix
        } else {
            s.image.as_str()
        };
        vec![
            (
                "--config-dir",
                format!("{root}/{}", self.plugin.config_suffix),
            ),
            ("--data-dir", format!("{root}/data")),
            ("--dsn", s.dsn.clone()),
            ("--exposed-ports", exposed),
            ("--id", id),
            ("--internal-ip", s.internal_ip.clone()),
            ("--initial-network", String::new()),
            ("--links", links),
            ("--post-create-network", String::new()),
            ("--post-start-network", String::new()),
            ("--service-root", root),
            ("--status", s.status.clone()),
            ("--version", format!("{image}:{}", s.version)),
        ]
    }

    // `service_info`: the header (not quiet) and `printf "%-20s %-25s"`
    // per field, or one field's bare value.
    fn info(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        self.print_info(&name, self.args.get(1).map(String::as_str));
    }

    fn print_info(&mut self, name: &str, flag: Option<&str>) {
        let fields = self.fields(name);
        match flag.filter(|f| !f.is_empty()) {
            None => {
                self.ctx.out.log(&format!(
                    "=====> {name} {} service information",
                    self.plugin.prefix
                ));
                for (flag, value) in fields {
                    let label = flag.trim_start_matches("--").replace('-', " ");
                    let mut label_chars = label.chars();
                    let label = match label_chars.next() {
                        Some(first) => first.to_uppercase().chain(label_chars).collect(),
                        None => String::new(),
                    };
                    self.ctx
                        .out
                        .verbose(&format!("{:<20} {value:<25}", format!("{label}:")));
                }
            }
            Some(flag) => match fields.into_iter().find(|(f, _)| *f == flag) {
                Some((_, value)) => self.ctx.out.log(&value),
                None => self.ctx.out.fail(&format!(
                    "Invalid flag passed, valid flags: {}",
                    INFO_FLAGS.join(" ")
                )),
            },
        }
    }

    // `service_parse_args`: long flags mapped to getopts letters; values
    // are the next argument.
    fn options(&self, from: usize) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut iter = self.args.iter().skip(from);
        while let Some(arg) = iter.next() {
            let key = match arg.as_str() {
                "-a" | "--alias" => "alias",
                "-c" | "--config-options" => "config-options",
                "-C" | "--custom-env" => "custom-env",
                "-i" | "--image" => "image",
                "-I" | "--image-version" => "image-version",
                "-m" | "--memory" => "memory",
                "-p" | "--password" => "password",
                "-q" | "--querystring" => "querystring",
                "-R" | "--restart-apps" => "restart-apps",
                "-r" | "--root-password" => "root-password",
                "-s" | "--shm-size" => "shm-size",
                "-n" | "--no-restart" => {
                    out.push(("no-restart".to_owned(), String::new()));
                    continue;
                }
                _ => continue,
            };
            if let Some(value) = iter.next() {
                out.push((key.to_owned(), value.clone()));
            }
        }
        out
    }

    fn option(options: &[(String, String)], key: &str) -> Option<String> {
        options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn default_version(&self) -> &'static str {
        match self.plugin.prefix {
            "postgres" => "17.2",
            "redis" => "7.4.1",
            "mysql" => "8.4.3",
            _ => "latest",
        }
    }

    fn create(&mut self) {
        let name = self.arg(0);
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            self.ctx.out.fail(
                "Please specify a valid name for the service. Valid characters are: [A-Za-z0-9_]+",
            );
            return;
        }
        if self.ctx.host.services.contains_key(&name) {
            self.ctx.out.fail(&format!(
                "{} service {name} already exists",
                self.plugin.service
            ));
            return;
        }
        let options = self.options(1);
        let image = Self::option(&options, "image").unwrap_or_default();
        let version = Self::option(&options, "image-version")
            .unwrap_or_else(|| self.default_version().to_owned());
        let mut service = new_service(&self.plugin, &name, &image, &version);
        if let Some(password) = Self::option(&options, "password") {
            // `--password` replaces the generated one (the plugin warns).
            let generated = fake_hex(&format!("{}/{name}/password", self.plugin.prefix), 32);
            service.dsn = service.dsn.replacen(&generated, &password, 1);
            self.ctx
                .out
                .warn("Specified password may not be as secure as the auto-generated password");
        }
        self.ctx.host.services.insert(name.clone(), service);
        self.ctx.host.tick(5);
        self.ctx
            .out
            .verbose_quiet("Waiting for container to be ready");
        self.ctx.out.log(&format!(
            "=====> {} container created: {name}",
            self.plugin.service
        ));
        self.print_info(&name, None);
    }

    fn destroy(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        if !self.get(&name).links.is_empty() {
            self.ctx.out.fail("Cannot delete linked service");
            return;
        }
        let force = self.ctx.force || matches!(self.arg(1).as_str(), "force" | "-f" | "--force");
        if !force {
            self.ctx.out.warn("WARNING: Potentially Destructive Action");
            self.ctx.out.warn(&format!(
                "This command will destroy {name} {} service.",
                self.plugin.service
            ));
            self.ctx.out.warn(&format!("To proceed, type \"{name}\""));
            self.ctx.out.log("");
            let typed = String::from_utf8_lossy(self.ctx.stdin);
            let typed = typed.lines().next().unwrap_or("");
            self.ctx.out.print("> ");
            if typed != name {
                self.ctx
                    .out
                    .warn(&format!("Confirmation did not match {name}. Aborted."));
                self.ctx.out.code = 1;
                return;
            }
        }
        self.ctx.out.info2_quiet(&format!("Deleting {name}"));
        if self.get(&name).status == "running" {
            self.ctx.out.info2_quiet("Stopping container");
            self.ctx.out.verbose_quiet("Container stopped");
        }
        self.ctx.out.verbose_quiet("Removing container");
        self.ctx.out.verbose_quiet("Removing data");
        self.ctx.host.services.remove(&name);
        self.ctx.host.tick(1);
        self.ctx.out.log(&format!(
            "=====> {} container deleted: {name}",
            self.plugin.service
        ));
    }

    // The config variables of `app` that hold the service's URL (the
    // plugin greps `config_all` for it, querystring or not).
    fn link_vars(&self, name: &str, app: &str) -> Vec<String> {
        let dsn = &self.get(name).dsn;
        self.ctx
            .host
            .apps
            .get(app)
            .map(|a| {
                a.config
                    .iter()
                    .filter(|(_, v)| v.contains(dsn.as_str()))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn app_config_has(&self, app: &str, needle: &str) -> bool {
        self.ctx
            .host
            .apps
            .get(app)
            .is_some_and(|a| a.config.keys().any(|k| k.contains(needle)))
    }

    fn service_and_app(&mut self, app_message: &str) -> Option<(String, String)> {
        let name = self.arg(0);
        let app = self.arg(1);
        if name.is_empty() {
            self.ctx
                .out
                .fail("Please specify a valid name for the service");
            return None;
        }
        if app.is_empty() {
            self.ctx.out.fail(app_message);
            return None;
        }
        if !self.ctx.verify_app(&app) || !self.verify(&name) {
            return None;
        }
        Some((name, app))
    }

    fn link(&mut self) {
        let Some((name, app)) = self.service_and_app("Please specify an app to run the command on")
        else {
            return;
        };
        let options = self.options(2);
        let alias = match Self::option(&options, "alias") {
            Some(alias) => {
                let alias = alias.to_ascii_uppercase();
                let alias = alias.strip_suffix("_URL").unwrap_or(&alias).to_owned();
                if self.app_config_has(&app, &format!("{alias}_URL")) {
                    self.ctx
                        .out
                        .fail(&format!("Specified alias {alias} already in use"));
                    return;
                }
                alias
            }
            None => {
                let default = self.plugin.default_alias;
                if self.app_config_has(&app, &format!("{default}_URL")) {
                    let free = COLORS
                        .iter()
                        .map(|c| format!("{}_{c}", self.plugin.alt_alias))
                        .find(|a| !self.app_config_has(&app, &format!("{a}_URL")));
                    match free {
                        Some(alias) => alias,
                        None => {
                            self.ctx
                                .out
                                .fail("Unable to use default or generated URL alias");
                            return;
                        }
                    }
                } else {
                    default.to_owned()
                }
            }
        };
        if let Some(existing) = self.link_vars(&name, &app).first() {
            self.ctx.out.fail(&format!("Already linked as {existing}"));
            return;
        }
        let service = self.get_mut(&name);
        service.links.push(app.clone());
        service.links.sort();
        service.links.dedup();
        let mut url = service.dsn.clone();
        if let Some(query) = Self::option(&options, "querystring") {
            url = format!("{url}?{}", query.trim_start_matches('?'));
        }
        let mut set = vec![app];
        if Self::option(&options, "no-restart").is_some() {
            set.push("--no-restart".to_owned());
        }
        set.push(format!("{alias}_URL={url}"));
        self.ctx.call("config:set", &set);
    }

    fn unlink(&mut self) {
        let Some((name, app)) = self.service_and_app("Please specify an app to run the command on")
        else {
            return;
        };
        let vars = self.link_vars(&name, &app);
        self.get_mut(&name).links.retain(|a| *a != app);
        if vars.is_empty() {
            self.ctx.out.fail(&format!("Not linked to app {app}"));
            return;
        }
        let no_restart = self
            .args
            .iter()
            .skip(2)
            .any(|a| a == "--no-restart" || a == "-n");
        let mut unset = vec![app];
        if no_restart {
            unset.push("--no-restart".to_owned());
        }
        unset.extend(vars);
        self.ctx.call("config:unset", &unset);
    }

    fn linked(&mut self) {
        let Some((name, app)) = self.service_and_app("Please specify an app to run the command on")
        else {
            return;
        };
        if self.link_vars(&name, &app).is_empty() {
            self.ctx
                .out
                .warn(&format!("Service {name} is not linked to {app}"));
            self.ctx.out.code = 1;
        } else {
            self.ctx
                .out
                .info1(&format!("Service {name} is linked to {app}"));
        }
    }

    fn app_links(&mut self) {
        let app = self.arg(0);
        if app.is_empty() {
            self.ctx
                .out
                .fail("Please specify an app to run the command on");
            return;
        }
        if !self.ctx.verify_app(&app) {
            return;
        }
        for name in self.names() {
            if self.get(&name).links.contains(&app) {
                self.ctx.out.log(&name);
            }
        }
    }

    fn promote(&mut self) {
        let Some((name, app)) = self.service_and_app("Please specify an app to run the command on")
        else {
            return;
        };
        let default_var = format!("{}_URL", self.plugin.default_alias);
        let vars = self.link_vars(&name, &app);
        let Some(first) = vars.first().cloned() else {
            self.ctx.out.fail(&format!("Not linked to app {app}"));
            return;
        };
        if vars.contains(&default_var) {
            self.ctx
                .out
                .fail(&format!("Service {name} already promoted as {default_var}"));
            return;
        }
        let config = self
            .ctx
            .host
            .apps
            .get(&app)
            .map(|a| a.config.clone())
            .unwrap_or_default();
        let mut set = vec![app.clone()];
        if let Some(previous) = config.get(&default_var) {
            let kept_elsewhere = config
                .iter()
                .any(|(k, v)| *k != default_var && v == previous);
            if !kept_elsewhere {
                let alias = COLORS
                    .iter()
                    .map(|c| format!("{}_{c}", self.plugin.alt_alias))
                    .find(|a| !self.app_config_has(&app, &format!("{a}_URL")));
                if let Some(alias) = alias {
                    set.push(format!("{alias}_URL={previous}"));
                }
            }
        }
        let url = config.get(&first).cloned().unwrap_or_default();
        set.push(format!("{default_var}={url}"));
        self.ctx.call("config:set", &set);
    }

    fn start(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        if self.get(&name).status == "running" {
            self.ctx.out.warn("Service is already started");
            return;
        }
        self.ctx.out.info2_quiet("Starting container");
        self.get_mut(&name).status = "running".to_owned();
        self.ctx.host.tick(1);
        self.ctx.out.log("=====> Container started");
    }

    fn stop(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        if self.get(&name).status == "missing" {
            self.ctx.out.warn("Service is already stopped");
            return;
        }
        self.ctx.out.info2_quiet("Stopping container");
        self.get_mut(&name).status = "exited".to_owned();
        self.ctx.host.tick(1);
        self.ctx.out.verbose_quiet("Container stopped");
    }

    fn pause(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        if self.get(&name).status != "running" {
            self.ctx.out.warn("Service is already paused");
            return;
        }
        self.ctx.out.info2_quiet("Pausing container");
        self.get_mut(&name).status = "paused".to_owned();
        self.ctx.out.verbose_quiet("Container paused");
    }

    fn expose(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        let exposed = self.get(&name).exposed.clone();
        if !exposed.is_empty() {
            self.ctx.out.fail(&format!(
                "Service {name} already exposed on port(s) {}",
                exposed.join(" ")
            ));
            return;
        }
        let mut ports: Vec<String> = self.args.iter().skip(1).cloned().collect();
        if ports.is_empty() {
            // `get_random_ports`: deterministic here, from the name.
            let seed = fake_hex(&format!("{}/{name}/port", self.plugin.prefix), 4);
            let n = u32::from_str_radix(&seed, 16).unwrap_or(0) % 20_000 + 10_000;
            ports.push(n.to_string());
        }
        if ports.len() != 1 {
            self.ctx.out.fail(&format!(
                "1 ports to be exposed need to be provided in the following order: {}",
                self.plugin.port
            ));
            return;
        }
        let service = self.get_mut(&name);
        service.exposed = ports;
        service.status = "running".to_owned();
        self.ctx.host.tick(1);
        let shown = format!(
            "{}->{} ",
            self.plugin.port,
            self.get(&name).exposed.join(" ")
        );
        self.ctx.out.info1(&format!(
            "Service {name} exposed on port(s) [container->host]: {shown}"
        ));
    }

    fn unexpose(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        if self.get(&name).exposed.is_empty() {
            self.ctx.out.fail("Service not exposed");
            return;
        }
        self.get_mut(&name).exposed.clear();
        self.ctx.host.tick(1);
        self.ctx.out.info1(&format!("Service {name} unexposed"));
    }

    fn logs(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        if self.get(&name).status != "running" {
            self.ctx
                .out
                .warn("Service logs may not be output as service is not running");
        }
        let ready = match self.plugin.prefix {
            "postgres" => "LOG:  database system is ready to accept connections",
            "redis" => "* Ready to accept connections tcp",
            _ => "ready",
        };
        self.ctx.out.log(ready);
    }

    fn export(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        let magic = match self.plugin.prefix {
            "postgres" => "PGDMP",
            "redis" => "REDIS0011",
            _ => "DUMP",
        };
        // A dump's bytes; raw, no newline added.
        self.ctx.out.print(&format!("{magic}\u{0}{name}\u{0}"));
    }

    fn import(&mut self) {
        if self.service().is_none() {
            return;
        }
        if self.ctx.stdin.is_empty() {
            self.ctx.out.fail("No data provided on stdin.");
        }
    }

    fn upgrade(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        let options = self.options(1);
        let image = Self::option(&options, "image");
        let version = Self::option(&options, "image-version");
        let service = self.get_mut(&name);
        let new_image = image.unwrap_or_else(|| service.image.clone());
        let new_version = version.unwrap_or_else(|| service.version.clone());
        if new_image == service.image && new_version == service.version {
            self.ctx.out.info1("No changes detected, skipping upgrade");
            return;
        }
        service.image = new_image;
        service.version = new_version;
        service.status = "running".to_owned();
        self.ctx.host.tick(5);
        self.ctx
            .out
            .info2_quiet(&format!("Upgrading {name} to {}", self.fields(&name)[12].1));
        self.ctx.out.log(&format!(
            "=====> {} container created: {name}",
            self.plugin.service
        ));
        self.ctx.out.info1("Done");
    }

    fn clone_service(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        let new = self.arg(1);
        if new.is_empty() {
            self.ctx
                .out
                .fail("Please specify a name for the new service");
            return;
        }
        if self.ctx.host.services.contains_key(&new) {
            self.ctx.out.fail(&format!(
                "Invalid service name {new}. Verify the service name is not already in use."
            ));
            return;
        }
        let source = self.get(&name).clone();
        let mut copy = new_service(&self.plugin, &new, &source.image, &source.version);
        copy.backup = Default::default();
        self.ctx.host.services.insert(new.clone(), copy);
        self.ctx.host.tick(5);
        self.ctx.out.info2_quiet(&format!(
            "Cloning {name} to {new} @ {}",
            self.fields(&new)[12].1
        ));
        self.ctx.out.log(&format!(
            "=====> {} container created: {new}",
            self.plugin.service
        ));
        self.ctx.out.info2_quiet("Copying data");
        self.ctx.out.log("=====> Done");
    }

    fn backup_auth(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        let keys = [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_DEFAULT_REGION",
            "AWS_SIGNATURE_VERSION",
            "ENDPOINT_URL",
        ];
        if self.args.len() < 3 {
            self.ctx
                .out
                .fail("Please specify an aws access key id and secret access key");
            return;
        }
        let values: Vec<String> = self.args.iter().skip(1).cloned().collect();
        let service = self.get_mut(&name);
        for (key, value) in keys.iter().zip(values) {
            if !value.is_empty() {
                service.backup.insert((*key).to_owned(), value);
            }
        }
    }

    fn backup_edit(&mut self, remove: &[&str]) {
        let Some(name) = self.service() else {
            return;
        };
        let service = self.get_mut(&name);
        for key in remove {
            service.backup.remove(*key);
        }
    }

    fn backup_schedule(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        let schedule = self.arg(1);
        let bucket = self.arg(2);
        let iam = self.arg(3);
        if schedule.is_empty() || bucket.is_empty() {
            self.ctx
                .out
                .fail("Please specify a schedule and a bucket name");
            return;
        }
        if !iam.is_empty() && iam != "--use-iam" && iam != "-u" {
            self.ctx
                .out
                .fail("Invalid flag provided, only '--use-iam' allowed");
            return;
        }
        let line = format!(
            "{schedule} dokku /usr/bin/dokku {}:backup {name} {bucket} {iam}",
            self.plugin.prefix
        );
        self.get_mut(&name)
            .backup
            .insert("SCHEDULE".to_owned(), line);
    }

    fn backup_schedule_cat(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        match self.get(&name).backup.get("SCHEDULE").cloned() {
            Some(line) => self.ctx.out.log(&line),
            None => self
                .ctx
                .out
                .fail(&format!("There is no scheduled backup for {name}.")),
        }
    }

    fn backup_set_encryption(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        let key = self.arg(1);
        if key.is_empty() {
            self.ctx.out.fail("Please specify a GPG passphrase");
            return;
        }
        // service_backup_set_encryption makes the directory with a plain
        // `mkdir` under `set -e`: a second passphrase fails until
        // `backup-unset-encryption` removed the first (read from
        // dokku-postgres's common-functions, not recorded; coreutils'
        // message in the C locale).
        if self.get(&name).backup.contains_key("ENCRYPTION_KEY") {
            let dir = format!("{}/backup-encryption/", self.root(&name));
            self.ctx.out.stderr_plain(&format!(
                "mkdir: cannot create directory '{dir}': File exists"
            ));
            self.ctx.out.code = 1;
            return;
        }
        self.get_mut(&name)
            .backup
            .insert("ENCRYPTION_KEY".to_owned(), key);
    }

    fn backup(&mut self) {
        let Some(name) = self.service() else {
            return;
        };
        if self.arg(1).is_empty() {
            self.ctx
                .out
                .fail("Please specify an aws bucket for the backup");
            return;
        }
        let iam = matches!(self.arg(2).as_str(), "--use-iam" | "-u");
        let service = self.get(&name);
        if !iam && !service.backup.contains_key("AWS_ACCESS_KEY_ID") {
            self.ctx.out.fail("Missing AWS_ACCESS_KEY_ID file");
            return;
        }
        if service.status != "running" {
            self.ctx.out.fail("Service container is not running");
        }
    }
}

/// The names of one plugin's services, sorted (the plugin lists its data
/// directory).
pub fn services_of(host: &SimHost, prefix: &str) -> Vec<String> {
    host.services
        .iter()
        .filter(|(_, s)| s.plugin == prefix)
        .map(|(n, _)| n.clone())
        .collect()
}
