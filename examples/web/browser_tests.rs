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
    let deadline = Instant::now() + Duration::from_secs(60);
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
        "--window-size=1366,900".to_owned(),
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
    serve_with(sim, history, auth).await.0
}

/// The same with the given passwords and sessions; also its state.
pub async fn serve_with(sim: SimExecutor, history: HistoryStore, auth: Auth) -> (String, AppState) {
    let options = Options {
        // Secure, as in production: Chromium keeps Secure cookies on
        // http://127.0.0.1 (a potentially trustworthy origin).
        secure_cookie: true,
        refresh: crate::server::data::Settings {
            budget_per_minute: Duration::from_secs(1_000_000),
            ..crate::server::data::Settings::default()
        },
        host_label: "demo".to_owned(),
        ..Options::default()
    };
    let state = AppState::new(Arc::new(sim), history, auth, options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = state.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (format!("http://127.0.0.1:{}", addr.port()), served)
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

/// Poll until `check` holds (or fail with `what`): a condition with a
/// generous bound (60 s, which only turns a hang into a failure), never a
/// timing assertion.
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait until an element matching `css` is on the page: fantoccini's
/// `wait().for_element`, except that a look a navigation cut short
/// (Chromium's "aborted by navigation", while a submitted form loads the
/// next page) is taken again rather than failing the test.
async fn wait_for(client: &Client, css: &str) {
    until(css, || async {
        client
            .find_all(Locator::Css(css))
            .await
            .is_ok_and(|found| !found.is_empty())
    })
    .await;
}

/// What `script` returns in the page (called with `args`), read as `T`.
async fn js<T: serde::de::DeserializeOwned>(
    client: &Client,
    script: &str,
    args: Vec<serde_json::Value>,
) -> T {
    let value = client.execute(script, args).await.unwrap();
    serde_json::from_value(value).unwrap()
}

/// A screenshot at the desktop size (1366×900) and at a phone's (390×844).
async fn shots(client: &Client, name: &str) {
    client.set_window_size(390, 844).await.unwrap();
    shot(client, &format!("{name}-phone.png")).await;
    client.set_window_size(1366, 900).await.unwrap();
    shot(client, &format!("{name}.png")).await;
}

async fn scroll_to(client: &Client, css: &str) {
    // The page may still be loading (right after a login's redirect).
    wait_for(client, css).await;
    client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView()",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
}

/// The element's text; found again if the page replaced it between
/// finding and reading (a refreshed section, as `click`).
async fn text(client: &Client, css: &str) -> String {
    for _ in 0..5 {
        let element = client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        match element.text().await {
            Ok(text) => return text,
            Err(e) if e.is_stale_element_reference() => continue,
            Err(e) => panic!("{css}: {e}"),
        }
    }
    panic!("{css} kept being replaced");
}

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Whether the element `css` is shown (not hidden by itself or a parent).
async fn displayed(client: &Client, css: &str) -> bool {
    let element = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    element.is_displayed().await.unwrap_or(false)
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

/// Click the element; found again if the page replaced it in between (a
/// refreshed section).
async fn click(client: &Client, css: &str) {
    for _ in 0..5 {
        let Ok(element) = client.find(Locator::Css(css)).await else {
            let url = client.current_url().await.unwrap();
            let page = client.source().await.unwrap_or_default();
            panic!("no {css} on {url}: {page}");
        };
        match element.click().await {
            Ok(()) => return,
            Err(e) if e.is_stale_element_reference() => continue,
            Err(e) => panic!("{css}: {e}"),
        }
    }
    panic!("{css} kept being replaced");
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
    fill(client, "#user", "admin").await;
    fill(client, "#password", "wrong").await;
    click(client, "form.login button").await;
    until("the wrong-password message", || async {
        exists(client, "p.error").await
    })
    .await;
    fill(client, "#password", PASSWORD).await;
    click(client, "form.login button").await;
    // Back where the person was going, then to the dashboard.
    until("the app asked for", || async {
        client.current_url().await.unwrap().path() == "/apps/api"
    })
    .await;
    client.goto(&format!("{base}/")).await.unwrap();

    // The dashboard: every demo app with its state.
    wait_for(client, "table.apps").await;
    for app in scenario::demo_states().keys() {
        let row = format!("tr[data-app=\"{app}\"]");
        assert!(exists(client, &row).await, "{app} missing");
    }
    let metrics = text(client, "tr[data-app=\"metrics\"] .badge").await;
    assert_eq!(metrics, "crashed");
    shots(client, "dashboard").await;

    // Open one app.
    click(client, "tr[data-app=\"api\"] a").await;
    wait_for(client, "#config").await;
    assert_eq!(text(client, "h1").await, "api");

    // Set a config var: listed by key, its value masked.
    fill(client, "#config-set input[name=key]", "E2E_GREETING").await;
    fill(
        client,
        "#config-set textarea[name=value]",
        "hello from chromium",
    )
    .await;
    click(client, "#config-set button").await;
    until("the new config var", || async {
        exists(client, "tr[data-key=\"E2E_GREETING\"]").await
    })
    .await;
    assert!(text(client, ".flash").await.contains("Set E2E_GREETING"));
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

    // A value Dokku would store corrupted is refused next to the form,
    // with the key, why and a way around it; what was typed stays, the
    // page stays; nothing reaches the host. (Dead-end error, issue 15 W4.)
    fill(client, "#config-set input[name=key]", "E2E_QUOTED").await;
    fill(
        client,
        "#config-set textarea[name=value]",
        "she said \"hi\"",
    )
    .await;
    click(client, "#config-set button").await;
    until("the refusal at its form", || async {
        exists(client, "#config-set .form-error").await
    })
    .await;
    let refusal = text(client, "#config-set .form-error").await;
    assert!(refusal.contains("the value of E2E_QUOTED"), "{refusal}");
    assert!(refusal.contains("Nothing was sent"), "{refusal}");
    assert!(!refusal.contains("she said"), "{refusal}");
    assert_eq!(client.current_url().await.unwrap().path(), "/apps/api");
    let kept = client
        .find(Locator::Css("#config-set textarea[name=value]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("she said \"hi\""),
        "the input was lost"
    );
    scroll_to(client, "#config").await;
    shots(client, "config-refused").await;
    assert!(sim.with_host(|h| !h.apps["api"].config.contains_key("E2E_QUOTED")));

    // Scale a process: Dokku's output streams into the page.
    fill(client, "form.scale input[name=web]", "3").await;
    click(client, "form.scale button").await;
    until("the scale output", || async {
        let out = client.find(Locator::Css("#ps-output")).await.unwrap();
        out.attr("data-state").await.unwrap().as_deref() == Some("done")
    })
    .await;
    // The outcome in words, and the page's state refreshed in place.
    let outcome = text(client, "#ps-outcome").await;
    assert!(outcome.starts_with("Scaled api: "), "{outcome}");
    assert!(!text(client, "#ps-output").await.contains("[exit"));
    assert_eq!(sim.with_host(|h| h.apps["api"].scale["web"]), 3);
    until("three web containers, without a reload", || async {
        text(client, "#overview").await.contains("web 3/3")
    })
    .await;
    scroll_to(client, "#processes").await;
    shots(client, "app-scaled").await;

    // The certificate's expiry, in days (a 60-day expiry does not tick
    // seconds).
    let first = text(client, "#tls .countdown").await;
    assert_eq!(first, "expires in 60 days");
    scroll_to(client, "#tls").await;
    shots(client, "app-tls-ports").await;

    // Live logs: a new line arrives without reloading.
    wait_for(client, "#log .l").await;
    let before = count(client, "#log .l").await;
    until("a new live log line", || async {
        count(client, "#log .l").await > before
    })
    .await;
    // Paused, the view holds still while lines arrive; resumed, it
    // catches up. (Waits for a held line, not for time to pass.)
    click(client, "#log-pause").await;
    let held = count(client, "#log .l").await;
    until("a line held while paused", || async {
        let log = client.find(Locator::Css("#log")).await.unwrap();
        log.attr("data-held")
            .await
            .unwrap()
            .and_then(|n| n.parse::<usize>().ok())
            .is_some_and(|n| n > 0)
    })
    .await;
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
    // The lines stay in time order.
    let keys: Vec<String> = js(
        client,
        "return [...document.querySelectorAll('#log .l')].map(l => l.dataset.k)",
        vec![],
    )
    .await;
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "out of order");
    scroll_to(client, "#logs").await;
    shots(client, "app-logs").await;

    // Databases: create a postgres service, link it to an app, and see the
    // link on both pages.
    click(client, "header nav a[href=\"/databases\"]").await;
    wait_for(client, "#service-create").await;
    fill(client, "#service-create input[name=name]", "e2e-db").await;
    click(client, "#service-create option[value=\"postgres\"]").await;
    click(client, "#service-create button").await;
    wait_for(client, "#svc-postgres-e2e-db").await;
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
        .contains("Linked e2e-db to blog as DATABASE_URL;"));
    shots(client, "databases").await;
    click(
        client,
        "#svc-postgres-e2e-db td.links a[href=\"/apps/blog\"]",
    )
    .await;
    wait_for(client, "#databases").await;
    let linked = text(client, "#databases").await;
    assert!(linked.contains("e2e-db"), "{linked}");
    assert_eq!(
        sim.with_host(|h| h.services["e2e-db"].links.clone()),
        ["blog"]
    );

    // Load a dump into it: the chosen file goes up only once the name is
    // typed, and is recorded without its bytes.
    let files = tempfile::tempdir().unwrap();
    let dump = files.path().join("e2e.dump");
    std::fs::write(&dump, b"PGDMP-from-the-browser").unwrap();
    click(client, "header nav a[href=\"/databases\"]").await;
    let load = "#svc-postgres-e2e-db + tr.service-actions form[action$=\"/import\"]";
    wait_for(client, load).await;
    client
        .find(Locator::Css(&format!("{load} input[type=file]")))
        .await
        .unwrap()
        .send_keys(dump.to_str().unwrap())
        .await
        .unwrap();
    let button = format!("{load} button");
    let enabled = || async {
        let button = client.find(Locator::Css(&button)).await.unwrap();
        button.is_enabled().await.unwrap()
    };
    assert!(!enabled().await, "Load a dump before the name was typed");
    fill(client, &format!("{load} input[name=confirm]"), "e2e-db").await;
    assert!(enabled().await);
    click(client, &button).await;
    until("the load's flash", || async {
        exists(client, ".flash").await
            && text(client, ".flash")
                .await
                .contains("Loaded the dump into the postgres service e2e-db")
    })
    .await;
    let recent = history.recent(20).await.unwrap();
    let import = recent
        .iter()
        .find(|r| r.entry.subcommand == "postgres:import")
        .expect("the load was recorded");
    assert_eq!(import.entry.outcome, dokku_history::Outcome::Ok);
    assert!(!format!("{:?}", import.entry).contains("from-the-browser"));
    scroll_to(client, "#svc-postgres-e2e-db").await;
    shots(client, "databases-load").await;

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
    assert!(text(client, ".flash").await.contains("Destroyed sandbox."));
    assert!(!exists(client, "tr[data-app=\"sandbox\"]").await);
    assert!(!sim.with_host(|h| h.apps.contains_key("sandbox")));

    // Everything was recorded as the web admin.
    client.goto(&format!("{base}/history")).await.unwrap();
    let verify = text(client, ".verify").await;
    assert!(verify.contains("intact"), "{verify}");
    shots(client, "history").await;
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

/// Log in through the form, landing where `next` leads.
async fn log_in(client: &Client) {
    log_in_as(client, "admin", PASSWORD).await;
}

/// Log in as `user`.
async fn log_in_as(client: &Client, user: &str, password: &str) {
    wait_for(client, "#password").await;
    fill(client, "#user", user).await;
    fill(client, "#password", password).await;
    click(client, "form.login button").await;
}

/// Run `story` in a browser against a fresh demo dashboard whose clock the
/// story moves by hand; the browser closes even when a step fails.
async fn with_browser<F, Fut>(story: F)
where
    F: FnOnce(Client, String, SimExecutor, AppState, Box<dyn Fn(Duration) + Send + Sync>) -> Fut
        + Send
        + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let sim = SimExecutor::new(scenario::demo()).with_follow_interval(Duration::from_millis(300));
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let (clock, advance) = crate::server::auth::tests::manual_clock();
    let auth = Auth::new(PASSWORD, None, Limits::default())
        .unwrap()
        .with_clock(clock);
    let (base, state) = serve_with(sim.clone(), history, auth).await;
    let client = browser(&driver, &dir.path().join("profile")).await;
    let outcome = {
        let client = client.clone();
        tokio::spawn(async move { story(client, base, sim, state, Box::new(advance)).await }).await
    };
    let _ = client.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Confirmation, a server-side refusal and an ended session, each as a
/// person meets them on the app page (issue 15 W5, W2, W1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_page_actions_ask_first_show_refusals_and_survive_an_ended_session() {
    with_browser(|client, base, sim, state, advance| async move {
        let client = &client;
        client.goto(&format!("{base}/apps/api")).await.unwrap();
        log_in(client).await;
        until("back at the app after logging in", || async {
            client.current_url().await.unwrap().path() == "/apps/api"
        })
        .await;
        wait_for(client, "#ps-stop").await;

        // A streamed output (a deploy, a one-off command) keeps its newest
        // 2,000,000 characters and says how many went before them.
        let (kept, note, first, last): (usize, String, String, String) = js(
            client,
            "const out = document.createElement('pre');
             out.className = 'output';
             document.body.append(out);
             for (let i = 0; i < 30; i++) showOutput(out, String(i % 10).repeat(100000));
             const note = out.querySelector('.dropped').textContent;
             const text = out.textContent.slice(note.length);
             out.remove();
             return [text.length, note, text[0], text[text.length - 1]];",
            vec![],
        )
        .await;
        assert_eq!((kept, &*first, &*last), (2_000_000, "0", "9"), "{note}");
        let digits: String = note.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(digits, "1000000", "{note}");

        // Stop asks first, naming the app and what happens; Cancel runs
        // nothing.
        click(client, "#ps-stop button").await;
        until("the confirmation", || async {
            client
                .find(Locator::Css("#confirm"))
                .await
                .unwrap()
                .attr("open")
                .await
                .unwrap()
                .is_some()
        })
        .await;
        assert_eq!(text(client, "#confirm-title").await, "Stop api?");
        assert!(text(client, "#confirm-consequence")
            .await
            .contains("serves nothing"));
        shots(client, "confirm-stop").await;
        click(client, "#confirm-cancel").await;
        until("the dialog to close", || async {
            client
                .find(Locator::Css("#confirm"))
                .await
                .unwrap()
                .attr("open")
                .await
                .unwrap()
                .is_none()
        })
        .await;
        assert!(
            !exists(client, "#ps-output[data-state]").await,
            "ran after Cancel"
        );
        assert!(sim.with_host(|h| h.apps["api"].scale["web"]) == 2);
        // Confirmed, it runs and says so in words.
        click(client, "#ps-stop button").await;
        click(client, "#confirm-ok").await;
        until("the stop to finish", || async {
            text(client, "#ps-outcome").await.starts_with("Stopped api")
        })
        .await;
        until("the state refreshed", || async {
            text(client, "#overview").await.contains("stopped")
        })
        .await;

        // A count the server refuses (sent by a client that ignores the
        // input's min and type) shows a sentence at the form, not a page.
        client
            .execute(
                "const f = document.getElementById('scale'); f.noValidate = true; \
                 f.querySelector('input[name=web]').type = 'text'; \
                 f.querySelector('input[name=web]').value = '-1';",
                vec![],
            )
            .await
            .unwrap();
        click(client, "#scale button").await;
        until("the refusal at the scale form", || async {
            exists(client, "#scale .form-error").await
        })
        .await;
        let refusal = text(client, "#scale .form-error").await;
        assert!(
            refusal.contains("whole number of containers from 0 to 100"),
            "{refusal}"
        );
        assert!(
            !refusal.contains("<!DOCTYPE") && !refusal.contains("html"),
            "{refusal}"
        );
        let pane = text(client, "#ps-output").await;
        assert!(!pane.contains("<!DOCTYPE"), "{pane}");
        scroll_to(client, "#processes").await;
        shots(client, "scale-refused").await;

        // A one-off command: asked first, its output and ending shown in
        // its own pane.
        fill(client, "#run-command input[name=command]", "worker --once").await;
        click(client, "#run-command button").await;
        until("the run confirmation", || async {
            text(client, "#confirm-title").await == "Run this command in api?"
        })
        .await;
        click(client, "#confirm-ok").await;
        until("the command to end", || async {
            text(client, "#run-outcome").await.contains("ended well")
        })
        .await;
        assert!(text(client, "#run-output")
            .await
            .contains("Found 'worker' in Procfile"));
        scroll_to(client, "#one-off").await;
        shots(client, "one-off-run").await;

        // The session ends (idle expiry). With the live log stopped,
        // Reveal sends the person to log in, then back to this page;
        // nothing flips to "Hide".
        click(client, "#log-follow").await;
        advance(Duration::from_secs(31 * 60));
        state.auth.sweep();
        let reveal = "tr[data-key=\"NODE_ENV\"] form[data-reveal] button";
        click(client, reveal).await;
        until("the login page", || async {
            client.current_url().await.unwrap().path() == "/login"
        })
        .await;
        shots(client, "login-after-expiry").await;
        log_in(client).await;
        until("back at the app", || async {
            client.current_url().await.unwrap().path() == "/apps/api"
        })
        .await;
        wait_for(client, reveal).await;
        assert_eq!(text(client, reveal).await, "Reveal");
        // With the live log following, the page notices by itself: the
        // stream ends with the session, and the page goes to log in.
        wait_for(client, "#log .l").await;
        advance(Duration::from_secs(31 * 60));
        state.auth.sweep();
        until("the login page, unasked", || async {
            client.current_url().await.unwrap().path() == "/login"
        })
        .await;
        let next = client.current_url().await.unwrap();
        assert!(
            next.query()
                .unwrap_or_default()
                .contains("next=%2Fapps%2Fapi"),
            "{next}"
        );
    })
    .await;
}

/// Every page at 390 px: nothing scrolls sideways (measured), long names
/// included (issue 15 W6, W7).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_without_scrolling_sideways() {
    with_browser(|client, base, sim, _state, _advance| async move {
        let client = &client;
        let long = "a-very-long-application-name-that-goes-on-and-on-for-sixty-chars";
        sim.with_host(|h| {
            let app = h.apps["blog"].clone();
            h.apps.insert(long.to_owned(), app);
        });
        client.set_window_size(390, 844).await.unwrap();
        client.goto(&format!("{base}/login")).await.unwrap();
        log_in(client).await;
        wait_for(client, "table.apps").await;
        for path in [
            "/login",
            "/",
            "/apps/api",
            "/apps/shop",
            &format!("/apps/{long}"),
            "/databases",
            "/host",
            "/history",
            "/apps/nope",
            "/sessions",
            "/users",
            "/tokens",
            "/notifications",
            "/apps/api/builds",
        ] {
            client.goto(&format!("{base}{path}")).await.unwrap();
            wait_for(client, "main").await;
            if path == "/apps/api" {
                // A revealed value and a long line must not widen it either.
                click(
                    client,
                    "tr[data-key=\"JWT_PUBLIC_KEY\"] form[data-reveal] button",
                )
                .await;
                until("the revealed key", || async {
                    text(client, "tr[data-key=\"JWT_PUBLIC_KEY\"] code.value")
                        .await
                        .len()
                        > 20
                })
                .await;
            }
            if path == "/host" {
                shot(client, "host-phone.png").await;
            }
            let (scroll, width) = page_widths(client).await;
            assert!(width <= 390, "{path}: the page is {width} px wide");
            assert!(
                scroll <= width,
                "{path} scrolls sideways: {scroll} > {width}"
            );
        }
        // The settings panels, filled in on shop (limits per process type,
        // a named mount, a suspended cron task, two buildpacks, per-process
        // docker options), and its one-off container: each shown, and nothing in one reaches past its
        // edge, at a phone's width and a desktop's.
        client
            .goto(&format!("{base}/apps/shop#resources"))
            .await
            .unwrap();
        wait_for(client, "#network").await;
        for width in [390, 1366] {
            client.set_window_size(width, 900).await.unwrap();
            settings_panels_fit(client, width).await;
        }
        client.set_window_size(390, 844).await.unwrap();
        shot(client, "app-settings-phone.png").await;
        client.set_window_size(1366, 900).await.unwrap();
        shot(client, "app-settings.png").await;
        scroll_to(client, "#one-off").await;
        shots(client, "app-one-off").await;
        client.set_window_size(390, 844).await.unwrap();
        client.goto(&format!("{base}/apps/{long}")).await.unwrap();
        wait_for(client, "main").await;
        shot(client, "long-name-phone.png").await;
        client
            .goto(&format!("{base}/apps/api#config"))
            .await
            .unwrap();
        wait_for(client, "#config").await;
        shot(client, "app-config-phone.png").await;
        // On a phone a variable's buttons share one line.
        let lines: Vec<usize> = js(
            client,
            "return [...document.querySelectorAll('table.config td.row-actions')].map(cell =>
               new Set([...cell.querySelectorAll('button')]
                 .map(b => Math.round(b.getBoundingClientRect().top))).size)",
            vec![],
        )
        .await;
        assert!(!lines.is_empty() && lines.iter().all(|n| *n == 1), "{lines:?}");
        client.set_window_size(1366, 900).await.unwrap();
        shot(client, "app-config.png").await;
        // On a desktop each variable is a table row to its right edge: its
        // buttons sit in a real cell, under the row's line (a flex cell
        // falls out of the row, short of the table's edge).
        let rows: Vec<(String, i64)> = js(
            client,
            "return [...document.querySelectorAll('table.config tr')].map(tr => {
               const cell = tr.querySelector('td.row-actions');
               return [getComputedStyle(cell).display,
                       Math.round(tr.getBoundingClientRect().right - cell.getBoundingClientRect().right)];
             })",
            vec![],
        )
        .await;
        assert!(!rows.is_empty());
        for row in &rows {
            assert_eq!(row, &("table-cell".to_owned(), 0), "{rows:?}");
        }
    })
    .await;
}

/// How wide the page is (its scroll width) and how wide the window shows it.
async fn page_widths(client: &Client) -> (u64, u64) {
    let [scroll, width]: [u64; 2] = js(
        client,
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]",
        vec![],
    )
    .await;
    (scroll, width)
}

/// The app page's settings panels and its one-off containers: each one
/// there with content, and the rightmost edge of anything in it within the
/// panel and the window.
async fn settings_panels_fit(client: &Client, width: u32) {
    let ids: Vec<&str> = crate::server::pages::settings::SECTIONS
        .iter()
        .map(|(id, _)| *id)
        .chain(["one-off"])
        .collect();
    let measured: Vec<(String, u32, u32, usize)> = js(
        client,
        "return arguments[0].map((id) => {
               const s = document.getElementById(id);
               if (!s) return [id, 0, 0, 0];
               const box = s.getBoundingClientRect();
               let right = box.right;
               for (const el of s.querySelectorAll('*')) {
                 const r = el.getBoundingClientRect();
                 if (r.width > 0) right = Math.max(right, r.right);
               }
               return [id, Math.ceil(box.right), Math.ceil(right), s.innerText.length];
             })",
        vec![serde_json::json!(ids)],
    )
    .await;
    for (id, edge, right, text) in measured {
        assert!(text > 20, "#{id} is missing or empty at {width} px");
        assert!(
            edge <= width,
            "#{id} is {edge} px wide in a {width} px window"
        );
        assert!(
            right <= edge,
            "something in #{id} reaches {right} px, past its edge at {edge} px ({width} px window)"
        );
    }
    let (scroll, client_width) = page_widths(client).await;
    assert!(
        scroll <= client_width,
        "the settings scroll sideways at {width} px: {scroll} > {client_width}"
    );
}

/// On a slow host (its reports of every app held at the simulator's gate
/// until the test has seen the page, so however slow the browser is, the
/// host is slower), the dashboard appears at once with every app listed,
/// its rows fill in live without a reload once the host answers, the
/// counter reaches N/N, and nothing fails on the way; at a desktop's width
/// and a phone's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_slow_host_the_dashboard_appears_at_once_and_fills_in_live() {
    let Some(driver) = driver() else { return };
    for (width, height, name) in [(1366, 900, "desktop"), (390, 844, "phone")] {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimExecutor::new(scenario::demo());
        let reports = sim.gate_reports();
        let apps = sim.with_host(|h| h.apps.len());
        let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
        let auth = Auth::new(PASSWORD, None, Limits::default()).unwrap();
        let (base, state) = serve_with(sim, history, auth).await;
        let client = browser(&driver, &dir.path().join("profile")).await;
        let outcome = {
            let client = client.clone();
            tokio::spawn(async move {
                let client = &client;
                client.set_window_size(width, height).await.unwrap();
                client.goto(&format!("{base}/login")).await.unwrap();
                log_in(client).await;
                wait_for(client, "#refresh-progress").await;
                // The page came before the host's reports did: every app is
                // listed, not read yet.
                assert!(
                    !state.store.watch().borrow().complete(),
                    "{name}: the page waited for every report"
                );
                assert_eq!(count(client, "table.apps tbody tr").await, apps);
                assert!(
                    text(client, "table.apps").await.contains("refreshing…"),
                    "{name}: a row was read before the host answered"
                );
                client
                    .execute("window.stillHere = true", vec![])
                    .await
                    .unwrap();
                // The host answers now.
                reports.open();
                let total = format!("{apps}/{apps} fresh");
                until("the counter at N/N", || async {
                    text(client, "#refresh-progress").await == total
                })
                .await;
                until("every row read", || async {
                    !text(client, "table.apps").await.contains("refreshing…")
                })
                .await;
                // The state counts follow the rows (they were counted when
                // the page came, before most rows were read).
                for (state, class) in [
                    ("running", "s-running"),
                    ("crashed", "s-crashed"),
                    ("never-deployed", "s-never"),
                ] {
                    let rows = count(client, &format!("table.apps tbody tr .{class}")).await;
                    assert!(rows > 0, "{name}: no {state} app in the demo");
                    until("the state counts follow the rows", || async {
                        text(client, &format!("#count-{state}")).await == rows.to_string()
                    })
                    .await;
                }
                // A mark's filter that was not there when the page came
                // shows live: the builds reading finds api's failed push.
                assert!(!displayed(client, "#count-deploy-failed").await);
                crate::server::tests::read_builds(&state).await;
                until("the deploy-failed filter shown live", || async {
                    displayed(client, "#count-deploy-failed").await
                        && text(client, "#count-deploy-failed").await == "1"
                })
                .await;
                let same = client.execute("return window.stillHere === true", vec![]);
                assert_eq!(same.await.unwrap(), serde_json::json!(true), "reloaded");
                assert!(text(client, "tr[data-app=\"api\"]")
                    .await
                    .contains("checked"));
                assert!(
                    !exists(client, "#refresh .problem").await,
                    "{name}: a refresh failed"
                );
                shot(client, &format!("dashboard-live-{name}.png")).await;
            })
            .await
        };
        let _ = client.close().await;
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}

/// Deploying from the browser (issue 16): an image deployed from the app
/// page shows Dokku's build output line by line as it is printed (the
/// simulator stepped by the test) and its outcome, the release appears,
/// and the rollback offered asks first with the plan, then runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_deploys_an_image_watches_it_build_live_sees_the_release_and_rolls_back() {
    with_browser(|client, base, sim, _state, _advance| async move {
        let client = &client;
        client.goto(&format!("{base}/apps/api")).await.unwrap();
        log_in(client).await;
        // The simulated Dokku prints each next line only when the test
        // steps it: the page must show lines as they come, not at the end.
        let gate = sim.gate_deploys();
        for (image, done) in [("ghcr.io/acme/api:v1", 1), ("ghcr.io/acme/api:v2", 2)] {
            deploy_image(client, image).await;
            if done == 1 {
                until("the first build line", || async {
                    text(client, "#deploy-output").await.lines().count() == 1
                })
                .await;
                assert!(text(client, "#deploy-outcome").await.starts_with("Running"));
                gate.step(1);
                until("the second build line, live", || async {
                    text(client, "#deploy-output").await.lines().count() == 2
                })
                .await;
                assert!(text(client, "#deploy-outcome").await.starts_with("Running"));
                gate.open();
            }
            // The release listed first: the page refreshes the releases
            // only after this deploy's outcome is shown, so the outcome and
            // output read next are this deploy's, not the one before it
            // (whose "Deployed api" the second round would otherwise see
            // before its own deploy has started).
            until("the release listed", || async {
                count(client, "#releases tbody tr").await == done
            })
            .await;
            until("the deploy to finish", || async {
                text(client, "#deploy-outcome")
                    .await
                    .starts_with("Deployed api")
            })
            .await;
            assert!(text(client, "#deploy-output")
                .await
                .contains("-----> Building api from Dockerfile"));
        }
        shots(client, "deploys").await;
        // The releases fit a phone: one card each, nothing scrolls sideways.
        client.set_window_size(390, 844).await.unwrap();
        let (scroll, width) = page_widths(client).await;
        assert!(
            scroll <= width,
            "the deploys scroll sideways: {scroll} > {width}"
        );
        client.set_window_size(1366, 900).await.unwrap();
        assert!(text(client, "#releases")
            .await
            .contains("image ghcr.io/acme/api:v2"));

        // The rollback asks first and says from which release to which.
        click(client, "#rollback button").await;
        until("the rollback confirmation", || async {
            text(client, "#confirm-title")
                .await
                .starts_with("Roll api back to release")
        })
        .await;
        let plan = text(client, "#confirm-consequence").await;
        assert!(
            plan.contains("git:from-image api ghcr.io/acme/api:v1"),
            "{plan}"
        );
        click(client, "#confirm-ok").await;
        until("the rollback to finish", || async {
            text(client, "#deploy-outcome")
                .await
                .starts_with("Rolled back api")
        })
        .await;
        until("the rollback listed", || async {
            text(client, "#releases").await.contains("rollback to #")
        })
        .await;
        assert_eq!(
            sim.with_host(|h| h.apps["api"].deploy_source_metadata.clone()),
            "ghcr.io/acme/api:v1"
        );

        // A deploy cancelled while it builds: Dokku's builds:cancel ends
        // it, and the release before it still runs.
        let _gate = sim.gate_deploys();
        deploy_image(client, "ghcr.io/acme/api:v2").await;
        until("the first build line", || async {
            text(client, "#deploy-output").await.lines().count() == 1
        })
        .await;
        click(client, "#deploy-cancel button").await;
        until("the cancel confirmation", || async {
            text(client, "#confirm-title")
                .await
                .starts_with("Cancel the running build of api")
        })
        .await;
        click(client, "#confirm-ok").await;
        until("the cancelled release listed", || async {
            client.goto(&format!("{base}/apps/api")).await.unwrap();
            let releases = text(client, "#releases").await;
            releases
                .lines()
                .any(|l| l.contains("ghcr.io/acme/api:v2") && l.contains("cancelled"))
        })
        .await;
        assert_eq!(
            sim.with_host(|h| h.apps["api"].deploy_source_metadata.clone()),
            "ghcr.io/acme/api:v1"
        );
    })
    .await;
}

/// Deploy `image` to api from its page's Deploys form, confirmed.
async fn deploy_image(client: &Client, image: &str) {
    scroll_to(client, "#deploy").await;
    fill(client, "#deploy input[name=image]", image).await;
    click(client, "#deploy button").await;
    until("the deploy confirmation", || async {
        text(client, "#confirm-title").await == "Deploy api?"
    })
    .await;
    click(client, "#confirm-ok").await;
}

/// The demo fleet (eu-1, legacy, us-1) on 127.0.0.1:<free port>, its first
/// fleet status read before it is returned.
async fn serve_fleet() -> String {
    let auth = Auth::new(PASSWORD, None, Limits::default()).unwrap();
    let options = Options {
        secure_cookie: true,
        refresh: crate::server::data::Settings {
            budget_per_minute: Duration::from_secs(1_000_000),
            ..crate::server::data::Settings::default()
        },
        ..Options::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let demo = dokku_fleet::demo::hosts().into_iter().map(|demo| {
        let executor: Arc<dyn dokku::Executor> = Arc::new(SimExecutor::new(demo.host.clone()));
        (demo, executor)
    });
    let hosts = crate::server::fleet::demo_hosts(demo.collect(), |_| None);
    let states = AppState::fleet(hosts, history, auth, options);
    let view = states[0].site.fleet.clone().unwrap();
    view.watch().wait_for(Option::is_some).await.unwrap();
    let router = crate::server::fleet_app(&states);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _dir = dir;
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://127.0.0.1:{}", addr.port())
}

/// Issue 17's evidence: at a desktop's width and a phone's, a person
/// switches host from the header, opens the fleet page and follows a
/// failing app to its page on its host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_switches_host_sees_the_fleet_and_follows_a_failing_app() {
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let base = serve_fleet().await;
    let client = browser(&driver, &dir.path().join("profile")).await;
    let outcome = {
        let client = client.clone();
        tokio::spawn(async move { fleet_story(&client, &base).await }).await
    };
    let _ = client.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn fleet_story(client: &Client, base: &str) {
    let path = || async { client.current_url().await.unwrap().path().to_owned() };
    client.goto(&format!("{base}/h/eu-1/")).await.unwrap();
    log_in(client).await;
    until("eu-1's apps after logging in", || async {
        path().await == "/h/eu-1/" && exists(client, "tr[data-app=\"blog\"]").await
    })
    .await;
    for (width, height, name) in [(1366, 900, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await.unwrap();
        client.goto(&format!("{base}/h/eu-1/")).await.unwrap();
        assert_eq!(text(client, "#current-host").await, "eu-1");
        // Switch to us-1 from the header: its apps, its name in the header.
        click(client, "#host-switcher summary").await;
        click(client, "#host-switcher a[data-host=\"us-1\"]").await;
        until("us-1's apps", || async {
            path().await == "/h/us-1/" && exists(client, "tr[data-app=\"metrics\"]").await
        })
        .await;
        assert_eq!(text(client, "#current-host").await, "us-1");
        assert!(
            !exists(client, "tr[data-app=\"blog\"]").await,
            "eu-1's app on us-1"
        );
        // The header's eight sections stay on one row at every width.
        let mut tops: Vec<i64> = js(
            client,
            "return [...document.querySelectorAll('header.top nav a')]
                   .map((a) => Math.round(a.getBoundingClientRect().top));",
            vec![],
        )
        .await;
        assert_eq!(tops.len(), 8, "{name}: the header's sections");
        tops.dedup();
        assert_eq!(tops.len(), 1, "{name}: the header's sections wrap");
        // The fleet page: every host, us-1's crashed app among the failing.
        click(client, "#host-switcher summary").await;
        click(client, "#host-switcher a[href=\"/fleet\"]").await;
        until("the fleet page", || async { path().await == "/fleet" }).await;
        let failing = "tr[data-host=\"us-1\"] td.failing a[href=\"/h/us-1/apps/metrics\"]";
        until("us-1's failing app", || async {
            exists(client, failing).await
        })
        .await;
        assert!(text(client, "tr[data-host=\"eu-1\"] td.certs")
            .await
            .contains("blog in 5 days"));
        assert!(text(client, "tr[data-host=\"eu-1\"] td.version")
            .await
            .contains("0.38.27"));
        let (scroll, page) = page_widths(client).await;
        assert!(
            scroll <= page && page <= u64::from(width),
            "{name}: the fleet page scrolls sideways"
        );
        // A phone's card names the columns whose values do not say what
        // they are ("none soon").
        let label = client
            .execute(
                "return getComputedStyle(
                   document.querySelector('tr[data-host=\"us-1\"] td.certs'), '::before').content;",
                vec![],
            )
            .await
            .unwrap();
        let expected = if width < 640 {
            "\"Certificates expiring\""
        } else {
            "none"
        };
        assert_eq!(label, expected, "{name}: the certificates column's label");
        shot(client, &format!("fleet-{name}.png")).await;
        // The machines page: every host's memory and fullest disk, read
        // when it is opened; legacy's disk, 92% full, is then named on the
        // fleet page.
        click(client, "#fleet-age a[href=\"/fleet/machines\"]").await;
        until("the machines page", || async {
            path().await == "/fleet/machines"
        })
        .await;
        wait_for(client, "tr[data-host=\"legacy\"]").await;
        let legacy = text(client, "tr[data-host=\"legacy\"]").await;
        assert!(legacy.contains("92% · /"), "{name}: {legacy}");
        let (scroll, page) = page_widths(client).await;
        assert!(
            scroll <= page && page <= u64::from(width),
            "{name}: the machines page scrolls sideways"
        );
        shot(client, &format!("machines-{name}.png")).await;
        // Every host's databases and their backups fit the width too.
        client
            .goto(&format!("{base}/fleet/databases"))
            .await
            .unwrap();
        wait_for(client, "tr[data-host=\"legacy\"][data-service=\"shop-db\"]").await;
        let (scroll, page) = page_widths(client).await;
        assert!(
            scroll <= page && page <= u64::from(width),
            "{name}: the fleet's databases page scrolls sideways"
        );
        shot(client, &format!("fleet-databases-{name}.png")).await;
        client.goto(&format!("{base}/fleet")).await.unwrap();
        wait_for(client, "tr[data-host=\"legacy\"] a.badge.disk").await;
        // Follow the failing app to its page on its host.
        wait_for(client, failing).await;
        click(client, failing).await;
        until("metrics on us-1", || async {
            path().await == "/h/us-1/apps/metrics"
        })
        .await;
        wait_for(client, "h1.app-title").await;
        assert_eq!(text(client, "h1.app-title").await, "metrics");
        assert_eq!(text(client, "#current-host").await, "us-1");
        shot(client, &format!("fleet-app-{name}.png")).await;
    }
}

/// A deployer of team A's apps (`team-a-*`) logs in: the dashboard lists
/// only team A's apps, team B's app is not found by its URL either, and on
/// their own app they may restart but not reveal or destroy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_deployer_sees_only_their_teams_apps_in_the_browser() {
    use crate::server::auth::{bootstrap_users, Role};
    use crate::server::users::{Grant, Pattern, User, UserName, Users};
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let sim = SimExecutor::new(scenario::demo());
    sim.with_host(|host| {
        let app = host.apps["blog"].clone();
        for name in ["team-a-web", "team-a-worker", "team-b-web"] {
            host.apps.insert(name.to_owned(), app.clone());
        }
    });
    let mut users = bootstrap_users(PASSWORD, None).unwrap();
    users.push(User {
        name: UserName::parse("alice").unwrap(),
        password: crate::server::auth::hash_password("alice-browser-pw").unwrap(),
        grants: vec![Grant {
            hosts: Pattern::any(),
            apps: Pattern::parse("team-a-*").unwrap(),
            role: Role::Deployer,
        }],
    });
    let auth = Auth::with_users(Users::in_memory(users), Limits::default());
    let history = HistoryStore::open(dir.path().join("history.db")).unwrap();
    let (base, _state) = serve_with(sim, history, auth).await;
    let client = browser(&driver, &dir.path().join("profile")).await;
    let outcome = {
        let client = client.clone();
        tokio::spawn(async move {
            let client = &client;
            client.goto(&format!("{base}/")).await.unwrap();
            log_in_as(client, "alice", "alice-browser-pw").await;
            until("alice's apps", || async {
                count(client, "#apps tr[data-app]").await == 2
            })
            .await;
            for app in ["team-a-web", "team-a-worker"] {
                assert!(exists(client, &format!("tr[data-app='{app}']")).await);
            }
            let listed = text(client, "#apps").await;
            assert!(!listed.contains("team-b-web"), "{listed}");
            assert_eq!(text(client, "#count-all").await, "2");
            assert_eq!(text(client, "header .role").await, "alice");
            assert!(!exists(client, "#app-create").await);
            shots(client, "team-deployer").await;

            // Team B's app by its URL: not found, like an app that is not there.
            client
                .goto(&format!("{base}/apps/team-b-web"))
                .await
                .unwrap();
            until("the not-found page", || async {
                client
                    .source()
                    .await
                    .unwrap_or_default()
                    .contains("There is no app called team-b-web.")
            })
            .await;
            shots(client, "team-deployer-other-team").await;

            // Their own app: processes yes, secrets and destroying no.
            client
                .goto(&format!("{base}/apps/team-a-web"))
                .await
                .unwrap();
            until("the app page", || async {
                exists(client, "#processes").await
            })
            .await;
            assert!(
                exists(client, "#processes form").await,
                "no process actions"
            );
            assert!(!exists(client, "#config form[data-reveal]").await);
            assert!(!exists(client, "#danger").await);
        })
        .await
    };
    let _ = client.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
