//! [`Limited`]: at most N commands in flight on one host.
//!
//! A host's own bound, whatever its transport: SSH has one per connection
//! already (below sshd's MaxSessions), a local or simulated host has none,
//! and a fleet must not start a hundred commands on one Dokku because a
//! hundred apps asked. It sits above the audit decorator, so a command's
//! recorded duration is its run, not its wait.

use std::sync::Arc;

use async_trait::async_trait;
use dokku_core::{Command, ExecError, Executor, Output, OutputStream};
use futures_util::StreamExt;
use tokio::sync::Semaphore;

/// An executor that runs at most `n` commands of its inner executor at once.
#[derive(Debug, Clone)]
pub struct Limited {
    inner: Arc<dyn Executor>,
    permits: Arc<Semaphore>,
}

impl Limited {
    /// At most `n` (at least 1) commands of `inner` at once.
    pub fn new(inner: Arc<dyn Executor>, n: usize) -> Self {
        Self {
            inner,
            permits: Arc::new(Semaphore::new(n.max(1))),
        }
    }
}

#[async_trait]
impl Executor for Limited {
    async fn run(&self, command: &Command) -> Result<Output, ExecError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ExecError::Cancelled)?;
        self.inner.run(command).await
    }

    async fn stream(&self, command: &Command) -> Result<OutputStream, ExecError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| ExecError::Cancelled)?;
        let stream = self.inner.stream(command).await?;
        // The permit is held until the stream ends or is dropped.
        Ok(Box::pin(stream.map(move |chunk| {
            let _held = &permit;
            chunk
        })))
    }

    async fn git_transport(&self) -> Result<dokku_core::exec::GitTransport, ExecError> {
        self.inner.git_transport().await
    }

    async fn observe(
        &self,
        command: &Command,
        start: dokku_core::exec::Start<'_>,
    ) -> Result<OutputStream, ExecError> {
        self.inner.observe(command, start).await
    }
}
