//! Copying a trail from one store into another — typically a laptop's or a
//! single dashboard's SQLite file into the team's PostgreSQL database —
//! and proving on arrival that nothing changed on the way.
//!
//! Records are copied verbatim: same ids, same `prev_hash` and `hash`, and
//! the same retention cut. Nothing is re-hashed, so the chain that arrives
//! is the one the source's writers built, and an alteration made before,
//! during or after the copy is caught by [`HistoryStore::verify`] on the
//! destination exactly as it would have been on the source.

use crate::error::HistoryError;
use crate::store::HistoryStore;

/// Records read and written per step of a copy.
const CHUNK: usize = 5_000;

/// What [`migrate_trail`] copied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Migration {
    /// Records copied (and verified on arrival).
    pub rows: u64,
    /// The first id kept by the source's retention (0: it never ran).
    pub truncated_before: i64,
    /// The newest id, now the destination's chain head.
    pub head_id: i64,
}

/// Copy the whole trail of `from` into `to`, which must be empty, then
/// verify `to`.
///
/// Refused, with nothing written, when `from` does not verify (a tampered
/// trail is not laundered into a fresh database) or `to` already holds
/// records. Rows the source records while the copy runs are not copied:
/// the copy ends at the head the source had when it started. Fails if the
/// trail that arrived does not verify or does not end at that head.
pub async fn migrate_trail(
    from: &HistoryStore,
    to: &HistoryStore,
) -> Result<Migration, HistoryError> {
    let checked = from.verify().await?;
    if let Some(problem) = checked.problem {
        return Err(HistoryError::Migrate(format!(
            "the source trail does not verify ({problem:?}); nothing was copied"
        )));
    }
    let chain = from.chain_state().await?;
    let (mut after, _) = chain.import_head();
    let mut start = Some(chain.clone());
    let mut rows = 0u64;
    loop {
        let mut batch = from.records_after(after, CHUNK).await?;
        batch.retain(|r| r.id <= chain.head_id);
        let done = batch.len() < CHUNK;
        if let Some(last) = batch.last() {
            after = last.id;
        }
        rows += batch.len() as u64;
        if start.is_none() && batch.is_empty() {
            break;
        }
        to.import(start.take(), batch).await?;
        if done {
            break;
        }
    }
    // The planner's statistics of an empty table would send searches the
    // long way round.
    to.refresh_statistics().await?;
    let arrived = to.verify().await?;
    if let Some(problem) = arrived.problem {
        return Err(HistoryError::Migrate(format!(
            "the copied trail does not verify: {problem:?}"
        )));
    }
    let head = to.chain_state().await?;
    if arrived.rows != rows || head != chain {
        return Err(HistoryError::Migrate(format!(
            "the copy holds {} records up to id {}; the source had {rows} up to id {}",
            arrived.rows, head.head_id, chain.head_id
        )));
    }
    Ok(Migration {
        rows,
        truncated_before: chain.truncated_before,
        head_id: chain.head_id,
    })
}
