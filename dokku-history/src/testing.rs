//! A throwaway PostgreSQL server for tests and benches (feature
//! `test-util`), so `cargo test` exercises the PostgreSQL store without
//! anything started beforehand.
//!
//! [`TempPostgres::shared`] gives every test of a process one server:
//! the one `DOKKU_TEST_POSTGRES_URL` names, if set; otherwise one started
//! from the machine's own `initdb` and `pg_ctl` (`DOKKU_TEST_PG_BIN`, the
//! `PATH`, or Debian's `/usr/lib/postgresql/<version>/bin`) in a temporary
//! directory, listening only on a unix socket there. As root, it runs as
//! the `postgres` user (or `nobody`), as PostgreSQL requires.
//!
//! The server is watched by a small shell that holds the read end of a
//! pipe whose write end only this process has: when the process ends, for
//! whatever reason, the shell reads end-of-file, stops the server and
//! removes the directory. Each test then takes a fresh schema
//! ([`TempPostgres::fresh_url`]), so tests share the server but never a
//! table.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::error::HistoryError;

/// Where a test server's PostgreSQL binaries are, if anywhere.
pub fn find_bin_dir() -> Option<PathBuf> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("DOKKU_TEST_PG_BIN").map(PathBuf::from) {
        return has_tools(&dir).then_some(dir);
    }
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path).find(|d| has_tools(d)) {
            return Some(dir);
        }
    }
    // Debian keeps them out of the PATH, one directory per major version.
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_tools(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

/// How much a started server may lose in a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Durability {
    /// Nothing is flushed (`fsync = off`): fastest, for tests.
    Throwaway,
    /// WAL is fsynced, commits do not wait for it (`synchronous_commit =
    /// off`): what the SQLite store does with WAL and `synchronous =
    /// NORMAL`, for benches that compare the two.
    LikeSqliteWal,
}

/// A PostgreSQL server for tests.
#[derive(Debug)]
pub struct TempPostgres {
    url: String,
    schemas: AtomicU64,
    // Dropping the pipe's write end (when this process exits) stops the
    // server.
    _watch: Option<Mutex<(Child, ChildStdin)>>,
}

fn server_error(message: impl Into<String>) -> HistoryError {
    HistoryError::TestServer(message.into())
}

/// The uid and gid of the first of `names` in /etc/passwd.
fn unprivileged_user(names: &[&str]) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    names.iter().find_map(|name| {
        passwd.lines().find_map(|line| {
            let mut fields = line.split(':');
            (fields.next()? == *name).then_some(())?;
            let _password = fields.next()?;
            Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
        })
    })
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// initdb, configure, start, say `ready`; then wait for end-of-file on
/// stdin, stop the server and remove its directory.
const SUPERVISOR: &str = r#"
set -e
bin=$1; dir=$2; conf=$3
"$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
printf '%s\n' "$conf" >>"$dir/data/postgresql.conf"
"$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 300 start >/dev/null 2>&1 \
  || { cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1; }
echo ready
read -r _ || true
"$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
rm -rf "$dir"
"#;

impl TempPostgres {
    /// The server every caller in this process shares, started on first
    /// use: `DOKKU_TEST_POSTGRES_URL` if set, else a throwaway server.
    pub fn shared() -> Result<&'static TempPostgres, HistoryError> {
        static SHARED: OnceLock<Result<TempPostgres, String>> = OnceLock::new();
        let server = SHARED.get_or_init(|| match std::env::var("DOKKU_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Ok(Self::at(url)),
            _ => Self::start(Durability::Throwaway).map_err(|e| e.to_string()),
        });
        server.as_ref().map_err(|e| server_error(e.clone()))
    }

    /// A server that is already running.
    pub fn at(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            schemas: AtomicU64::new(0),
            _watch: None,
        }
    }

    /// Start a server of its own from the machine's binaries; it stops
    /// when this value is dropped or the process exits.
    pub fn start(durability: Durability) -> Result<Self, HistoryError> {
        let bin = find_bin_dir().ok_or_else(|| {
            server_error("no initdb and pg_ctl found (install Debian's postgresql package)")
        })?;
        let dir = tempfile::Builder::new()
            .prefix("dokku-pg-")
            .tempdir()
            .map_err(|e| server_error(format!("creating a directory: {e}")))?
            .keep();
        let owner = if is_root() {
            let ids = unprivileged_user(&["postgres", "nobody"])
                .ok_or_else(|| server_error("running as root, and no postgres user to run as"))?;
            std::os::unix::fs::chown(&dir, Some(ids.0), Some(ids.1))
                .map_err(|e| server_error(format!("handing the directory over: {e}")))?;
            Some(ids)
        } else {
            None
        };
        let flush = match durability {
            Durability::Throwaway => {
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off"
            }
            Durability::LikeSqliteWal => "synchronous_commit = off",
        };
        let conf = format!(
            "listen_addresses = ''\nunix_socket_directories = '{}'\nport = 5432\n\
             max_connections = 300\nshared_buffers = 128MB\n{flush}",
            dir.display()
        );
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(SUPERVISOR)
            .arg("sh")
            .arg(&bin)
            .arg(&dir)
            .arg(conf)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some((uid, gid)) = owner {
            command.uid(uid).gid(gid);
        }
        let mut child = command
            .spawn()
            .map_err(|e| server_error(format!("starting PostgreSQL: {e}")))?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        if line.trim() != "ready" {
            let mut why = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = stderr.read_to_string(&mut why);
            }
            let _ = child.wait();
            return Err(server_error(format!("PostgreSQL did not start: {why}")));
        }
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| server_error("no pipe to the server's supervisor"))?;
        let socket_dir: String = dir
            .display()
            .to_string()
            .bytes()
            .map(|b| match b {
                b'/' => "%2F".to_owned(),
                b => char::from(b).to_string(),
            })
            .collect();
        Ok(Self {
            url: format!("postgresql://postgres@{socket_dir}:5432/postgres"),
            schemas: AtomicU64::new(0),
            _watch: Some(Mutex::new((child, stdin))),
        })
    }

    /// The server's URL (the `postgres` database, the `public` schema).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `url` with its tables in `schema`: a `search_path` option.
    pub fn url_in_schema(url: &str, schema: &str) -> String {
        if url.contains("://") {
            let join = if url.contains('?') { '&' } else { '?' };
            format!("{url}{join}options=-csearch_path%3D{schema}")
        } else {
            format!("{url} options='-csearch_path={schema}'")
        }
    }

    /// A URL whose tables go in a new, empty schema of this server, so
    /// that a test starts from nothing.
    pub async fn fresh_url(&self) -> Result<String, HistoryError> {
        let n = self.schemas.fetch_add(1, Ordering::Relaxed);
        let schema = format!("t{}_{n}", std::process::id());
        let config = tokio_postgres::Config::from_str(&self.url)
            .map_err(|e| server_error(format!("the server's URL: {e}")))?;
        let (client, connection) = config
            .connect(tokio_postgres::NoTls)
            .await
            .map_err(|e| server_error(format!("connecting to {}: {e}", self.url)))?;
        let driver = tokio::spawn(connection);
        let created = client
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .await
            .map_err(|e| server_error(format!("creating schema {schema}: {e}")));
        drop(client);
        let _ = driver.await;
        created?;
        Ok(Self::url_in_schema(&self.url, &schema))
    }
}
