//! The handlers of the surface added by issue 14, driven end to end
//! through a scripted executor that answers with the outputs a real Dokku
//! 0.38.27 recorded (`tests/data`): what they send (secrets on stdin or
//! marked), and what they make of the answer (exit codes that are answers,
//! typed lists and reports).
#![cfg(feature = "test-util")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use dokku_core::api::docker_options;
use dokku_core::api::proxies::ProxyKind;
use dokku_core::api::resource::ResourceKind;
use dokku_core::api::run::RunSpec;
use dokku_core::catalog::plugins;
use dokku_core::model::docker_options::{DockerOptionsReport, Phase};
use dokku_core::model::git::DeployKey;
use dokku_core::model::logs::LogsReport;
use dokku_core::model::plugin::PluginInfo;
use dokku_core::model::proxies::TraefikReport;
use dokku_core::model::resource::{ResourceReport, ResourceValues};
use dokku_core::model::storage::StorageReport;
use dokku_core::testing::ScriptedExecutor;
use dokku_core::{
    AppName, Capabilities, Command, ConfigKey, Dokku, DokkuVersion, Error, ExitStatus, Output,
    PluginName, ProcessType, SecretString,
};

/// The recorded output of `file`'s record `seq`, with its argv checked.
fn recorded(file: &str, seq: u64, argv: &[&str]) -> Output {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(format!("captures-0.38.27-{file}.jsonl"));
    let text = std::fs::read_to_string(path).unwrap();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["seq"].as_u64() == Some(seq) {
            let got: Vec<&str> = v["argv"].as_array().unwrap()[1..]
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            assert_eq!(got, argv, "{file}#{seq}");
            return Output::new(
                ExitStatus::code(i32::try_from(v["exit_code"].as_i64().unwrap()).unwrap()),
                v["stdout"].as_str().unwrap(),
                v["stderr"].as_str().unwrap(),
            );
        }
    }
    panic!("no record {file}#{seq}");
}

fn client(exec: &Arc<ScriptedExecutor>) -> Dokku {
    Dokku::from_arc(exec.clone())
        .with_capabilities(Capabilities::for_version(DokkuVersion::new(0, 38, 27)))
}

fn app(name: &str) -> AppName {
    AppName::new(name).unwrap()
}

#[tokio::test]
async fn git_credentials_travel_on_stdin_and_a_mismatch_is_false_not_an_error() {
    let password = SecretString::new("cap-pass");
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["git:auth", "cap-git.example.com", "cap-user"],
                // The host lacked the `netrc` helper: exit 127 after the info line.
                recorded(
                    "surface",
                    993,
                    &["git:auth", "cap-git.example.com", "cap-user", "cap-pass"],
                ),
            )
            .with_stdin(b"cap-pass\n".to_vec())
            .expect(
                ["git:auth-status", "cap-git.example.com", "cap-user"],
                recorded(
                    "surface",
                    995,
                    &[
                        "git:auth-status",
                        "cap-git.example.com",
                        "cap-user",
                        "other",
                    ],
                ),
            )
            .with_stdin(b"cap-pass\n".to_vec())
            .expect(
                ["git:auth-status", "cap-git.example.com"],
                recorded("surface", 996, &["git:auth-status", "cap-git.example.com"]),
            ),
    );
    let dokku = client(&exec);
    let git = dokku.git();
    let err = git
        .auth("cap-git.example.com", "cap-user", &password)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::CommandFailed { status, .. } if status.as_code() == Some(127)),
        "{err}"
    );
    assert!(!err.to_string().contains("cap-pass"));
    let credentials = Some(("cap-user", &password));
    assert!(!git
        .auth_matches("cap-git.example.com", credentials)
        .await
        .unwrap());
    assert!(git.auth_matches("cap-git.example.com", None).await.unwrap());
    exec.verify().unwrap();
    // Never in argv, on any path.
    for call in exec.calls() {
        assert!(!call.iter().any(|a| a.contains("cap-pass")), "{call:?}");
    }
}

#[tokio::test]
async fn the_deploy_key_is_none_before_it_exists_and_generating_twice_keeps_it() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["git:public-key"],
                recorded("surface", 987, &["git:public-key"]),
            )
            .expect(
                ["git:generate-deploy-key"],
                recorded("surface", 988, &["git:generate-deploy-key"]),
            )
            .expect(
                ["git:generate-deploy-key"],
                recorded("surface", 990, &["git:generate-deploy-key"]),
            )
            .expect(
                ["git:public-key"],
                recorded("surface", 989, &["git:public-key"]),
            ),
    );
    let git = client(&exec);
    let git = git.git();
    assert_eq!(git.public_key().await.unwrap(), None);
    assert_eq!(
        git.generate_deploy_key().await.unwrap(),
        DeployKey::Generated
    );
    assert_eq!(
        git.generate_deploy_key().await.unwrap(),
        DeployKey::AlreadyExisted
    );
    let key = git.public_key().await.unwrap().unwrap();
    assert!(key.starts_with("ssh-ed25519 ") && key.ends_with("dokku@vm"));
    exec.verify().unwrap();
}

#[tokio::test]
async fn registry_login_sends_the_password_on_stdin() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                [
                    "registry:login",
                    "--password-stdin",
                    "cap-misc",
                    "registry.example.com",
                    "cap-user",
                ],
                recorded(
                    "surface",
                    1089,
                    &[
                        "registry:login",
                        "--password-stdin",
                        "cap-misc",
                        "registry.example.com",
                        "cap-user",
                    ],
                ),
            )
            .with_stdin(b"s3cret\n".to_vec()),
    );
    let err = client(&exec)
        .registry()
        .login(
            Some(&app("cap-misc")),
            "registry.example.com",
            "cap-user",
            &SecretString::new("s3cret"),
        )
        .await
        .unwrap_err();
    match err {
        Error::CommandFailed { message, .. } => {
            assert!(
                message.starts_with("Unable to run docker login"),
                "{message}"
            )
        }
        other => panic!("{other}"),
    }
    exec.verify().unwrap();
}

#[test]
fn passwords_typed_into_raw_commands_are_marked_secret_by_the_catalog() {
    let login = Command::new("registry:login").args(["registry.example.com", "u", "hunter2"]);
    assert_eq!(
        login.redacted_argv(),
        ["registry:login", "registry.example.com", "u", "***"]
    );
    let global = Command::new("registry:login").args(["--global", "ghcr.io", "ci", "hunter2"]);
    assert_eq!(global.redacted_argv()[4], "***");
    assert_eq!(
        global.redacted_argv()[3],
        "ci",
        "the username stays visible"
    );
    // The SDK's form sends the password on stdin: every word shows.
    let app = AppName::new("api").unwrap();
    let stdin = dokku_core::api::registry::login_command(
        Some(&app),
        "ghcr.io",
        "ci",
        &SecretString::new("hunter2"),
    )
    .unwrap();
    assert_eq!(
        stdin.redacted_argv(),
        ["registry:login", "--password-stdin", "api", "ghcr.io", "ci"]
    );
    let auth = Command::new("git:auth").args(["github.com", "deploy", "hunter2"]);
    assert_eq!(auth.redacted_argv()[3], "***");
    let run = Command::new("run").args(["-e", "TOKEN=hunter2", "api", "env"]);
    assert_eq!(
        run.redacted_argv(),
        ["run", "-e", "TOKEN=***", "api", "env"]
    );
    assert!(run.output_is_secret(), "run prints what the command prints");
    let joined = Command::new("run").args(["--env=TOKEN=hunter2", "api", "env"]);
    assert_eq!(joined.redacted_argv()[1], "***");
    let http = Command::new("http-auth:add-user").args(["api", "alice", "hunter2"]);
    assert_eq!(http.redacted_argv()[3], "***");
    let traefik = Command::new("traefik:set").args(["--global", "basic-auth-password", "hunter2"]);
    assert_eq!(traefik.redacted_argv()[3], "***");
    assert!(traefik.output_is_secret(), "the set echoes the value");
    for secret_output in [
        Command::new("traefik:report"),
        Command::new("scheduler-k3s:show-kubeconfig"),
        Command::new("scheduler-k3s:report").arg("--global"),
        Command::new("events"),
        Command::new("enter").args(["api", "web", "--", "env"]),
    ] {
        assert!(secret_output.output_is_secret(), "{secret_output}");
    }
    assert!(!Command::new("nginx:report").output_is_secret());
}

#[tokio::test]
async fn an_unknown_ssh_key_name_is_an_empty_list_not_an_error() {
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["ssh-keys:list", "--format", "json", "no-such-user"],
                recorded(
                    "surface",
                    1193,
                    &["ssh-keys:list", "--format", "json", "no-such-user"],
                ),
            )
            .expect(
                ["ssh-keys:list", "--format", "json", "cap-surface-user"],
                // Text form of the same refusal: exit 1, nothing printed.
                recorded("surface", 1192, &["ssh-keys:list", "no-such-user"]),
            )
            .expect(
                ["ssh-keys:list", "--format", "json"],
                recorded("core", 229, &["ssh-keys:list", "--format", "json"]),
            ),
    );
    let dokku = client(&exec);
    let keys = dokku.ssh_keys();
    assert!(keys.list(Some("no-such-user")).await.unwrap().is_empty());
    assert!(keys
        .list(Some("cap-surface-user"))
        .await
        .unwrap()
        .is_empty());
    let all = keys.list(None).await.unwrap();
    let names: Vec<&str> = all.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["admin", "battery-user"]);
    assert!(all[0].fingerprint.starts_with("SHA256:"));
    assert!(all[0]
        .public_key
        .as_deref()
        .unwrap()
        .starts_with("ssh-ed25519 "));
    exec.verify().unwrap();
}

#[tokio::test]
async fn a_missing_network_is_false_and_destroy_needs_the_name_twice() {
    let exec = Arc::new(ScriptedExecutor::new().expect(
        ["network:exists", "cap-net"],
        recorded("surface", 1020, &["network:exists", "cap-net"]),
    ));
    let dokku = client(&exec);
    assert!(!dokku.networks().exists("cap-net").await.unwrap());
    let refused = dokku
        .networks()
        .destroy("cap-net", "cap-nett")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, Error::InvalidArgument { .. }),
        "{refused}"
    );
    exec.verify().unwrap();
}

#[tokio::test]
async fn enter_refuses_an_interactive_shell_and_streams_a_command() {
    let exec = Arc::new(ScriptedExecutor::new().expect(
        ["enter", "cap-misc", "web", "--", "ls"],
        recorded("surface", 1227, &["enter", "cap-misc", "web", "--", "ls"]),
    ));
    let dokku = client(&exec);
    let web = ProcessType::new("web").unwrap();
    let shell = dokku
        .one_off()
        .enter(&app("cap-misc"), Some(&web), None, &[])
        .await;
    let Err(Error::InvalidArgument { reason, .. }) = shell else {
        panic!("an interactive shell must be refused");
    };
    assert!(reason.contains("tty"), "{reason}");
    let stream = dokku
        .one_off()
        .enter(&app("cap-misc"), Some(&web), None, &["ls".to_owned()])
        .await
        .unwrap();
    use futures_util::StreamExt;
    let chunks: Vec<_> = stream.collect().await;
    assert!(
        matches!(chunks.last(), Some(Ok(dokku_core::Chunk::Exit(s))) if s.as_code() == Some(1)),
        "the stream ends with Dokku's exit status"
    );
    exec.verify().unwrap();
}

#[test]
fn run_sends_env_values_as_secrets_and_refuses_an_empty_command() {
    let spec = RunSpec::new(&app("api"), ["rake", "db:migrate"])
        .env(
            ConfigKey::new("TOKEN").unwrap(),
            SecretString::new("s3cret"),
        )
        .ttl_seconds(60);
    let command = spec.command().unwrap();
    assert_eq!(
        command.redacted_argv(),
        [
            "run",
            "--env",
            "TOKEN=***",
            "--no-tty",
            "--ttl-seconds",
            "60",
            "api",
            "rake",
            "db:migrate"
        ]
    );
    assert!(command.output_is_secret());
    assert!(!format!("{command:?}").contains("s3cret"));
    let empty = RunSpec::new(&app("api"), Vec::<String>::new()).command();
    assert!(matches!(empty, Err(Error::InvalidArgument { .. })));
}

#[test]
fn docker_options_keep_each_option_whole_and_by_process() {
    let json = recorded(
        "surface",
        969,
        &["docker-options:report", "cap-misc", "--format", "json"],
    );
    let report = DockerOptionsReport::from_output_one(&json);
    assert_eq!(
        report.deploy.options.as_deref(),
        Some(
            &[
                "--restart=on-failure:5".to_owned(),
                "-v /tmp:/tmp".to_owned()
            ][..]
        )
    );
    let web = &report.deploy_by_process["web"];
    assert_eq!(web.joined, "--memory=256m");
    let text = recorded("surface", 968, &["docker-options:report", "cap-misc"]);
    let from_text = DockerOptionsReport::from_output_one(&text);
    assert_eq!(from_text.deploy_by_process["web"].joined, "--memory=256m");
    assert_eq!(
        from_text.deploy.options, None,
        "text cannot split the joined form"
    );
    let refused = docker_options::add_command(
        &app("api"),
        &[Phase::Build],
        "--x",
        Some(&ProcessType::new("web").unwrap()),
    );
    assert!(refused.is_err(), "--process goes with deploy alone");
}

/// One report out of a recorded output.
trait OneReport: Sized {
    fn from_output_one(output: &Output) -> Self;
}

impl<R: dokku_core::api::report::Report> OneReport for R {
    fn from_output_one(output: &Output) -> Self {
        let mut reports = R::from_output(&output.stdout_lossy()).unwrap();
        assert_eq!(reports.len(), 1);
        reports.remove(0)
    }
}

#[test]
fn resource_and_storage_reports_read_their_dotted_keys_from_text_and_json() {
    let text = recorded("surface", 1119, &["resource:report", "cap-misc"]);
    let json = recorded(
        "surface",
        1120,
        &["resource:report", "cap-misc", "--format", "json"],
    );
    let from_text = ResourceReport::from_output_one(&text);
    let from_json = ResourceReport::from_output_one(&json);
    assert_eq!(from_text.limits, from_json.limits);
    assert_eq!(from_text.reservations, from_json.reservations);
    let defaults = &from_json.limits["_default_"];
    assert_eq!(defaults.memory_swap.as_deref(), Some("1g"));
    assert_eq!(from_json.limits["web"].cpu.as_deref(), Some("2"));

    let storage = recorded("surface", 1175, &["storage:report", "cap-misc"]);
    let report = StorageReport::from_output_one(&storage);
    let entries: Vec<&str> = report
        .attachments
        .iter()
        .map(|a| a.entry_name.as_str())
        .collect();
    assert!(entries.contains(&"cap-vol"), "{entries:?}");
    assert!(report.attachments.iter().any(|a| a.readonly));
}

#[test]
fn a_traefik_password_never_reaches_the_typed_report() {
    let output = Output::new(
        ExitStatus::code(0),
        r#"{"computed-basic-auth-password":"hunter2","global-basic-auth-password":"hunter2","computed-log-level":"ERROR","global-log-level":""}"#,
        "",
    );
    let report = TraefikReport::from_output_one(&output);
    assert!(report.basic_auth_password_set);
    assert_eq!(report.compose.log_level.effective(), Some("ERROR"));
    assert!(!format!("{report:?}").contains("hunter2"));
    assert_eq!(
        report.raw["computed-basic-auth-password"],
        dokku_core::api::report::REDACTED
    );
}

#[test]
fn a_typed_report_redacts_every_secret_the_catalog_marks_in_its_raw_map() {
    // No hook of its own: the redaction comes from the catalog's marks alone.
    let output = Output::new(
        ExitStatus::code(0),
        r#"{"logs-vector-sink":"http://user:hunter2@sink","logs-global-vector-sink":"","logs-max-size":"10m"}"#,
        "",
    );
    let report = LogsReport::from_output_one(&output);
    assert_eq!(
        report.raw["logs-vector-sink"],
        dokku_core::api::report::REDACTED
    );
    assert_eq!(report.raw["logs-global-vector-sink"], "");
    assert_eq!(report.raw["logs-max-size"], "10m");
    assert!(!format!("{:?}", report.raw).contains("hunter2"));
}

#[tokio::test]
async fn resource_limits_are_shown_per_process_type() {
    let exec = Arc::new(ScriptedExecutor::new().expect(
        ["resource:limit", "--process-type", "web", "cap-misc"],
        recorded(
            "surface",
            1116,
            &["resource:limit", "--process-type", "web", "cap-misc"],
        ),
    ));
    let web = ProcessType::new("web").unwrap();
    let limits = client(&exec)
        .resources()
        .get(ResourceKind::Limit, &app("cap-misc"), Some(&web))
        .await
        .unwrap();
    assert_eq!(limits.process_type.as_deref(), Some("web"));
    assert_eq!(limits.values.memory.as_deref(), Some("2g"));
    assert_eq!(limits.values.network, None);
    exec.verify().unwrap();
}

#[tokio::test]
async fn resource_amounts_are_checked_against_the_apps_scheduler_before_sending() {
    let report = || {
        recorded(
            "surface",
            276,
            &["scheduler:report", "cap-fresh", "--format", "json"],
        )
    };
    let exec = Arc::new(
        ScriptedExecutor::new()
            .expect(
                ["scheduler:report", "cap-fresh", "--format", "json"],
                report(),
            )
            .expect(
                ["scheduler:report", "cap-fresh", "--format", "json"],
                report(),
            )
            .expect_ok(["resource:limit", "--memory", "1g", "cap-fresh"], ""),
    );
    let dokku = client(&exec);
    let limit = |amount: &str| {
        let mut values = ResourceValues::default();
        values.set("memory", amount);
        values
    };
    // docker-local adds `m` to `1G` (`1Gm`), which its next deploy refuses.
    let refused = dokku
        .resources()
        .set(ResourceKind::Limit, &app("cap-fresh"), None, &limit("1G"))
        .await
        .unwrap_err();
    let said = refused.to_string();
    assert!(matches!(refused, Error::InvalidArgument { .. }), "{said}");
    assert!(
        said.contains("\"1G\" is not a memory amount the docker-local scheduler takes")
            && said.contains("1Gm"),
        "{said}"
    );
    dokku
        .resources()
        .set(ResourceKind::Limit, &app("cap-fresh"), None, &limit("1g"))
        .await
        .unwrap();
    // Both readings, one limit: the refused one sent nothing.
    exec.verify().unwrap();
}

#[tokio::test]
async fn community_plugin_commands_need_the_plugin() {
    let exec = Arc::new(ScriptedExecutor::new().expect_ok(
        ["maintenance:enable", "api"],
        "-----> Enabling maintenance mode for api\n",
    ));
    let without = client(&exec);
    let refused = without
        .community()
        .maintenance(&app("api"), true)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Unsupported { .. }), "{refused}");
    let mut caps = Capabilities::for_version(DokkuVersion::new(0, 38, 27));
    caps.plugins.push(PluginInfo {
        name: PluginName::new("maintenance").unwrap(),
        version: "0.10.1".to_owned(),
        enabled: true,
        core: Some(false),
        description: "maintenance mode".to_owned(),
        source_url: None,
        committish: None,
        branch: None,
    });
    let with = Dokku::from_arc(exec.clone()).with_capabilities(caps);
    with.community()
        .maintenance(&app("api"), true)
        .await
        .unwrap();
    exec.verify().unwrap();
}

#[test]
fn buildpacks_set_their_stack_with_set_property() {
    let command = dokku_core::api::properties::set_command(
        &plugins::BUILDPACKS,
        &dokku_core::api::Scope::Global,
        "stack",
        Some("gliderlabs/herokuish:latest-24"),
    )
    .unwrap();
    assert_eq!(
        command.to_string(),
        "dokku buildpacks:set-property --global stack gliderlabs/herokuish:latest-24"
    );
}

#[test]
fn proxy_verbs_of_the_wrong_proxy_are_refused_before_sending() {
    use dokku_core::api::proxies;
    assert!(proxies::labels_show_command(ProxyKind::Nginx, &app("api"), None).is_err());
    assert!(proxies::validate_config_command(ProxyKind::Caddy, None, false).is_err());
    assert!(proxies::server_command(ProxyKind::Traefik, "reload").is_err());
    assert_eq!(
        proxies::show_config_command(ProxyKind::Openresty, &app("api")).to_string(),
        "dokku openresty:show-config api"
    );
}

/// `dokku report`'s machine part as recorded (seq 220: the recorder named
/// an app, which changes nothing before the Docker part; no Docker daemon,
/// so exit 1 after it): the vitals are read whatever the exit code. A
/// report that fails before printing them is Dokku's failure.
#[tokio::test]
async fn the_hosts_vitals_are_read_from_the_report_even_when_docker_fails_after_them() {
    let output = recorded("core", 220, &["report", "node-js-app"]);
    assert_eq!(output.status.as_code(), Some(1));
    let exec = Arc::new(ScriptedExecutor::new().expect(["report"], output));
    let vitals = client(&exec).host().vitals().await.unwrap();
    assert_eq!(
        vitals.uname.as_deref(),
        Some("Linux vm 6.18.44-fc-v1147 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux")
    );
    let memory = vitals.memory.unwrap();
    assert_eq!(
        (
            memory.total_mb,
            memory.used_mb,
            memory.free_mb,
            memory.available_mb
        ),
        (24105, 849, 20862, Some(23255))
    );
    assert_eq!((memory.swap_total_mb, memory.swap_used_mb), (0, 0));
    assert_eq!(memory.used_percent(), 3);
    let disk = &vitals.disks[..];
    assert_eq!(disk.len(), 1);
    assert_eq!(
        (
            &*disk[0].filesystem,
            &*disk[0].size,
            &*disk[0].used,
            &*disk[0].available
        ),
        ("/dev/vda", "252G", "21G", "70G")
    );
    assert_eq!(
        (disk[0].used_percent, &*disk[0].mounted_on),
        (Some(24), "/")
    );
    let inodes = &vitals.inodes[0];
    assert_eq!((&*inodes.size, inodes.used_percent), ("16M", Some(3)));

    let refused = Output::new(ExitStatus::code(1), "", " !     permission denied\n");
    let exec = Arc::new(ScriptedExecutor::new().expect(["report"], refused));
    let err = client(&exec).host().vitals().await.unwrap_err();
    assert!(matches!(err, Error::CommandFailed { .. }), "{err}");
}
