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

/// Keep what `bytes` adds to a stream's stderr, up to [`STDERR_KEEP`]
/// in all: enough for Dokku's error message, bounded however much the
/// command writes.
pub(crate) fn keep_stderr(kept: &mut Vec<u8>, bytes: &[u8]) {
    let room = STDERR_KEEP.saturating_sub(kept.len());
    kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
}
/// A "line" that grows past this without a newline is yielded as it is
/// (it may exceed the limit by one chunk) rather than buffered forever.
const MAX_LINE: usize = 1024 * 1024;

/// Bytes of one output stream cut into lines: the one place that decides
/// what a line is (`\n`-terminated, or [`MAX_LINE`] bytes without one, or
/// what is left at the end), for every streamed command.
#[derive(Debug, Default)]
pub(crate) struct LineBuffer {
    partial: Vec<u8>,
}

impl LineBuffer {
    /// The complete lines in `bytes` (joined to what came before), each
    /// passed to `emit`. Only the new bytes are searched for newlines, so a
    /// long line arriving in small chunks costs linear time.
    pub(crate) fn push(&mut self, mut bytes: &[u8], mut emit: impl FnMut(&str)) {
        while let Some(end) = bytes.iter().position(|&b| b == b'\n') {
            self.partial.extend_from_slice(&bytes[..end]);
            self.flush(&mut emit);
            bytes = &bytes[end + 1..];
        }
        self.partial.extend_from_slice(bytes);
        if self.partial.len() >= MAX_LINE {
            self.flush(&mut emit);
        }
    }

    /// The stream is over: what is left of the last line, if anything.
    pub(crate) fn finish(&mut self, mut emit: impl FnMut(&str)) {
        if !self.partial.is_empty() {
            self.flush(&mut emit);
        }
    }

    fn flush(&mut self, emit: &mut impl FnMut(&str)) {
        emit(&String::from_utf8_lossy(&self.partial));
        self.partial.clear();
    }
}

struct LineState<T, F> {
    map: F,
    command: Command,
    inner: Option<OutputStream>,
    stdout: LineBuffer,
    stderr: Vec<u8>,
    ready: VecDeque<Result<T>>,
}

impl<T, F: Fn(&str) -> T> LineState<T, F> {
    fn push_stdout(&mut self, bytes: &[u8]) {
        let (map, ready) = (&self.map, &mut self.ready);
        self.stdout
            .push(bytes, |line| ready.push_back(Ok(map(line))));
    }

    // The stream is over: yield what is left of the last line, then the
    // verdict (if any).
    fn end(&mut self, verdict: Option<Error>) {
        let (map, ready) = (&self.map, &mut self.ready);
        self.stdout.finish(|line| ready.push_back(Ok(map(line))));
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
                Some(Ok(Chunk::Stderr(bytes))) => keep_stderr(&mut self.stderr, &bytes),
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
        stdout: LineBuffer::default(),
        stderr: Vec::new(),
        ready: VecDeque::new(),
    };
    Box::pin(stream::unfold(state, LineState::next))
}

/// Plain text lines.
pub(crate) fn text_lines(command: Command, inner: OutputStream) -> LineStream<String> {
    line_stream(command, inner, str::to_owned)
}
