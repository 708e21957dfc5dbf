//! Every core plugin's help, as Dokku 0.38.27 prints it: `<plugin>:help`
//! (and a bare namespace that defaults to it), `dokku help` and `dokku
//! help --all`.
//!
//! The texts are each plugin's own (cited per entry): a Go plugin's
//! `helpHeader`/`helpContent` in `src/commands/commands.go`, a bash
//! plugin's `plugin_name`, `plugin_description` and `fn-help-content` in
//! `help-functions`. Every line of the content is `    <usage>,
//! <description>`: the comma is the column separator of the two layouts.
//!
//! - Go (`common.CommandUsage`): the header, then the content in source
//!   order through `columnize` (cells trimmed, a four-space prefix, two
//!   spaces between columns); its last line ends with `\n` when the
//!   content does, which `columnize` prints as the bare prefix.
//! - bash: `Usage: dokku <ns>[:COMMAND]`, the description, `Additional
//!   commands:`, then `fn-help-content | sort | column -c2 -t -s,`
//!   ([`column_table`]): cells keep their spaces, so a description follows
//!   its usage after three.
//! - `dokku help --all` (the `dokku` script, `LC_ALL=C`): every core
//!   plugin's `commands help` with `--all` in its parent's command line
//!   (a Go plugin prints `helpContent` with `fmt.Println`, a bash one its
//!   content, the null plugins nothing), `sort | column -c2 -t -s,`.
//! - `dokku help`: every core plugin's summary line (`    <ns>, <summary>`,
//!   a Go plugin's after an empty line) and `00_dokku-standard`'s whole
//!   content, sorted, lines with a `:` dropped, the arguments cut off
//!   (`sed 's/\s[\[\<\-\(].*,/,/'`), through the same `column`.
//!
//! Recorded: captures-0.38.27-surface.jsonl seq 1, 2 and 5–53 (every
//! `:help`). Only installed plugins answer: a 0.35 host has no `builds`
//! or `builder-railpack`; `scheduler-k3s`, absent from the recorded
//! 0.38.27 build, is not described.

use crate::host::SimHost;
use crate::out::Out;

use super::columnize::columnize;

/// How a plugin prints its help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A Go plugin: `common.CommandUsage`, content in source order.
    Go,
    /// A bash plugin: the content sorted, through `column -t -s,`.
    Bash,
    /// A plugin without subcommands (`builder-null`, `scheduler-null`):
    /// the header alone, and nothing under `help --all`.
    Header,
}

/// One core plugin's help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginHelp {
    /// The plugin's directory: it answers only when installed.
    pub dir: &'static str,
    /// The command namespace (`nginx` for `nginx-vhosts`).
    pub namespace: &'static str,
    /// The description under the usage line.
    pub description: &'static str,
    /// Its line in `dokku help` (a Go plugin's may differ from the
    /// description).
    pub summary: &'static str,
    /// How it is printed.
    pub layout: Layout,
    /// The bare namespace prints the help (a bash plugin's
    /// `subcommands/default` calling its help, a Go plugin's `case
    /// "<ns>", "<ns>:help"`).
    pub bare_prints_help: bool,
    /// `    <usage>, <description>` lines, `\n`-separated.
    pub content: &'static str,
}

/// `plugins/00_dokku-standard/help-functions`' `fn-help-content`: printed
/// whole by its `commands help`, with or without `--all`.
const STANDARD: &str = r#"    cleanup [<app>], Cleans up exited/dead Docker containers and removes dangling images
    url <app>, Show the first URL for an application (compatibility)
    urls <app>, Show all URLs for an application
    version , Print dokku's version
    help , Print the list of commands"#;

/// The core plugins' help, by plugin directory.
pub const PLUGINS: &[PluginHelp] = &[
    // plugins/20_events/help-functions
    PluginHelp {
        dir: "20_events",
        namespace: "events",
        description: "Manage event logging",
        summary: "Manage event logging",
        layout: Layout::Bash,
        bare_prints_help: false,
        content: r#"    events [-t], Show the last events (-t follows)
    events:list, List logged events
    events:on, Enable events logger
    events:off, Disable events logger"#,
    },
    // plugins/app-json/src/commands/commands.go
    PluginHelp {
        dir: "app-json",
        namespace: "app-json",
        description: "Manage app-json settings for an app",
        summary: "Manage app-json settings for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    app-json:report [<app>] [<flag>], Displays a app-json report for one or more apps
    app-json:set <app> <property> (<value>), Set or clear a app-json property for an app"#,
    },
    // plugins/apps/src/commands/commands.go
    PluginHelp {
        dir: "apps",
        namespace: "apps",
        description: "Manage apps",
        summary: "Manage apps",
        layout: Layout::Go,
        bare_prints_help: false,
        content: r#"    apps:clone <old-app> <new-app>, Clones an app
    apps:create <app>, Create a new app
    apps:destroy <app>, Permanently destroy an app
    apps:exists <app>, Checks if an app exists
    apps:list [--format stdout|json], List your apps
    apps:lock <app>, Locks an app for deployment
    apps:locked <app>, Checks if an app is locked for deployment
    apps:rename <old-app> <new-app>, Rename an app
    apps:report [<app>] [<flag>], Display report about an app
    apps:set <app>|--global <key> <value>, Set or clear an apps property
    apps:unlock <app>, Unlocks an app for deployment"#,
    },
    // plugins/builder-dockerfile/help-functions
    PluginHelp {
        dir: "builder-dockerfile",
        namespace: "builder-dockerfile",
        description: "Manage the dockerfile builder integration for an app",
        summary: "Manage the dockerfile builder integration for an app",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    builder-dockerfile:report [<app>] [<flag>], Displays a builder-dockerfile report for one or more apps
    builder-dockerfile:set <app> <property> (<value>), Set or clear a builder-dockerfile property for an app"#,
    },
    // plugins/builder-herokuish/help-functions
    PluginHelp {
        dir: "builder-herokuish",
        namespace: "builder-herokuish",
        description: "Manage the herokuish builder integration for an app",
        summary: "Manage the herokuish builder integration for an app",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    builder-herokuish:report [<app>] [<flag>], Displays a builder-herokuish report for one or more apps
    builder-herokuish:set <app> <property> (<value>), Set or clear a builder-herokuish property for an app"#,
    },
    // plugins/builder-lambda/help-functions
    PluginHelp {
        dir: "builder-lambda",
        namespace: "builder-lambda",
        description: "Manage the lambda builder integration for an app",
        summary: "Manage the lambda builder integration for an app",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    builder-lambda:report [<app>] [<flag>], Displays a builder-lambda report for one or more apps
    builder-lambda:set <app> <property> (<value>), Set or clear a builder-lambda property for an app"#,
    },
    // plugins/builder-nixpacks/help-functions
    PluginHelp {
        dir: "builder-nixpacks",
        namespace: "builder-nixpacks",
        description: "Manage the nixpacks builder integration for an app",
        summary: "Manage the nixpacks builder integration for an app",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    builder-nixpacks:report [<app>] [<flag>], Displays a builder-nixpacks report for one or more apps
    builder-nixpacks:set <app> <property> (<value>), Set or clear a builder-nixpacks property for an app"#,
    },
    // plugins/builder-null/help-functions
    PluginHelp {
        dir: "builder-null",
        namespace: "builder-null",
        description: "No-op builder plugin",
        summary: "No-op builder plugin",
        layout: Layout::Header,
        bare_prints_help: false,
        content: "",
    },
    // plugins/builder-pack/help-functions
    PluginHelp {
        dir: "builder-pack",
        namespace: "builder-pack",
        description: "Manage the pack builder integration for an app",
        summary: "Manage the pack builder integration for an app",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    builder-pack:report [<app>] [<flag>], Displays a builder-pack report for one or more apps
    builder-pack:set <app> <property> (<value>), Set or clear a builder-pack property for an app"#,
    },
    // plugins/builder-railpack/help-functions
    PluginHelp {
        dir: "builder-railpack",
        namespace: "builder-railpack",
        description: "Manage the railpack builder integration for an app",
        summary: "Manage the railpack builder integration for an app",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    builder-railpack:report [<app>] [<flag>], Displays a builder-railpack report for one or more apps
    builder-railpack:set <app> <property> (<value>), Set or clear a builder-railpack property for an app"#,
    },
    // plugins/builder/src/commands/commands.go
    PluginHelp {
        dir: "builder",
        namespace: "builder",
        description: "Manage builder settings for an app",
        summary: "Manage builder settings for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    builder:report [<app>] [<flag>], Displays a builder report for one or more apps
    builder:set <app> <property> (<value>), Set or clear a builder property for an app"#,
    },
    // plugins/buildpacks/src/commands/commands.go
    PluginHelp {
        dir: "buildpacks",
        namespace: "buildpacks",
        description: "Manage buildpacks settings for an app",
        summary: "Manage buildpack settings for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    buildpacks:add [--index 1] <app> <buildpack>, Add new app buildpack while inserting into list of buildpacks if necessary
    buildpacks:clear <app>, Clear all buildpacks set on the app
    buildpacks:detect <app> [--branch <branch-name>], Detect the buildpack for an app (if not specified, the branch flag defaults to the deploy branch)
    buildpacks:list <app>, List all buildpacks for an app
    buildpacks:remove <app> <buildpack>, Remove a buildpack set on the app
    buildpacks:report [<app>] [<flag>], Displays a buildpack report for one or more apps
    buildpacks:set [--index 1] <app> <buildpack>, Set new app buildpack at a given position defaulting to the first buildpack if no index is specified
    buildpacks:set --replace <app> <buildpack> [<buildpack> ...], Replace the entire ordered buildpack list with the specified buildpacks
    buildpacks:set-property [--global|<app>] <key> <value>, Set or clear a buildpacks property for an app"#,
    },
    // plugins/builds/src/commands/commands.go
    PluginHelp {
        dir: "builds",
        namespace: "builds",
        description: "Manage running and historical builds",
        summary: "Manage running and historical builds",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    builds:cancel <app>, Cancel a running build for an app
    builds:info <app> <build-id> [--format json|stdout], Show details for a single build
    builds:list [<app>] [--format json] [--kind build|deploy] [--status <status>], List builds
    builds:output <app> [<build-id>|current], Show build output
    builds:prune <app> [--all-apps], Prune build records to retention
    builds:report [<app>] [<flag>], Display a build report for one or more apps
    builds:set [--global|<app>] <key> [<value>], Set or clear a builds property"#,
    },
    // plugins/caddy-vhosts/help-functions
    PluginHelp {
        dir: "caddy-vhosts",
        namespace: "caddy",
        description: "Manage the caddy proxy integration",
        summary: "Manage the caddy proxy integration",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    caddy:report [<app>] [<flag>], Displays an caddy report for one or more apps
    caddy:set [<app>|--global] <property> (<value>), Set or clear an caddy property for an app or globally
    caddy:show-config <app>, Display caddy compose config
    caddy:labels:add <app> <label> <value>, Add a label to an caddy app
    caddy:labels:remove <app> <label>, Remove a label from an caddy app
    caddy:labels:show <app> [<label>], Show labels for an caddy app
    caddy:start, Starts the caddy server
    caddy:stop, Stops the caddy server"#,
    },
    // plugins/certs/help-functions
    PluginHelp {
        dir: "certs",
        namespace: "certs",
        description: "Manage SSL (TLS) certs",
        summary: "Manage SSL (TLS) certs",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    certs:add <app> CRT KEY, Add an ssl endpoint to an app. Can also import from a tarball on stdin
    certs:chain CRT [CRT ...], [NOT IMPLEMENTED] Print the ordered and complete chain for the given certificate
    certs:generate <app> DOMAIN, Generate a key and certificate signing request (and self-signed certificate)
    certs:key <app> CRT KEY [KEY ...], [NOT IMPLEMENTED] Print the correct key for the given certificate
    certs:remove <app>, Remove an SSL Endpoint from an app
    certs:report [<app>] [<flag>], Displays an ssl report for one or more apps
    certs:rollback <app>, [NOT IMPLEMENTED] Rollback an SSL Endpoint for an app
    certs:show <app> <crt|key>, Show the server.crt or server.key on stdout
    certs:update <app> CRT KEY, Update an SSL Endpoint on an app. Can also import from a tarball on stdin"#,
    },
    // plugins/checks/help-functions
    PluginHelp {
        dir: "checks",
        namespace: "checks",
        description: "Manage zero-downtime settings",
        summary: "Manage zero-downtime settings",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    checks:disable <app> [process-type(s)], Disable zero-downtime deployment for all processes (or comma-separated process-type list) ***WARNING: this will cause downtime during deployments***
    checks:enable <app> [process-type(s)], Enable zero-downtime deployment for all processes (or comma-separated process-type list)
    checks:report [<app>] [<flag>], Displays a checks report for one or more apps
    checks:run <app> [process-type(s)], Runs zero-downtime checks for all processes (or comma-separated process-type list)
    checks:set [--global|<app>] <key> <value>, Set or clear a logs property for an app
    checks:skip <app> [process-type(s)], Skip zero-downtime checks for all processes (or comma-separated process-type list)"#,
    },
    // plugins/config/src/commands/commands.go
    PluginHelp {
        dir: "config",
        namespace: "config",
        description: "Manage global and app-specific config vars",
        summary: "Manage global and app-specific config vars",
        layout: Layout::Go,
        bare_prints_help: false,
        content: r#"    config (<app>|--global), Pretty-print an app or global environment
    config:bundle [--merged] (<app>|--global), Bundle environment into tarfile
    config:clear [--no-restart] (<app>|--global), Clears environment variables
    config:export [--format=FORMAT] [--merged] (<app>|--global), Export a global or app environment
    config:get [--quoted] (<app>|--global) KEY, Display a global or app-specific config value
    config:import [--no-restart] [--replace] (<app>|--global) [FILE|-], Import environment from file
    config:keys [--merged] (<app>|--global), Show keys set in environment
    config:show [--merged] (<app>|--global), Show keys set in environment
    config:set [--encoded] [--no-restart] (<app>|--global) KEY1=VALUE1 [KEY2=VALUE2 ...], Set one or more config vars
    config:unset [--no-restart] (<app>|--global) KEY1 [KEY2 ...], Unset one or more config vars"#,
    },
    // plugins/cron/src/commands/commands.go
    PluginHelp {
        dir: "cron",
        namespace: "cron",
        description: "Manage scheduled cron tasks",
        summary: "Manage scheduled cron tasks",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    cron:list <app> [--format json|stdout], List scheduled cron tasks for an app
    cron:report [<app>] [<flag>], Display report about an app
    cron:resume <app> <cron_id>, Resume a cron task
    cron:run <app> <cron_id> [--detach], Run a cron task on the fly
    cron:set [--global|<app>] <key> <value>, Set or clear a cron property for an app
    cron:suspend <app> <cron_id>, Suspend a cron task"#,
    },
    // plugins/docker-options/src/commands/commands.go
    PluginHelp {
        dir: "docker-options",
        namespace: "docker-options",
        description: "Manage docker options for an app",
        summary: "Manage docker options for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    docker-options:add <app> <phase(s)> OPTION, Add Docker option to app for phase (comma separated phase list)
    docker-options:clear <app> [phase(s)], Clear a docker options from application with an optional phase (comma separated phase list)
    docker-options:remove <app> <phase(s)> OPTION, Remove Docker option from app for phase (comma separated phase list)
    docker-options:report [<app>] [<flag>], Displays a docker options report for one or more apps"#,
    },
    // plugins/domains/help-functions
    PluginHelp {
        dir: "domains",
        namespace: "domains",
        description: "Manage domains used by the proxy",
        summary: "Manage domains used by the proxy",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    domains:add <app> <domain> [<domain> ...], Add domains to app
    domains:add-global <domain> [<domain> ...], Add global domain names
    domains:clear <app>, Clear all domains for app
    domains:clear-global, Clear global domain names
    domains:disable <app>, Disable VHOST support
    domains:enable <app>, Enable VHOST support
    domains:remove <app> <domain> [<domain> ...], Remove domains from app
    domains:remove-global <domain> [<domain> ...], Remove global domain names
    domains:report [<app>|--global] [<flag>], Displays a domains report for one or more apps
    domains:reset <app>, Reset app domains to global-configured domains
    domains:set <app> <domain> [<domain> ...], Set domains for app
    domains:set-global <domain> [<domain> ...], Set global domain names"#,
    },
    // plugins/enter/help-functions
    PluginHelp {
        dir: "enter",
        namespace: "enter",
        description: "Enter running app containers",
        summary: "Enter running app containers",
        layout: Layout::Bash,
        bare_prints_help: false,
        content: r#"    enter <app> [<container-type> || --container-id <container-id>], Connect to a specific app container"#,
    },
    // plugins/git/help-functions
    PluginHelp {
        dir: "git",
        namespace: "git",
        description: "Manage app deploys via git",
        summary: "Manage app deploys via git",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    git:allow-host <host>, Adds a host to known_hosts
    git:auth <host> [<username> <password>], Configures netrc authentication for a given git server
    git:auth-status <host> [<username> <password>], Reports whether the netrc entry matches the requested state (exit 0 if matches)
    git:from-archive <app> <archive-url> [<git-username> <git-email>], Updates an app's git repository with a given archive file
    git:from-image <app> <docker-image> [<git-username> <git-email>], Updates an app's git repository with a given docker image
    git:load-image <app> <docker-image> [<git-username> <git-email>], Updates an app's git repository with a docker image loaded from stdin
    git:sync [--build|--build-if-changes] [--skip-deploy-branch] <app> <repository> [<git-ref>], Clone or fetch an app from remote git repo
    git:initialize <app>, Initialize a git repository for an app
    git:generate-deploy-key, Generates a deploy ssh key
    git:public-key, Outputs the dokku public deploy key
    git:report [<app>] [<flag>], Displays a git report for one or more apps
    git:set <app> <property> (<value>), Set or clear a git property for an app
    git:status <app>, show the working tree status for an app"#,
    },
    // plugins/haproxy-vhosts/help-functions
    PluginHelp {
        dir: "haproxy-vhosts",
        namespace: "haproxy",
        description: "Manage the haproxy proxy integration",
        summary: "Manage the haproxy proxy integration",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    haproxy:report [<app>] [<flag>], Displays an haproxy report for one or more apps
    haproxy:set <app> <property> (<value>), Set or clear an haproxy property for an app
    haproxy:show-config <app>, Display haproxy compose config
    haproxy:labels:add <app> <label> <value>, Add a label to an haproxy app
    haproxy:labels:remove <app> <label>, Remove a label from an haproxy app
    haproxy:labels:show <app> [<label>], Show labels for an haproxy app
    haproxy:start, Starts the haproxy server
    haproxy:stop, Stops the haproxy server"#,
    },
    // plugins/logs/src/commands/commands.go
    PluginHelp {
        dir: "logs",
        namespace: "logs",
        description: "Manage log integration for an app",
        summary: "Manage log integration for an app",
        layout: Layout::Go,
        bare_prints_help: false,
        content: r#"    logs [-h|--help] [-t|--tail] [-n|--num num] [-q|--quiet] [-p|--ps process] <app>, Display recent log output
    logs:failed [--all|<app>], Shows the last failed deploy logs
    logs:report [<app>] [<flag>], Displays a logs report for one or more apps
    logs:set [--global|<app>] <key> <value>, Set or clear a logs property for an app
    logs:vector-logs [--num num] [--tail], Display vector log output
    logs:vector-start, Start the vector logging container
    logs:vector-stop, Stop the vector logging container"#,
    },
    // plugins/network/src/commands/commands.go
    PluginHelp {
        dir: "network",
        namespace: "network",
        description: "Manage network settings for an app",
        summary: "Manage network settings for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    network:create <network>, Creates an attachable docker network
    network:destroy <network>, Destroys a docker network
    network:exists <network>, Checks if a docker network exists
    network:info <network> [--format text|json], Outputs information about a docker network
    network:list [--format text|json] [--dokku-managed], Lists all docker networks
    network:rebuild <app>, Rebuilds network settings for an app
    network:rebuildall, Rebuild network settings for all apps
    network:report [<app>] [<flag>], Displays a network report for one or more apps
    network:set <app> <property> (<value>...), Set or clear a network property for an app"#,
    },
    // plugins/nginx-vhosts/help-functions
    PluginHelp {
        dir: "nginx-vhosts",
        namespace: "nginx",
        description: "Manage the nginx proxy",
        summary: "Manage the nginx proxy",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    nginx:access-logs <app> [-t], Show the nginx access logs for an application (-t follows)
    nginx:error-logs <app> [-t], Show the nginx error logs for an application (-t follows)
    nginx:report [<app>] [<flag>], Displays an nginx report for one or more apps
    nginx:set <app> <property> (<value>), Set or clear an nginx property for an app
    nginx:show-config <app>, Display app nginx config
    nginx:reload, Reloads the nginx server config
    nginx:start, Starts the nginx server
    nginx:stop, Stops the nginx server
    nginx:validate-config [<app>] [--clean], Validates and optionally cleans up invalid nginx configurations"#,
    },
    // plugins/openresty-vhosts/help-functions
    PluginHelp {
        dir: "openresty-vhosts",
        namespace: "openresty",
        description: "Manage the openresty proxy integration",
        summary: "Manage the openresty proxy integration",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    openresty:report [<app>] [<flag>], Displays an openresty report for one or more apps
    openresty:set <app> <property> (<value>), Set or clear an openresty property for an app
    openresty:show-config <app>, Display openresty compose config
    openresty:labels:add <app> <label> <value>, Add a label to an openresty app
    openresty:labels:remove <app> <label>, Remove a label from an openresty app
    openresty:labels:show <app> [<label>], Show labels for an openresty app
    openresty:start, Starts the openresty server
    openresty:stop, Stops the openresty server"#,
    },
    // plugins/plugin/help-functions
    PluginHelp {
        dir: "plugin",
        namespace: "plugin",
        description: "Manage installed plugins",
        summary: "Manage installed plugins",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    plugin:disable <name>, Disable an installed plugin (third-party only)
    plugin:enable <name>, Enable a previously disabled plugin
    plugin:install [--core|--git-url] [--committish branch|commit|commit] [--name custom-plugin-name] [--skip-install-trigger], Optionally download git-url (and pin to the specified branch/commit/tag) & run install trigger for active plugins (or only core ones)
    plugin:install-dependencies [--core], Run install-dependencies trigger for active plugins (or only core ones)
    plugin:list [--format stdout|json], Print active plugins
    plugin:trigger <args...>, Trigger an arbitrary plugin hook
    plugin:uninstall <name>, Uninstall a plugin (third-party only)
    plugin:update [name [branch|commit|tag]], Optionally update named plugin from git (and pin to the specified branch/commit/tag) & run update trigger for active plugins"#,
    },
    // plugins/ports/src/commands/commands.go
    PluginHelp {
        dir: "ports",
        namespace: "ports",
        description: "Manage ports for an app",
        summary: "Manage ports for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    ports:list <app>, List port mappings for app
    ports:add <app> [<scheme>:<host-port>:<container-port>...], Add port mappings to an app
    ports:clear <app>, Clear all port mappings for an app
    ports:remove <app> [<host-port>|<scheme>:<host-port>:<container-port>...], Remove specific port mappings from an app
    ports:set <app> [<scheme>:<host-port>:<container-port>...], Set port mappings for an app
    ports:report [<app>] [<flag>], Displays a ports report for one or more apps"#,
    },
    // plugins/proxy/src/commands/commands.go
    PluginHelp {
        dir: "proxy",
        namespace: "proxy",
        description: "Manage the proxy integration for an app",
        summary: "Manage the proxy integration for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    proxy:build-config [--parallel count] [--all|<app>], (Re)builds config for a given app
    proxy:clear-config [--all|<app>], Clears config for a given app
    proxy:disable <app>, Disable proxy for app
    proxy:enable <app>, Enable proxy for app
    proxy:report [<app>] [<flag>], Displays a proxy report for one or more apps
    proxy:set <app> <proxy-type>, Set proxy type for app"#,
    },
    // plugins/ps/src/commands/commands.go
    PluginHelp {
        dir: "ps",
        namespace: "ps",
        description: "Manage app processes",
        summary: "Manage app processes",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    ps:inspect <app>, Displays a sanitized version of docker inspect for an app
    ps:rebuild [--parallel count] [--all|<app>], Rebuilds an app from source
    ps:report [<app>] [<flag>], Displays a process report for one or more apps
    ps:restart [--parallel count] [--all|<app>] [<process-name>], Restart an app
    ps:restore [<app>], Start previously running apps e.g. after reboot
    ps:scale [--skip-deploy] [--format stdout|json] <app> [<proc>=<count>...], Get/Set how many instances of a given process to run
    ps:set <app> <key> <value>, Set or clear a ps property for an app
    ps:start [--parallel count] [--all|<app>], Start an app
    ps:stop [--parallel count] [--all|<app>], Stop an app
"#,
    },
    // plugins/registry/src/commands/commands.go
    PluginHelp {
        dir: "registry",
        namespace: "registry",
        description: "Manage registry settings for an app",
        summary: "Manage registry settings for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    registry:login [--global|--password-stdin] [<app>] <server> <username> [<password>], Login to a docker registry
    registry:logout [--global] [<app>] <server>, Logout from a docker registry
    registry:report [<app>] [<flag>], Displays a registry report for one or more apps
    registry:set <app>|--global <property> (<value>), Set or clear a registry property for an app"#,
    },
    // plugins/repo/src/commands/commands.go
    PluginHelp {
        dir: "repo",
        namespace: "repo",
        description: "Manage the app's repo",
        summary: "Manage the app's repo",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    repo:gc <app>, Runs 'git gc --aggressive' against the application's repo
    repo:purge-cache <app>, Deletes the contents of the build cache stored in the repository"#,
    },
    // plugins/resource/src/commands/commands.go
    PluginHelp {
        dir: "resource",
        namespace: "resource",
        description: "Manage resource settings for an app",
        summary: "Manage resource settings for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    resource:limit [--process-type <process-type>] [RESOURCE_OPTS...] <app>, Limit resources for a given app/process-type combination
    resource:limit-clear [--process-type <process-type>] <app>, Limit resources for a given app/process-type combination
    resource:report [<app>] [<flag>], Displays a resource report for one or more apps
    resource:reserve [--process-type <process-type>] [RESOURCE_OPTS...] <app>, Reserve resources for a given app/process-type combination
    resource:reserve-clear [--process-type <process-type>] <app>, Reserve resources for a given app/process-type combination"#,
    },
    // plugins/run/help-functions
    PluginHelp {
        dir: "run",
        namespace: "run",
        description: "Run a one-off process inside a container",
        summary: "Run a one-off process inside a container",
        layout: Layout::Bash,
        bare_prints_help: false,
        content: r#"    run [-e|--env KEY=VALUE] [--no-tty] [--ttl-seconds SECONDS] <app> <cmd>, Run a command in a new container using the current app image
    run:detached [-e|-env KEY=VALUE] [--force-tty] [--ttl-seconds SECONDS] <app> <cmd>, Run a command in a new detached container using the current app image
    run:list [--format json|stdout] <app>, List all run containers for an app
    run:logs <app|--container CONTAINER> [-h] [-t] [-n num] [-q], Display recent log output for run containers
    run:retire [<app>], Stop all run containers for an app that have exceeded their active deadline
    run:stop <app|--container CONTAINER>, Stops all run containers for an app or a specified run container"#,
    },
    // plugins/scheduler-docker-local/help-functions
    PluginHelp {
        dir: "scheduler-docker-local",
        namespace: "scheduler-docker-local",
        description: "Manage the docker-local scheduler integration for an app",
        summary: "Manage the docker-local scheduler integration for an app",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    scheduler-docker-local:report [<app>] [<flag>], Displays a scheduler-docker-local report for one or more apps
    scheduler-docker-local:set [<app>|--global] <property> (<value>), Set or clear a scheduler-docker-local property for an app or globally"#,
    },
    // plugins/scheduler-null/help-functions
    PluginHelp {
        dir: "scheduler-null",
        namespace: "scheduler-null",
        description: "No-op scheduler plugin",
        summary: "No-op scheduler plugin",
        layout: Layout::Header,
        bare_prints_help: false,
        content: "",
    },
    // plugins/scheduler/src/commands/commands.go
    PluginHelp {
        dir: "scheduler",
        namespace: "scheduler",
        description: "Manage scheduler settings for an app",
        summary: "Manage scheduler settings for an app",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    scheduler:report [<app>] [<flag>], Displays a scheduler report for one or more apps
    scheduler:set <app> <property> (<value>), Set or clear a scheduler property for an app"#,
    },
    // plugins/shell/help-functions
    PluginHelp {
        dir: "shell",
        namespace: "shell",
        description: "Interactive dokku prompt",
        summary: "Interactive dokku prompt",
        layout: Layout::Bash,
        bare_prints_help: false,
        content: r#"    shell, Spawn dokku shell"#,
    },
    // plugins/ssh-keys/help-functions
    PluginHelp {
        dir: "ssh-keys",
        namespace: "ssh-keys",
        description: "Manage public ssh keys used for deployment",
        summary: "Manage public ssh keys used for deployment",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    ssh-keys:list [--format text|json] [<name>], List of all authorized dokku public ssh keys
    ssh-keys:add <name> [/path/to/key], Add a new public key by pipe or path
    ssh-keys:remove [--fingerprint fingerprint|<name>], Remove SSH public key by name"#,
    },
    // plugins/storage/src/commands/commands.go
    PluginHelp {
        dir: "storage",
        namespace: "storage",
        description: "Manage mounted volumes",
        summary: "Manage mounted volumes",
        layout: Layout::Go,
        bare_prints_help: true,
        content: r#"    storage:annotations:report [<name>] [<flag>], Displays annotations for one or more storage entries
    storage:annotations:set <name> <key> [<value>], Set or clear an annotation on a storage entry
    storage:create <name> [<path>] [flags], Register a named storage entry
    storage:destroy <name> [--force] [--destroy-host-dir], Remove a named storage entry (must be unmounted from every app first)
    storage:ensure-directory [--chown option] <directory>, [DEPRECATED] use storage:create instead
    storage:exec <name> [-- <cmd>...], Run a command (or shell) in a temporary container that mounts the entry
    storage:info <name> [--format text|json], Show details for one storage entry
    storage:labels:report [<name>] [<flag>], Displays labels for one or more storage entries
    storage:labels:set <name> <key> [<value>], Set or clear a label on a storage entry
    storage:list <app> [--format text|json], List bind mounts for app's container(s) (host:container)
    storage:list-entries [--scheduler s] [--format text|json], List registered storage entries
    storage:migrate [<app>|--all], Re-run the legacy -v to attachment migration for an app
    storage:mount <app> <host-dir:container-dir>, Create a new bind mount
    storage:report [<app>] [<flag>], Displays a storage report for one or more apps
    storage:set <name> <property> [<value>], Update a storage entry in place
    storage:unmount <app> <host-dir:container-dir>, Remove an existing bind mount
    storage:wait <name>, Wait for a storage entry's PVC to be bound (k3s)"#,
    },
    // plugins/trace/help-functions
    PluginHelp {
        dir: "trace",
        namespace: "trace",
        description: "Manage trace mode",
        summary: "Manage trace mode",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    trace:on, Enable trace mode
    trace:off, Disable trace mode"#,
    },
    // plugins/traefik-vhosts/help-functions
    PluginHelp {
        dir: "traefik-vhosts",
        namespace: "traefik",
        description: "Manage the traefik proxy integration",
        summary: "Manage the traefik proxy integration",
        layout: Layout::Bash,
        bare_prints_help: true,
        content: r#"    traefik:report [<app>] [<flag>], Displays an traefik report for one or more apps
    traefik:set <app> <property> (<value>), Set or clear an traefik property for an app
    traefik:show-config <app>, Display traefik compose config
    traefik:labels:add <app> <label> <value>, Add a label to an traefik app
    traefik:labels:remove <app> <label>, Remove a label from an traefik app
    traefik:labels:show <app> [<label>], Show labels for an traefik app
    traefik:start, Starts the traefik server
    traefik:stop, Stops the traefik server"#,
    },
];

/// The help of the installed plugin whose namespace is `namespace`.
pub fn plugin(host: &SimHost, namespace: &str) -> Option<&'static PluginHelp> {
    PLUGINS
        .iter()
        .find(|help| help.namespace == namespace && installed(host, help.dir))
}

fn installed(host: &SimHost, dir: &str) -> bool {
    host.plugins.iter().any(|p| p.enabled && p.name == dir)
}

/// `<namespace>:help`.
pub fn usage(out: &mut Out, help: &PluginHelp) {
    out.log(&format!("Usage: dokku {}[:COMMAND]", help.namespace));
    out.log("");
    out.log(help.description);
    out.log("");
    match help.layout {
        Layout::Go => {
            out.log("Additional commands:");
            let rows: Vec<Vec<String>> = help
                .content
                .split('\n')
                .map(|line| line.split(',').map(str::to_owned).collect())
                .collect();
            out.log(&columnize(&rows, "    ", "  "));
        }
        Layout::Bash => {
            out.log("Additional commands:");
            let mut lines: Vec<&str> = help.content.split('\n').collect();
            lines.sort_unstable();
            out.print(&column_table(&lines));
        }
        Layout::Header => {}
    }
}

/// `dokku help --all`.
pub fn all(host: &SimHost, out: &mut Out) {
    let mut lines: Vec<&str> = STANDARD.split('\n').collect();
    for help in PLUGINS.iter().filter(|help| installed(host, help.dir)) {
        match help.layout {
            // fmt.Println(helpContent): the content starts with a newline.
            Layout::Go => {
                lines.push("");
                lines.extend(help.content.split('\n'));
            }
            Layout::Bash => lines.extend(help.content.split('\n')),
            Layout::Header => {}
        }
    }
    lines.sort_unstable();
    out.print(&column_table(&lines));
}

/// `dokku help`.
pub fn short(host: &SimHost, out: &mut Out) {
    let mut lines: Vec<String> = STANDARD.split('\n').map(str::to_owned).collect();
    for help in PLUGINS.iter().filter(|help| installed(host, help.dir)) {
        lines.push(format!("    {}, {}", help.namespace, help.summary));
    }
    lines.sort_unstable();
    let lines: Vec<String> = lines
        .iter()
        .filter(|line| !line.contains(':'))
        .map(|line| cut_arguments(line))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    out.print(&column_table(&lines));
}

/// `sed 's/\s[\[\<\-\(].*,/,/'`: from the first blank followed by an
/// argument's opening character to the last comma, replaced by a comma.
fn cut_arguments(line: &str) -> String {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let start = chars.windows(2).find_map(|pair| {
        let [(at, blank), (_, next)] = pair else {
            return None;
        };
        (blank.is_whitespace() && matches!(next, '[' | '<' | '-' | '(')).then_some(*at)
    });
    match (start, line.rfind(',')) {
        (Some(start), Some(comma)) if comma > start => {
            format!("{},{}", &line[..start], &line[comma + 1..])
        }
        _ => line.to_owned(),
    }
}

/// util-linux `column -t -s,` (as `column -c2 -t -s,`): blank lines
/// dropped, every line split at each comma, cells kept as they are; every
/// column but the table's last padded to its widest cell and followed by
/// two spaces, in every row (a row's missing cells are empty); the last
/// column unpadded.
pub fn column_table(lines: &[&str]) -> String {
    let rows: Vec<Vec<&str>> = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.split(',').collect())
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in &rows {
        for (i, width) in widths.iter().enumerate() {
            let cell = row.get(i).copied().unwrap_or("");
            text.push_str(cell);
            if i + 1 < columns {
                for _ in cell.chars().count()..*width {
                    text.push(' ');
                }
                text.push_str("  ");
            }
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_pads_every_column_but_the_last_in_every_row() {
        assert_eq!(
            column_table(&["  a, one", "", "  bbb, two, three"]),
            "  a     one  \n  bbb   two   three\n"
        );
    }

    #[test]
    fn arguments_are_cut_up_to_the_last_comma() {
        assert_eq!(
            cut_arguments("    cleanup [<app>], Cleans up"),
            "    cleanup, Cleans up"
        );
        assert_eq!(cut_arguments("    version , Print"), "    version , Print");
    }
}
