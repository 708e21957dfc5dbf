//! `config` commands (simulated): `config`, `config:show`, `config:export`,
//! `config:get`, `config:keys`, `config:set`, `config:unset`, `config:clear`,
//! `config:bundle` and `config:import` (Dokku ≥ 0.37.0), each with
//! `--global`.
//!
//! Written from Dokku's Go config plugin: `plugins/config/src/subcommands/
//! subcommands.go` (pflag flag sets), `plugins/config/subcommands.go` and
//! `plugins/config/functions.go` (`CommandSet`, `SubGet`, `SubShow`,
//! `SubImport`, `export`), `plugins/config/config.go` (`Get`, `SetMany`,
//! `UnsetMany`, `UnsetAll`, `validateKey`, `triggerRestart`) and
//! `plugins/config/environment.go` (`loadFromFile`, `loadFromFileJSON`,
//! every export format, `prettyPrintEnvEntries` with the vendored
//! `ryanuber/columnize`, `ExportBundle` with Go's `archive/tar`).
//!
//! Every command reads the environment the way `loadFromFile` does: the
//! file the host last wrote, through the pinned godotenv's reader
//! ([`crate::common::godotenv`]), so a value Dokku stores corrupted comes back
//! corrupted, and a file it can no longer read fails every command that
//! loads it with godotenv's message, as on a real host. (Before 0.37.0
//! `loadFromFile` dropped the reader's error: an unreadable file read as
//! empty.) Where 0.35.20 and 0.38.27 differ, the version decides.

use std::collections::BTreeMap;

use dokku_core::DokkuVersion;

use crate::common::columnize::columnize;
use crate::common::godotenv::Godotenv;
use crate::common::report::{go_json_str, go_json_string};
use crate::common::{Ctx, Flags, Outcome};
use crate::host::SimHost;
use crate::scheduler;

/// Run a `config` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "config" | "config:show" => show(ctx, subcommand, args),
        "config:export" => export(ctx, subcommand, args),
        "config:get" => get(ctx, subcommand, args),
        "config:keys" => keys(ctx, subcommand, args),
        "config:set" => set(ctx, subcommand, args),
        "config:unset" => unset(ctx, subcommand, args),
        "config:clear" => clear(ctx, subcommand, args),
        "config:bundle" => bundle(ctx, subcommand, args),
        "config:import" if ctx.host.version >= CONFIG_IMPORT => import(ctx, subcommand, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// The first Dokku with `config:import` (commit `e134c314e`).
const CONFIG_IMPORT: DokkuVersion = DokkuVersion::new(0, 37, 0);
/// From 0.37.0 `loadFromFile` returns the reader's error (before, the
/// shadowed `err` dropped it), and `triggerRestart` skips an app that was
/// never deployed (before, it always printed `Restarting app`).
const LOAD_ERRORS_AND_DEPLOYED_CHECK: DokkuVersion = DokkuVersion::new(0, 37, 0);

/// Whose environment a command works on: `None` is `--global`.
type Target = Option<String>;

/// `getAppNameOrGlobal`: with `--global` there is no app positional; else
/// the first positional is the app and must pass `VerifyAppName`. Returns
/// the target and the remaining positionals.
fn target(ctx: &mut Ctx<'_>, flags: &Flags) -> Option<(Target, Vec<String>)> {
    if flags.has("--global") {
        return Some((None, flags.positional.clone()));
    }
    let (app, rest) = match flags.positional.split_first() {
        Some((app, rest)) => (app.clone(), rest.to_vec()),
        None => (String::new(), Vec::new()),
    };
    if !ctx.verify_app(&app) {
        return None;
    }
    Some((Some(app), rest))
}

/// The map the target's ENV file was last written from (the file is
/// always `godotenv.Write` of it).
fn stored<'h>(host: &'h SimHost, target: &Target) -> Option<&'h BTreeMap<String, String>> {
    match target {
        None => Some(&host.global_config),
        Some(app) => host.apps.get(app).map(|a| &a.config),
    }
}

/// `loadFromFile`: read the target's file with the host's godotenv; delete
/// every key that fails `validateKey`, saying so on stdout (`LogInfo1`,
/// not hidden by `--quiet`) and writing the file back. `Err` is the
/// reader's message (0.37.0 and later; before, the error was dropped and
/// the environment read as empty).
fn load(ctx: &mut Ctx<'_>, target: &Target) -> Result<BTreeMap<String, String>, String> {
    let godotenv = Godotenv::of(ctx.host.version);
    let file = godotenv.file(stored(ctx.host, target).unwrap_or(&BTreeMap::new()));
    let mut env = match godotenv.parse(&file) {
        Ok(env) => env,
        Err(message) if ctx.host.version >= LOAD_ERRORS_AND_DEPLOYED_CHECK => return Err(message),
        Err(_) => BTreeMap::new(),
    };
    let invalid: Vec<String> = env.keys().filter(|k| !valid_key(k)).cloned().collect();
    if !invalid.is_empty() {
        let name = target.as_deref().unwrap_or("<global>");
        for key in &invalid {
            ctx.out.info1(&format!(
                "Deleting invalid key {key} from config for {name}"
            ));
            env.remove(key);
        }
        if let Some(file) = env_mut(ctx.host, target) {
            file.clone_from(&env);
        }
    }
    Ok(env)
}

/// `getEnvironment`: the target's environment, or with `merged` the global
/// one with the app's laid over it (`LoadMergedAppEnv`, which loads the
/// app's first); a reader's error fails the command (`LogFailWithError`).
fn environment(
    ctx: &mut Ctx<'_>,
    target: &Target,
    merged: bool,
) -> Option<BTreeMap<String, String>> {
    let loaded = match (target, merged) {
        (Some(_), true) => load(ctx, target).and_then(|own| {
            let mut env = load(ctx, &None)?;
            env.extend(own);
            Ok(env)
        }),
        _ => load(ctx, target),
    };
    match loaded {
        Ok(env) => Some(env),
        Err(message) => {
            ctx.out.fail(&message);
            None
        }
    }
}

/// Store `env` as the target's file (`Env.Write`).
fn write(host: &mut SimHost, target: &Target, env: BTreeMap<String, String>) {
    if let Some(file) = env_mut(host, target) {
        *file = env;
    }
}

fn env_mut<'h>(host: &'h mut SimHost, target: &Target) -> Option<&'h mut BTreeMap<String, String>> {
    match target {
        None => Some(&mut host.global_config),
        Some(app) => host.apps.get_mut(app).map(|a| &mut a.config),
    }
}

fn parse(
    ctx: &mut Ctx<'_>,
    subcommand: &str,
    args: &[String],
    bools: &[&str],
    values: &[&str],
) -> Option<Flags> {
    ctx.parse_flags(subcommand, args, bools, values, &[])
}

// `SubShow`: `LogInfo2Quiet("<app|global> env vars")`, then
// `fmt.Println(pretty)`. 0.35/0.38 no longer declare `--shell`/`--export`
// on `config:show`, so pflag rejects them.
fn show(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some(flags) = parse(ctx, subcommand, args, &["--global", "--merged"], &[]) else {
        return;
    };
    let Some((target, _)) = target(ctx, &flags) else {
        return;
    };
    let Some(env) = environment(ctx, &target, flags.has("--merged")) else {
        return;
    };
    let context = target.as_deref().unwrap_or("global");
    ctx.out.info2_quiet(&format!("{context} env vars"));
    ctx.out.log(&pretty(&env, ""));
}

/// The export formats of `config:export --format` (`functions.go`
/// `export`).
fn render(env: &BTreeMap<String, String>, format: &str, godotenv: Godotenv) -> Option<String> {
    let text = match format {
        "exports" => quoted_entries(env, "export ", "\n") + "\n",
        // `EnvfileString`: godotenv's `Marshal`.
        "envfile" => godotenv.marshal(env) + "\n",
        "docker-args" => quoted_entries(env, "--env=", " ") + "\n",
        "docker-args-keys" => keys_with_prefix(env, "--env=") + "\n",
        // Listed in 0.38's flag help; `PackArgKeysString` itself was not
        // readable, so this mirrors docker-args-keys with pack's `--env`
        // spelling. Unverified.
        "pack-keys" => keys_with_prefix(env, "--env ") + "\n",
        // The one format with a different suffix: a space, no newline.
        "shell" => quoted_entries(env, "", " ") + " ",
        "pretty" => pretty(env, "") + "\n",
        "json" => go_json_string(env) + "\n",
        "json-list" => json_list(env) + "\n",
        _ => return None,
    };
    Some(text)
}

fn export(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some(flags) = parse(
        ctx,
        subcommand,
        args,
        &["--global", "--merged"],
        &["--format"],
    ) else {
        return;
    };
    let Some((target, _)) = target(ctx, &flags) else {
        return;
    };
    let Some(env) = environment(ctx, &target, flags.has("--merged")) else {
        return;
    };
    let format = flags.value("--format").unwrap_or("exports");
    match render(&env, format, Godotenv::of(ctx.host.version)) {
        Some(text) => ctx.out.print(&text),
        None => ctx.out.fail(&format!("Unknown export format: {format}")),
    }
}

// `SubGet`: argument errors, then `Get` (which also refuses invalid key
// names) exits 1 without a word when the key is not there.
fn get(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some(flags) = parse(ctx, subcommand, args, &["--global", "--quoted"], &[]) else {
        return;
    };
    let Some((target, keys)) = target(ctx, &flags) else {
        return;
    };
    let Some(key) = keys.first() else {
        ctx.out.fail("Expected: key");
        return;
    };
    if keys.len() > 1 {
        ctx.out
            .fail(&format!("Unexpected argument(s): {}", go_slice(&keys[1..])));
        return;
    }
    // `Get` swallows a reader's error: it looks like a missing key.
    let env = load(ctx, &target).unwrap_or_default();
    match env.get(key).filter(|_| valid_key(key)) {
        Some(value) if flags.has("--quoted") => {
            ctx.out.log(&format!("'{}'", single_quote_escape(value)));
        }
        Some(value) => ctx.out.log(value),
        None => ctx.out.code = 1,
    }
}

fn keys(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some(flags) = parse(ctx, subcommand, args, &["--global", "--merged"], &[]) else {
        return;
    };
    let Some((target, _)) = target(ctx, &flags) else {
        return;
    };
    let Some(env) = environment(ctx, &target, flags.has("--merged")) else {
        return;
    };
    for key in env.keys() {
        ctx.out.log(key);
    }
}

// `CommandSet` then `SetMany`: every pair is split and decoded, then every
// key validated, before anything is written.
fn set(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some(flags) = parse(
        ctx,
        subcommand,
        args,
        &["--global", "--encoded", "--no-restart"],
        &[],
    ) else {
        return;
    };
    let Some((target, pairs)) = target(ctx, &flags) else {
        return;
    };
    if pairs.is_empty() {
        ctx.out.fail("At least one env pair must be given");
        return;
    }
    let mut updated = BTreeMap::new();
    for pair in &pairs {
        let Some((key, value)) = pair.split_once('=') else {
            ctx.out.fail(&format!("Invalid env pair: {pair}"));
            return;
        };
        let value = if flags.has("--encoded") {
            match go_base64_decode(value.as_bytes()) {
                // Go keeps arbitrary bytes in a string; the simulated state
                // is UTF-8, so invalid sequences become U+FFFD.
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(at) => {
                    ctx.out.fail(&format!(
                        "illegal base64 data at input byte {at} for key '{key}'"
                    ));
                    return;
                }
            }
        } else {
            value.to_owned()
        };
        updated.insert(key.to_owned(), value);
    }
    set_many(ctx, &target, &updated, false, !flags.has("--no-restart"));
}

/// `SetMany`: load the environment (a reader's error fails here), check
/// every key, (`--replace`: clear it,) set the vars, print the `Setting
/// config vars` block (suppressed by `--quiet`), write the file, and
/// restart the app unless told not to.
fn set_many(
    ctx: &mut Ctx<'_>,
    target: &Target,
    vars: &BTreeMap<String, String>,
    replace: bool,
    restart: bool,
) {
    let mut env = match load(ctx, target) {
        Ok(env) => env,
        Err(message) => {
            ctx.out.fail(&message);
            return;
        }
    };
    // Go ranges over a map here, so which invalid key is named first is
    // random; the simulator names the first in sorted order.
    if let Some(bad) = vars.keys().find(|k| !valid_key(k)) {
        ctx.out.fail(&format!("Invalid key name: '{bad}'"));
        return;
    }
    if replace {
        env.clear();
    }
    for (key, value) in vars {
        env.insert(key.clone(), value.clone());
    }
    if !vars.is_empty() {
        ctx.out.info1_quiet("Setting config vars");
        if !ctx.out.quiet {
            ctx.out.log(&pretty(vars, "       "));
        }
        write(ctx.host, target, env);
        ctx.host.tick(1);
        updated(ctx, target, "set", vars.keys().cloned().collect());
    }
    after_change(ctx, target, restart);
}

fn unset(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some(flags) = parse(ctx, subcommand, args, &["--global", "--no-restart"], &[]) else {
        return;
    };
    let Some((target, keys)) = target(ctx, &flags) else {
        return;
    };
    if keys.is_empty() {
        ctx.out.fail("At least one key must be given");
        return;
    }
    // `UnsetMany`: load first (a reader's error fails here), then check
    // every key.
    let mut env = match load(ctx, &target) {
        Ok(env) => env,
        Err(message) => {
            ctx.out.fail(&message);
            return;
        }
    };
    if let Some(bad) = keys.iter().find(|k| !valid_key(k)) {
        ctx.out.fail(&format!("Invalid key name: '{bad}'"));
        return;
    }
    let mut changed = false;
    for key in &keys {
        if env.remove(key).is_some() {
            ctx.out.info1_quiet(&format!("Unsetting {key}"));
            changed = true;
        } else {
            ctx.out
                .info1_quiet(&format!("Skipping {key}, it is not set in the environment"));
        }
    }
    if changed {
        write(ctx.host, &target, env);
        ctx.host.tick(1);
        updated(ctx, &target, "unset", keys.clone());
    }
    // `UnsetMany` restarts even when nothing changed.
    after_change(ctx, &target, !flags.has("--no-restart"));
}

// `UnsetAll`'s body was not readable in the index: it is simulated as
// `UnsetMany` over every key in sorted order, then the restart.
fn clear(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some(flags) = parse(ctx, subcommand, args, &["--global", "--no-restart"], &[]) else {
        return;
    };
    let Some((target, _)) = target(ctx, &flags) else {
        return;
    };
    let env = match load(ctx, &target) {
        Ok(env) => env,
        Err(message) => {
            ctx.out.fail(&message);
            return;
        }
    };
    let keys: Vec<String> = env.into_keys().collect();
    for key in &keys {
        ctx.out.info1_quiet(&format!("Unsetting {key}"));
    }
    if !keys.is_empty() {
        write(ctx.host, &target, BTreeMap::new());
        ctx.host.tick(1);
        updated(ctx, &target, "clear", Vec::new());
    }
    after_change(ctx, &target, !flags.has("--no-restart"));
}

// `CommandImport` then `SubImport` (0.37.0; `functions.go` unchanged
// through 0.38.27): `config:import [--no-restart] [--replace] [--format
// envfile|json] (<app>|--global) [FILE|-]`. The simulated host has no
// files, so only `-` (stdin) has anything to read; an `envfile` import
// whose invalid keys Dokku would write back to a file named `-` is not
// simulated beyond the `Deleting invalid key` line.
fn import(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some(flags) = parse(
        ctx,
        subcommand,
        args,
        &["--global", "--no-restart", "--replace"],
        &["--format"],
    ) else {
        return;
    };
    let global = flags.has("--global");
    let positional = |i: usize| flags.positional.get(i).cloned().unwrap_or_default();
    let (target, filename) = if global {
        (None, positional(0))
    } else {
        let app = positional(0);
        if !ctx.verify_app(&app) {
            return;
        }
        (Some(app), positional(1))
    };
    if filename == "-" {
        ctx.out.info1_quiet("Reading config vars from stdin");
    }
    let stdin = String::from_utf8_lossy(ctx.stdin).into_owned();
    let loaded = match flags.value("--format").unwrap_or("envfile") {
        "envfile" => import_envfile(ctx, &target, &filename, &stdin),
        "json" if filename == "-" => go_json_env(&stdin),
        "json" => Err(format!("open {filename}: no such file or directory")),
        other => Err(format!("Unknown format: {other}")),
    };
    let vars = match loaded {
        Ok(vars) => vars,
        Err(message) => {
            ctx.out.fail(&message);
            return;
        }
    };
    if vars.is_empty() {
        ctx.out.fail("No config vars to set");
        return;
    }
    // Go ranges over the map: random order; the simulator's is sorted.
    for (key, value) in &vars {
        ctx.out
            .info1_quiet(&format!("Setting config var {key}={value}"));
    }
    set_many(
        ctx,
        &target,
        &vars,
        flags.has("--replace"),
        !flags.has("--no-restart"),
    );
}

/// `loadFromFile(appName, FILE)` on an import: stdin for `-` through the
/// host's godotenv `Parse` (with `$VAR` expansion and comments, as for any
/// user-written file); invalid keys deleted and announced.
fn import_envfile(
    ctx: &mut Ctx<'_>,
    target: &Target,
    filename: &str,
    stdin: &str,
) -> Result<BTreeMap<String, String>, String> {
    if filename != "-" {
        return Ok(BTreeMap::new());
    }
    let mut env = Godotenv::of(ctx.host.version).parse(stdin)?;
    let invalid: Vec<String> = env.keys().filter(|k| !valid_key(k)).cloned().collect();
    // `SubImport` passes the app name, which is empty for --global.
    let name = target.as_deref().unwrap_or("");
    for key in invalid {
        ctx.out.info1(&format!(
            "Deleting invalid key {key} from config for {name}"
        ));
        env.remove(&key);
    }
    Ok(env)
}

/// `json.NewDecoder(os.Stdin).Decode(&envMap)` into a
/// `map[string]string`: the first JSON value on stdin; `null` is an empty
/// map; a key given twice keeps its last value. The messages for input
/// that is not an object of strings follow `encoding/json`'s
/// `UnmarshalTypeError` for the simple cases; syntax errors are reported
/// in serde's words, not Go's (the SDK never sends such input).
fn go_json_env(stdin: &str) -> Result<BTreeMap<String, String>, String> {
    use serde_json::Value;
    let kind = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let value = match serde_json::Deserializer::from_str(stdin)
        .into_iter::<Value>()
        .next()
    {
        None => return Err("EOF".to_owned()),
        Some(Err(e)) => return Err(format!("invalid JSON: {e}")),
        Some(Ok(value)) => value,
    };
    match value {
        Value::Null => Ok(BTreeMap::new()),
        Value::Object(map) => {
            let mut env = BTreeMap::new();
            for (key, value) in map {
                match value {
                    Value::String(text) => {
                        env.insert(key, text);
                    }
                    other => {
                        return Err(format!(
                            "json: cannot unmarshal {} into Go value of type string",
                            kind(&other)
                        ))
                    }
                }
            }
            Ok(env)
        }
        other => Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]string",
            kind(&other)
        )),
    }
}

// `Env.ExportBundle`: a tar stream, one regular file per key.
fn bundle(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) {
    let Some(flags) = parse(ctx, subcommand, args, &["--global", "--merged"], &[]) else {
        return;
    };
    let Some((target, _)) = target(ctx, &flags) else {
        return;
    };
    let Some(env) = environment(ctx, &target, flags.has("--merged")) else {
        return;
    };
    ctx.out.stdout.extend_from_slice(&tar_bundle(&env));
}

/// What follows a config change of an app: unless `--no-restart`,
/// `--global` or `DOKKU_APP_RESTORE=0`, `triggerRestart`, which restarts
/// only an app that was deployed (the scheduler's one restart).
// `triggerUpdate`: `post-config-update APP OPERATION [KEYS…]` (keys only:
// values never reach a trigger's arguments). The global config's APP is
// `--global`.
fn updated(ctx: &mut Ctx<'_>, target: &Target, operation: &str, keys: Vec<String>) {
    let app = target.clone().unwrap_or_else(|| "--global".to_owned());
    let mut args = vec![app, operation.to_owned()];
    args.extend(keys);
    ctx.trigger("post-config-update", &args);
}

fn after_change(ctx: &mut Ctx<'_>, target: &Target, restart: bool) {
    let Some(app_name) = target else {
        return;
    };
    let Some(app) = ctx.host.apps.get(app_name) else {
        return;
    };
    let restore = app.config.get("DOKKU_APP_RESTORE").map(String::as_str) != Some("0");
    if !(restart && restore) {
        return;
    }
    // Before 0.37 `triggerRestart` announced the restart of an app that was
    // never deployed too (the trigger then did nothing).
    if !app.deployed && ctx.host.version < LOAD_ERRORS_AND_DEPLOYED_CHECK {
        ctx.out.info1(&format!("Restarting app {app_name}"));
        return;
    }
    let app_name = app_name.clone();
    scheduler::config_restart(ctx, &app_name);
}

/// `validateKey`: `^[a-zA-Z_][a-zA-Z0-9_]*$`.
pub(crate) fn valid_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `singleQuoteEscape`: `'` → `'\''`.
fn single_quote_escape(value: &str) -> String {
    value.replace('\'', "'\\''")
}

/// Go's `%v` of a `[]string`: `[a b]`.
fn go_slice(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// `stringWithPrefixAndSeparator`: `<prefix>KEY='value'` joined.
fn quoted_entries(env: &BTreeMap<String, String>, prefix: &str, separator: &str) -> String {
    env.iter()
        .map(|(k, v)| format!("{prefix}{k}='{}'", single_quote_escape(v)))
        .collect::<Vec<_>>()
        .join(separator)
}

/// `DockerArgsKeysString`: `<prefix>KEY` joined by spaces.
fn keys_with_prefix(env: &BTreeMap<String, String>, prefix: &str) -> String {
    env.keys()
        .map(|k| format!("{prefix}{k}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `JSONListString`: `json.Marshal` of `[]map[string]string{name, value}`;
/// an empty environment is a nil slice, which Go encodes as `null`.
fn json_list(env: &BTreeMap<String, String>) -> String {
    if env.is_empty() {
        return "null".to_owned();
    }
    let mut json = String::from("[");
    for (i, (key, value)) in env.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str("{\"name\":");
        go_json_str(&mut json, key);
        json.push_str(",\"value\":");
        go_json_str(&mut json, value);
        json.push('}');
    }
    json.push(']');
    json
}

/// `prettyPrintEnvEntries`: `KEY:` and value as two columnize columns.
pub(crate) fn pretty(env: &BTreeMap<String, String>, prefix: &str) -> String {
    let rows: Vec<Vec<String>> = env
        .iter()
        .map(|(k, v)| vec![format!("{k}:"), v.clone()])
        .collect();
    columnize(&rows, prefix, "  ")
}

/// Go's `base64.StdEncoding.DecodeString`, including where it reports an
/// error (`CorruptInputError`, the byte offset in the input) and its
/// skipping of `\r` and `\n` anywhere in the input. Not strict: non-zero
/// trailing bits are accepted, as Go's StdEncoding does.
pub(crate) fn go_base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    fn sextet(b: u8) -> Option<u8> {
        match b {
            b'A'..=b'Z' => Some(b - b'A'),
            b'a'..=b'z' => Some(b - b'a' + 26),
            b'0'..=b'9' => Some(b - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let newline = |b: u8| b == b'\n' || b == b'\r';
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0usize;
    while si < src.len() {
        // One `decodeQuantum`.
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0usize;
        let mut trailing_garbage = None;
        while j < 4 {
            let Some(&byte) = src.get(si) else {
                if j == 0 {
                    return Ok(out);
                }
                // Padding is mandatory: a short final quantum is an error.
                return Err(si - j);
            };
            si += 1;
            if let Some(value) = sextet(byte) {
                dbuf[j] = value;
                j += 1;
                continue;
            }
            if newline(byte) {
                continue;
            }
            if byte != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while src.get(si).copied().is_some_and(newline) {
                        si += 1;
                    }
                    match src.get(si) {
                        None => return Err(src.len()),
                        Some(b'=') => si += 1,
                        Some(_) => return Err(si - 1),
                    }
                }
                _ => {}
            }
            while src.get(si).copied().is_some_and(newline) {
                si += 1;
            }
            if si < src.len() {
                trailing_garbage = Some(si);
            }
            dlen = j;
            break;
        }
        let val = u32::from(dbuf[0]) << 18
            | u32::from(dbuf[1]) << 12
            | u32::from(dbuf[2]) << 6
            | u32::from(dbuf[3]);
        let bytes = val.to_be_bytes();
        out.extend_from_slice(&bytes[1..dlen]);
        if let Some(at) = trailing_garbage {
            return Err(at);
        }
    }
    Ok(out)
}

/// Go's `archive/tar` `Writer` for `ExportBundle`: per key a USTAR header
/// (name, mode 0600, size; uid, gid and mtime 0; type `0`; empty user and
/// group names), the value padded to 512 bytes; then two zero blocks (Go
/// writes no further record padding). Names over 100 bytes would make Go
/// switch to a PAX header; keys that long are not simulated and are cut.
pub(crate) fn tar_bundle(env: &BTreeMap<String, String>) -> Vec<u8> {
    let mut tar = Vec::new();
    for (key, value) in env {
        tar.extend_from_slice(&ustar_header(key, value.len()));
        tar.extend_from_slice(value.as_bytes());
        let pad = (512 - value.len() % 512) % 512;
        tar.extend(std::iter::repeat_n(0u8, pad));
    }
    tar.extend(std::iter::repeat_n(0u8, 1024));
    tar
}

fn ustar_header(name: &str, size: usize) -> [u8; 512] {
    // `formatOctal`: zero-padded octal leaving room for a NUL.
    fn octal(field: &mut [u8], value: u64) {
        let digits = format!("{value:o}");
        let width = field.len() - 1;
        let text = format!("{digits:0>width$}");
        let n = text.len().min(field.len());
        field[..n].copy_from_slice(&text.as_bytes()[..n]);
        if n < field.len() {
            field[n] = 0;
        }
    }
    let mut block = [0u8; 512];
    let name = name.as_bytes();
    let n = name.len().min(100);
    block[..n].copy_from_slice(&name[..n]);
    octal(&mut block[100..108], 0o600);
    octal(&mut block[108..116], 0);
    octal(&mut block[116..124], 0);
    octal(&mut block[124..136], size as u64);
    octal(&mut block[136..148], 0);
    block[156] = b'0';
    block[257..263].copy_from_slice(b"ustar\0");
    block[263..265].copy_from_slice(b"00");
    octal(&mut block[329..337], 0);
    octal(&mut block[337..345], 0);
    // The checksum counts its own field as spaces, and is written as six
    // octal digits, a NUL and a space.
    block[148..156].copy_from_slice(b"        ");
    let sum: u64 = block.iter().map(|&b| u64::from(b)).sum();
    octal(&mut block[148..155], sum);
    block[155] = b' ';
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_like_go() {
        assert_eq!(go_base64_decode(b"aGk=").unwrap(), b"hi");
        assert_eq!(go_base64_decode(b"aGV5").unwrap(), b"hey");
        assert_eq!(go_base64_decode(b"aG\nV5").unwrap(), b"hey");
        assert_eq!(go_base64_decode(b"").unwrap(), b"");
        assert_eq!(go_base64_decode(b"not*base64"), Err(3));
        assert_eq!(go_base64_decode(b"aGk"), Err(0));
        assert_eq!(go_base64_decode(b"aGk=x"), Err(4));
        assert_eq!(go_base64_decode(b"a==="), Err(1));
        assert_eq!(go_base64_decode(b"aG=="), Ok(b"h".to_vec()));
        assert_eq!(go_base64_decode(b"aG="), Err(3));
    }

    #[test]
    fn keys() {
        assert!(valid_key("_A1"));
        assert!(valid_key("node_env"));
        assert!(!valid_key("1BAD"));
        assert!(!valid_key("A-B"));
        assert!(!valid_key(""));
    }

    #[test]
    fn envfile_sorts_whole_lines() {
        let mut env = BTreeMap::new();
        env.insert("A".to_owned(), "$x \"q\"".to_owned());
        env.insert("A1".to_owned(), "a\nb".to_owned());
        assert_eq!(
            render(&env, "envfile", Godotenv::V1_2).unwrap(),
            "A1=\"a\\nb\"\nA=\"\\$x \\\"q\\\"\"\n"
        );
    }

    #[test]
    fn tar_headers_checksum() {
        let mut env = BTreeMap::new();
        env.insert("KEY".to_owned(), "value".to_owned());
        let tar = tar_bundle(&env);
        assert_eq!(tar.len(), 512 + 512 + 1024);
        assert_eq!(&tar[..3], b"KEY");
        assert_eq!(&tar[100..108], b"0000600\0");
        assert_eq!(&tar[124..136], b"00000000005\0");
        assert_eq!(&tar[257..265], b"ustar\x0000");
        let mut copy = tar[..512].to_vec();
        copy[148..156].copy_from_slice(b"        ");
        let sum: u64 = copy.iter().map(|&b| u64::from(b)).sum();
        let recorded = std::str::from_utf8(&tar[148..154]).unwrap();
        assert_eq!(u64::from_str_radix(recorded, 8).unwrap(), sum);
        assert_eq!(&tar[154..156], b"\0 ");
        assert_eq!(&tar[512..517], b"value");
    }
}
