//! The `registry` plugin (simulated): `registry:report`, `registry:set`,
//! `registry:login` and `registry:logout`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/registry` (`report.go`: the
//! computed image repo `dokku/<app>`, no global image repo, the computed
//! server with a trailing `/` (`getRegistryServerForApp`);
//! `subcommands.go`: `docker login` with the password on its stdin, for the
//! host or, with an app, in the app's own `DOCKER_CONFIG`; the argument
//! counts of `src/subcommands`) and the recorded output
//! (captures-0.38.27-core.jsonl seq 181, 182;
//! captures-0.38.27-surface.jsonl seq 261-267, 454-463, 1082-1095). The
//! simulated Docker accepts any credentials; they are kept in the
//! `config.json` files Docker writes.

use crate::common::properties::{self, Prop, PropertyPlugin};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "registry",
    report_type: "registry",
    json_keys: JsonKeys::StrippedAndLegacy,
    props: &[
        Prop::app("image-repo", "dokku/{app}"),
        Prop::triple("image-repo-template", ""),
        Prop::triple("push-extra-tags", ""),
        Prop::triple("push-on-release", "false"),
        // The computed server is `getRegistryServerForApp`'s
        // ([`computed_server`]).
        Prop {
            key: "server",
            default: "",
            raw: true,
            global: true,
            computed: false,
            computed_in_global: false,
        },
    ],
};

/// Docker's credentials of the host.
const HOST_CONFIG: &str = "/home/dokku/.docker/config.json";

/// Run a `registry` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "registry:report" => PLUGIN.report(ctx, args, Some(&tag_version)),
        "registry:set" => PLUGIN.set(ctx, args),
        "registry:login" => login(ctx, args),
        "registry:logout" => logout(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `--registry-tag-version`: the tag of the last push (none yet); and
/// `--registry-computed-server`.
fn tag_version(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = properties::app_field(
        host,
        app,
        "--registry-tag-version",
        "registry",
        "tag-version",
        "",
    );
    fields.insert(
        "--registry-computed-server".to_owned(),
        computed_server(host, app),
    );
    fields
}

/// `getRegistryServerForApp`: the app's server, else the global one,
/// without Docker Hub, with a trailing `/`.
fn computed_server(host: &SimHost, app: Option<&str>) -> String {
    let raw = app
        .map(|a| properties::app_value(host, "registry", a, "server"))
        .unwrap_or_default();
    let value = properties::first_set([
        raw.as_str(),
        properties::global_value(host, "registry", "server").as_str(),
    ]);
    let value = value.trim().trim_end_matches('/');
    if value.is_empty() || value == "hub.docker.com" || value == "docker.io" {
        String::new()
    } else {
        format!("{value}/")
    }
}

/// `GetAppRegistryConfigDir`'s `config.json`.
fn app_config(app: &str) -> String {
    format!("/var/lib/dokku/config/registry/{app}/config.json")
}

/// Docker Hub's other names are `docker.io`.
fn docker_hub(server: String) -> String {
    if server == "hub.docker.com" || server == "docker.com" {
        "docker.io".to_owned()
    } else {
        server
    }
}

/// Where Docker keeps the credentials: the host's, or with an app (which
/// must exist) the app's `DOCKER_CONFIG`.
fn config_path(ctx: &mut Ctx<'_>, app: &str) -> Option<String> {
    if app.is_empty() {
        return Some(HOST_CONFIG.to_owned());
    }
    ctx.verify_app(app).then(|| app_config(app))
}

/// The servers a Docker `config.json` holds credentials for, one a line
/// (the simulator's own shorthand for the file).
fn servers(host: &SimHost, path: &str) -> Vec<String> {
    host.files
        .get(path)
        .map(String::as_str)
        .unwrap_or("")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `registry:login [--global] [--password-stdin] [<app>] <server>
/// <username> [<password>]` (`CommandLogin`).
fn login(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags(
        "registry:login",
        args,
        &["--password-stdin", "--global"],
        &[],
        &[],
    ) else {
        return;
    };
    let stdin = flags.has("--password-stdin");
    let arg = |i: usize| flags.positional.get(i).cloned().unwrap_or_default();
    let count = flags.positional.len();
    let (global_count, app_count) = if stdin { (2, 3) } else { (3, 4) };
    let (mut app, mut server, mut user, mut password) =
        (String::new(), String::new(), String::new(), String::new());
    if flags.has("--global") || count == global_count {
        if !flags.has("--global") {
            ctx.out
                .warn("Deprecated: please use --global flag for global registry login");
        }
        server = arg(0);
        user = arg(1);
        password = arg(2);
    } else if count >= app_count {
        app = arg(0);
        server = arg(1);
        user = arg(2);
        password = arg(3);
    }
    if stdin {
        password = String::from_utf8_lossy(ctx.stdin).trim().to_owned();
    }
    for (value, name) in [
        (&server, "server"),
        (&user, "username"),
        (&password, "password"),
    ] {
        if value.is_empty() {
            ctx.out.fail(&format!("Missing {name} argument"));
            return;
        }
    }
    let server = docker_hub(server);
    let Some(path) = config_path(ctx, &app) else {
        return;
    };
    let mut known = servers(ctx.host, &path);
    if !known.contains(&server) {
        known.push(server);
    }
    ctx.host.files.insert(path, known.join("\n"));
    if app.is_empty() {
        ctx.out.warn("Login Succeeded for global registry");
    } else {
        ctx.out.warn(&format!("Login Succeeded for {app}"));
    }
}

/// `registry:logout [--global] [<app>] <server>` (`CommandLogout`): Docker
/// forgets the server (and says so on the output Dokku keeps to itself).
fn logout(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some(flags) = ctx.parse_flags("registry:logout", args, &["--global"], &[], &[]) else {
        return;
    };
    let arg = |i: usize| flags.positional.get(i).cloned().unwrap_or_default();
    let (app, server) = if flags.has("--global") || flags.positional.len() == 1 {
        (String::new(), arg(0))
    } else {
        (arg(0), arg(1))
    };
    if server.is_empty() {
        ctx.out.fail("Missing server argument");
        return;
    }
    let server = docker_hub(server);
    let Some(path) = config_path(ctx, &app) else {
        return;
    };
    if !app.is_empty() && !ctx.host.files.contains_key(&path) {
        ctx.out
            .fail(&format!("No registry credentials found for app {app}"));
        return;
    }
    let known: Vec<String> = servers(ctx.host, &path)
        .into_iter()
        .filter(|s| *s != server)
        .collect();
    ctx.host.files.insert(path, known.join("\n"));
}
