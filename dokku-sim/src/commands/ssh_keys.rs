//! The `ssh-keys` plugin (simulated): `ssh-keys:list`, `ssh-keys:add` and
//! `ssh-keys:remove`, over sshcommand's `authorized_keys`.
//!
//! Written from dokku/dokku v0.38.27 `plugins/ssh-keys/subcommands/*` and
//! dokku/sshcommand (`acl-add`: the SHA256 fingerprint printed, a name
//! used twice refused; `list`: one `<fingerprint> NAME="<name>"
//! SSHCOMMAND_ALLOWED_KEYS="…"` line per key, or JSON objects written by
//! sed, compacted by jq when a name is given) and the recorded output
//! (captures-0.38.27-core.jsonl seq 224-231; captures-0.38.27-surface.jsonl
//! seq 1189-1201). A key file named on the command line is read from
//! `SimHost::files`.

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::common::report::go_json_str;
use crate::common::{Ctx, Outcome};
use crate::host::SshKey;

/// sshcommand's default `SSHCOMMAND_ALLOWED_KEYS`.
const ALLOWED_KEYS: &str = "no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding";

/// Run an `ssh-keys` subcommand; `None` if it is not one this module knows.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        "ssh-keys:list" => list(ctx, args),
        "ssh-keys:add" => add(ctx, args),
        "ssh-keys:remove" => remove(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `ssh-keygen -lf`'s SHA256 fingerprint of an OpenSSH public key line:
/// the unpadded base64 of the SHA-256 of the key blob.
pub fn fingerprint(public_key: &str) -> Option<String> {
    let blob = public_key.split_whitespace().nth(1)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .ok()?;
    let digest = Sha256::digest(&bytes);
    let encoded = base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest);
    Some(format!("SHA256:{encoded}"))
}

/// `ssh-keys:list [--format text|json] [<name>]`.
fn list(ctx: &mut Ctx<'_>, args: &[String]) {
    let (format, name) = if args.first().is_some_and(|a| a == "--format") {
        (
            args.get(1).cloned().unwrap_or_default(),
            args.get(2).cloned().unwrap_or_default(),
        )
    } else {
        ("text".to_owned(), args.first().cloned().unwrap_or_default())
    };
    if format != "text" && format != "json" {
        ctx.out
            .fail("Invalid output format specified, supported formats: json, text");
        return;
    }
    let keys = ctx.host.ssh_keys.clone();
    if format == "json" {
        let objects: Vec<String> = keys
            .iter()
            .filter(|k| name.is_empty() || k.name == name)
            .map(|k| json_object(k, !name.is_empty()))
            .collect();
        // jq -c joins with commas; sed's objects are joined the same way.
        ctx.out.log(&format!("[{}]", objects.join(",")));
        return;
    }
    let lines: Vec<String> = keys
        .iter()
        .filter(|k| name.is_empty() || k.name == name)
        .map(|k| {
            format!(
                "{} NAME=\"{}\" SSHCOMMAND_ALLOWED_KEYS=\"{ALLOWED_KEYS}\"",
                k.fingerprint, k.name
            )
        })
        .collect();
    if lines.is_empty() && !name.is_empty() {
        // `grep` finds nothing.
        ctx.out.code = 1;
        return;
    }
    for line in lines {
        ctx.out.log(&line);
    }
}

/// One key as sshcommand's sed writes it (`{ "k": "v", … }`), or as jq
/// prints it compacted.
fn json_object(key: &SshKey, compact: bool) -> String {
    let fields = [
        ("fingerprint", key.fingerprint.as_str()),
        ("name", key.name.as_str()),
        ("SSHCOMMAND_ALLOWED_KEYS", ALLOWED_KEYS),
        ("public-key", key.public_key.as_str()),
    ];
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            let mut value = String::new();
            go_json_str(&mut value, v);
            if compact {
                format!("\"{k}\":{value}")
            } else {
                format!("\"{k}\": {value}")
            }
        })
        .collect();
    if compact {
        format!("{{{}}}", parts.join(","))
    } else {
        format!("{{ {} }}", parts.join(", "))
    }
}

/// `ssh-keys:add <name> [<file>]`: the key from the file, else stdin.
fn add(ctx: &mut Ctx<'_>, args: &[String]) {
    let name = args.first().cloned().unwrap_or_default();
    let key = match args.get(1).filter(|f| !f.is_empty()) {
        Some(file) => ctx.host.files.get(file).cloned().unwrap_or_default(),
        None if !ctx.stdin.is_empty() => String::from_utf8_lossy(ctx.stdin)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned(),
        None => {
            ctx.out.fail("No key specified via file or pipe");
            return;
        }
    };
    let key = key.trim_end_matches('\n').to_owned();
    if key.is_empty() {
        ctx.out.fail("Empty key was specified");
        return;
    }
    if key.lines().count() > 1 {
        ctx.out.fail("Too many keys provided, set one per invocation of dokku ssh-keys:add <NAME> <KEY_FILE>");
        return;
    }
    let Some(fingerprint) = fingerprint(&key) else {
        ctx.out
            .fail("Key specified in is not a valid ssh public key");
        return;
    };
    if ctx.host.ssh_keys.iter().any(|k| k.name == name) {
        // sshcommand's log-fail (stderr, no prefix), then the plugin's.
        ctx.out.stderr_plain("Duplicate ssh key name");
        ctx.out.fail("sshcommand returned an error: 1");
        return;
    }
    ctx.out.log(&fingerprint);
    ctx.host.ssh_keys.push(SshKey {
        name,
        fingerprint,
        public_key: key,
    });
}

/// `ssh-keys:remove <name>` or `--fingerprint <fingerprint>`: silent,
/// also for a key that is not there.
fn remove(ctx: &mut Ctx<'_>, args: &[String]) {
    let first = args.first().cloned().unwrap_or_default();
    if first == "--fingerprint" {
        let Some(fingerprint) = args.get(1).filter(|f| !f.is_empty()) else {
            ctx.out.fail("A fingerprint is required to remove a key, ie: dokku ssh-keys:remove --fingerprint FINGERPRINT");
            return;
        };
        ctx.host.ssh_keys.retain(|k| k.fingerprint != *fingerprint);
        return;
    }
    if first.is_empty() {
        ctx.out
            .fail("A name is required to remove a key, ie: dokku ssh-keys:remove <name>");
        return;
    }
    ctx.host.ssh_keys.retain(|k| k.name != first);
}
