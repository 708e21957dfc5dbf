//! The `git` plugin (simulated): `git:report`, `git:set` and the bash
//! subcommands of `plugins/git/internal-functions`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/git/report.go` (the archive
//! limits are global only; `--git-sha` is `git rev-parse HEAD` in the
//! app's repository, literally `HEAD` before the first push;
//! `--git-rev-env-var` defaults to `GIT_REV`), `internal-functions` and
//! the `git-from-*` triggers, and the recorded output
//! (captures-0.38.27-core.jsonl seq 169, 170, 211;
//! captures-0.38.27-surface.jsonl seq 979-1005).
//!
//! What the simulated host is: Dokku's app repository is bare (so
//! `git:status` fails as it does on every host); `git:unlock` is Dokku's
//! own `command not found` (the subcommand calls a function no file
//! defines, in 0.35 and 0.38 alike); the deploy key is a deterministic
//! ed25519 key printed the way `ssh-keygen` prints it (fingerprint and
//! randomart); netrc entries live in `~dokku/.netrc`; and the host has no
//! network: no remote name resolves, so `git:allow-host`, `git:sync` and
//! `git:from-archive` fail as a host without DNS does, and an image that
//! is not on the host cannot be pulled.

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::common::properties::{self, BashSet, Prop, PropertyPlugin};
use crate::common::report::{Fields, JsonKeys};
use crate::common::{Ctx, Outcome};
use crate::host::SimHost;

/// `$DOKKU_ROOT/.ssh/id_ed25519.pub`, in the host's files.
const DEPLOY_KEY: &str = "/home/dokku/.ssh/id_ed25519.pub";
/// `$DOKKU_ROOT/.netrc`, in the host's files.
const NETRC: &str = "/home/dokku/.netrc";

const PLUGIN: PropertyPlugin = PropertyPlugin {
    plugin: "git",
    report_type: "git",
    json_keys: JsonKeys::Stripped,
    props: &[
        Prop::triple("archive-max-files", "10000").global_only(),
        Prop::triple("archive-max-size", "1073741824").global_only(),
        Prop::triple("deploy-branch", "master"),
        Prop::triple("keep-git-dir", "false"),
        Prop::raw_only("source-image"),
    ],
};

/// `subcommands/set`: bash, the app verified first; unsetting
/// `rev-env-var` writes it empty.
const SET: BashSet = BashSet {
    plugin: "git",
    keys: &[
        "archive-max-files",
        "archive-max-size",
        "deploy-branch",
        "keep-git-dir",
        "rev-env-var",
        "source-image",
    ],
    keys_text: "archive-max-files, archive-max-size, deploy-branch, keep-git-dir, rev-env-var, source-image",
    global_only: None,
    unset_writes_empty: &["rev-env-var"],
};

/// Run a `git` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "git:report" => PLUGIN.report(ctx, args, Some(&repository)),
        "git:set" => properties::bash_set(ctx, &SET, args),
        "git:status" => status(ctx, args),
        "git:initialize" => initialize(ctx, args),
        // `subcommands/unlock` calls `cmd-git-unlock`, which no file
        // defines.
        "git:unlock" => {
            ctx.out.stderr_plain("/var/lib/dokku/plugins/enabled/git/subcommands/unlock: line 6: cmd-git-unlock: command not found");
            ctx.out.code = 127;
        }
        "git:public-key" => public_key(ctx),
        "git:generate-deploy-key" => generate_deploy_key(ctx),
        "git:allow-host" => allow_host(ctx, args),
        "git:auth" => auth(ctx, args),
        "git:auth-status" => auth_status(ctx, args),
        "git:sync" => sync(ctx, args),
        "git:from-archive" => from_archive(ctx, args),
        "git:from-image" | "git:load-image" => from_image(ctx, subcommand, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// What the app's repository says: the revision, when the deploy branch
/// last moved, and the revision's env var name.
fn repository(host: &SimHost, app: Option<&str>, _: &str, _: Option<&str>) -> Fields {
    let mut fields = Fields::new();
    let Some(name) = app else {
        return fields;
    };
    let Some(state) = host.apps.get(name) else {
        return fields;
    };
    let pushed = state.deployed && from_git(&state.deploy_source);
    let sha = if pushed {
        state.deploy_source_metadata.clone()
    } else {
        "HEAD".to_owned()
    };
    let updated = if pushed {
        state.created_at.to_string()
    } else {
        String::new()
    };
    let rev_env_var = host
        .app_property(name, "git", "rev-env-var")
        .unwrap_or("GIT_REV")
        .to_owned();
    fields.insert("--git-sha".to_owned(), sha);
    fields.insert("--git-last-updated-at".to_owned(), updated);
    fields.insert("--git-rev-env-var".to_owned(), rev_env_var);
    fields
}

/// `git:status <app>`: `git status` in the app's bare repository.
fn status(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app_bash(app) {
        return;
    }
    ctx.out
        .stderr_plain("fatal: this operation must be run in a work tree");
    ctx.out.code = 128;
}

/// `git:initialize <app>` (`fn-git-create-hook`).
fn initialize(ctx: &mut Ctx<'_>, args: &[String]) {
    let app = args.first().map(String::as_str).unwrap_or("");
    if !ctx.verify_app_bash(app) {
        return;
    }
    ctx.out
        .info1_quiet(&format!("Initializing git repository for {app}"));
}

/// `git:public-key`: the deploy key, or how to make one.
fn public_key(ctx: &mut Ctx<'_>) {
    if let Some(key) = ctx.host.files.get(DEPLOY_KEY) {
        let key = key.clone();
        ctx.out.print(&key);
        return;
    }
    ctx.out
        .warn("There is no deploy key associated with the dokku user.");
    ctx.out
        .warn("Generate an ssh key with the following command:");
    ctx.out.warn("  dokku git:generate-deploy-key");
    ctx.out
        .fail("As an alternative, configure the netrc authentication via the git:auth command");
}

/// `git:generate-deploy-key`: `ssh-keygen -t ed25519 -C dokku@<hostname>`
/// once; then `dokku_log_exclaim_quiet` (on stdout).
fn generate_deploy_key(ctx: &mut Ctx<'_>) {
    if ctx.host.files.contains_key(DEPLOY_KEY) {
        if !ctx.out.quiet {
            ctx.out
                .log(" !     A deploy key already exists for this host");
        }
        return;
    }
    // The key: 32 bytes derived from the host, as the SSH wire blob.
    let seed = Sha256::digest(format!("{}:{}", ctx.host.hostname, ctx.host.now).as_bytes());
    let mut blob = Vec::new();
    for part in [b"ssh-ed25519".as_slice(), seed.as_slice()] {
        blob.extend_from_slice(&u32::try_from(part.len()).unwrap_or(0).to_be_bytes());
        blob.extend_from_slice(part);
    }
    let digest = Sha256::digest(&blob);
    let engine = &base64::engine::general_purpose::STANDARD;
    let comment = format!("dokku@{}", ctx.host.hostname);
    let fingerprint = format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    );
    ctx.out.log("Generating public/private ed25519 key pair.");
    ctx.out
        .log("Your identification has been saved in /home/dokku/.ssh/id_ed25519");
    ctx.out
        .log("Your public key has been saved in /home/dokku/.ssh/id_ed25519.pub");
    ctx.out.log("The key fingerprint is:");
    ctx.out.log(&format!("{fingerprint} {comment}"));
    ctx.out.log("The key's randomart image is:");
    ctx.out.print(&randomart(&digest));
    ctx.host.files.insert(
        DEPLOY_KEY.to_owned(),
        format!("ssh-ed25519 {} {comment}\n", engine.encode(&blob)),
    );
}

/// OpenSSH's `fingerprint_randomart` (the "drunken bishop") of an ed25519
/// key's SHA256 digest, borders included.
fn randomart(digest: &[u8]) -> String {
    const AUGMENTATION: &[u8] = b" .o+=*BOX@%&#/^SE";
    const WIDTH: usize = 17;
    const HEIGHT: usize = 9;
    let len = AUGMENTATION.len() - 1;
    let mut field = [[0usize; HEIGHT]; WIDTH];
    let (mut x, mut y) = (WIDTH / 2, HEIGHT / 2);
    for byte in digest {
        let mut input = *byte;
        for _ in 0..4 {
            x = if input & 1 == 1 {
                (x + 1).min(WIDTH - 1)
            } else {
                x.saturating_sub(1)
            };
            y = if input & 2 == 2 {
                (y + 1).min(HEIGHT - 1)
            } else {
                y.saturating_sub(1)
            };
            if field[x][y] < len - 2 {
                field[x][y] += 1;
            }
            input >>= 2;
        }
    }
    field[WIDTH / 2][HEIGHT / 2] = len - 1;
    field[x][y] = len;
    let mut art = String::from("+--[ED25519 256]--+\n");
    for row in 0..HEIGHT {
        art.push('|');
        for column in field.iter() {
            art.push(char::from(AUGMENTATION[column[row].min(len)]));
        }
        art.push_str("|\n");
    }
    art.push_str("+----[SHA256]-----+\n");
    art
}

/// The host of a remote URL (`https://host/…`, `git@host:…`).
fn remote_host(remote: &str) -> &str {
    let rest = remote.split_once("://").map_or(remote, |(_, rest)| rest);
    let rest = rest.split_once('@').map_or(rest, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// `git:allow-host <host>`: `ssh-keyscan`, which cannot resolve the host.
fn allow_host(ctx: &mut Ctx<'_>, args: &[String]) {
    let host = args.first().map(String::as_str).unwrap_or("");
    if host.is_empty() {
        ctx.out.fail("Please supply a git host");
        return;
    }
    ctx.out
        .stderr_plain(&format!("getaddrinfo {host}: Name or service not known\r"));
    ctx.out.code = 1;
}

/// The netrc entries: `machine <host> login <user> password <password>`.
fn netrc(host: &SimHost) -> Vec<(String, String, String)> {
    host.files
        .get(NETRC)
        .map(String::as_str)
        .unwrap_or("")
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["machine", machine, "login", login, "password", password] => Some((
                    (*machine).to_owned(),
                    (*login).to_owned(),
                    (*password).to_owned(),
                )),
                _ => None,
            }
        })
        .collect()
}

fn save_netrc(host: &mut SimHost, entries: &[(String, String, String)]) {
    let text: String = entries
        .iter()
        .map(|(m, l, p)| format!("machine {m} login {l} password {p}\n"))
        .collect();
    if text.is_empty() {
        host.files.remove(NETRC);
    } else {
        host.files.insert(NETRC.to_owned(), text);
    }
}

/// `fn-git-auth-read-password`: the password argument, else the first
/// line of stdin.
fn password(ctx: &Ctx<'_>, user: &str, given: &str) -> String {
    if !user.is_empty() && given.is_empty() && !ctx.stdin.is_empty() {
        return String::from_utf8_lossy(ctx.stdin)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned();
    }
    given.to_owned()
}

/// `<host> [<user> <password>]` of `git:auth` and `git:auth-status`, the
/// password read from stdin when only the user is given.
fn auth_args(ctx: &mut Ctx<'_>, args: &[String]) -> Option<(String, String, String)> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let (host, user) = (arg(0), arg(1));
    if host.is_empty() {
        ctx.out.fail("Please supply a git host");
        return None;
    }
    let password = password(ctx, &user, &arg(2));
    if !user.is_empty() && password.is_empty() {
        ctx.out.fail("Missing password for netrc auth entry");
        return None;
    }
    Some((host, user, password))
}

/// `git:auth <host> [<user> <password>]`: set, or without a user remove,
/// the host's netrc entry.
fn auth(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((host, user, password)) = auth_args(ctx, args) else {
        return;
    };
    let mut entries = netrc(ctx.host);
    entries.retain(|(machine, _, _)| *machine != host);
    if user.is_empty() {
        ctx.out
            .info1(&format!("Removing netrc auth entry for host {host}"));
    } else {
        ctx.out
            .info1(&format!("Setting netrc auth entry for host {host}"));
        entries.push((host, user, password));
    }
    save_netrc(ctx.host, &entries);
}

/// `git:auth-status <host> [<user> <password>]`: exit 0 when the entry is
/// as asked (absent without a user), else 1; nothing printed.
fn auth_status(ctx: &mut Ctx<'_>, args: &[String]) {
    let Some((host, user, password)) = auth_args(ctx, args) else {
        return;
    };
    let current = netrc(ctx.host)
        .into_iter()
        .find(|(machine, _, _)| *machine == host);
    let matches = match current {
        None => user.is_empty(),
        Some((_, login, pass)) => !user.is_empty() && login == user && pass == password,
    };
    if !matches {
        ctx.out.code = 1;
    }
}

/// Whether the app's code is in its git repository: a push (`git-push`,
/// what `cmd-git-hook` records) or the demo's `git` deploys.
pub fn from_git(deploy_source: &str) -> bool {
    matches!(deploy_source, "git" | "git-push")
}

/// `git-hook <app>` (`cmd-git-hook`, dokku/dokku v0.38.27
/// `plugins/git/functions`; certainty: source-derived), run by the app
/// repository's pre-receive hook with receive-pack's `<oldrev> <newrev>
/// <refname>` lines on stdin. The entry script set up a build record for
/// it (`dokku_setup_build_capture "$2" git-hook`). A push to the deploy
/// branch (as a branch or a tag) builds the pushed commit. A push to
/// another branch builds it too while no deploy branch is set for the app
/// or globally (`Set <branch> as deploy-branch`, the property written);
/// otherwise Dokku only warns (`20_events` is the one `receive-branch`
/// plugin, so that branch of the hook is taken) and the record stays
/// `running`.
///
/// Simulator's extension: a fourth word `dockerfile` on a line says the
/// pushed tree has a `Dockerfile` (the `dokku-sim` binary looks, as
/// `builder-detect` would), so the build is Dockerfile's.
pub fn hook(ctx: &mut Ctx<'_>, args: &[String]) -> Option<Outcome> {
    let app = args.first().cloned().unwrap_or_default();
    build_capture(ctx, &app, "git-hook");
    if !ctx.host.apps.contains_key(&app) && !ctx.verify_app_bash(&app) {
        return Some(Outcome::Done(std::mem::take(&mut ctx.out)));
    }
    let set = properties::first_set([
        ctx.host
            .app_property(&app, "git", "deploy-branch")
            .unwrap_or(""),
        ctx.host
            .global_property("git", "deploy-branch")
            .unwrap_or(""),
    ]);
    let branch = properties::first_set([set.as_str(), "master"]);
    let input = String::from_utf8_lossy(ctx.stdin).into_owned();
    // `echo $'\e[1G\e[K'"-----> …"`: the hook's own lines.
    let echo =
        |ctx: &mut Ctx<'_>, text: &str| ctx.out.log(&format!("\u{1b}[1G\u{1b}[K-----> {text}"));
    for line in input.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let [_old, new, refname, rest @ ..] = words.as_slice() else {
            continue;
        };
        let dockerfile = rest.first() == Some(&"dockerfile");
        let pushed = refname
            .strip_prefix("refs/heads/")
            .or_else(|| refname.strip_prefix("refs/tags/"))
            .unwrap_or(refname);
        if *refname == format!("refs/heads/{branch}") || *refname == format!("refs/tags/{branch}") {
            receive_push(ctx, &app, new, dockerfile);
        } else if set.is_empty() {
            echo(ctx, &format!("Set {pushed} as deploy-branch"));
            properties::store(ctx.host, "git", &app, "deploy-branch", pushed);
            receive_push(ctx, &app, new, dockerfile);
        } else {
            echo(
                ctx,
                &format!("WARNING: deploy did not complete, you must push to {branch}."),
            );
            echo(
                ctx,
                &format!("for example, try 'git push <dokku> {pushed}:{branch}'"),
            );
        }
        // `set -e` in the hook: a failed build ends it.
        if ctx.out.code != 0 {
            break;
        }
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `git_receive_app <app> <rev>`: the rev's env var set (`GIT_REV` unless
/// `rev-env-var` says otherwise), the build under the deploy lock, whose
/// release finalizes the build record; then (only if the build succeeded:
/// `set -e`) `deploy-source-set <app> git-push <rev>`.
fn receive_push(ctx: &mut Ctx<'_>, app: &str, rev: &str, dockerfile: bool) {
    let rev_env_var = match ctx.host.app_property(app, "git", "rev-env-var") {
        Some(name) => name.to_owned(),
        None => "GIT_REV".to_owned(),
    };
    if let Some(state) = ctx.host.apps.get_mut(app) {
        if !rev_env_var.is_empty() {
            state.config.insert(rev_env_var, rev.to_owned());
        }
    }
    let source = if dockerfile { "dockerfile" } else { "git-push" };
    crate::scheduler::build_and_deploy(ctx, app, source);
    let code = ctx.out.code;
    ctx.trigger("builds-record-finish", &[app.to_owned(), code.to_string()]);
    if code == 0 {
        if let Some(state) = ctx.host.apps.get_mut(app) {
            state.deploy_source = "git-push".to_owned();
            state.deploy_source_metadata = rev.to_owned();
        }
    }
}

/// `dokku_setup_build_capture <app> <source>`: a build record starts, and
/// everything after goes to stdout. These commands fail before they take
/// the deploy lock here, so the record is never finalized.
fn build_capture(ctx: &mut Ctx<'_>, app: &str, source: &str) {
    ctx.trigger("builds-record-start", &[app.to_owned(), source.to_owned()]);
    ctx.out.start_capture();
}

/// `git:sync [--build|--build-if-changes] [--skip-deploy-branch] <app>
/// <remote> [<ref>]`: the clone (or fetch) cannot resolve the remote.
fn sync(ctx: &mut Ctx<'_>, args: &[String]) {
    let positional: Vec<&String> = args
        .iter()
        .filter(|a| {
            !matches!(
                a.as_str(),
                "--build" | "--build-if-changes" | "--skip-deploy-branch"
            )
        })
        .collect();
    let arg = |i: usize| positional.get(i).map_or("", |s| s.as_str());
    let (app, remote, git_ref) = (arg(0), arg(1), arg(2));
    if !ctx.verify_app_bash(app) {
        return;
    }
    if remote.is_empty() {
        ctx.out.fail("Missing GIT_REMOTE parameter");
        return;
    }
    let pushed = ctx
        .host
        .apps
        .get(app)
        .is_some_and(|a| a.deployed && from_git(&a.deploy_source));
    build_capture(ctx, app, "git:sync");
    if pushed {
        ctx.out.verbose(&format!(
            "Fetching remote code for {app} from {remote}#{git_ref}"
        ));
    } else {
        ctx.out
            .info1_quiet(&format!("Cloning {app} from {remote}#{git_ref}"));
        let dir = ctx.temp_dir("fn-git-clone");
        ctx.out.log(&format!("Cloning into '{dir}'..."));
    }
    let host = remote_host(remote);
    if remote.contains("://") {
        let url = remote.trim_end_matches('/');
        ctx.out.log(&format!(
            "fatal: unable to access '{url}/': Could not resolve host: {host}"
        ));
    } else {
        ctx.out.log(&format!(
            "ssh: Could not resolve hostname {host}: Name or service not known"
        ));
        ctx.out.log("fatal: Could not read from remote repository.");
        ctx.out.log("");
        ctx.out
            .log("Please make sure you have the correct access rights");
        ctx.out.log("and the repository exists.");
    }
    ctx.out.code = 128;
}

/// `git:from-archive [--archive-type t] <app> <url> [<user> <email>]`:
/// `curl` cannot resolve the archive's host.
fn from_archive(ctx: &mut Ctx<'_>, args: &[String]) {
    let mut archive_type = "tar".to_owned();
    let mut positional = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--archive-type" {
            archive_type = iter.next().cloned().unwrap_or_default();
        } else {
            positional.push(arg.clone());
        }
    }
    let app = positional.first().cloned().unwrap_or_default();
    let url = positional.get(1).cloned().unwrap_or_default();
    if !ctx.verify_app_bash(&app) {
        return;
    }
    if url.is_empty() {
        ctx.out
            .fail("Please specify an archive url or -- to fetch the archive from stdin");
        return;
    }
    build_capture(ctx, &app, "git:from-archive");
    if url == "--" {
        ctx.out
            .info1(&format!("Fetching {archive_type} file from stdin"));
        ctx.out.log(&ctx.stdin.len().to_string());
        // An archive the simulator cannot unpack: tar reads nothing.
        ctx.out.info1("Generating build context");
        ctx.out.code = 1;
        return;
    }
    ctx.out
        .info1(&format!("Downloading {archive_type} file from {url}"));
    ctx.out.log(&format!(
        "curl: (6) Could not resolve host: {}",
        remote_host(&url)
    ));
    ctx.out.log("");
    ctx.out.code = 6;
}

/// `git:from-image <app> <image>` / `git:load-image <app> <image>`: the
/// image is not on the host; pulling it needs the network, and an empty
/// stdin loads nothing.
fn from_image(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let positional: Vec<&String> = args
        .iter()
        .filter(|a| !matches!(a.as_str(), "--force" | "--build-dir"))
        .collect();
    let arg = |i: usize| positional.get(i).map_or("", |s| s.as_str());
    let (app, image) = (arg(0), arg(1));
    if !ctx.verify_app_bash(app) {
        return;
    }
    if image.is_empty() {
        ctx.out.fail("Please specify a docker image");
        return;
    }
    build_capture(ctx, app, subcommand);
    if subcommand == "git:load-image" {
        ctx.out.log("Error response from daemon: unexpected EOF");
        ctx.out.code = 1;
        return;
    }
    ctx.out.info1("Generating build context");
    if !ctx.host.images.contains(image) {
        ctx.out.info1("Pulling image");
        ctx.out.log("Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host");
        ctx.out.fail(&format!("Failed to pull image: {image}"));
        return;
    }
    ctx.out.info1("Image exists on host, skipping pull");
    deploy_image(ctx, app, image);
}

/// The rest of `git-from-image` for an image on the host: its
/// `source-image` property, then `git-from-directory` commits a
/// `Dockerfile` of `FROM <image>` and builds it; the same image again is
/// no change, which that trigger refuses (exit 1, before the deploy lock,
/// so the build record stays `running`).
fn deploy_image(ctx: &mut Ctx<'_>, app: &str, image: &str) {
    properties::store(ctx.host, "git", app, "source-image", image);
    ctx.out
        .info1("Updating git repository with specified build context");
    let unchanged =
        ctx.host.apps.get(app).is_some_and(|a| {
            a.deploy_source == "docker-image" && a.deploy_source_metadata == image
        });
    if unchanged {
        ctx.out.warn("No changes detected, skipping git commit");
        ctx.out
            .warn("Call 'ps:rebuild' on app to rebuild the app from existing source");
        ctx.out.code = 1;
        return;
    }
    if let Some(state) = ctx.host.apps.get_mut(app) {
        state.deploy_source = "docker-image".to_owned();
        state.deploy_source_metadata = image.to_owned();
    }
    crate::scheduler::build_and_deploy(ctx, app, "docker-image");
    ctx.trigger(
        "builds-record-finish",
        &[app.to_owned(), ctx.out.code.to_string()],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn randomart_is_the_drunken_bishop() {
        // The digest of captures-0.38.27-surface.jsonl seq 989's key; its
        // art is seq 988's.
        let blob = base64::engine::general_purpose::STANDARD
            .decode("AAAAC3NzaC1lZDI1NTE5AAAAIAtQ9o362k/05PAqAU+z1YkYqw5ZO6g3FwpkmkJ9U5h0")
            .unwrap();
        let art = randomart(&Sha256::digest(&blob));
        assert_eq!(
            art,
            "+--[ED25519 256]--+\n|..E              |\n|.+ +             |\n|o *   .          |\n| = o.B .         |\n|= .=& o S        |\n|+=oOo*.* o       |\n|+o*++oo = .      |\n| .++o    o       |\n|    ..           |\n+----[SHA256]-----+\n"
        );
    }

    #[test]
    fn remote_hosts() {
        assert_eq!(remote_host("https://h.invalid/r.git"), "h.invalid");
        assert_eq!(remote_host("git@github.com:o/r.git"), "github.com");
    }
}
