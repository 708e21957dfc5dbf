//! How an app is built and run, end to end against `--demo`: mounts,
//! resource limits, zero-downtime checks, docker options, buildpacks and
//! its nginx proxy. The demo host starts with each plugin's settings as an
//! admin makes them (dokku-sim's `scenario::SETTINGS`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use cli_support::Demo;
use serde_json::json;

#[test]
fn mounts_are_listed_added_and_removed_and_a_missing_one_is_not_found() {
    let demo = Demo::new();
    demo.shows(
        &["storage", "list", "blog"],
        &["/var/lib/dokku/data/storage/blog-content", "/app/content"],
    );
    assert_eq!(
        demo.json(&["storage", "list", "shop"]),
        json!([{
            "entry_name": "shop-uploads",
            "host_path": "/var/lib/dokku/data/storage/shop-uploads",
            "container_path": "/app/public/uploads",
        }])
    );
    demo.shows(
        &["storage", "ensure-directory", "api-data"],
        &["Directory ready for mounting"],
    );
    let mount = "/var/lib/dokku/data/storage/api-data:/app/data";
    let mounted = demo.json(&["storage", "mount", "api", mount]);
    assert_eq!(
        mounted["command"],
        format!("dokku storage:mount api {mount}")
    );
    assert_eq!(
        demo.json(&["storage", "list", "api"])[0]["container_path"],
        "/app/data"
    );
    demo.shows(&["storage", "unmount", "api", mount], &["unmounted"]);
    assert_eq!(demo.json(&["storage", "list", "api"]), json!([]));
    demo.fails(
        &["storage", "unmount", "api", mount],
        4,
        &format!("api has no mount {mount}"),
    );

    assert_eq!(
        demo.dry_run(&["storage", "mount", "api", "/srv/x:/app/x"]),
        "dokku storage:mount api /srv/x:/app/x\n"
    );
    assert_eq!(
        demo.dry_run(&[
            "storage",
            "ensure-directory",
            "api-data",
            "--chown",
            "heroku"
        ]),
        "dokku storage:ensure-directory --chown heroku api-data\n"
    );
    demo.refused(&["storage", "mount", "api", "/srv/x"], "has no ':'");
    demo.refused(
        &["storage", "mount", "api", "/srv/a b:/app/x"],
        "whitespace",
    );
    demo.refused(
        &["storage", "ensure-directory", "../etc"],
        "not a valid storage directory",
    );
}

#[test]
fn named_storage_entries_are_created_mounted_set_and_destroyed_after_typing_the_name() {
    let demo = Demo::new();
    let entries = demo.json(&["storage", "entries"]);
    let shop = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["entry"]["name"] == "shop-uploads")
        .unwrap();
    assert_eq!(shop["mounted_by"], json!(["shop"]), "{entries}");
    demo.shows(&["storage", "entries"], &["shop-uploads", "MOUNTED BY"]);
    assert_eq!(
        demo.json(&["storage", "info", "shop-uploads"])["host_path"],
        "/var/lib/dokku/data/storage/shop-uploads"
    );
    demo.fails(
        &["storage", "info", "nope"],
        4,
        "there is no storage entry nope",
    );

    demo.shows(
        &["storage", "create", "api-uploads", "--mode", "0750"],
        &[
            "Storage entry api-uploads created",
            "created storage entry api-uploads",
        ],
    );
    let mounted = demo.json(&[
        "storage",
        "mount",
        "api",
        "api-uploads",
        "--container-dir",
        "/app/uploads",
        "--readonly",
    ]);
    assert_eq!(
        mounted["command"],
        "dokku storage:mount api api-uploads --container-dir /app/uploads --volume-readonly"
    );
    assert_eq!(
        demo.json(&["storage", "list", "api"])[0]["entry_name"],
        "api-uploads"
    );
    // Dokku keeps a mounted entry.
    demo.fails(
        &["storage", "destroy", "api-uploads", "--yes"],
        1,
        "still mounted by app(s): api",
    );
    demo.shows(
        &["storage", "unmount", "api", "api-uploads"],
        &["unmounted api-uploads from api"],
    );
    demo.fails(
        &["storage", "unmount", "api", "api-uploads"],
        4,
        "is not mounted on app",
    );
    demo.shows(
        &["storage", "set", "api-uploads", "mode", "0700"],
        &["set mode of storage entry api-uploads"],
    );
    assert_eq!(
        demo.json(&["storage", "info", "api-uploads"])["mode"],
        "0700"
    );
    demo.refused(&["storage", "destroy", "api-uploads"], "--yes");
    let destroyed = demo.json(&[
        "storage",
        "destroy",
        "api-uploads",
        "--destroy-host-dir",
        "--yes",
    ]);
    assert_eq!(
        destroyed["command"],
        "dokku storage:destroy api-uploads --force --destroy-host-dir"
    );
    demo.fails(
        &["storage", "destroy", "api-uploads", "--yes"],
        4,
        "there is no storage entry api-uploads",
    );

    assert_eq!(
        demo.dry_run(&[
            "storage",
            "mount",
            "api",
            "uploads",
            "--container-dir",
            "/app/u",
            "--phase",
            "deploy",
            "--process-type",
            "web",
        ]),
        "dokku storage:mount api uploads --container-dir /app/u --phase deploy --process-type web\n"
    );
    assert_eq!(
        demo.dry_run(&[
            "storage",
            "unmount",
            "api",
            "uploads",
            "--container-dir",
            "/app/u"
        ]),
        "dokku storage:unmount api uploads --container-dir /app/u\n"
    );
    assert_eq!(
        demo.dry_run(&[
            "storage",
            "create",
            "uploads",
            "/srv/uploads",
            "--chown",
            "heroku"
        ]),
        "dokku storage:create uploads /srv/uploads --chown heroku\n"
    );
    assert_eq!(
        demo.dry_run(&["storage", "entries"]),
        "dokku storage:report --global --format json\n"
    );
    demo.refused(
        &["storage", "set", "uploads", "colour", "red"],
        "unknown property",
    );
    demo.refused(
        &["storage", "mount", "api", "/srv/x:/app/x", "--readonly"],
        "--container-dir",
    );
    demo.refused(
        &["storage", "create", "../etc"],
        "not a valid storage directory",
    );
}

#[test]
fn limits_and_reservations_show_per_process_type_and_are_checked_before_sending() {
    let demo = Demo::new();
    demo.shows(
        &["resource", "show", "api"],
        &["_default_", "cpu=2 memory=1g", "memory=512m"],
    );
    let shop = demo.json(&["resource", "show", "shop"]);
    assert_eq!(
        shop["processes"]["web"]["limit"],
        json!({ "memory": "512m" })
    );
    assert_eq!(
        shop["processes"]["worker"]["limit"],
        json!({ "cpu": "0.5", "memory": "256m" })
    );
    let worker = demo.json(&["resource", "show", "shop", "--process-type", "worker"]);
    assert_eq!(
        worker["processes"].as_object().unwrap().len(),
        1,
        "{worker}"
    );

    let limited = demo.json(&["resource", "limit", "api", "--cpu", "1.5"]);
    assert_eq!(limited["command"], "dokku resource:limit --cpu 1.5 api");
    let api = demo.json(&["resource", "show", "api"]);
    assert_eq!(
        api["processes"]["_default_"]["limit"]["cpu"], "1.5",
        "{api}"
    );
    demo.shows(
        &[
            "resource",
            "reserve",
            "shop",
            "--memory",
            "128m",
            "--process-type",
            "worker",
        ],
        &["reserved memory=128m of the worker processes of shop"],
    );
    let shop = demo.json(&["resource", "show", "shop"]);
    assert_eq!(shop["processes"]["worker"]["reserve"]["memory"], "128m");
    // `clear` unsets one resource, Dokku's way; the others stay.
    demo.json(&["resource", "limit", "api", "--memory", "768m"]);
    demo.json(&["resource", "limit", "api", "--cpu", "clear"]);
    let api = demo.json(&["resource", "show", "api"]);
    assert_eq!(
        api["processes"]["_default_"]["limit"],
        json!({ "memory": "768m" }),
        "{api}"
    );
    demo.shows(
        &["resource", "limit-clear", "api"],
        &["cleared the limits of api"],
    );
    let api = demo.json(&["resource", "show", "api"]);
    assert_eq!(api["processes"]["_default_"]["limit"], json!({}), "{api}");

    assert_eq!(
        demo.dry_run(&[
            "resource",
            "limit",
            "shop",
            "--memory",
            "256m",
            "--cpu",
            "1",
            "--process-type",
            "web",
        ]),
        // The app's scheduler is asked first: the amounts are checked
        // against what it reads.
        "dokku scheduler:report shop --format json\n\
         dokku resource:limit --process-type web --cpu 1 --memory 256m shop\n"
    );
    assert_eq!(
        demo.dry_run(&["resource", "reserve-clear", "api"]),
        "dokku resource:reserve-clear api\n"
    );
    demo.refused(&["resource", "limit", "api"], "no resource given");
    demo.refused(
        &["resource", "limit", "api", "--memory", "lots"],
        "\"lots\" is not a memory amount",
    );
    // Checked against what the app's scheduler reads (api's is
    // docker-local, where Dokku makes `1G` `1Gm` and the deploy fails):
    // read, refused, nothing changed.
    let limits = || {
        let rows = demo.history_rows();
        rows.iter()
            .filter(|r| r["subcommand"] == "resource:limit")
            .count()
    };
    let before = limits();
    let said = demo.fails(
        &["resource", "limit", "api", "--memory", "1G"],
        2,
        "docker-local",
    );
    assert!(
        said.contains("1Gm") && said.contains("nothing was sent"),
        "{said}"
    );
    assert_eq!(limits(), before, "a refused limit was sent");
    // On k3s a quantity; the build container's limits are Docker's still.
    demo.json(&["set", "scheduler", "queue", "selected", "k3s"]);
    demo.json(&["resource", "limit", "queue", "--memory", "512Mi"]);
    let build = ["resource", "limit", "queue", "--memory", "512Mi"];
    let said = demo.fails(
        &[&build[..], &["--process-type", "build"]].concat(),
        2,
        "docker-local",
    );
    assert!(said.contains("\"512Mi\""), "{said}");
    demo.json(&["resource", "limit", "api", "--memory", "1g"]);
    // All GPUs is Docker's `--gpus all`; a CPU count is a number.
    assert_eq!(
        demo.dry_run(&["resource", "limit", "api", "--nvidia-gpu", "all"]),
        "dokku scheduler:report api --format json\ndokku resource:limit --nvidia-gpu all api\n"
    );
    demo.refused(
        &["resource", "limit", "api", "--cpu", "all"],
        "\"all\" is not a cpu amount",
    );
}

#[test]
fn checks_are_disabled_skipped_and_run_per_process_type() {
    let demo = Demo::new();
    let metrics = demo.json(&["checks", "show", "metrics"]);
    assert_eq!(metrics["skipped"], json!(["worker"]), "{metrics}");
    assert_eq!(metrics["disabled"], json!([]), "{metrics}");
    assert_eq!(
        demo.json(&["checks", "show", "queue"])["disabled"],
        json!(["_all_"])
    );
    demo.shows(&["checks", "show", "api"], &["wait to retire (s)  30"]);

    demo.shows(
        &["checks", "disable", "api", "worker", "clock"],
        &[
            "Disabling zero downtime",
            "disabled checks for worker, clock of api",
        ],
    );
    let api = demo.json(&["checks", "show", "api"]);
    assert_eq!(api["disabled"], json!(["worker", "clock"]), "{api}");
    demo.shows(&["checks", "enable", "api"], &["enabled checks for api"]);
    assert_eq!(demo.json(&["checks", "show", "api"])["disabled"], json!([]));
    demo.shows(
        &["checks", "run", "api"],
        &["Running checks for app (api.web.1)"],
    );
    demo.fails(&["checks", "run", "sandbox"], 1, "checks:run sandbox");

    assert_eq!(
        demo.dry_run(&["checks", "skip", "api", "web", "worker"]),
        "dokku checks:skip api web,worker\n"
    );
    assert_eq!(
        demo.dry_run(&["checks", "run", "api"]),
        "dokku checks:run api\n"
    );
    demo.refused(
        &["checks", "disable", "api", "web.1"],
        "not a valid process type",
    );
}

#[test]
fn docker_options_are_listed_by_phase_added_removed_and_cleared() {
    let demo = Demo::new();
    demo.shows(
        &["docker-options", "list", "shop"],
        &["build  --build-arg RAILS_ENV=production"],
    );
    assert_eq!(
        demo.json(&["docker-options", "list", "shop"]),
        json!({ "build": ["--build-arg RAILS_ENV=production"], "deploy": [], "run": [] })
    );
    assert_eq!(
        demo.json(&["docker-options", "list", "shop", "--process", "worker"]),
        json!({ "deploy": ["--shm-size 256m"] })
    );

    // The option after `--`; its words are one option.
    let add = [
        "docker-options",
        "add",
        "api",
        "deploy,run",
        "--",
        "-v",
        "/data:/data",
    ];
    assert_eq!(
        demo.json(&add)["command"],
        "dokku docker-options:add api deploy,run '-v /data:/data'"
    );
    let api = demo.json(&["docker-options", "list", "api"]);
    assert_eq!(
        api["deploy"],
        json!(["--ulimit nofile=65536:65536", "-v /data:/data"]),
        "{api}"
    );
    assert_eq!(api["run"], json!(["-v /data:/data"]), "{api}");
    demo.shows(
        &[
            "docker-options",
            "remove",
            "api",
            "run",
            "--",
            "-v /data:/data",
        ],
        &["removed -v /data:/data (run) of api"],
    );
    assert_eq!(
        demo.json(&["docker-options", "list", "api"])["run"],
        json!([])
    );
    demo.shows(&["docker-options", "clear", "api"], &["(every phase)"]);
    assert_eq!(
        demo.json(&["docker-options", "list", "api"]),
        json!({ "build": [], "deploy": [], "run": [] })
    );

    assert_eq!(
        demo.dry_run(&[
            "docker-options",
            "add",
            "shop",
            "deploy",
            "--process",
            "worker",
            "--",
            "--shm-size",
            "512m",
        ]),
        "dokku docker-options:add --process worker shop deploy '--shm-size 512m'\n"
    );
    assert_eq!(
        demo.dry_run(&["docker-options", "clear", "api", "build,run"]),
        "dokku docker-options:clear api build,run\n"
    );
    demo.refused(
        &["docker-options", "add", "api", "deploy"],
        "no option given",
    );
    demo.refused(
        &["docker-options", "add", "api", "later", "--", "-x"],
        "not a list of phases",
    );
    demo.refused(
        &[
            "docker-options",
            "add",
            "api",
            "run",
            "--process",
            "web",
            "--",
            "-x",
        ],
        "deploy phase",
    );
}

#[test]
fn buildpacks_keep_their_order_and_a_token_in_a_url_stays_hidden() {
    let demo = Demo::new();
    demo.shows(
        &["buildpacks", "list", "shop"],
        &[
            "1  https://github.com/heroku/heroku-buildpack-ruby.git",
            "2  https://github.com/heroku/heroku-buildpack-nodejs.git",
        ],
    );
    demo.shows(
        &["buildpacks", "add", "api", "heroku/ruby", "--index", "1"],
        &["added heroku/ruby at 1 on api"],
    );
    assert_eq!(
        demo.json(&["buildpacks", "list", "api"]),
        json!([
            "https://github.com/heroku/heroku-buildpack-ruby.git",
            "https://github.com/heroku/heroku-buildpack-nodejs.git",
        ])
    );
    demo.shows(
        &["buildpacks", "set", "api", "heroku/go"],
        &["set heroku/go"],
    );
    assert_eq!(
        demo.json(&["buildpacks", "list", "api"])[0],
        "https://github.com/heroku/heroku-buildpack-go.git"
    );
    demo.fails(
        &["buildpacks", "remove", "api", "heroku/python"],
        4,
        "heroku/python is not a buildpack of api",
    );

    // A private buildpack: its token never shown, written or recorded.
    let private = "https://ci:tok3n@git.example.com/buildpack.git";
    demo.shows(&["buildpacks", "clear", "api"], &["cleared"]);
    let shown = demo.shows(
        &["buildpacks", "add", "api", private],
        &["https://ci:***@git.example.com/buildpack.git"],
    );
    assert!(!shown.contains("tok3n"), "{shown}");
    // Listed as data: refused masked into a pipe, as text or JSON.
    demo.fails(&["buildpacks", "list", "api"], 2, "--reveal");
    demo.fails(&["buildpacks", "list", "api", "--json"], 2, "--reveal");
    assert_eq!(
        demo.json(&["buildpacks", "list", "api", "--reveal"]),
        json!([private])
    );
    let export = demo.cli().args(["history", "export"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&export.stdout).contains("tok3n"));

    assert_eq!(
        demo.dry_run(&["buildpacks", "add", "api", "heroku/ruby", "--index", "2"]),
        "dokku buildpacks:add --index 2 api heroku/ruby\n"
    );
    assert_eq!(
        demo.dry_run(&["buildpacks", "add", "api", private]),
        "dokku buildpacks:add api 'https://ci:***@git.example.com/buildpack.git'\n"
    );
    demo.refused(
        &["buildpacks", "add", "api", "not a url"],
        "not a buildpack",
    );
    demo.refused(
        &["buildpacks", "add", "api", "heroku/ruby", "--index", "0"],
        "--index",
    );
}

#[test]
fn nginx_shows_an_apps_config_once_built_and_stopping_it_asks_first() {
    let demo = Demo::new();
    demo.fails(
        &["nginx", "show-config", "api"],
        1,
        "No nginx.conf exists for api",
    );
    demo.shows(&["proxy", "build-config", "api"], &[]);
    demo.shows(
        &["nginx", "show-config", "api"],
        &["server_name api.dokku.me api.example.com;"],
    );
    let shown = demo.json(&["nginx", "show-config", "api"]);
    assert_eq!(shown["app"], "api");
    assert!(shown["config"]
        .as_str()
        .unwrap()
        .contains("upstream api-5000"));
    demo.shows(
        &["nginx", "validate-config"],
        &["validated the nginx configuration of every app"],
    );
    assert_eq!(demo.json(&["nginx", "access-logs", "api"]), json!([]));
    demo.shows(&["nginx", "error-logs", "api", "-t"], &[]);

    let reloaded = demo.json(&["nginx", "reload"]);
    assert_eq!(reloaded["action"], "reloaded", "{reloaded}");
    assert_eq!(reloaded["command"], "dokku nginx:reload");
    demo.shows(&["nginx", "start"], &["started nginx"]);

    assert_eq!(demo.dry_run(&["nginx", "stop"]), "dokku nginx:stop\n");
    assert_eq!(demo.dry_run(&["nginx", "reload"]), "dokku nginx:reload\n");
    assert_eq!(
        demo.dry_run(&["nginx", "access-logs", "api", "-t"]),
        "dokku nginx:access-logs api -t\n"
    );
    assert_eq!(
        demo.dry_run(&["nginx", "validate-config", "api", "--clean"]),
        "dokku nginx:validate-config api --clean\n"
    );
    demo.refused(&["nginx", "stop"], "--yes");
    demo.shows(&["nginx", "stop", "--yes"], &["stopped nginx"]);
    demo.refused(&["nginx", "show-config", "Bad_App"], "not a valid app name");
}
