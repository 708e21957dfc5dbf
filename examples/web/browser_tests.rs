//! End-to-end: the dashboard on a real socket, driven in Debian's headless
//! Chromium through chromedriver (WebDriver). What a person does, in order:
//! log in, see the apps, open one, set a config var, scale a process, see a
//! new live log line arrive, create a postgres service and link it to an
//! app (the link shows on both pages), destroy an app after typing its
//! name, log out.
//!
//! Screenshots go to `target/screenshots/`. Without chromium the test
//! skips loudly; with `CI=true` it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dokku_history::HistoryStore;
use dokku_sim::{scenario, SimExecutor};
use fantoccini::{Client, ClientBuilder, Locator};

use crate::server::auth::{Auth, Limits};
use crate::server::{app, AppState, Options};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PASSWORD: &str = "browser-admin-pw";

/// chromedriver, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Start chromedriver, or say why not. `None` means: skip (not under CI).
fn driver() -> Option<Driver> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        let why = format!(
            "browser tests need {} (apt-get install chromium chromium-driver; .ci/run does)",
            missing.join(" and ")
        );
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{why}");
        }
        eprintln!("\n!!!!!!!! SKIPPED: {why} !!!!!!!!\n");
        return None;
    }
    let port = free_port();
    let child = std::process::Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(driver)
}

async fn browser(driver: &Driver, profile: &Path) -> Client {
    let args = [
        "--headless=new".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--window-size=1280,1000".to_owned(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({ "binary": CHROMIUM, "args": args }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session")
}

/// The dashboard on 127.0.0.1:<free port>, over a simulated host.
pub async fn serve(sim: SimExecutor, history: HistoryStore) -> String {
    let auth = Auth::new(PASSWORD, None, Limits::default()).unwrap();
    let options = Options {
        // Secure, as in production: Chromium keeps Secure cookies on
        // http://127.0.0.1 (a potentially trustworthy origin).
        secure_cookie: true,
        snapshot_ttl: Duration::from_secs(2),
        host_label: "demo".to_owned(),
        ..Options::default()
    };
    let state = AppState::new(Arc::new(sim), history, auth, options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://127.0.0.1:{}", addr.port())
}

pub fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(screenshots().join(name), png).unwrap();
}

/// Poll until `check` holds (or fail with `what`).
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn exists(client: &Client, css: &str) -> bool {
    count(client, css).await > 0
}

async fn fill(client: &Client, css: &str, value: &str) {
    let Ok(input) = client.find(Locator::Css(css)).await else {
        let page = client.source().await.unwrap_or_default();
        panic!("no {css} in {page}");
    };
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// The story, start to end, in one browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_runs_the_host_from_the_browser() {
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let sim = SimExecutor::new(scenario::demo()).with_follow_interval(Duration::from_millis(300));
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let base = serve(sim.clone(), history.clone()).await;
    let client = browser(&driver, &dir.path().join("profile")).await;
    // A failed step must still close the browser, so it runs in a task.
    let outcome = {
        let client = client.clone();
        tokio::spawn(async move { story(&client, &base, &sim, &history).await }).await
    };
    let _ = client.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn story(client: &Client, base: &str, sim: &SimExecutor, history: &HistoryStore) {
    // Not logged in: sent to the login page.
    client.goto(&format!("{base}/apps/api")).await.unwrap();
    until("the login page", || async {
        client.current_url().await.unwrap().path() == "/login"
    })
    .await;
    fill(client, "#password", "wrong").await;
    click(client, "form.login button").await;
    until("the wrong-password message", || async {
        exists(client, "p.error").await
    })
    .await;
    fill(client, "#password", PASSWORD).await;
    click(client, "form.login button").await;

    // The dashboard: every demo app with its state.
    client
        .wait()
        .for_element(Locator::Css("table.apps"))
        .await
        .unwrap();
    for app in scenario::demo_states().keys() {
        let row = format!("tr[data-app=\"{app}\"]");
        assert!(exists(client, &row).await, "{app} missing");
    }
    let metrics = text(client, "tr[data-app=\"metrics\"] .badge").await;
    assert_eq!(metrics, "crashed");
    shot(client, "dashboard.png").await;
    client.set_window_size(390, 844).await.unwrap();
    shot(client, "dashboard-phone.png").await;
    client.set_window_size(1280, 1000).await.unwrap();

    // Open one app.
    click(client, "tr[data-app=\"api\"] a").await;
    client
        .wait()
        .for_element(Locator::Css("#config"))
        .await
        .unwrap();
    assert_eq!(text(client, "h1").await, "api");

    // Set a config var: listed by key, its value masked.
    fill(client, "#config-set input[name=key]", "E2E_GREETING").await;
    fill(
        client,
        "#config-set input[name=value]",
        "hello from chromium",
    )
    .await;
    click(client, "#config-set button").await;
    until("the new config var", || async {
        exists(client, "tr[data-key=\"E2E_GREETING\"]").await
    })
    .await;
    assert!(text(client, ".flash").await.contains("set E2E_GREETING"));
    let masked = text(client, "tr[data-key=\"E2E_GREETING\"] code.value").await;
    assert!(!masked.contains("hello"), "value shown unmasked");
    let stored = sim.with_host(|h| h.apps["api"].config.get("E2E_GREETING").cloned());
    assert_eq!(stored.as_deref(), Some("hello from chromium"));
    // An admin reveals it on demand (one audited config:get).
    click(
        client,
        "tr[data-key=\"E2E_GREETING\"] form[data-reveal] button",
    )
    .await;
    until("the revealed value", || async {
        text(client, "tr[data-key=\"E2E_GREETING\"] code.value").await == "hello from chromium"
    })
    .await;

    // A value Dokku would store corrupted is refused with the key, why,
    // a way around it and a way back; nothing reaches the host.
    fill(client, "#config-set input[name=key]", "E2E_QUOTED").await;
    fill(client, "#config-set input[name=value]", "she said \"hi\"").await;
    click(client, "#config-set button").await;
    until("the refusal", || async { exists(client, "p.error").await }).await;
    let refusal = text(client, "p.error").await;
    assert!(refusal.contains("refusing to set E2E_QUOTED"), "{refusal}");
    assert!(!refusal.contains("she said"), "{refusal}");
    shot(client, "config-refused.png").await;
    click(client, "a[href=\"/apps/api#config\"]").await;
    client
        .wait()
        .for_element(Locator::Css("#config-set"))
        .await
        .unwrap();
    assert!(sim.with_host(|h| !h.apps["api"].config.contains_key("E2E_QUOTED")));

    // Scale a process: Dokku's output streams into the page.
    fill(client, "form.scale input[name=web]", "3").await;
    click(client, "form.scale button").await;
    until("the scale output", || async {
        let out = client.find(Locator::Css("#ps-output")).await.unwrap();
        out.attr("data-state").await.unwrap().as_deref() == Some("done")
    })
    .await;
    let output = text(client, "#ps-output").await;
    assert!(output.contains("[exit 0]"), "{output}");
    assert_eq!(sim.with_host(|h| h.apps["api"].scale["web"]), 3);
    shot(client, "app-scaled.png").await;
    click(client, "a.reload").await;
    until("three web containers", || async {
        text(client, "dl.facts").await.contains("web 3/3")
    })
    .await;

    // The certificate's expiry counts down live.
    let first = text(client, "#tls .countdown").await;
    // About 61 days on the simulated host's clock (its changes tick it).
    assert!(first.starts_with("expires in 60d 23h"), "{first}");
    until("the countdown to tick", || async {
        text(client, "#tls .countdown").await != first
    })
    .await;
    client
        .execute("document.getElementById('tls').scrollIntoView()", vec![])
        .await
        .unwrap();
    shot(client, "app-tls-ports.png").await;

    // Live logs: a new line arrives without reloading.
    client
        .wait()
        .for_element(Locator::Css("#log .l"))
        .await
        .unwrap();
    let before = count(client, "#log .l").await;
    until("a new live log line", || async {
        count(client, "#log .l").await > before
    })
    .await;
    // Paused, the view holds still; resumed, it catches up.
    click(client, "#log-pause").await;
    let held = count(client, "#log .l").await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        count(client, "#log .l").await,
        held,
        "lines added while paused"
    );
    click(client, "#log-pause").await;
    until("the held lines", || async {
        count(client, "#log .l").await > held
    })
    .await;
    client
        .execute("document.getElementById('logs').scrollIntoView()", vec![])
        .await
        .unwrap();
    shot(client, "app-logs.png").await;

    // Databases: create a postgres service, link it to an app, and see the
    // link on both pages.
    click(client, "header nav a[href=\"/databases\"]").await;
    client
        .wait()
        .for_element(Locator::Css("#service-create"))
        .await
        .unwrap();
    fill(client, "#service-create input[name=name]", "e2e-db").await;
    click(client, "#service-create option[value=\"postgres\"]").await;
    click(client, "#service-create button").await;
    client
        .wait()
        .for_element(Locator::Css("#svc-postgres-e2e-db"))
        .await
        .unwrap();
    let actions = "#svc-postgres-e2e-db + tr.service-actions";
    click(client, &format!("{actions} option[value=\"blog\"]")).await;
    click(client, &format!("{actions} form[action$=\"/link\"] button")).await;
    until("the link on the databases page", || async {
        exists(
            client,
            "#svc-postgres-e2e-db td.links a[href=\"/apps/blog\"]",
        )
        .await
    })
    .await;
    assert!(text(client, ".flash")
        .await
        .contains("linked e2e-db to blog"));
    shot(client, "databases.png").await;
    click(
        client,
        "#svc-postgres-e2e-db td.links a[href=\"/apps/blog\"]",
    )
    .await;
    client
        .wait()
        .for_element(Locator::Css("#databases"))
        .await
        .unwrap();
    let linked = text(client, "#databases").await;
    assert!(linked.contains("e2e-db"), "{linked}");
    assert_eq!(
        sim.with_host(|h| h.services["e2e-db"].links.clone()),
        ["blog"]
    );

    // Destroy an app: only after typing its name.
    client.goto(&format!("{base}/apps/sandbox")).await.unwrap();
    let destroy = client.find(Locator::Css("#destroy")).await.unwrap();
    assert!(
        !destroy.is_enabled().await.unwrap(),
        "enabled before typing"
    );
    fill(client, "#destroy-confirm", "sandbo").await;
    assert!(!destroy.is_enabled().await.unwrap());
    fill(client, "#destroy-confirm", "sandbox").await;
    assert!(destroy.is_enabled().await.unwrap());
    destroy.click().await.unwrap();
    until("the dashboard after destroy", || async {
        client.current_url().await.unwrap().path() == "/"
    })
    .await;
    assert!(text(client, ".flash").await.contains("destroyed sandbox"));
    assert!(!exists(client, "tr[data-app=\"sandbox\"]").await);
    assert!(!sim.with_host(|h| h.apps.contains_key("sandbox")));

    // Everything was recorded as the web admin.
    client.goto(&format!("{base}/history")).await.unwrap();
    let verify = text(client, ".verify").await;
    assert!(verify.contains("intact"), "{verify}");
    let records = history.recent(50).await.unwrap();
    for subcommand in [
        "config:import",
        "config:get",
        "ps:scale",
        "postgres:create",
        "postgres:link",
        "apps:destroy",
    ] {
        assert!(
            records.iter().any(|r| r.entry.subcommand == subcommand
                && r.entry.actor == "admin"
                && r.entry.source == dokku_history::Source::Web),
            "{subcommand} not recorded"
        );
    }

    // Log out: back to the login page, and the session is gone.
    click(client, "#logout").await;
    until("the login page after logout", || async {
        client.current_url().await.unwrap().path() == "/login"
    })
    .await;
    client.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/login");
}
