//! What is removed before anything reaches the database.
//!
//! Which arguments are secret and which outputs print secrets is not
//! decided here: the [`Command`] says so, from dokku-core's catalog (one
//! description per Dokku plugin), however it was built — by a handler, or
//! from a raw argv typed into a CLI. Three rules, applied to every row:
//! 1. Secret arguments never arrive here: the argv is the command's
//!    redacted form (`***`, `KEY=***`), and any `scheme://user:password@`
//!    in it is masked too (git URLs, DSNs passed as plain arguments).
//! 2. The output of a command whose output is secret (`config:export`,
//!    `config:get`, a datastore's `:info` …) is stored only as its shape:
//!    the keys of a JSON object, or its length.
//! 3. Everywhere else, URL passwords are masked, every secret value the
//!    command carried is scrubbed, and outputs are capped (the original
//!    length is kept).

use dokku_core::parse::config::redact_env_read_errors;
use dokku_core::secret::mask_userinfo;
use dokku_core::{Arg, Command};

/// Longest stdout or stderr stored per row, in bytes.
pub const OUTPUT_CAP: usize = 16 * 1024;

/// Every secret value a command carries, as sent: secret arguments whole,
/// and the value part of `KEY=value` assignments.
pub fn secrets_of(command: &Command) -> Vec<String> {
    let mut secrets: Vec<String> = Vec::new();
    for arg in command.arguments() {
        match arg {
            Arg::Plain(_) => {}
            Arg::Secret(s) => secrets.push(s.expose().to_owned()),
            Arg::Assignment { wire, .. } => {
                secrets.push(wire.expose().to_owned());
                if let Some((_, value)) = wire.expose().split_once('=') {
                    secrets.push(value.to_owned());
                }
            }
            // Arg is non-exhaustive: an unknown kind is treated as secret.
            other => secrets.push(other.expose().to_owned()),
        }
    }
    // Longest first, so a value is not left half-scrubbed by a shorter one
    // it contains; very short values would scrub ordinary words.
    secrets.retain(|s| s.len() >= 4);
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}

/// Replace every occurrence of each secret with `***`.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), "***");
        }
    }
    out
}

/// Cut `text` to at most `max` bytes on a character boundary, marking the cut.
pub fn cap(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [cut at {max} of {} bytes]", &text[..end], text.len())
}

/// The stored form of an output that contains secrets: the keys of a JSON
/// object (values `***`), else only its length. (No hash: an unsalted hash
/// of a short secret can be guessed offline.)
pub fn shape_only(text: &str) -> String {
    if let Ok(serde_json::Value::Object(map)) =
        serde_json::from_str::<serde_json::Value>(text.trim())
    {
        let keys: serde_json::Map<String, serde_json::Value> = map
            .keys()
            .map(|k| (k.clone(), serde_json::Value::String("***".to_owned())))
            .collect();
        return serde_json::Value::Object(keys).to_string();
    }
    if text.is_empty() {
        return String::new();
    }
    format!("[secret output: {} bytes]", text.len())
}

/// The stored form of one output stream of `command`.
pub fn output(command: &Command, text: &str, secrets: &[String]) -> String {
    if command.output_is_secret() {
        shape_only(text)
    } else {
        self::text(text, secrets)
    }
}

/// The stored argv: the command's redacted argv (URL passwords masked),
/// and for a JSON object on stdin one more word, `<stdin {"KEY":"***"}>`,
/// so an audit trail still says which variables a `config:import` set.
pub fn argv(command: &Command) -> Vec<String> {
    let mut argv = command.redacted_argv();
    if let Some(shape) = stdin_shape(command) {
        argv.push(format!("<stdin {shape}>"));
    }
    argv
}

/// The stored form of free text about a command (error messages, stderr of
/// secret commands): secrets scrubbed, Dokku's messages about an unreadable
/// ENV file cut before the stored values they quote (any command that reads
/// an app's environment can print one), URL passwords masked, NUL bytes
/// made U+FFFD (PostgreSQL's text cannot hold them, and the trail must read
/// the same on every store), capped.
pub fn text(text: &str, secrets: &[String]) -> String {
    let text = redact_env_read_errors(text);
    let text = mask_userinfo(&scrub(&text, secrets)).replace('\0', "\u{FFFD}");
    cap(&text, OUTPUT_CAP)
}

/// What the audit trail keeps of a command's standard input: the keys of a
/// JSON object (values `***`; `config:import`'s variables), else nothing.
pub fn stdin_shape(command: &Command) -> Option<String> {
    let bytes = command.stdin_bytes()?.expose();
    let text = std::str::from_utf8(bytes).ok()?;
    text.trim_start()
        .starts_with('{')
        .then(|| shape_only(text))
        .filter(|shape| shape.starts_with('{'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dokku_core::SecretString;

    #[test]
    fn nul_bytes_are_stored_as_replacement_characters() {
        assert_eq!(text("a\0b\0", &[]), "a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn secret_values_are_scrubbed_and_argv_redacted() {
        let cmd = Command::write("config:set")
            .arg("app")
            .push(Arg::assignment("TOKEN", "c2VjcmV0LXZhbHVl"))
            .secret(SecretString::new("hunter22"));
        let secrets = secrets_of(&cmd);
        assert_eq!(argv(&cmd), ["config:set", "app", "TOKEN=***", "***"]);
        assert_eq!(
            scrub("echoed c2VjcmV0LXZhbHVl and hunter22", &secrets),
            "echoed *** and ***"
        );
    }

    #[test]
    fn an_import_keeps_its_keys_not_its_values() {
        let cmd = Command::write("config:import")
            .quiet()
            .args(["--format", "json", "api", "-"])
            .stdin(br#"{"GREETING":"hello","TOKEN":"s3cr3t"}"#.to_vec());
        let stored = argv(&cmd);
        assert_eq!(
            stored,
            [
                "--quiet",
                "config:import",
                "--format",
                "json",
                "api",
                "-",
                r#"<stdin {"GREETING":"***","TOKEN":"***"}>"#
            ]
        );
        assert!(cmd.output_is_secret());
        let tar = Command::write("certs:add")
            .arg("api")
            .stdin(b"not json".to_vec());
        assert_eq!(argv(&tar), ["certs:add", "api"]);
    }

    #[test]
    fn an_unreadable_env_error_is_stored_without_the_values_it_quotes() {
        let stderr = " !     unexpected character \"\\\"\" in variable name near \"lima\\\"\\nTOKEN=\\\"s3cr3t\\\"\"\n";
        let stored = text(stderr, &[]);
        assert!(!stored.contains("s3cr3t"), "{stored}");
        assert!(!stored.contains("lima"), "{stored}");
        assert!(stored.contains("unexpected character"), "{stored}");
    }

    #[test]
    fn secret_outputs_keep_only_their_shape() {
        assert_eq!(
            shape_only(r#"{"A":"x","B":"postgres://u:p@h/d"}"#),
            r#"{"A":"***","B":"***"}"#
        );
        assert_eq!(shape_only("s3cret\n"), "[secret output: 7 bytes]");
    }

    #[test]
    fn catalogued_secret_printers_are_shape_only_even_when_built_raw() {
        let raw = Command::read("postgres:info").arg("db");
        assert_eq!(
            output(&raw, "       Dsn: postgres://u:pw@h/db\n", &[]),
            "[secret output: 33 bytes]"
        );
        let raw = Command::read("config:show").arg("app");
        assert!(!output(&raw, "KEY: value", &[]).contains("value"));
        let plain = Command::read("apps:list");
        assert_eq!(output(&plain, "api\n", &[]), "api\n");
    }

    #[test]
    fn service_credentials_in_a_raw_command_are_hidden_by_the_catalog() {
        let raw = Command::write("postgres:backup-auth").args([
            "db",
            "AKIAEXAMPLEKEY",
            "wJalrXUtnFEMI",
            "eu-west-1",
        ]);
        assert_eq!(
            argv(&raw),
            ["postgres:backup-auth", "db", "***", "***", "eu-west-1"]
        );
        assert_eq!(
            text("echo AKIAEXAMPLEKEY wJalrXUtnFEMI", &secrets_of(&raw)),
            "echo *** ***"
        );
        let raw =
            Command::write("redis:create").args(["c", "--password", "Sup3rPass", "-i", "redis"]);
        assert_eq!(
            argv(&raw),
            ["redis:create", "c", "--password", "***", "-i", "redis"]
        );
        let raw = Command::write("mysql:backup-set-encryption").args(["db", "Phrase-123"]);
        assert_eq!(argv(&raw), ["mysql:backup-set-encryption", "db", "***"]);
        // Other plugins' arguments are left alone.
        let plain = Command::write("apps:create").args(["db", "--password", "x"]);
        assert_eq!(argv(&plain), ["apps:create", "db", "--password", "x"]);
    }

    #[test]
    fn service_outputs_with_dsns_or_dumps_are_shape_only() {
        for sub in [
            "postgres:export",
            "redis:link",
            "postgres:promote",
            "postgres:create",
        ] {
            let raw = Command::write(sub).arg("db");
            assert!(raw.output_is_secret(), "{sub}");
        }
        assert!(!Command::read("postgres:list").output_is_secret());
        assert!(!Command::write("apps:create").arg("x").output_is_secret());
    }

    #[test]
    fn certificate_keys_and_dns_credentials_are_secret_by_the_catalog() {
        let key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\n-----END PRIVATE KEY-----\n";
        let show = Command::read("certs:show").args(["api", "key"]);
        assert_eq!(
            output(&show, key, &[]),
            format!("[secret output: {} bytes]", key.len())
        );
        assert!(!output(&show, key, &[]).contains("PRIVATE"));
        let crt = Command::read("certs:show").args(["api", "crt"]);
        assert_eq!(output(&crt, "CERT\n", &[]), "CERT\n");
        // A raw command whose credential is a plain argument.
        let set = Command::write("letsencrypt:set").args([
            "--global",
            "dns-provider-AWS_SECRET_ACCESS_KEY",
            "s3cr3tDEMO",
        ]);
        assert_eq!(
            argv(&set),
            [
                "letsencrypt:set",
                "--global",
                "dns-provider-AWS_SECRET_ACCESS_KEY",
                "***"
            ]
        );
        let secrets = secrets_of(&set);
        assert_eq!(secrets, ["s3cr3tDEMO"]);
        let echoed = "=====> Setting dns-provider-AWS_SECRET_ACCESS_KEY to s3cr3tDEMO\n";
        assert!(!output(&set, echoed, &secrets).contains("s3cr3tDEMO"));
        assert!(!text(echoed, &secrets).contains("s3cr3tDEMO"));
        // Ordinary letsencrypt settings stay readable.
        let email = Command::write("letsencrypt:set").args(["api", "email", "ops@example.com"]);
        assert_eq!(argv(&email)[3], "ops@example.com");
        assert_eq!(
            output(&email, "=====> Setting email to ops@example.com\n", &[]),
            "=====> Setting email to ops@example.com\n"
        );
    }

    #[test]
    fn caps_on_char_boundaries() {
        let text = "ü".repeat(10);
        let capped = cap(&text, 5);
        assert!(capped.starts_with("üü…"), "{capped}");
        assert!(capped.contains("of 20 bytes"));
    }
}
