//! A simulated host kept in a directory, shared by every process that opens
//! it: the `dokku-sim` binary behind sshd, and the examples' `--demo` hosts,
//! whose apps must still be there on the next run.
//!
//! Every change holds an exclusive lock on `DIR/state.lock` while it reads,
//! changes and writes `DIR/state.json`, so concurrent processes lose no
//! update. The new state is written to a temporary file, synced and renamed
//! over the old one: readers see the old state or the new, never a torn
//! file, and a full disk fails before anything is replaced.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use dokku_core::{Command, ExecError, Executor, Output, OutputStream};

use crate::executor::Printing;
use crate::{Error, SimExecutor, SimHost};

type Initial = Arc<dyn Fn() -> SimHost + Send + Sync>;

/// A directory holding one simulated host's state.
#[derive(Clone)]
pub struct StateDir {
    dir: PathBuf,
    initial: Initial,
}

impl std::fmt::Debug for StateDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateDir").field("dir", &self.dir).finish()
    }
}

impl StateDir {
    /// Open (creating it if needed) a state directory. A directory with no
    /// state yet starts from `initial()`.
    pub fn open(
        dir: impl Into<PathBuf>,
        initial: impl Fn() -> SimHost + Send + Sync + 'static,
    ) -> Result<Self, Error> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|source| Error::StateIo {
            path: dir.clone(),
            source,
        })?;
        Ok(Self {
            dir,
            initial: Arc::new(initial),
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The current state, read under the lock.
    pub fn load(&self) -> Result<SimHost, Error> {
        let _lock = self.lock()?;
        self.read()
    }

    /// Read the state, change it with `f` and write it back, all under the
    /// lock. Nothing is written when `f`'s state cannot be saved, and the
    /// error says so.
    pub fn update<T>(&self, f: impl FnOnce(&mut SimHost) -> T) -> Result<T, Error> {
        let _lock = self.lock()?;
        let mut host = self.read()?;
        let value = f(&mut host);
        self.write(&host)?;
        Ok(value)
    }

    fn lock(&self) -> Result<File, Error> {
        let path = self.dir.join("state.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| Error::StateIo {
                path: path.clone(),
                source,
            })?;
        file.lock()
            .map_err(|source| Error::StateIo { path, source })?;
        Ok(file)
    }

    fn read(&self) -> Result<SimHost, Error> {
        let path = self.dir.join("state.json");
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::StateCorrupt {
                path,
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((self.initial)()),
            Err(source) => Err(Error::StateIo { path, source }),
        }
    }

    fn write(&self, host: &SimHost) -> Result<(), Error> {
        let path = self.dir.join("state.json");
        let tmp = self.dir.join("state.json.tmp");
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::StateIo { path, source }
        };
        let bytes = serde_json::to_vec(host).map_err(|e| Error::StateCorrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let mut file = File::create(&tmp).map_err(io_error(&tmp))?;
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .map_err(io_error(&tmp))?;
        fs::rename(&tmp, &path).map_err(io_error(&path))
    }
}

/// An [`Executor`] over a [`StateDir`]: each command loads the state, runs
/// on it and saves it under the directory's lock, so separate runs of a
/// program (or several programs at once) see one host.
///
/// A follow (`logs -t`, `events -t`) re-reads the state at each interval,
/// so it sees what other runs change.
#[derive(Debug, Clone)]
pub struct PersistentExecutor {
    state: StateDir,
    follow_interval: Duration,
    deploy_line: Duration,
    /// The deploys this executor's streams are printing, for
    /// `builds:cancel` to end.
    printing: Printing,
}

impl PersistentExecutor {
    /// An executor over this state directory.
    pub fn new(state: StateDir) -> Self {
        Self {
            state,
            follow_interval: Duration::from_millis(500),
            deploy_line: Duration::ZERO,
            printing: Printing::default(),
        }
    }

    /// How often a followed log prints a new line (default 500 ms).
    pub fn with_follow_interval(mut self, interval: Duration) -> Self {
        self.follow_interval = interval;
        self
    }

    /// Print a deploy's output a line at a time, `per_line` after each
    /// line ([`SimExecutor::with_deploy_pacing`]; default zero). The state
    /// is saved when the command starts, so another run sees the deploy
    /// while this one still prints it.
    pub fn with_deploy_pacing(mut self, per_line: Duration) -> Self {
        self.deploy_line = per_line;
        self
    }

    /// The state directory.
    pub fn state(&self) -> &StateDir {
        &self.state
    }

    // Runs `f` on an in-memory executor over the loaded state, then saves
    // what the command changed. The file lock is held throughout, on a
    // blocking thread: another process may hold it for a moment.
    // `paced`: the executor paces deploys (its streams wait inside, after
    // the state is saved).
    async fn with_sim<T: Send + 'static>(
        &self,
        paced: bool,
        f: impl FnOnce(&SimExecutor) -> T + Send + 'static,
    ) -> Result<T, ExecError> {
        let state = self.state.clone();
        let interval = self.follow_interval;
        let printing = self.printing.clone();
        let per_line = if paced {
            self.deploy_line
        } else {
            Duration::ZERO
        };
        blocking(move || {
            state.update(|host| {
                let shared = Arc::new(Mutex::new(host.clone()));
                let sim = SimExecutor::shared(Arc::clone(&shared))
                    .with_follow_interval(interval)
                    .with_deploy_pacing(per_line)
                    .reloading_from(state.clone())
                    .printing_in(printing);
                let value = f(&sim);
                *host = shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .clone();
                value
            })
        })
        .await
    }
}

/// `work` on a state directory, on a blocking thread (another process may
/// hold its lock for a moment), its failures as the executor's.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, ExecError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ExecError::Other(format!("the simulator's state task failed: {e}")))?
        .map_err(|e| ExecError::Other(e.to_string()))
}

#[async_trait]
impl Executor for PersistentExecutor {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        let argv: Vec<String> = command
            .expose_argv()
            .into_iter()
            .map(str::to_owned)
            .collect();
        // Read a streamed input before the state's lock is taken.
        let command = command.buffered().await?.into_owned();
        // SimExecutor answers at once (no latency or pacing is configured),
        // so the future completes on its first poll; a paced deploy's time
        // is spent here, with the state saved and its lock released.
        let output = self
            .with_sim(false, move |sim| {
                futures_util::FutureExt::now_or_never(sim.run(&command))
            })
            .await?
            .unwrap_or_else(|| Err(ExecError::Other("the simulator did not answer".to_owned())))?;
        let pacing = crate::cost::pacing_cost(&argv, &output.stdout, self.deploy_line);
        if !pacing.is_zero() {
            tokio::time::sleep(pacing).await;
        }
        Ok(output)
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        let command = command.buffered().await?.into_owned();
        let stream = self
            .with_sim(true, move |sim| {
                futures_util::FutureExt::now_or_never(sim.stream(&command))
            })
            .await?;
        stream.unwrap_or_else(|| Err(ExecError::Other("the simulator did not answer".to_owned())))
    }
}
