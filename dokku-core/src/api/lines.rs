//! A streamed command's stdout as typed lines: `logs -t`, `events -t`,
//! `nginx:access-logs -t`, `builds:output`, `run`.
//!
//! Lines are parsed as they arrive; dropping the stream ends the remote
//! process (the executor's contract). A non-zero exit at the end becomes a
//! classified error item, so "the app is not deployed" is not mistaken for
//! "no more output".

use std::collections::VecDeque;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::{stream, StreamExt};

use crate::command::Command;
use crate::error::{Error, Result};
use crate::exec::{Chunk, ExecError, Output, OutputStream};
use crate::parse;

/// Typed lines as they arrive. Dropping it ends the remote process.
pub type LineStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// Cap on stderr kept for the final error message of a followed stream.
const STDERR_KEEP: usize = 64 * 1024;
/// A "line" that grows past this without a newline is yielded as it is
/// (it may exceed the limit by one chunk) rather than buffered forever.
const MAX_LINE: usize = 1024 * 1024;

struct LineState<T, F> {
    map: F,
    command: Command,
    inner: Option<OutputStream>,
    partial: Vec<u8>,
    stderr: Vec<u8>,
    ready: VecDeque<Result<T>>,
}

impl<T, F: Fn(&str) -> T> LineState<T, F> {
    // Only the new bytes are searched for newlines, so a long line arriving
    // in small chunks costs linear time.
    fn push_stdout(&mut self, mut bytes: &[u8]) {
        while let Some(end) = bytes.iter().position(|&b| b == b'\n') {
            self.partial.extend_from_slice(&bytes[..end]);
            self.emit_partial();
            bytes = &bytes[end + 1..];
        }
        self.partial.extend_from_slice(bytes);
        if self.partial.len() >= MAX_LINE {
            self.emit_partial();
        }
    }

    fn emit_partial(&mut self) {
        let line = (self.map)(&String::from_utf8_lossy(&self.partial));
        self.ready.push_back(Ok(line));
        self.partial.clear();
    }

    // The stream is over: yield what is left of the last line, then the
    // verdict (if any).
    fn end(&mut self, verdict: Option<Error>) {
        if !self.partial.is_empty() {
            self.emit_partial();
        }
        if let Some(error) = verdict {
            self.ready.push_back(Err(error));
        }
        self.inner = None;
    }

    fn transport(&self, source: ExecError) -> Error {
        Error::Transport {
            command: self.command.to_string(),
            source,
        }
    }

    async fn next(mut self) -> Option<(Result<T>, Self)> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some((item, self));
            }
            let inner = self.inner.as_mut()?;
            match inner.next().await {
                Some(Ok(Chunk::Stdout(bytes))) => self.push_stdout(&bytes),
                Some(Ok(Chunk::Stderr(bytes))) => {
                    let room = STDERR_KEEP.saturating_sub(self.stderr.len());
                    self.stderr
                        .extend_from_slice(&bytes[..bytes.len().min(room)]);
                }
                Some(Ok(Chunk::Exit(status))) => {
                    let stderr = std::mem::take(&mut self.stderr);
                    let output = Output::new(status, Vec::new(), stderr);
                    self.end(parse::expect_success(&self.command, output).err());
                }
                Some(Err(source)) => {
                    let error = self.transport(source);
                    self.end(Some(error));
                }
                None => {
                    let error = self.transport(ExecError::Truncated);
                    self.end(Some(error));
                }
            }
        }
    }
}

/// Map each stdout line of a running command through `map` (which never
/// fails: a parser that cannot read a line keeps it as text).
pub(crate) fn line_stream<T, F>(command: Command, inner: OutputStream, map: F) -> LineStream<T>
where
    T: Send + 'static,
    F: Fn(&str) -> T + Send + 'static,
{
    let state = LineState {
        map,
        command,
        inner: Some(inner),
        partial: Vec::new(),
        stderr: Vec::new(),
        ready: VecDeque::new(),
    };
    Box::pin(stream::unfold(state, LineState::next))
}

/// Plain text lines.
pub(crate) fn text_lines(command: Command, inner: OutputStream) -> LineStream<String> {
    line_stream(command, inner, str::to_owned)
}
