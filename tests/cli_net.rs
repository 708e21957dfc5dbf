//! The CLI's `ports`, `proxy`, `certs` and `letsencrypt` end to end
//! against `--demo` (the demo host has TLS on some apps and the
//! letsencrypt plugin).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use cli_support::{subcommands, Demo};
use predicates::prelude::*;
use serde_json::json;

#[test]
fn ports_add_list_remove_clear() {
    let demo = Demo::new();
    let api = demo.json(&["ports", "list", "api"]);
    assert!(
        api.as_array().unwrap().contains(&json!({
            "scheme": "https", "host_port": 443, "container_port": 5000
        })),
        "{api}"
    );
    let added = demo.json(&["ports", "add", "blog", "https:8443:5000"]);
    assert_eq!(added["command"], "dokku ports:add blog https:8443:5000");
    let blog = demo.json(&["ports", "list", "blog"]);
    assert!(blog.to_string().contains("8443"), "{blog}");
    // By host port, whatever the scheme.
    demo.cli()
        .args(["ports", "remove", "blog", "8443"])
        .assert()
        .success()
        .stdout(predicate::str::contains("removed host ports 8443 on blog"));
    assert!(!demo
        .json(&["ports", "list", "blog"])
        .to_string()
        .contains("8443"));
    let report = demo.json(&["ports", "report", "blog"]);
    assert!(
        !report["effective"].as_array().unwrap().is_empty(),
        "{report}"
    );
    demo.cli()
        .args(["ports", "set", "blog", "http:8080:5000", "--dry-run"])
        .assert()
        .success()
        .stdout("dokku ports:set blog http:8080:5000\n");
    for bad in ["nonsense", "http:0:5000", "http:80:70000", "-x:1:2"] {
        demo.cli()
            .args(["ports", "add", "blog", bad])
            .assert()
            .code(2);
    }
    demo.cli()
        .args(["ports", "clear", "blog"])
        .assert()
        .success();
    let subs = subcommands(&demo.history_rows());
    for sub in ["ports:add", "ports:remove", "ports:clear"] {
        assert!(subs.contains(&sub.to_owned()), "{sub}: {subs:?}");
    }
    assert!(
        !subs.contains(&"ports:set".to_owned()),
        "the dry run sent nothing"
    );
}

#[test]
fn proxy_off_and_on_and_another_type() {
    let demo = Demo::new();
    assert_eq!(demo.json(&["proxy", "report", "blog"])["enabled"], true);
    demo.cli()
        .args(["proxy", "disable", "blog"])
        .assert()
        .success()
        // The Go proxy plugin names no app (real Dokku 0.38.27,
        // captures-0.38.27-surface.jsonl seq 1040).
        .stdout(predicate::str::contains("-----> Disabling proxy for app\n"));
    assert_eq!(demo.json(&["proxy", "report", "blog"])["enabled"], false);
    demo.cli()
        .args(["proxy", "enable", "blog"])
        .assert()
        .success();
    assert_eq!(demo.json(&["proxy", "report", "blog"])["enabled"], true);
    demo.cli()
        .args(["proxy", "set", "blog", "caddy"])
        .assert()
        .success();
    let report = demo.json(&["proxy", "report", "blog"]);
    assert_eq!(report["proxy_type"]["app"], "caddy", "{report}");
    demo.cli()
        .args(["proxy", "set", "blog", "Not A Type"])
        .assert()
        .code(2);
    demo.cli()
        .args(["proxy", "build-config", "--all", "--dry-run"])
        .assert()
        .success()
        .stdout("dokku proxy:build-config --all\n");
    demo.cli()
        .args(["proxy", "enable", "blog", "--all"])
        .assert()
        .code(2);
}

#[test]
fn certificates_go_on_stdin_and_keys_stay_secret() {
    let demo = Demo::new();
    let report = demo.json(&["certs", "report", "api"]);
    assert_eq!(report["enabled"], true);
    assert!(report["hostnames"].to_string().contains("api.example.com"));
    assert!(
        report["expires_at"].as_str().unwrap().ends_with('Z'),
        "{report}"
    );

    let cert = demo.dir.path().join("server.crt");
    let key = demo.dir.path().join("server.key");
    std::fs::write(
        &cert,
        "-----BEGIN CERTIFICATE-----\nMIIBdemo\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    std::fs::write(
        &key,
        "-----BEGIN PRIVATE KEY-----\nK3Y-M4TER1AL\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    // Not PEM: refused before anything is sent.
    demo.cli()
        .args(["certs", "add", "sandbox", "--cert"])
        .arg(&key)
        .arg("--key")
        .arg(&cert)
        .assert()
        .code(2);
    demo.cli()
        .args(["certs", "add", "sandbox", "--cert"])
        .arg(&cert)
        .arg("--key")
        .arg(&key)
        .arg("--dry-run")
        .assert()
        .success()
        .stdout("dokku certs:add sandbox\n");
    demo.cli()
        .args(["certs", "add", "sandbox", "--cert"])
        .arg(&cert)
        .arg("--key")
        .arg(&key)
        .assert()
        .success()
        .stdout(predicate::str::contains("added a certificate to sandbox"));
    assert_eq!(demo.json(&["certs", "report", "sandbox"])["enabled"], true);
    // The key: refused without --reveal (and nothing sent), shown with it.
    demo.cli()
        .args(["certs", "show", "sandbox", "key"])
        .assert()
        .code(2)
        .stdout("");
    demo.cli()
        .args(["certs", "show", "sandbox", "key", "--reveal"])
        .assert()
        .success()
        .stdout(predicate::str::contains("K3Y-M4TER1AL"));
    let rows = demo.history_rows();
    let shows = rows
        .iter()
        .filter(|r| r["subcommand"] == "certs:show")
        .count();
    assert_eq!(shows, 1, "the refused show sent nothing");
    let added = rows
        .iter()
        .find(|r| r["subcommand"] == "certs:add")
        .unwrap();
    assert_eq!(added["argv"], json!(["certs:add", "sandbox"]));
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&export.stdout).contains("K3Y-M4TER1AL"));
    demo.cli()
        .args(["certs", "remove", "sandbox"])
        .assert()
        .success();
    assert_eq!(demo.json(&["certs", "report", "sandbox"])["enabled"], false);
}

#[test]
fn letsencrypt_list_enable_settings_and_secrets() {
    let demo = Demo::new();
    let list = demo.json(&["letsencrypt", "list"]);
    let blog = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["app"] == "blog")
        .expect("blog has a certificate");
    assert_eq!(blog["renewal_due"], true, "{list}");
    assert!(blog["expires_at"]
        .as_str()
        .unwrap()
        .starts_with("2025-01-13"));
    demo.cli()
        .args(["letsencrypt", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("due now"));

    demo.cli()
        .args(["letsencrypt", "enable", "landing"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Certificate retrieved successfully",
        ));
    assert_eq!(
        demo.json(&["letsencrypt", "active", "landing"])["active"],
        true
    );

    demo.cli()
        .args(["letsencrypt", "set", "api", "email", "tls@example.com"])
        .assert()
        .success();
    let report = demo.json(&["letsencrypt", "report", "api"]);
    assert_eq!(report["email"]["app"], "tls@example.com", "{report}");
    demo.cli()
        .args(["letsencrypt", "unset", "api", "email"])
        .assert()
        .success();
    // A DNS provider credential: never taken from argv, never shown,
    // never stored.
    let token = "cf-T0KEN-value";
    let set = [
        "letsencrypt",
        "set",
        "--global",
        "dns-provider-CF_DNS_API_TOKEN",
    ];
    demo.cli()
        .args(set)
        .arg(token)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a secret"))
        .stderr(predicate::str::contains(token).not());
    demo.cli()
        .args(set)
        .arg("-")
        .write_stdin(format!("{token}\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains(token).not());
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&export.stdout).contains(token));
    demo.cli()
        .args(["letsencrypt", "set", "api", "colour", "blue"])
        .assert()
        .code(2);
    // Revoking asks first.
    demo.cli()
        .args(["letsencrypt", "revoke", "api"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--yes"));
    assert!(!subcommands(&demo.history_rows()).contains(&"letsencrypt:revoke".to_owned()));
    demo.cli()
        .args(["letsencrypt", "auto-renew", "--all", "--dry-run"])
        .assert()
        .success()
        .stdout("dokku letsencrypt:auto-renew\n");
}

#[test]
fn a_self_signed_certificate_is_generated_without_questions() {
    let demo = Demo::new();
    assert_eq!(demo.json(&["certs", "report", "sandbox"])["enabled"], false);
    // A dry run names the command (openssl's answers go on stdin) and
    // changes nothing.
    demo.cli()
        .args([
            "--dry-run",
            "certs",
            "generate",
            "sandbox",
            "sandbox.example.com",
            "--country",
            "DE",
        ])
        .assert()
        .success()
        .stdout("dokku certs:generate sandbox sandbox.example.com\n");
    assert_eq!(demo.json(&["certs", "report", "sandbox"])["enabled"], false);
    demo.cli()
        .args(["certs", "generate", "sandbox", "not a domain"])
        .assert()
        .code(2);
    demo.cli()
        .args([
            "certs",
            "generate",
            "sandbox",
            "sandbox.example.com",
            "--organization",
            "Two\nLines",
        ])
        .assert()
        .code(2);

    demo.cli()
        .args(["certs", "generate", "sandbox", "sandbox.example.com"])
        .assert()
        .success()
        .stdout(predicate::str::contains("BEGIN CERTIFICATE REQUEST"))
        .stdout(predicate::str::contains(
            "generated a self-signed certificate for sandbox at sandbox.example.com",
        ));
    assert_eq!(demo.json(&["certs", "report", "sandbox"])["enabled"], true);
    let domains = demo.json(&["domains", "report", "sandbox"]);
    assert!(
        domains.to_string().contains("sandbox.example.com"),
        "{domains}"
    );
    // Dokku leaves an existing certificate alone and exits 0: the CLI
    // says nothing was generated.
    demo.cli()
        .args(["certs", "generate", "sandbox", "sandbox.example.com"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing was generated"))
        .stderr(predicate::str::contains("certs remove sandbox"));
    let generated: Vec<_> = demo
        .history_rows()
        .into_iter()
        .filter(|r| r["subcommand"] == "certs:generate")
        .collect();
    assert_eq!(generated.len(), 2, "the dry run sent nothing");
}

#[test]
fn expiry_is_counted_on_the_hosts_clock_everywhere() {
    // The demo host lives in 2025 by its own clock; this machine does not.
    let demo = Demo::new();
    let listed = demo.json(&["letsencrypt", "list"]);
    let api = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["app"] == "api")
        .unwrap()
        .clone();
    let left = api["expires_in_secs"].as_i64().unwrap();
    assert!(left > 0, "{api}");
    let reported = demo.json(&["letsencrypt", "report", "api"]);
    assert_eq!(reported["expiration"], api["expires_at"], "{reported}");
    assert_eq!(reported["expires_in_secs"].as_i64(), Some(left));
    let certs = demo.json(&["certs", "report", "api"]);
    assert_eq!(certs["expires_at"], api["expires_at"], "{certs}");
    assert_eq!(certs["expires_in_secs"].as_i64(), Some(left));
    // People read the same countdown in each.
    let days = format!("in {}d", left / 86_400);
    for args in [
        &["letsencrypt", "list"][..],
        &["letsencrypt", "report", "api"],
        &["certs", "report", "api"],
    ] {
        demo.cli()
            .args(args)
            .assert()
            .success()
            .stdout(predicate::str::contains(days.as_str()))
            .stdout(predicate::str::contains(" ago").not());
    }
}
