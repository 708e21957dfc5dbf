//! What both stores' writers share: the messages `append`, `retain` and
//! `check_writable` send, how waiting entries are gathered into one batch,
//! and how a batch's ids (or its error) go back to the callers.

use tokio::sync::oneshot;

use crate::error::HistoryError;
use crate::model::Retention;
use crate::record::Entry;

pub(crate) type Ack = oneshot::Sender<Result<i64, HistoryError>>;
pub(crate) type ManyAck = oneshot::Sender<Result<Vec<i64>, HistoryError>>;

/// A request to the writer.
pub(crate) enum Msg {
    Append(Box<Entry>, Ack),
    AppendMany(Vec<Entry>, ManyAck),
    Retain(Retention, oneshot::Sender<Result<u64, HistoryError>>),
    Probe(oneshot::Sender<Result<(), HistoryError>>),
}

/// Who waits for which of the batch's ids.
pub(crate) enum Waiter {
    One(Ack),
    Many(usize, ManyAck),
}

/// Entries waiting to be written, in order, and their waiters.
#[derive(Default)]
pub(crate) struct Pending {
    pub entries: Vec<Entry>,
    pub waiters: Vec<Waiter>,
}

/// What a message asks of the writer once it is gathered.
pub(crate) enum Step {
    /// Added to the pending batch.
    Queued,
    /// Write the pending batch first, then answer this probe.
    Probe(oneshot::Sender<Result<(), HistoryError>>),
    /// Write the pending batch first (order is kept), then retain.
    Retain(Retention, oneshot::Sender<Result<u64, HistoryError>>),
}

impl Pending {
    /// Take one message: appends join the batch, the rest are returned.
    pub fn take(&mut self, msg: Msg) -> Step {
        match msg {
            Msg::Append(entry, ack) => {
                self.entries.push(*entry);
                self.waiters.push(Waiter::One(ack));
                Step::Queued
            }
            Msg::AppendMany(entries, ack) => {
                self.waiters.push(Waiter::Many(entries.len(), ack));
                self.entries.extend(entries);
                Step::Queued
            }
            Msg::Probe(ack) => Step::Probe(ack),
            Msg::Retain(retention, ack) => Step::Retain(retention, ack),
        }
    }

    /// Answer every waiter with the batch's outcome: its ids in order, or
    /// its error (the first waiter gets the cause, the others
    /// [`HistoryError::Batch`]).
    pub fn deliver(self, result: Result<Vec<i64>, HistoryError>) {
        match result {
            Ok(ids) => {
                let mut ids = ids.into_iter();
                for waiter in self.waiters {
                    match waiter {
                        Waiter::One(ack) => {
                            let _ = ack.send(ids.next().ok_or(HistoryError::Batch));
                        }
                        Waiter::Many(n, ack) => {
                            let _ = ack.send(Ok(ids.by_ref().take(n).collect()));
                        }
                    }
                }
            }
            Err(error) => {
                tracing::error!(%error, rows = self.entries.len(), "audit batch not written");
                let mut error = Some(error);
                for waiter in self.waiters {
                    let e = error.take().unwrap_or(HistoryError::Batch);
                    let _ = match waiter {
                        Waiter::One(ack) => ack.send(Err(e)).is_ok(),
                        Waiter::Many(_, ack) => ack.send(Err(e)).is_ok(),
                    };
                }
            }
        }
    }
}
