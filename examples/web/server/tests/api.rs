//! The JSON API: bearer tokens (scope, expiry, revocation, rate limit),
//! JSON errors, audit by token id, the OpenAPI document, log follow.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::super::api::tokens::{RateLimit, TokenScope, Tokens, WallClock};
use super::super::auth::Role;
use super::super::routes::{self, Access};
use super::*;

/// A token of `owner` with `role`, on hosts and apps matching the
/// patterns, for a day.
fn token(h: &Harness, owner: &str, hosts: &[&str], apps: &[&str], role: Role) -> String {
    let scope = TokenScope {
        hosts: hosts.iter().map(|s| (*s).to_owned()).collect(),
        apps: apps.iter().map(|s| (*s).to_owned()).collect(),
        role,
    };
    h.state
        .options
        .tokens
        .create(owner, "test", scope, 86_400)
        .unwrap()
        .0
}

fn admin_token(h: &Harness) -> String {
    token(h, "admin", &["*"], &["*"], Role::Admin)
}

/// An API request with an optional bearer token and JSON body.
fn api_request(
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<serde_json::Value>,
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    match body {
        Some(json) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_string()))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    }
}

async fn call(h: &Harness, method: Method, path: &str, bearer: Option<&str>) -> Reply {
    h.send(api_request(method, path, bearer, None)).await
}

async fn get(h: &Harness, path: &str, bearer: &str) -> Reply {
    call(h, Method::GET, path, Some(bearer)).await
}

/// The error code of a JSON error answer, checking its shape.
fn code(r: &Reply) -> String {
    assert!(r.is_json(), "not JSON: {} {}", r.status, r.body);
    let error = &r.json()["error"];
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        r.body
    );
    error["code"].as_str().unwrap().to_owned()
}

fn api_routes() -> Vec<routes::Route> {
    routes::table()
        .into_iter()
        .filter(|r| matches!(r.access, Access::Api(_)))
        .collect()
}

/// Every API route of the table on `host`: without a token, with a
/// browser session (cookie and CSRF token), with a token below the
/// route's role or outside its hosts and apps, all refused in JSON; with a
/// token that may, every read answers. Nothing reaches the host.
pub async fn sweep(h: &Harness, host: &str) {
    let sample =
        |r: &routes::Route| sample(r.path).replace("/hosts/sim", &format!("/hosts/{host}"));
    let admin = h.login(ADMIN).await;
    let tokens: Vec<(Role, String)> = Role::ALL
        .into_iter()
        .map(|role| (role, token(h, "admin", &["*"], &["*"], role)))
        .collect();
    let elsewhere = token(h, "admin", &["nowhere-*"], &["*"], Role::Admin);
    let other_apps = token(h, "admin", &["*"], &["blog"], Role::Admin);
    let before = h.history.recent(1000).await.unwrap().len();
    let secrets = secrets(h);
    assert!(!secrets.is_empty());
    for route in api_routes() {
        let Access::Api(need) = route.access else {
            unreachable!()
        };
        let path = sample(&route);
        let r = call(h, route.method.clone(), &path, None).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{route:?} without a token"
        );
        assert_eq!(code(&r), "unauthenticated", "{route:?}");
        // A logged-in browser (its cookie and its CSRF token) is no caller.
        let mut req = api_request(route.method.clone(), &path, None, None);
        req.headers_mut()
            .insert(header::COOKIE, admin.cookie.parse().unwrap());
        req.headers_mut()
            .insert("x-csrf-token", admin.csrf.parse().unwrap());
        let r = h.send(req).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{route:?} with a cookie"
        );
        for (role, t) in &tokens {
            if *role >= need {
                continue;
            }
            let r = call(h, route.method.clone(), &path, Some(t)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{route:?} as {role:?}");
            assert_eq!(code(&r), "forbidden");
        }
        if route.path.contains("{host}") {
            let r = call(h, route.method.clone(), &path, Some(&elsewhere)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{route:?} on another host");
        }
        if route.path.contains("{app}") {
            let r = call(h, route.method.clone(), &path, Some(&other_apps)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{route:?} on another app");
        }
        if route.is_read() && need == Role::Viewer {
            // What a viewer's token reads holds no secret byte.
            let r = call(h, Method::GET, &path, Some(&tokens[0].1)).await;
            assert!(r.status.is_success(), "{route:?}: {} {}", r.status, r.body);
            for secret in &secrets {
                assert!(!r.body.contains(secret.as_str()), "{route:?} sent a secret");
            }
        }
        if route.is_read() {
            let (_, admin_token) = &tokens[2];
            let req = api_request(Method::GET, &path, Some(admin_token), None);
            let res = h.router.clone().oneshot(req).await.unwrap();
            assert!(res.status().is_success(), "{route:?}: {}", res.status());
        }
    }
    untouched(h);
    // The reads ran as the token's, none of them changed anything.
    let records = h.history.recent(1000).await.unwrap();
    assert!(records.len() > before, "API reads were not recorded");
    for r in &records[..records.len() - before] {
        assert!(!r.entry.mutating, "{}", r.entry.subcommand);
        assert_eq!(r.entry.source, dokku_history::Source::Api);
    }
}

#[tokio::test]
async fn expired_revoked_unknown_and_out_of_scope_tokens_are_refused_in_json() {
    let now = Arc::new(AtomicU64::new(2_000_000_000));
    let read = Arc::clone(&now);
    let tokens = Tokens::open(
        None,
        WallClock::from_fn(move || read.load(Ordering::SeqCst)),
        RateLimit::default(),
    )
    .unwrap();
    let h = Harness::with_options(SimExecutor::new(scenario::demo()), |o| {
        o.tokens = Arc::new(tokens);
    });
    let apps = "/api/v1/hosts/sim/apps";
    let good = token(&h, "admin", &["sim"], &["api"], Role::Viewer);
    let r = get(&h, apps, &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Only the apps in scope are listed.
    let names: Vec<String> = r.json()["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["api"]);
    // The demo's failed push is not known before the builds are read.
    assert_eq!(r.json()["apps"][0]["deploy_failed"], false, "{}", r.body);
    h.read_builds().await;
    let r = get(&h, apps, &good).await;
    assert_eq!(r.json()["apps"][0]["deploy_failed"], true, "{}", r.body);
    let detail = get(&h, "/api/v1/hosts/sim/apps/api", &good).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    // With Dokku's `urls`: api has a certificate.
    assert_eq!(
        detail.json()["urls"],
        serde_json::json!([
            "http://api.dokku.me",
            "http://api.example.com",
            "https://api.dokku.me",
            "https://api.example.com"
        ])
    );
    // And Dokku's last build: the demo's failed push.
    let last = &detail.json()["last_build"];
    assert_eq!(
        (
            &last["build_status"],
            &last["build_source"],
            &last["build_id"]
        ),
        (
            &serde_json::json!("failed"),
            &serde_json::json!("git-hook"),
            &serde_json::json!("mx7cb81p0d3hv6")
        ),
        "{}",
        detail.body
    );

    // Another app, a change above its role, a host it does not name.
    for (method, path) in [
        (Method::GET, "/api/v1/hosts/sim/apps/blog"),
        (
            Method::GET,
            "/api/v1/hosts/sim/apps/api/config/DATABASE_URL",
        ),
        (Method::POST, "/api/v1/hosts/sim/apps/api/ps/stop"),
        (Method::GET, "/api/v1/hosts/other/apps"),
    ] {
        let r = call(&h, method, path, Some(&good)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(code(&r), "forbidden");
    }
    // A token in scope of a host that is not there: not found, in JSON.
    let anywhere = admin_token(&h);
    let r = get(&h, "/api/v1/hosts/other/apps", &anywhere).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::NOT_FOUND, "host_not_found".to_owned())
    );
    // A path that is no API call.
    let r = get(&h, "/api/v1/nothing-here", &anywhere).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::NOT_FOUND, "not_found".to_owned())
    );

    let r = get(&h, apps, "dkr_0000_notatoken").await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::UNAUTHORIZED, "invalid_token".to_owned())
    );
    assert!(r.headers.contains_key(header::WWW_AUTHENTICATE));
    let forged = format!("{}x", &good);
    assert_eq!(code(&get(&h, apps, &forged).await), "invalid_token");

    let record_id = |t: &str| t.split('_').nth(1).unwrap().to_owned();
    assert!(h
        .state
        .options
        .tokens
        .revoke(Some("admin"), &record_id(&anywhere))
        .unwrap());
    let r = get(&h, apps, &anywhere).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::UNAUTHORIZED, "token_revoked".to_owned())
    );

    // A day later the first token has expired.
    now.fetch_add(86_400, Ordering::SeqCst);
    let r = get(&h, apps, &good).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::UNAUTHORIZED, "token_expired".to_owned())
    );

    // Bad input is refused with the library's rule, in words.
    let fresh = admin_token(&h);
    let r = h
        .send(api_request(
            Method::POST,
            "/api/v1/hosts/sim/apps/api/scale",
            Some(&fresh),
            Some(serde_json::json!({ "processes": { "web worker": 1 } })),
        ))
        .await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::BAD_REQUEST, "invalid_name".to_owned())
    );
    assert!(!r.body.contains("byte"), "{}", r.body);
    let r = get(&h, "/api/v1/hosts/sim/apps/no-such-app/config", &fresh).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(code(&r), "app_not_found");
    // A name no app can have is an app that is not there, refused before
    // the host is asked (which would answer `app_not_found`).
    for path in [
        "/api/v1/hosts/sim/apps/Not%20An%20App/config",
        "/api/v1/hosts/sim/apps/-rf/ps",
    ] {
        let r = get(&h, path, &fresh).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::NOT_FOUND, "not_found".to_owned()),
            "{path}: {}",
            r.body
        );
    }
}

/// Log lines written while `f` runs, through a subscriber of our own.
async fn logged<F: std::future::Future<Output = ()>>(f: F) -> String {
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    f.await;
    let bytes = buf.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn a_token_is_shown_once_and_never_reaches_the_logs_or_the_history() {
    let h = Harness::new();
    let admin = h.login(ADMIN).await;
    let mut shown = String::new();
    let logs = logged(async {
        // Made on the Tokens page (a plain form), shown once.
        let page = h
            .post_plain(
                &admin,
                "/tokens",
                &[
                    ("label", "ci"),
                    ("hosts", "*"),
                    ("apps", "api"),
                    ("role", "deployer"),
                    ("days", "7"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let at = page.body.find("dkr_").unwrap();
        shown = page.body[at..].split('<').next().unwrap().to_owned();
        let list = h.get(&admin, "/tokens").await;
        assert!(!list.body.contains(&shown), "the token was shown again");
        let r = get(&h, "/api/v1/hosts/sim/apps/api/config", &shown).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = h
            .send(api_request(
                Method::POST,
                "/api/v1/hosts/sim/apps/api/scale",
                Some(&shown),
                Some(serde_json::json!({ "processes": { "web": 3 } })),
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let (_, end) = r.stream();
        assert_eq!(end["ok"], true, "{}", r.body);
        // A refusal is logged too, without the token.
        let r = get(&h, "/api/v1/hosts/sim/apps/blog", &shown).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    })
    .await;
    let id = shown.split('_').nth(1).unwrap().to_owned();
    let secret = shown.rsplit('_').next().unwrap();
    assert_eq!(h.sim.with_host(|host| host.apps["api"].scale["web"]), 3);
    assert!(
        logs.contains(&id),
        "the token's id is not in the logs:\n{logs}"
    );
    assert!(!logs.contains(secret), "the token is in the logs:\n{logs}");
    let records = h.history.recent(100).await.unwrap();
    let scale = records
        .iter()
        .find(|r| r.entry.subcommand == "ps:scale")
        .expect("the scale was not recorded");
    assert_eq!(scale.entry.actor, "admin");
    assert_eq!(scale.entry.source, dokku_history::Source::Api);
    assert_eq!(
        scale.entry.correlation_id.as_deref(),
        Some(&*format!("token:{id}"))
    );
    let all = serde_json::to_string(&records).unwrap();
    assert!(!all.contains(secret), "the token is in the history");
    // The tokens file (here: memory) keeps no secret either.
    let kept = serde_json::to_string(&h.state.options.tokens.list(None)).unwrap();
    assert!(!kept.contains(secret));

    // Revoked from the page: refused from then on.
    let r = h
        .post_plain(&admin, &format!("/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = get(&h, "/api/v1/hosts/sim/apps/api/config", &shown).await;
    assert_eq!(code(&r), "token_revoked");

    // Both recorded by their maker, with the scope, never the token.
    let records = h.history.recent(100).await.unwrap();
    let made: Vec<String> = records
        .iter()
        .filter(|r| r.entry.subcommand.starts_with("web:tokens:"))
        .inspect(|r| {
            assert_eq!(
                (&*r.entry.actor, r.entry.source),
                ("admin", dokku_history::Source::Web)
            )
        })
        .map(|r| r.entry.argv.join(" "))
        .collect();
    assert_eq!(
        made,
        [
            format!("web:tokens:revoke {id}"),
            format!(
                "web:tokens:create {id} --owner admin --role deployer --hosts * --apps api \
                 --days 7 --label ci"
            ),
        ]
    );
}

#[tokio::test]
async fn a_viewer_cannot_make_a_token_above_their_role() {
    let h = Harness::new();
    let viewer = h.login(VIEWER).await;
    let page = h.get(&viewer, "/tokens").await;
    assert!(page.body.contains("value=\"viewer\"") && !page.body.contains("value=\"admin\""));
    let form = [
        ("label", "sneaky"),
        ("hosts", "*"),
        ("apps", "*"),
        ("role", "admin"),
        ("days", "7"),
    ];
    let r = h.post(&viewer, "/tokens", &form).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(h.state.options.tokens.list(None).is_empty());
    // An admin's token made for a viewer's job reads but does not reveal.
    let t = token(&h, "viewer", &["*"], &["*"], Role::Admin);
    assert_eq!(
        get(&h, "/api/v1/hosts/sim/apps/api/config", &t)
            .await
            .status,
        StatusCode::OK
    );
    let r = get(&h, "/api/v1/hosts/sim/apps/api/config/DATABASE_URL", &t).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_reveal_through_the_api_is_audited_under_the_tokens_id() {
    let h = Harness::new();
    let t = admin_token(&h);
    let id = t.split('_').nth(1).unwrap();
    let expected = h
        .sim
        .with_host(|host| host.apps["api"].config["DATABASE_URL"].clone());
    let keys = get(&h, "/api/v1/hosts/sim/apps/api/config", &t).await;
    assert!(keys.body.contains("DATABASE_URL") && !keys.body.contains(&expected));
    let r = get(&h, "/api/v1/hosts/sim/apps/api/config/DATABASE_URL", &t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["value"], expected.as_str());
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let records = h.history.recent(20).await.unwrap();
    let reveal = records
        .iter()
        .find(|r| r.entry.subcommand == "config:get")
        .expect("the reveal was not recorded");
    assert_eq!(
        reveal.entry.correlation_id.as_deref(),
        Some(&*format!("token:{id}"))
    );
    assert_eq!(reveal.entry.actor, "admin");
    assert!(!serde_json::to_string(&records).unwrap().contains(&expected));
}

#[tokio::test]
async fn each_token_is_rate_limited_on_its_own_by_the_injected_clock() {
    let now = Arc::new(AtomicU64::new(1_700_000_000));
    let read = Arc::clone(&now);
    let tokens = Tokens::open(
        None,
        WallClock::from_fn(move || read.load(Ordering::SeqCst)),
        RateLimit {
            requests: 3,
            window: 60,
        },
    )
    .unwrap();
    let h = Harness::with_options(SimExecutor::new(scenario::demo()), |o| {
        o.tokens = Arc::new(tokens);
    });
    let (a, b) = (admin_token(&h), admin_token(&h));
    let path = "/api/v1/hosts/sim/history";
    for _ in 0..3 {
        assert_eq!(get(&h, path, &a).await.status, StatusCode::OK);
    }
    let r = get(&h, path, &a).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".to_owned())
    );
    assert_eq!(r.headers[header::RETRY_AFTER], "60");
    assert_eq!(
        get(&h, path, &b).await.status,
        StatusCode::OK,
        "another token was limited"
    );
    now.fetch_add(59, Ordering::SeqCst);
    assert_eq!(
        get(&h, path, &a).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    now.fetch_add(1, Ordering::SeqCst);
    assert_eq!(get(&h, path, &a).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route_of_the_table() {
    let h = Harness::new();
    let r = h.anon_get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let routes = api_routes();
    assert!(routes.len() >= 20);
    let mut documented = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        documented += item.as_object().unwrap().len();
        assert!(path.starts_with("/api/v1/"), "{path}");
    }
    assert_eq!(
        documented,
        routes.len(),
        "a documented call is not served, or the reverse"
    );
    for route in &routes {
        let op = &doc["paths"][route.path][route.method.as_str().to_ascii_lowercase()];
        assert!(op.is_object(), "{route:?} is not documented");
        let params: Vec<&str> = op["parameters"]
            .as_array()
            .map(|p| p.iter().map(|p| p["name"].as_str().unwrap()).collect())
            .unwrap_or_default();
        let (path_params, query_params): (Vec<&str>, Vec<&str>) = params
            .iter()
            .partition(|p| route.path.contains(&format!("{{{p}}}")));
        assert_eq!(
            path_params,
            super::super::api::doc::params(route.path),
            "{route:?}"
        );
        if route.path.ends_with("/logs") || route.path.ends_with("/history") {
            assert!(!query_params.is_empty(), "{route:?}: no query parameters");
        }
        let answer = &op["responses"]["200"]["content"];
        assert!(answer.is_object(), "{route:?} has no answer");
        // Every schema referred to is in the document.
        for reference in op.to_string().split("#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(doc["components"]["schemas"][name].is_object(), "{name}");
        }
    }
}

/// The keys of `value` its schema does not describe, as JSON paths:
/// `$ref`s resolved, `allOf` merged, `oneOf` met by any one branch; and
/// where `required` is wrong: a required key absent, or a key always
/// sent (not nullable) that the schema does not require, which a client
/// generated from the document would read as optional.
fn undescribed(
    doc: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
) -> Vec<String> {
    use serde_json::Value;
    let schema = resolved(doc, schema);
    if let Some(branches) = schema["oneOf"].as_array() {
        let problems: Vec<Vec<String>> = branches
            .iter()
            .map(|b| undescribed(doc, b, value, at))
            .collect();
        return match problems.iter().find(|p| p.is_empty()) {
            Some(_) => Vec::new(),
            None => problems.into_iter().flatten().collect(),
        };
    }
    if schema.is_null() {
        return vec![format!("{at}: no schema")];
    }
    match value {
        Value::Object(map) => {
            let mut properties = serde_json::Map::new();
            let mut required = Vec::new();
            let parts = schema["allOf"].as_array().cloned().unwrap_or_default();
            for part in parts.iter().chain(std::iter::once(schema)) {
                let part = resolved(doc, part);
                if let Some(p) = part["properties"].as_object() {
                    properties.extend(p.clone());
                }
                let keys = part["required"].as_array().into_iter().flatten();
                required.extend(keys.filter_map(Value::as_str).map(str::to_owned));
            }
            let extra = &schema["additionalProperties"];
            // A key the schema requires is always there; one it does not
            // require is one that may be null (an Option) or absent.
            let absent = required
                .iter()
                .filter(|k| !map.contains_key(k.as_str()))
                .map(|k| format!("{at}.{k}: required, absent"));
            let optional = map
                .keys()
                .filter(|k| properties.contains_key(*k) && !required.contains(k))
                .filter(|k| !nullable(doc, &properties[*k]))
                .map(|k| format!("{at}.{k}: always there, not required"));
            let described = map.iter().flat_map(|(key, v)| match properties.get(key) {
                Some(s) => undescribed(doc, s, v, &format!("{at}.{key}")),
                None if extra.is_object() => undescribed(doc, extra, v, &format!("{at}.{key}")),
                None => vec![format!("{at}.{key}")],
            });
            absent.chain(optional).chain(described).collect()
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, v)| undescribed(doc, &schema["items"], v, &format!("{at}[{i}]")))
            .collect(),
        _ => Vec::new(),
    }
}

/// The schema a `$ref` names, or `schema` itself.
fn resolved<'a>(
    doc: &'a serde_json::Value,
    schema: &'a serde_json::Value,
) -> &'a serde_json::Value {
    match schema["$ref"].as_str() {
        Some(name) => {
            &doc["components"]["schemas"][name.trim_start_matches("#/components/schemas/")]
        }
        None => schema,
    }
}

/// Whether a property's schema admits null (utoipa's `Option`).
fn nullable(doc: &serde_json::Value, schema: &serde_json::Value) -> bool {
    let schema = resolved(doc, schema);
    let null_type = |s: &serde_json::Value| match &s["type"] {
        serde_json::Value::String(t) => t == "null",
        serde_json::Value::Array(ts) => ts.iter().any(|t| t == "null"),
        _ => false,
    };
    null_type(schema)
        || ["oneOf", "anyOf"].iter().any(|k| {
            schema[*k]
                .as_array()
                .is_some_and(|branches| branches.iter().any(null_type))
        })
}

#[tokio::test]
async fn every_api_answer_key_is_described_and_required_where_always_sent() {
    let h = Harness::new();
    let t = admin_token(&h);
    // A release and a build to describe.
    let r = h
        .send(api_request(
            Method::POST,
            "/api/v1/hosts/sim/apps/api/deploys",
            Some(&t),
            Some(serde_json::json!({ "image": "nginx:1.27" })),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let doc = h.anon_get("/api/v1/openapi.json").await.json();
    for (route, path) in [
        (
            "/api/v1/hosts/{host}/apps/{app}",
            "/api/v1/hosts/sim/apps/api",
        ),
        (
            "/api/v1/hosts/{host}/apps/{app}/ps",
            "/api/v1/hosts/sim/apps/api/ps",
        ),
        (
            "/api/v1/hosts/{host}/apps/{app}/builds",
            "/api/v1/hosts/sim/apps/api/builds",
        ),
        (
            "/api/v1/hosts/{host}/apps/{app}/releases",
            "/api/v1/hosts/sim/apps/api/releases",
        ),
        (
            "/api/v1/hosts/{host}/apps/{app}/rollback",
            "/api/v1/hosts/sim/apps/api/rollback",
        ),
        ("/api/v1/hosts/{host}/apps", "/api/v1/hosts/sim/apps"),
        (
            "/api/v1/hosts/{host}/services/{plugin}/{service}",
            "/api/v1/hosts/sim/services/postgres/api-db",
        ),
        (
            "/api/v1/hosts/{host}/history",
            "/api/v1/hosts/sim/history?limit=20",
        ),
    ] {
        let r = get(&h, path, &t).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        let answer = r.json();
        let schema = &doc["paths"][route]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        let missing = undescribed(&doc, schema, &answer, "$");
        assert!(missing.is_empty(), "{route}: {missing:?}");
        // A generic object would describe anything: these answers are
        // described down to their leaves.
        assert!(answer.to_string().len() > 40, "{path}: {answer}");
    }
    // The models are the SDK's own, field by field.
    let schemas = &doc["components"]["schemas"];
    for (model, field) in [
        ("PsReport", "containers"),
        ("PsReport", "raw"),
        ("AppReport", "deploy_source"),
        ("AppOverview", "status"),
        ("ServiceInfo", "links"),
        ("Entry", "subcommand"),
        ("Release", "outcome"),
        ("BuildRecord", "started_at"),
    ] {
        assert!(
            schemas[model]["properties"][field].is_object(),
            "{model}.{field}"
        );
    }
    // A secret the answer never carries is not described either.
    assert!(schemas["ServiceInfo"]["properties"]["dsn"].is_null());
}

#[tokio::test]
async fn api_log_follow_delivers_lines_as_server_sent_events() {
    let h = Harness::new();
    let t = token(&h, "admin", &["*"], &["api"], Role::Deployer);
    let req = api_request(
        Method::GET,
        "/api/v1/hosts/sim/apps/api/logs/follow?n=2&process=web",
        Some(&t),
        None,
    );
    // The past lines (two per web container), then new ones as they come.
    let lines = log_events(&h, req, 6).await;
    assert!(lines.len() >= 6);
    assert!(lines
        .iter()
        .all(|l| l["p"].as_str().unwrap().starts_with("web.")));
    // The snapshot, in JSON.
    let r = get(&h, "/api/v1/hosts/sim/apps/api/logs?n=3", &t).await;
    assert_eq!(r.json()["lines"].as_array().unwrap().len(), 3, "{}", r.body);
}

#[tokio::test]
async fn a_fleet_token_reaches_only_its_hosts() {
    let (h, _) = fleet_harness(Vec::new());
    let eu = token(&h, "admin", &["eu-*"], &["*"], Role::Viewer);
    let r = get(&h, "/api/v1/hosts", &eu).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let hosts = r.json()["hosts"].clone();
    let names: Vec<&str> = hosts
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["eu-1"]);
    assert_eq!(hosts[0]["version"], "0.38.27");
    assert_eq!(hosts[0]["reachable"], true);
    assert_eq!(
        get(&h, "/api/v1/hosts/eu-1/apps", &eu).await.status,
        StatusCode::OK
    );
    let r = get(&h, "/api/v1/hosts/us-1/apps", &eu).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The same path under a host's pages is no API.
    let r = get(&h, "/h/eu-1/api/v1/hosts/eu-1/apps", &eu).await;
    assert_ne!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn api_changes_domains_services_and_deploys_are_the_tokens() {
    let h = Harness::new();
    let t = admin_token(&h);
    let id = t.split('_').nth(1).unwrap().to_owned();
    let send = |method: Method, path: &str, body: Option<serde_json::Value>| {
        h.send(api_request(method, path, Some(&t), body))
    };
    let r = send(
        Method::POST,
        "/api/v1/hosts/sim/apps/api/domains",
        Some(serde_json::json!({ "domain": "new.example.com" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = get(&h, "/api/v1/hosts/sim/apps/api/domains", &t).await;
    assert!(r.body.contains("new.example.com"));
    let r = send(
        Method::POST,
        "/api/v1/hosts/sim/apps/api/domains",
        Some(serde_json::json!({ "domain": "new.example.com" })),
    )
    .await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::BAD_REQUEST, "invalid_request".to_owned())
    );
    let r = send(
        Method::DELETE,
        "/api/v1/hosts/sim/apps/api/domains/new.example.com",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = get(&h, "/api/v1/hosts/sim/services", &t).await;
    assert!(r.body.contains("api-db"), "{}", r.body);
    let r = get(&h, "/api/v1/hosts/sim/services/postgres/api-db", &t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        !r.body.contains("postgres://"),
        "a DSN was sent: {}",
        r.body
    );
    // Whether it is backed up: api-db is not; shop-db every night.
    assert_eq!(r.json()["backup"], serde_json::Value::Null, "{}", r.body);
    assert!(r.json().get("backup_unreadable").is_none(), "{}", r.body);
    let r = get(&h, "/api/v1/hosts/sim/services/postgres/shop-db", &t).await;
    assert_eq!(
        r.json()["backup"],
        serde_json::json!({"schedule": "0 3 * * *", "bucket": "acme-db-backups", "use_iam": false}),
        "{}",
        r.body
    );
    let r = get(&h, "/api/v1/hosts/sim/services/postgres/api-db/dump", &t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/octet-stream");
    assert_eq!(r.body, "PGDMP\u{0}api-db\u{0}");
    let r = get(&h, "/api/v1/hosts/sim/services/postgres/no-db/dump", &t).await;
    assert_ne!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.is_json(), "{}", r.body);
    // A dump loaded from the body; an empty one refused before sending.
    let put = |body: Vec<u8>| {
        let mut req = api_request(
            Method::PUT,
            "/api/v1/hosts/sim/services/postgres/api-db/dump",
            Some(&t),
            None,
        );
        *req.body_mut() = Body::from(body);
        h.send(req)
    };
    let imports = || records_of(&h, "postgres:import");
    let r = put(Vec::new()).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::BAD_REQUEST, "invalid_request".to_owned())
    );
    assert!(imports().await.is_empty(), "an empty dump was sent");
    // Larger than any form the dashboard takes: a dump is never buffered
    // against the forms' limit.
    let mut dump = b"PGDMP-restored-data".to_vec();
    dump.resize(4 * crate::server::BODY_LIMIT, b'.');
    let r = put(dump).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["message"].as_str().unwrap().contains("api-db"));
    let import = imports().await.remove(0);
    // A body cut off midway never loads as a whole dump.
    let mut req = api_request(
        Method::PUT,
        "/api/v1/hosts/sim/services/postgres/api-db/dump",
        Some(&t),
        None,
    );
    *req.body_mut() = Body::from_stream(futures_util::stream::iter([
        Ok(axum::body::Bytes::from_static(b"PGDMP-first-part")),
        Err(std::io::Error::other("the client went away")),
    ]));
    let cut = h.send(req).await;
    assert_ne!(cut.status, StatusCode::OK, "{}", cut.body);
    let after = imports().await;
    assert!(
        after
            .iter()
            .all(|r| r.id == import.id || r.entry.outcome != dokku_history::Outcome::Ok),
        "a cut-off dump was recorded as imported"
    );
    assert_eq!(import.entry.outcome, dokku_history::Outcome::Ok);
    assert!(!format!("{:?}", import.entry).contains("restored-data"));
    let r = send(
        Method::POST,
        "/api/v1/hosts/sim/services/postgres/api-db/links/blog",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("to blog as DATABASE_URL;")),
        "{}",
        r.body
    );
    let r = send(
        Method::DELETE,
        "/api/v1/hosts/sim/services/postgres/api-db/links/blog",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = send(
        Method::POST,
        "/api/v1/hosts/sim/apps/api/deploys",
        Some(serde_json::json!({ "image": "nginx:1.27" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (_, end) = r.stream();
    assert_eq!(end["ok"], true, "{}", r.body);
    let r = get(&h, "/api/v1/hosts/sim/apps/api/releases", &t).await;
    assert!(r.body.contains("nginx:1.27"), "{}", r.body);
    assert_eq!(
        get(&h, "/api/v1/hosts/sim/apps/api/builds", &t)
            .await
            .status,
        StatusCode::OK
    );

    let r = get(&h, "/api/v1/hosts/sim/history?limit=200", &t).await;
    let records = r.json()["records"].as_array().unwrap().clone();
    let changes: Vec<&serde_json::Value> =
        records.iter().filter(|r| r["mutating"] == true).collect();
    assert!(changes.len() >= 5, "{}", r.body);
    for change in changes {
        assert_eq!(change["correlation_id"], format!("token:{id}"));
    }
    let r = get(&h, "/api/v1/hosts/sim/history/verify", &t).await;
    assert_eq!(r.json()["intact"], true, "{}", r.body);
}

#[tokio::test]
async fn a_locked_app_is_deployed_rolled_back_or_rebuilt_only_when_the_lock_is_ignored() {
    let h = Harness::new();
    let t = token(&h, "admin", &["*"], &["api"], Role::Deployer);
    let post = |path: &'static str, body: serde_json::Value| {
        h.send(api_request(Method::POST, path, Some(&t), Some(body)))
    };
    let deploys = "/api/v1/hosts/sim/apps/api/deploys";
    let rollback = "/api/v1/hosts/sim/apps/api/rollback";
    let rebuild = "/api/v1/hosts/sim/apps/api/ps/rebuild";
    let post_rebuild = |path: &'static str| h.send(api_request(Method::POST, path, Some(&t), None));
    for image in ["nginx:1.26", "nginx:1.27"] {
        let r = post(deploys, serde_json::json!({ "image": image })).await;
        assert_eq!(r.stream().1["ok"], true, "{}", r.body);
    }
    let plan = get(&h, "/api/v1/hosts/sim/apps/api/rollback", &t)
        .await
        .json();
    let to = plan["to"]["record_id"].as_i64().unwrap();
    let api = dokku::AppName::new("api").unwrap();
    h.state.dokku.apps().lock(&api).await.unwrap();

    // Refused, and nothing but the question was sent.
    let since = h.history.recent(1).await.unwrap()[0].id;
    for (path, body) in [
        (deploys, serde_json::json!({ "image": "nginx:1.27" })),
        (rollback, serde_json::json!({ "to": to })),
    ] {
        let r = post(path, body).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{path}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "locked", "{}", r.body);
        let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(
            message.starts_with("api is locked (apps:lock); nothing was built.")
                && message.contains("\"ignore_lock\": true"),
            "{message}"
        );
    }
    let r = post_rebuild(rebuild).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "locked", "{}", r.body);
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("?ignore_lock=true"), "{message}");
    let sent: Vec<String> = h
        .history
        .recent(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.id > since && !r.entry.subcommand.starts_with("api:"))
        .map(|r| r.entry.subcommand)
        .collect();
    assert_eq!(sent, ["apps:locked", "apps:locked", "apps:locked"]);
    assert!(h.state.dokku.apps().locked(&api).await.unwrap());

    // Ignored: Dokku builds it, and the build removes the lock.
    let body = serde_json::json!({ "to": to, "ignore_lock": true });
    let r = post(rollback, body).await;
    assert_eq!(r.stream().1["ok"], true, "{}", r.body);
    assert!(!h.state.dokku.apps().locked(&api).await.unwrap());
    h.state.dokku.apps().lock(&api).await.unwrap();
    let body = serde_json::json!({ "image": "nginx:1.27", "ignore_lock": true });
    let r = post(deploys, body).await;
    assert_eq!(r.stream().1["ok"], true, "{}", r.body);
    assert!(!h.state.dokku.apps().locked(&api).await.unwrap());
    h.state.dokku.apps().lock(&api).await.unwrap();
    let r = post_rebuild("/api/v1/hosts/sim/apps/api/ps/rebuild?ignore_lock=true").await;
    assert_eq!(r.stream().1["ok"], true, "{}", r.body);
    assert!(!h.state.dokku.apps().locked(&api).await.unwrap());
}

fn viewer_token(h: &Harness) -> String {
    token(h, "viewer", &["*"], &["api"], Role::Viewer)
}

#[tokio::test]
async fn a_deployers_token_reads_a_builds_record_and_output() {
    let h = Harness::new();
    let deployer = token(&h, "deployer", &["*"], &["api"], Role::Deployer);
    let failed = "/api/v1/hosts/sim/apps/api/builds/mx7cb81p0d3hv6";
    let r = get(&h, failed, &deployer).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = r.json();
    assert_eq!(body["build"]["display_status"], "failed");
    assert_eq!(body["build"]["source"], "git-hook");
    assert_eq!(body["dropped_lines"], 0);
    let output = body["output"].as_str().unwrap_or_default();
    assert!(
        output.contains("npm ERR! code ERESOLVE\n")
            && output.ends_with("Failure while building the app\n"),
        "{output}"
    );
    let r = get(&h, "/api/v1/hosts/sim/apps/api/builds/nope", &deployer).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // Followed: a build that ended sends its log, then the end.
    let follow = format!("{failed}/follow");
    let r = get(&h, &follow, &deployer).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("event: line\ndata: \"       npm ERR! code ERESOLVE\"")
            && r.body.ends_with("event: end\ndata: {}\n\n"),
        "{}",
        r.body
    );
    let r = get(
        &h,
        "/api/v1/hosts/sim/apps/api/builds/nope/follow",
        &deployer,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(
        get(&h, &follow, &viewer_token(&h)).await.status,
        StatusCode::FORBIDDEN
    );
    // The list is a viewer's; the output, like the logs, a deployer's.
    let viewer = viewer_token(&h);
    let r = get(&h, "/api/v1/hosts/sim/apps/api/builds", &viewer).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(get(&h, failed, &viewer).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_apps_list_names_the_build_running_for_an_app() {
    use futures_util::StreamExt;
    let h = Harness::new();
    let viewer = viewer_token(&h);
    let apps = "/api/v1/hosts/sim/apps";
    let building = |r: &Reply| {
        let body = r.json();
        let apps = body["apps"].as_array().unwrap().clone();
        apps.into_iter()
            .filter(|a| !a["building"].is_null())
            .map(|a| (a["name"].clone(), a["building"].clone()))
            .collect::<Vec<_>>()
    };
    assert!(building(&get(&h, apps, &viewer).await).is_empty());
    let (gate, mut deploy, id) = super::held_push(&h.sim).await;
    h.read_builds().await;
    let r = get(&h, apps, &viewer).await;
    assert_eq!(
        building(&r),
        [(serde_json::json!("api"), serde_json::json!(id))],
        "{}",
        r.body
    );
    gate.open();
    while deploy.next().await.is_some() {}
    h.read_builds().await;
    assert!(building(&get(&h, apps, &viewer).await).is_empty());
}

#[tokio::test]
async fn a_token_rolls_back_after_reading_the_plan_and_cancels_builds() {
    let h = Harness::new();
    let t = token(&h, "admin", &["*"], &["api"], Role::Deployer);
    let id = t.split('_').nth(1).unwrap().to_owned();
    let send = |method: Method, path: &str, body: Option<serde_json::Value>| {
        h.send(api_request(method, path, Some(&t), body))
    };
    // Nothing deployed through the trail yet: no plan, and why.
    let r = get(&h, "/api/v1/hosts/sim/apps/api/rollback", &t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let refused = r.json()["refused"].as_str().unwrap_or_default().to_owned();
    assert!(refused.contains("no successful deploy"), "{}", r.body);
    assert!(r.json()["to"].is_null());
    for image in ["nginx:1.26", "nginx:1.27"] {
        let r = send(
            Method::POST,
            "/api/v1/hosts/sim/apps/api/deploys",
            Some(serde_json::json!({ "image": image })),
        )
        .await;
        assert_eq!(r.stream().1["ok"], true, "{}", r.body);
    }
    let r = get(&h, "/api/v1/hosts/sim/apps/api/rollback", &t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let plan = r.json();
    assert_eq!(plan["command"], "dokku git:from-image api nginx:1.26");
    let to = plan["to"]["record_id"].as_i64().unwrap();
    // A body that is not the plan's shape is refused before anything runs.
    let r = send(
        Method::POST,
        "/api/v1/hosts/sim/apps/api/rollback",
        Some(serde_json::json!({ "to": "latest" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = send(
        Method::POST,
        "/api/v1/hosts/sim/apps/api/rollback",
        Some(serde_json::json!({ "to": to })),
    )
    .await;
    let (_, end) = r.stream();
    assert_eq!(end["ok"], true, "{}", r.body);
    assert!(end["message"]
        .as_str()
        .unwrap()
        .starts_with("Rolled back api"));
    // The history shows the rollback, and whose token did it.
    let r = get(&h, "/api/v1/hosts/sim/apps/api/releases", &t).await;
    let newest = &r.json()["releases"][0];
    assert_eq!(newest["rollback_of"], to, "{}", r.body);
    let r = get(
        &h,
        "/api/v1/hosts/sim/history?subcommand=git:from-image&limit=1",
        &t,
    )
    .await;
    assert_eq!(
        r.json()["records"][0]["correlation_id"],
        format!("rollback:{to} token:{id}")
    );

    let r = send(
        Method::POST,
        "/api/v1/hosts/sim/apps/api/builds/cancel",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["message"].as_str().unwrap().contains("cancel"));
    let r = get(
        &h,
        "/api/v1/hosts/sim/history?subcommand=builds:cancel&limit=1",
        &t,
    )
    .await;
    assert_eq!(r.json()["records"][0]["actor"], "admin", "{}", r.body);
}

#[tokio::test]
async fn revoking_a_token_ends_its_log_stream() {
    let h = Harness::new();
    let t = token(&h, "admin", &["*"], &["api"], Role::Deployer);
    let id = t.split('_').nth(1).unwrap().to_owned();
    let req = api_request(
        Method::GET,
        "/api/v1/hosts/sim/apps/api/logs/follow?n=1",
        Some(&t),
        None,
    );
    let res = h.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut text = String::new();
    let mut revoked = false;
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .expect("the stream neither sent lines nor ended within 60 s");
        let Some(frame) = frame else { break };
        if let Ok(data) = frame.unwrap().into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
        if !revoked && text.contains("event: line") {
            assert!(h.state.options.tokens.revoke(Some("admin"), &id).unwrap());
            revoked = true;
        }
    }
    assert!(revoked, "no line came before the end: {text}");
    assert!(text.contains("event: end"), "{text}");
}

#[tokio::test]
async fn a_token_never_does_more_than_its_owners_grants_allow_at_the_time_of_the_call() {
    // outsider is admin of other-app only; their all-apps admin token
    // reaches nothing else, and the deployer's token loses what a grant
    // change takes away.
    let h = Harness::new();
    let outsider = token(&h, "outsider", &["*"], &["*"], Role::Admin);
    let r = get(&h, "/api/v1/hosts/sim/apps/api", &outsider).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let deployer = token(&h, "deployer", &["*"], &["*"], Role::Deployer);
    assert_eq!(
        get(&h, "/api/v1/hosts/sim/apps/api", &deployer)
            .await
            .status,
        StatusCode::OK
    );
    h.state
        .auth
        .users()
        .change(|users| {
            users.retain(|name, _| name.as_str() != "deployer");
            Ok(())
        })
        .unwrap();
    let r = get(&h, "/api/v1/hosts/sim/apps/api", &deployer).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a deleted owner's token: {}",
        r.body
    );
    assert_eq!(code(&r), "forbidden");
}

#[tokio::test]
async fn every_api_call_is_audited_under_its_tokens_id_even_one_that_runs_no_command() {
    let h = Harness::new();
    let t = admin_token(&h);
    let id = t.split('_').nth(1).unwrap().to_owned();
    assert_eq!(
        get(&h, "/api/v1/hosts/sim/apps?x=1", &t).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&h, "/api/v1/hosts/sim/apps/nope", &t).await.status,
        StatusCode::NOT_FOUND
    );
    let records = h.history.recent(10).await.unwrap();
    let calls: Vec<_> = records
        .iter()
        .filter(|r| r.entry.subcommand == "api:call")
        .collect();
    assert_eq!(calls.len(), 2, "{records:?}");
    for call in &calls {
        assert_eq!(call.entry.actor, "admin");
        assert_eq!(call.entry.source, dokku_history::Source::Api);
        assert_eq!(
            call.entry.correlation_id.as_deref(),
            Some(format!("token:{id}").as_str())
        );
        assert!(!call.entry.mutating);
    }
    // Newest first: the refused read failed, the list succeeded; the query
    // is not kept, and the token never is.
    assert_eq!(calls[0].entry.outcome, dokku_history::Outcome::Failed);
    assert_eq!(
        calls[1].entry.argv,
        ["api:call", "GET", "/api/v1/hosts/sim/apps"]
    );
    let all = serde_json::to_string(&records.iter().map(|r| &r.entry).collect::<Vec<_>>()).unwrap();
    assert!(!all.contains(&t));
}

#[tokio::test]
async fn a_token_scoped_to_one_app_pages_through_that_apps_history_in_full_pages() {
    let h = Harness::new();
    let t = token(&h, "admin", &["*"], &["api"], Role::Viewer);
    assert_eq!(
        get(&h, "/api/v1/hosts/sim/apps/api/config", &t)
            .await
            .status,
        StatusCode::OK
    );
    // 30 of api's records among 90 of blog's.
    h.interleave_history(120, "api", "blog").await;
    let total = h.records_of("api").await;

    let (mut seen, mut sizes) = (Vec::new(), Vec::new());
    let mut path = "/api/v1/hosts/sim/history?limit=8".to_owned();
    loop {
        let r = get(&h, &path, &t).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let page = r.json();
        let records = page["records"].as_array().unwrap().clone();
        sizes.push(records.len());
        for record in &records {
            // Its app's records, and the host's own (no app).
            assert!(
                record["app"] == "api" || record["app"].is_null(),
                "{record}"
            );
            if record["app"] == "api" {
                seen.push(record["id"].as_i64().unwrap());
            }
        }
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/hosts/sim/history?limit=8&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), total, "every record once: {seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    assert!(
        sizes[..sizes.len() - 1].iter().all(|&n| n == 8),
        "{sizes:?}"
    );

    let r = get(&h, "/api/v1/hosts/sim/history?after=yesterday", &t).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r), "invalid_request");
}

#[tokio::test]
async fn a_deployer_token_takes_and_releases_the_deploy_lock() {
    let h = Harness::new();
    let api = dokku::AppName::new("api").unwrap();
    let lock = "/api/v1/hosts/sim/apps/api/lock";
    let call = |method: Method, t: &str| h.send(api_request(method, lock, Some(t), None));
    let t = token(&h, "deployer", &["*"], &["api"], Role::Deployer);
    let r = call(Method::POST, &t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("Locked api"));
    assert!(h.state.dokku.apps().locked(&api).await.unwrap());

    let viewer = token(&h, "viewer", &["*"], &["*"], Role::Viewer);
    assert_eq!(
        call(Method::DELETE, &viewer).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(h.state.dokku.apps().locked(&api).await.unwrap());

    let r = call(Method::DELETE, &t).await;
    assert_eq!(r.json()["message"], "Unlocked api.", "{}", r.body);
    assert!(!h.state.dokku.apps().locked(&api).await.unwrap());
    // Released twice: Dokku's refusal, with its words.
    let r = call(Method::DELETE, &t).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["dokku"], "Unable to remove deploy lock");
}

#[tokio::test]
async fn a_viewer_token_reads_the_hosts_vitals_as_json() {
    let h = Harness::new();
    let t = token(&h, "viewer", &["*"], &["*"], Role::Viewer);
    let r = h
        .send(api_request(
            Method::GET,
            "/api/v1/hosts/sim/vitals",
            Some(&t),
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let vitals = r.json();
    assert_eq!(vitals["memory"]["total_mb"], 3915, "{vitals}");
    assert_eq!(vitals["memory"]["available_mb"], 2207, "{vitals}");
    assert_eq!(vitals["disks"][0]["filesystem"], "/dev/vda1", "{vitals}");
    assert_eq!(vitals["disks"][0]["used_percent"], 40, "{vitals}");
    assert_eq!(vitals["inodes"][0]["mounted_on"], "/", "{vitals}");
}

#[tokio::test]
async fn an_admin_token_runs_a_one_off_command_given_as_words() {
    let h = Harness::new();
    let t = token(&h, "admin", &["*"], &["*"], Role::Admin);
    let path = "/api/v1/hosts/sim/apps/api/run";
    let run =
        |body: serde_json::Value| h.send(api_request(Method::POST, path, Some(&t), Some(body)));
    let r = run(serde_json::json!({ "command": ["worker", "--queue", "low priority"] })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Found 'worker' in Procfile"), "{}", r.body);
    assert!(r.body.contains(r#""ok":true"#), "{}", r.body);
    let runs = || async {
        h.history
            .recent(100)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.entry.argv.first().is_some_and(|a| a == "run"))
            .map(|r| (r.entry.actor, r.entry.argv))
            .collect::<Vec<_>>()
    };
    let recorded = runs().await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].0, "admin");
    assert_eq!(
        recorded[0].1,
        [
            "run",
            "--no-tty",
            "api",
            "worker",
            "--queue",
            "low priority"
        ]
    );

    for body in [
        serde_json::json!({ "command": [] }),
        serde_json::json!({ "command": "worker --queue low" }),
    ] {
        let r = run(body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
    }
    assert_eq!(runs().await.len(), 1, "a refused command was sent");
}
