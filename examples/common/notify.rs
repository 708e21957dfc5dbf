//! The examples' webhook sender: dokku-core's sans-IO notifications
//! ([`dokku::notify`]) over hyper-util's HTTP/1 client, with the sleep
//! between retries injected (a test's returns at once and records the
//! waits, so nothing waits in real time).
//!
//! `https://` (Slack's and Discord's webhooks) goes over rustls, trusting
//! Mozilla's roots (webpki-roots) unless given others
//! ([`WebhookNotifier::with_roots`]: a private CA); a certificate those
//! roots do not vouch for is a failed attempt, and nothing is sent.
//! `http://` stays for a relay on a private network.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, Method, Request};
use dokku::notify::{
    deliver, webhook_body, Notifier, NotifyError, NotifyEvent, RetryPolicy, WebhookUrl,
};
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use rustls::RootCertStore;

/// The client's connector: TLS for `https://`, plain for `http://`.
type Connector = HttpsConnector<HttpConnector>;

/// How the sender waits between attempts.
pub type Sleep = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// The runtime's sleep.
pub fn tokio_sleep() -> Sleep {
    Arc::new(|delay| Box::pin(tokio::time::sleep(delay)))
}

/// POSTs each event's JSON ([`webhook_body`]) to one webhook, retried by
/// its policy. `Debug` shows the destination host only.
#[derive(Clone)]
pub struct WebhookNotifier {
    url: WebhookUrl,
    policy: RetryPolicy,
    sleep: Sleep,
    timeout: Duration,
    client: Client<Connector, Full<Bytes>>,
}

impl std::fmt::Debug for WebhookNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookNotifier")
            .field("destination", &self.url.destination())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl WebhookNotifier {
    /// A sender to `url`, with the default retry policy, the runtime's
    /// sleep, a 10 s limit per attempt and, for `https://`, Mozilla's
    /// roots.
    ///
    /// # Errors
    ///
    /// [`NotifyError::InvalidUrl`] when no TLS client can be made here
    /// (rustls refusing its own provider's protocol versions).
    pub fn new(url: WebhookUrl) -> Result<Self, NotifyError> {
        Ok(Self {
            url,
            policy: RetryPolicy::default(),
            sleep: tokio_sleep(),
            timeout: Duration::from_secs(10),
            client: client(None)?,
        })
    }

    /// Trust these roots instead of Mozilla's: a webhook behind a private
    /// certificate authority.
    ///
    /// # Errors
    ///
    /// As [`WebhookNotifier::new`].
    pub fn with_roots(mut self, roots: RootCertStore) -> Result<Self, NotifyError> {
        self.client = client(Some(roots))?;
        Ok(self)
    }

    /// Retry by this policy.
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Wait between attempts with this.
    pub fn with_sleep(mut self, sleep: Sleep) -> Self {
        self.sleep = sleep;
        self
    }

    // One POST: its status, or why none came (the URL scrubbed out).
    async fn attempt(&self, body: Bytes) -> Result<u16, String> {
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.url.expose())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::USER_AGENT, "dokku-rs")
            .body(Full::new(body))
            .map_err(|e| self.url.scrub(&e.to_string()))?;
        let sent = tokio::time::timeout(self.timeout, self.client.request(request)).await;
        match sent {
            Ok(Ok(response)) => Ok(response.status().as_u16()),
            Ok(Err(e)) => Err(self.url.scrub(&describe(&e))),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }
}

/// Mozilla's roots and the certificate authorities of the PEM file
/// `file`: a webhook relay behind a private CA is trusted too, Slack's and
/// Discord's still.
///
/// # Errors
///
/// The file cannot be read, is not PEM, holds no certificate or one that
/// cannot be used as a root; the message names the file.
pub fn roots_with(file: &std::path::Path) -> Result<RootCertStore, String> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let problem = |why: String| format!("the webhook CA file {} {why}", file.display());
    let certificates = CertificateDer::pem_file_iter(file)
        .map_err(|e| problem(format!("cannot be read: {e}")))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| problem(format!("is not PEM: {e}")))?;
    if certificates.is_empty() {
        return Err(problem("holds no certificate".to_owned()));
    }
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let (_, refused) = roots.add_parsable_certificates(certificates);
    if refused > 0 {
        return Err(problem(format!(
            "holds {refused} certificate(s) that cannot be a root"
        )));
    }
    Ok(roots)
}

/// An HTTP/1 client that speaks TLS (rustls over ring) to `https://`
/// URLs, trusting `roots`, else Mozilla's, and plain HTTP to `http://`.
fn client(roots: Option<RootCertStore>) -> Result<Client<Connector, Full<Bytes>>, NotifyError> {
    let unusable = |_| NotifyError::InvalidUrl {
        reason: "no TLS client could be made for it here",
    };
    // ring, not aws-lc-rs: no cmake and a fraction of the build (CI's
    // budget). rustls 0.23.48 deprecates it for lacking post-quantum key
    // exchange, which a webhook's POST does not need yet.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = match roots {
        None => HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(unusable)?,
        Some(roots) => HttpsConnectorBuilder::new().with_tls_config(
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(unusable)?
                .with_root_certificates(roots)
                .with_no_client_auth(),
        ),
    };
    let connector = builder.https_or_http().enable_http1().build();
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

/// An error and its causes, one line (hyper-util's own says only
/// "client error (Connect)").
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[async_trait::async_trait]
impl Notifier for WebhookNotifier {
    async fn notify(&self, event: &NotifyEvent) -> Result<(), NotifyError> {
        let body = Bytes::from(webhook_body(event).to_string());
        let sleep = Arc::clone(&self.sleep);
        deliver(
            &self.policy,
            self.url.destination(),
            |_| self.attempt(body.clone()),
            |delay| sleep(delay),
        )
        .await
        .map(|_| ())
    }
}

/// A webhook receiver for tests.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
pub mod receiver {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
    use tokio::net::TcpListener;
    use tokio_rustls::rustls;

    /// A webhook receiver on 127.0.0.1: answers each request with the
    /// next status of its script (the last one again when it runs out)
    /// and keeps what it was sent.
    pub struct Receiver {
        /// Its URL (with a secret-looking path).
        pub url: String,
        received: Arc<Mutex<Vec<(String, String, serde_json::Value)>>>,
        arrived: Arc<tokio::sync::Notify>,
    }

    impl Receiver {
        /// Listen over plain HTTP, answering with `statuses` in turn.
        pub async fn start(statuses: &[u16]) -> Self {
            Self::listen(statuses, None).await
        }

        /// Listen over TLS with a certificate for 127.0.0.1 made now,
        /// answering with `statuses` in turn; with the roots that trust
        /// it, and it as PEM. (A client that does not trust it sends
        /// nothing: the handshake fails first.)
        pub async fn start_tls(statuses: &[u16]) -> (Self, rustls::RootCertStore, String) {
            let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
            let cert = made.cert.der().clone();
            let key =
                rustls::pki_types::PrivateKeyDer::Pkcs8(made.signing_key.serialize_der().into());
            #[allow(deprecated)]
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![cert.clone()], key)
                .unwrap();
            let mut roots = rustls::RootCertStore::empty();
            roots.add(cert).unwrap();
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
            let pem = {
                use base64::Engine;
                let text = base64::engine::general_purpose::STANDARD.encode(made.cert.der());
                let lines: Vec<&str> = text
                    .as_bytes()
                    .chunks(64)
                    .map(|line| std::str::from_utf8(line).unwrap())
                    .collect();
                let body = lines.join("\n");
                format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")
            };
            (Self::listen(statuses, Some(acceptor)).await, roots, pem)
        }

        async fn listen(statuses: &[u16], tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
            let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let received = Arc::new(Mutex::new(Vec::new()));
            let kept = Arc::clone(&received);
            let arrived = Arc::new(tokio::sync::Notify::new());
            let told = Arc::clone(&arrived);
            let statuses = statuses.to_vec();
            let scheme = if tls.is_some() { "https" } else { "http" };
            tokio::spawn(async move {
                let mut served = 0;
                while let Ok((socket, _)) = listener.accept().await {
                    let mut socket: Box<dyn Stream> = match &tls {
                        None => Box::new(socket),
                        Some(acceptor) => match acceptor.accept(socket).await {
                            Ok(tls) => Box::new(tls),
                            Err(_) => continue,
                        },
                    };
                    let Some((request_line, body)) = read_request(&mut socket).await else {
                        continue;
                    };
                    let (method, path) = request_line
                        .split_once(' ')
                        .map(|(m, rest)| {
                            (
                                m.to_owned(),
                                rest.split(' ').next().unwrap_or("").to_owned(),
                            )
                        })
                        .unwrap();
                    let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
                    kept.lock().unwrap().push((method, path, json));
                    told.notify_waiters();
                    let status = statuses[served.min(statuses.len() - 1)];
                    served += 1;
                    let answer = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
            });
            Receiver {
                url: format!("{scheme}://127.0.0.1:{port}/hooks/T000/s3cr3t-t0ken"),
                received,
                arrived,
            }
        }

        /// Wait until at least `n` requests arrived (a minute at most: a
        /// hang guard, not a time window).
        pub async fn wait_for(&self, n: usize) -> Vec<(String, String, serde_json::Value)> {
            let wait = async {
                loop {
                    let arrived = self.arrived.notified();
                    tokio::pin!(arrived);
                    arrived.as_mut().enable();
                    let got = self.received();
                    if got.len() >= n {
                        return got;
                    }
                    arrived.await;
                }
            };
            tokio::time::timeout(Duration::from_secs(60), wait)
                .await
                .unwrap_or_else(|_| panic!("{n} requests never arrived: {:?}", self.received()))
        }

        /// What it was sent: method, path and JSON body of each request.
        pub fn received(&self) -> Vec<(String, String, serde_json::Value)> {
            self.received.lock().unwrap().clone()
        }
    }

    /// A connection, plain or TLS.
    trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
    impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

    /// One HTTP/1.1 request: its request line and its body.
    async fn read_request(socket: &mut Box<dyn Stream>) -> Option<(String, Vec<u8>)> {
        let mut data = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            data.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while data.len() < head_end + length {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            data.extend_from_slice(&chunk[..n]);
        }
        let line = head.lines().next()?.to_owned();
        Some((line, data[head_end..head_end + length].to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::receiver::Receiver;
    use super::*;
    use dokku::model::deploy::DeployPhase;
    use dokku::AppName;

    /// A sleep that returns at once and records how long it was asked.
    fn recorded() -> (Sleep, Arc<Mutex<Vec<Duration>>>) {
        let waits = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&waits);
        let sleep: Sleep = Arc::new(move |delay| {
            kept.lock().unwrap().push(delay);
            Box::pin(std::future::ready(()))
        });
        (sleep, waits)
    }

    fn events() -> Vec<NotifyEvent> {
        let app = AppName::new("api").unwrap();
        vec![
            NotifyEvent::DeployFailed {
                host: "demo".into(),
                app: app.clone(),
                phase: DeployPhase::Deploy,
                exit_code: Some(1),
                message: "Could not start due to 1 failed checks (web.1)".into(),
            },
            NotifyEvent::DeploySucceeded {
                host: "demo".into(),
                app: app.clone(),
                urls: vec!["http://api.example.com".into()],
            },
            NotifyEvent::certificate("demo", &app, 5, 14).unwrap(),
            NotifyEvent::crashed("demo", &app, "worker", 0, 1).unwrap(),
        ]
    }

    fn notifier(receiver: &Receiver, sleep: Sleep) -> WebhookNotifier {
        WebhookNotifier::new(WebhookUrl::parse(&receiver.url).unwrap())
            .unwrap()
            .with_sleep(sleep)
    }

    #[tokio::test]
    async fn each_event_is_one_post_of_its_json_to_the_webhook() {
        let receiver = Receiver::start(&[204]).await;
        let (sleep, waits) = recorded();
        let sender = notifier(&receiver, sleep);
        for event in events() {
            sender.notify(&event).await.unwrap();
        }
        let received = receiver.received();
        let expected: Vec<(String, String, serde_json::Value)> = events()
            .iter()
            .map(|e| {
                (
                    "POST".to_owned(),
                    "/hooks/T000/s3cr3t-t0ken".to_owned(),
                    webhook_body(e),
                )
            })
            .collect();
        assert_eq!(received, expected);
        assert_eq!(
            received[0].2["text"],
            "[demo] api: deploy failed in its deploy phase (exit 1): Could not start due to 1 failed checks (web.1)"
        );
        assert_eq!(received[0].2["content"], received[0].2["text"]);
        assert!(waits.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_500_is_retried_after_the_policys_delays_then_delivered() {
        let receiver = Receiver::start(&[500, 503, 200]).await;
        let (sleep, waits) = recorded();
        let policy = RetryPolicy {
            first_delay: Duration::from_millis(250),
            factor: 4,
            max_delay: Duration::from_secs(60),
            max_attempts: 5,
        };
        let sender = notifier(&receiver, sleep).with_policy(policy);
        sender.notify(&events()[0]).await.unwrap();
        assert_eq!(receiver.received().len(), 3);
        assert_eq!(
            *waits.lock().unwrap(),
            [Duration::from_millis(250), Duration::from_secs(1)]
        );
    }

    #[tokio::test]
    async fn a_permanent_failure_is_a_typed_error_that_never_shows_the_url() {
        // Down for good: every attempt of the policy, then an error.
        let receiver = Receiver::start(&[500]).await;
        let (sleep, waits) = recorded();
        let sender = notifier(&receiver, sleep);
        let error = sender.notify(&events()[0]).await.unwrap_err();
        let port = receiver
            .url
            .split(':')
            .nth(2)
            .unwrap()
            .split('/')
            .next()
            .unwrap();
        assert_eq!(
            error,
            NotifyError::Rejected {
                destination: format!("127.0.0.1:{port}"),
                status: 500,
                attempts: 5,
            }
        );
        assert_eq!(waits.lock().unwrap().len(), 4);
        // Refused (a deleted webhook): no retry.
        let gone = Receiver::start(&[404]).await;
        let refused = notifier(&gone, recorded().0)
            .notify(&events()[0])
            .await
            .unwrap_err();
        assert!(matches!(
            refused,
            NotifyError::Rejected {
                status: 404,
                attempts: 1,
                ..
            }
        ));
        // Nobody listening: unreachable, with hyper's reason.
        let closed = {
            let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
            let port = listener.local_addr().unwrap().port();
            drop(listener);
            format!("http://127.0.0.1:{port}/hooks/T000/s3cr3t-t0ken")
        };
        let unreachable = WebhookNotifier::new(WebhookUrl::parse(&closed).unwrap())
            .unwrap()
            .with_sleep(recorded().0)
            .notify(&events()[0])
            .await
            .unwrap_err();
        assert!(matches!(
            unreachable,
            NotifyError::Unreachable { attempts: 5, .. }
        ));

        for shown in [
            error.to_string(),
            format!("{error:?}"),
            refused.to_string(),
            format!("{refused:?}"),
            unreachable.to_string(),
            format!("{unreachable:?}"),
            format!("{sender:?}"),
        ] {
            assert!(!shown.contains("s3cr3t-t0ken"), "{shown}");
            assert!(!shown.contains("/hooks/"), "{shown}");
        }
    }

    #[tokio::test]
    async fn an_https_webhook_is_posted_over_tls_to_a_certificate_its_roots_trust() {
        let (receiver, roots, _) = Receiver::start_tls(&[200]).await;
        let sender = notifier(&receiver, recorded().0).with_roots(roots).unwrap();
        sender.notify(&events()[0]).await.unwrap();
        let received = receiver.wait_for(1).await;
        assert_eq!(received[0].1, "/hooks/T000/s3cr3t-t0ken");
        assert_eq!(received[0].2, webhook_body(&events()[0]));
    }

    #[tokio::test]
    async fn a_private_cas_pem_file_is_trusted_beside_mozillas_roots() {
        let (receiver, _, pem) = Receiver::start_tls(&[200]).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ca.pem");
        std::fs::write(&file, format!("a comment before it\n{pem}")).unwrap();
        let roots = roots_with(&file).unwrap();
        assert_eq!(roots.len(), webpki_roots::TLS_SERVER_ROOTS.len() + 1);
        let sender = notifier(&receiver, recorded().0).with_roots(roots).unwrap();
        sender.notify(&events()[0]).await.unwrap();
        assert_eq!(receiver.wait_for(1).await.len(), 1);
        // What cannot be used is said, naming the file.
        let missing = dir.path().join("none.pem");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").unwrap();
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        for (file, why) in [
            (&missing, "cannot be read"),
            (&empty, "holds no certificate"),
            (&broken, "cannot be a root"),
        ] {
            let error = roots_with(file).unwrap_err();
            assert!(
                error.contains(&file.display().to_string()) && error.contains(why),
                "{error}"
            );
        }
    }

    #[tokio::test]
    async fn a_certificate_the_roots_do_not_trust_sends_nothing_and_says_so_without_the_url() {
        // Mozilla's roots do not vouch for a certificate made a moment ago.
        let (receiver, _, _) = Receiver::start_tls(&[200]).await;
        let (sleep, waits) = recorded();
        let error = notifier(&receiver, sleep)
            .notify(&events()[0])
            .await
            .unwrap_err();
        let NotifyError::Unreachable {
            reason, attempts, ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(*attempts, 5);
        assert_eq!(waits.lock().unwrap().len(), 4);
        assert!(reason.contains("certificate"), "{reason}");
        assert!(receiver.received().is_empty(), "a request crossed");
        let shown = format!("{error} {error:?}");
        assert!(
            !shown.contains("s3cr3t-t0ken") && !shown.contains("/hooks/"),
            "{shown}"
        );
    }
}
