//! The record model both stores share: options, queries, pages, retention,
//! statistics and what verification found — and the pieces of verification
//! and export that do not depend on the database.

use std::io::Write;
use std::time::Duration;

use crate::error::HistoryError;
use crate::record::{chain_hash, Outcome, Record, GENESIS};

/// Tuning for [`HistoryStore::open_with`](crate::HistoryStore::open_with)
/// and `HistoryStore::connect_with`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StoreOptions {
    /// Entries waiting for the writer before `append` waits (default 8192).
    pub queue: usize,
    /// Most entries written in one transaction (default 8192).
    pub batch: usize,
    /// How long to wait for a lock held by another process (default 5 s):
    /// SQLite's busy timeout, PostgreSQL's `lock_timeout` on the chain head.
    pub busy_timeout: Duration,
    /// SQLite only: cap the file at this many pages (tests use it to
    /// simulate a full disk).
    pub max_page_count: Option<u64>,
    /// PostgreSQL only: most connections for reads (default 4); the
    /// writer has one more of its own.
    pub read_connections: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            queue: 8192,
            batch: 8192,
            busy_timeout: Duration::from_secs(5),
            max_page_count: None,
            read_connections: 4,
        }
    }
}

/// Which rows [`HistoryStore::retain`](crate::HistoryStore::retain) keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Retention {
    /// Delete rows that started before this Unix time (milliseconds) —
    /// the oldest ones, up to the first row that started later (the chain
    /// only loses a prefix, so an old row recorded after a newer one stays).
    pub older_than_ms: Option<i64>,
    /// Keep at most this many of the newest rows.
    pub max_rows: Option<u64>,
}

impl Retention {
    /// Delete rows that started before `cutoff_ms`.
    pub fn older_than(cutoff_ms: i64) -> Self {
        Self {
            older_than_ms: Some(cutoff_ms),
            max_rows: None,
        }
    }

    /// Keep the newest `rows`.
    pub fn keep_newest(rows: u64) -> Self {
        Self {
            older_than_ms: None,
            max_rows: Some(rows),
        }
    }
}

/// Filters for [`HistoryStore::query`](crate::HistoryStore::query); newest first, keyset-paginated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Query {
    /// Only this app.
    pub app: Option<String>,
    /// Only this host.
    pub host: Option<String>,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this subcommand.
    pub subcommand: Option<String>,
    /// Only these subcommands (any of them); empty: any.
    pub subcommands: Vec<String>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
    /// Started at or after (Unix ms).
    pub since_ms: Option<i64>,
    /// Started before (Unix ms).
    pub until_ms: Option<i64>,
    /// Continue after this page's last row.
    pub after: Option<Cursor>,
    /// Page size (default [`DEFAULT_PAGE`]).
    pub limit: Option<usize>,
}

/// The page size of a [`Query`] without a limit.
pub const DEFAULT_PAGE: usize = 50;

/// Where a page ended: pass it as [`Query::after`] for the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cursor {
    /// The last row's start time.
    pub started_at: i64,
    /// The last row's id.
    pub id: i64,
}

impl Cursor {
    /// The cursor just past `record`: a query with it as
    /// [`Query::after`] continues with the next older row.
    pub fn of(record: &Record) -> Self {
        Self {
            started_at: record.entry.started_at,
            id: record.id,
        }
    }
}

/// `started_at:id`, the form a link or an API answer carries.
///
/// ```
/// use dokku_history::Cursor;
/// let c = Cursor { started_at: 1_700_000_000_000, id: 42 };
/// assert_eq!(c.to_string(), "1700000000000:42");
/// assert_eq!("1700000000000:42".parse::<Cursor>(), Ok(c));
/// assert!("42".parse::<Cursor>().is_err());
/// ```
impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.started_at, self.id)
    }
}

/// A cursor that is not `started_at:id` (two integers).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a page cursor reads `started_at:id` (two integers)")]
pub struct BadCursor;

impl std::str::FromStr for Cursor {
    type Err = BadCursor;

    fn from_str(s: &str) -> Result<Self, BadCursor> {
        let (started_at, id) = s.split_once(':').ok_or(BadCursor)?;
        Ok(Self {
            started_at: started_at.parse().map_err(|_| BadCursor)?,
            id: id.parse().map_err(|_| BadCursor)?,
        })
    }
}

/// One page of records, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The records.
    pub records: Vec<Record>,
    /// The cursor for the next page; `None` when this was the last.
    pub next: Option<Cursor>,
}

/// Per-subcommand statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct SubcommandStats {
    /// The subcommand.
    pub subcommand: String,
    /// How many invocations.
    pub count: u64,
    /// How many did not end `ok`.
    pub failures: u64,
    /// `failures / count`.
    pub failure_rate: f64,
    /// Median duration (ms).
    pub p50_ms: i64,
    /// 95th percentile duration (ms).
    pub p95_ms: i64,
}

/// One host's share of the trail
/// ([`HistoryStore::host_stats`](crate::HistoryStore::host_stats)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostStats {
    /// The host, as recorded (a fleet's registry name, or a destination).
    pub host: String,
    /// Where it was last reached, from its newest row that says
    /// ([`Entry::target`](crate::Entry::target)).
    pub target: Option<String>,
    /// How many invocations.
    pub count: u64,
    /// How many did not end `ok`.
    pub failures: u64,
    /// How many changed state.
    pub mutating: u64,
    /// The first one's start (Unix ms).
    pub first_at: i64,
    /// The last one's start (Unix ms).
    pub last_at: i64,
}

/// What [`HistoryStore::verify`](crate::HistoryStore::verify) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked.
    pub rows: u64,
    /// The first id kept by retention; rows before it were removed on
    /// purpose (0: retention never ran).
    pub truncated_before: i64,
    /// The first problem, if any.
    pub problem: Option<Tamper>,
}

impl Verification {
    /// Whether the chain is intact.
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// A break in the hash chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tamper {
    /// The row's content no longer matches its hash: it was altered (or
    /// moved to another id).
    Altered {
        /// The row.
        id: i64,
    },
    /// The row does not follow the one before it: rows between were
    /// removed (or this one was altered together with its hash).
    Broken {
        /// The first row after the gap.
        id: i64,
    },
    /// The newest rows were removed: the chain's recorded head is missing.
    HeadMissing {
        /// The head id the chain recorded.
        expected_head: i64,
    },
}

const CSV_HEADER: [&str; 17] = [
    "id",
    "started_at",
    "ended_at",
    "duration_ms",
    "host",
    "target",
    "actor",
    "source",
    "correlation_id",
    "subcommand",
    "app",
    "argv",
    "mutating",
    "outcome",
    "exit_code",
    "stderr",
    "hash",
];

/// A history search, parsed once for both backends. Whitespace separates
/// terms, and every term must be found; an upper-case `OR` between terms
/// starts an alternative (`destroy OR rename`); a term ending in `*`
/// matches words that begin with it (`wei*`). Nothing else is syntax: a
/// term is searched for as the phrase of its letter-and-digit runs, so
/// `apps:destroy` finds `apps:destroy`, and quotes or operators typed by a
/// person are plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Search {
    /// Alternatives, each a list of terms that must all be found.
    pub alternatives: Vec<Vec<Term>>,
}

/// One term of a [`Search`]: the phrase of its words, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    /// The term's letter-and-digit runs, lower-cased.
    pub words: Vec<String>,
    /// Whether its last word is a prefix (`wei*`).
    pub prefix: bool,
}

impl Search {
    /// `None` when nothing searchable is left.
    pub fn parse(text: &str) -> Option<Self> {
        let mut alternatives = vec![Vec::new()];
        for token in text.split_whitespace() {
            if token == "OR" {
                alternatives.push(Vec::new());
                continue;
            }
            let (body, prefix) = match token.strip_suffix('*') {
                Some(body) => (body, true),
                None => (token, false),
            };
            let words: Vec<String> = search_words(body).collect();
            if words.is_empty() {
                continue;
            }
            if let Some(group) = alternatives.last_mut() {
                group.push(Term { words, prefix });
            }
        }
        alternatives.retain(|group| !group.is_empty());
        (!alternatives.is_empty()).then_some(Search { alternatives })
    }

    /// The search in a backend's query language: each term by `phrase`,
    /// an alternative's terms joined by `and` in parentheses, alternatives
    /// joined by `or`.
    pub fn render(&self, phrase: impl Fn(&Term) -> String, and: &str, or: &str) -> String {
        let alternatives: Vec<String> = self
            .alternatives
            .iter()
            .map(|terms| {
                let phrases: Vec<String> = terms.iter().map(&phrase).collect();
                format!("({})", phrases.join(and))
            })
            .collect();
        alternatives.join(or)
    }
}

/// Longest word full-text search indexes (bytes): PostgreSQL's lexeme
/// limit, applied on both backends so they find the same rows.
const MAX_WORD: usize = 2046;

/// The words full-text search indexes and looks for: runs of letters and
/// digits (as FTS5's default tokenizer cuts them), lower-cased.
pub(crate) fn search_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w.len() <= MAX_WORD)
}

/// A CSV cell a spreadsheet would evaluate becomes text.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The columns both backends read a [`Record`] from, in this order
/// ([`record_of_row!`]); `target`, added later, comes last so the older
/// columns keep their places.
pub(crate) const COLUMNS: &str = "id, started_at, ended_at, host, actor, source, correlation_id, \
    parent_id, subcommand, app, argv, mutating, outcome, exit_code, stdout, stdout_len, stderr, \
    stderr_len, error, prev_hash, hash, target";

/// Read after [`COLUMNS`] by a verification. The hash covers a row as
/// [`record_of_row!`] reads it back, which is lossy: an unknown `source`
/// reads as `other`, an unknown `outcome` as `failed`, argv JSON is
/// re-parsed, any non-zero `mutating` is true, and `duration_ms` (which
/// `stats` reads) is not read at all. So a row must also hold exactly what
/// the writer wrote for the record it reads as.
pub(crate) const STORED_COLUMNS: &str = "duration_ms, source, outcome, argv, mutating";

/// A [`Record`] from a row selected as [`COLUMNS`], whatever the driver:
/// `$row.$get(i)` reads column `i` (rusqlite's `get`, tokio-postgres's
/// `try_get`), and `?` passes its error on.
macro_rules! record_of_row {
    ($row:expr, $get:ident) => {{
        let row = $row;
        let argv: String = row.$get(10)?;
        let outcome: String = row.$get(12)?;
        let source: String = row.$get(5)?;
        $crate::record::Record {
            id: row.$get(0)?,
            entry: $crate::record::Entry {
                started_at: row.$get(1)?,
                ended_at: row.$get(2)?,
                host: row.$get(3)?,
                target: row.$get(21)?,
                actor: row.$get(4)?,
                source: $crate::record::Source::parse(&source),
                correlation_id: row.$get(6)?,
                parent_id: row.$get(7)?,
                subcommand: row.$get(8)?,
                app: row.$get(9)?,
                argv: serde_json::from_str(&argv).unwrap_or_default(),
                mutating: row.$get(11)?,
                outcome: $crate::record::Outcome::parse(&outcome)
                    .unwrap_or($crate::record::Outcome::Failed),
                exit_code: row.$get(13)?,
                stdout: row.$get(14)?,
                stdout_len: row.$get(15)?,
                stderr: row.$get(16)?,
                stderr_len: row.$get(17)?,
                error: row.$get(18)?,
            },
            prev_hash: row.$get(19)?,
            hash: row.$get(20)?,
        }
    }};
}
pub(crate) use record_of_row;

/// The chain's bookkeeping row: its head, and where retention cut it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChainState {
    /// The newest row's id (0 before the first).
    pub head_id: i64,
    /// The newest row's hash ([`GENESIS`] before the first).
    pub head_hash: String,
    /// The first id retention kept (0: it never ran).
    pub truncated_before: i64,
    /// The `prev_hash` of the first kept row.
    pub anchor_hash: String,
}

impl ChainState {
    /// An empty store's chain.
    pub fn empty() -> Self {
        Self {
            head_id: 0,
            head_hash: GENESIS.to_owned(),
            truncated_before: 0,
            anchor_hash: GENESIS.to_owned(),
        }
    }

    /// Where the next imported row must attach when a trail with this
    /// chain is copied into an empty store: right after the cut.
    pub fn import_head(&self) -> (i64, String) {
        ((self.truncated_before - 1).max(0), self.anchor_hash.clone())
    }
}

/// A walk along the chain, oldest row first, that stops at the first
/// problem. Both stores feed it their rows, so they judge alike.
pub(crate) struct ChainWalk {
    expected_prev: String,
    rows: u64,
    last_id: i64,
    problem: Option<Tamper>,
}

impl ChainWalk {
    /// Start at the chain's anchor.
    pub fn new(chain: &ChainState) -> Self {
        Self {
            expected_prev: chain.anchor_hash.clone(),
            rows: 0,
            last_id: 0,
            problem: None,
        }
    }

    /// Check the next row; `stored_as_written` says whether the columns the
    /// hash does not cover exactly (or covers only as they read back) hold
    /// what the writer wrote for it. Returns whether to go on.
    pub fn step(&mut self, r: &Record, stored_as_written: bool) -> bool {
        self.rows += 1;
        if r.prev_hash != self.expected_prev {
            self.problem = Some(Tamper::Broken { id: r.id });
        } else if !stored_as_written || chain_hash(&r.prev_hash, r.id, &r.entry) != r.hash {
            self.problem = Some(Tamper::Altered { id: r.id });
        }
        if self.problem.is_some() {
            return false;
        }
        self.expected_prev.clone_from(&r.hash);
        self.last_id = r.id;
        true
    }

    /// The verdict: the newest rows must still be there, so the last row
    /// is the recorded head (unless retention removed everything up to and
    /// past it).
    pub fn finish(mut self, chain: &ChainState) -> Verification {
        let head_expected = chain.head_id >= chain.truncated_before.max(1);
        let head_ok = if self.rows == 0 {
            !head_expected
        } else {
            self.last_id == chain.head_id && self.expected_prev == chain.head_hash
        };
        if self.problem.is_none() && !head_ok {
            self.problem = Some(Tamper::HeadMissing {
                expected_head: chain.head_id,
            });
        }
        Verification {
            rows: self.rows,
            truncated_before: chain.truncated_before,
            problem: self.problem,
        }
    }
}

/// Which ids retention deletes: everything up to the larger cut of the
/// two rules (0: nothing). `first_new` is the first id that started at or
/// after the age cutoff, `newest` the newest id, `surplus` the id
/// `max_rows` rows below the newest.
pub(crate) fn retention_cut(
    retention: Retention,
    first_new: Option<i64>,
    newest: Option<i64>,
    surplus: Option<i64>,
) -> i64 {
    let mut cutoff_id = 0;
    if retention.older_than_ms.is_some() {
        // The chain can only lose a prefix, and ids follow completion, not
        // start: a long deploy that started before the cutoff may finish
        // after newer commands. Delete only up to the first row that is
        // new enough, keeping a few old rows rather than losing new ones.
        let id = match first_new {
            Some(first) => Some(first - 1),
            None => newest,
        };
        cutoff_id = cutoff_id.max(id.unwrap_or(0));
    }
    if retention.max_rows.is_some() {
        cutoff_id = cutoff_id.max(surplus.unwrap_or(0));
    }
    cutoff_id
}

/// Write one record as a JSON Lines line.
pub(crate) fn write_jsonl(out: &mut impl Write, record: &Record) -> Result<(), HistoryError> {
    serde_json::to_writer(&mut *out, record).map_err(|e| HistoryError::Export(e.to_string()))?;
    out.write_all(b"\n")
        .map_err(|e| HistoryError::Export(e.to_string()))
}

/// Write chosen records (a filtered page, say) in the export's CSV
/// layout: the same header and cells as [`HistoryStore::export_csv`].
///
/// [`HistoryStore::export_csv`]: crate::HistoryStore::export_csv
///
/// # Errors
///
/// [`HistoryError::Export`] when the writer fails.
pub fn export_records_csv<'a, W: Write>(
    records: impl IntoIterator<Item = &'a Record>,
    out: W,
) -> Result<W, HistoryError> {
    let mut csv = CsvExport::new(out)?;
    for record in records {
        csv.write(record)?;
    }
    csv.finish()
}

/// Write chosen records as JSON Lines, as [`HistoryStore::export_jsonl`]
/// does.
///
/// [`HistoryStore::export_jsonl`]: crate::HistoryStore::export_jsonl
///
/// # Errors
///
/// [`HistoryError::Export`] when the writer fails.
pub fn export_records_jsonl<'a, W: Write>(
    records: impl IntoIterator<Item = &'a Record>,
    mut out: W,
) -> Result<W, HistoryError> {
    for record in records {
        write_jsonl(&mut out, record)?;
    }
    Ok(out)
}

/// A CSV export in progress.
pub(crate) struct CsvExport<W: Write> {
    csv: csv::Writer<W>,
}

fn csv_error(e: csv::Error) -> HistoryError {
    HistoryError::Export(e.to_string())
}

impl<W: Write> CsvExport<W> {
    /// Start with the header row.
    pub fn new(out: W) -> Result<Self, HistoryError> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(CSV_HEADER).map_err(csv_error)?;
        Ok(Self { csv })
    }

    /// One record, cells a spreadsheet would run neutralised.
    pub fn write(&mut self, r: &Record) -> Result<(), HistoryError> {
        let e = &r.entry;
        let cells = [
            r.id.to_string(),
            e.started_at.to_string(),
            e.ended_at.to_string(),
            e.duration_ms().to_string(),
            e.host.clone(),
            e.target.clone().unwrap_or_default(),
            e.actor.clone(),
            e.source.as_str().to_owned(),
            e.correlation_id.clone().unwrap_or_default(),
            e.subcommand.clone(),
            e.app.clone().unwrap_or_default(),
            serde_json::to_string(&e.argv).unwrap_or_default(),
            e.mutating.to_string(),
            e.outcome.as_str().to_owned(),
            e.exit_code.map(|c| c.to_string()).unwrap_or_default(),
            e.stderr.clone(),
            r.hash.clone(),
        ];
        self.csv
            .write_record(cells.iter().map(|c| neutralise(c).into_owned()))
            .map_err(csv_error)
    }

    /// Flush and hand the writer back.
    pub fn finish(self) -> Result<W, HistoryError> {
        self.csv
            .into_inner()
            .map_err(|e| HistoryError::Export(e.to_string()))
    }
}

/// Per-subcommand statistics from each subcommand's failures and sorted
/// durations; the percentile is the duration at the rounded rank.
pub(crate) fn stats_of(
    by: std::collections::BTreeMap<String, (u64, Vec<i64>)>,
) -> Vec<SubcommandStats> {
    by.into_iter()
        .map(|(subcommand, (failures, durations))| {
            let count = durations.len() as u64;
            let pick = |q: f64| {
                let index = ((durations.len() as f64 - 1.0) * q).round() as usize;
                durations.get(index).copied().unwrap_or(0)
            };
            SubcommandStats {
                failure_rate: failures as f64 / count.max(1) as f64,
                p50_ms: pick(0.5),
                p95_ms: pick(0.95),
                subcommand,
                count,
                failures,
            }
        })
        .collect()
}

/// Whether a copied record attaches to the chain's head: the next id, and
/// the head's hash as its link.
pub(crate) fn check_link(chain: &ChainState, r: &Record) -> Result<(), HistoryError> {
    if r.id != chain.head_id + 1 || r.prev_hash != chain.head_hash {
        return Err(HistoryError::Migrate(format!(
            "record {} does not follow record {} of the copied chain",
            r.id, chain.head_id
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::GENESIS;

    #[test]
    fn a_search_splits_on_or_and_marks_prefixes() {
        let term = |words: &[&str], prefix| Term {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            prefix,
        };
        assert_eq!(
            Search::parse("apps:destroy OR wei* api"),
            Some(Search {
                alternatives: vec![
                    vec![term(&["apps", "destroy"], false)],
                    vec![term(&["wei"], true), term(&["api"], false)],
                ],
            })
        );
        // Lower-case "or" is a word; stray ORs and symbols are dropped.
        assert_eq!(
            Search::parse("OR a or b OR"),
            Some(Search {
                alternatives: vec![vec![
                    term(&["a"], false),
                    term(&["or"], false),
                    term(&["b"], false)
                ]],
            })
        );
        assert_eq!(Search::parse(" * \" OR () "), None);
    }

    #[test]
    fn csv_cells_that_would_run_are_neutralised() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-cmd"), "'-cmd");
        assert_eq!(neutralise("@x"), "'@x");
        assert_eq!(neutralise("apps:list"), "apps:list");
    }

    #[test]
    fn genesis_is_a_sha256_width_string_of_zeros() {
        assert_eq!(GENESIS.len(), 64);
    }
}
