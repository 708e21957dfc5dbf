//! The text layouts several list commands share: tables whose columns are
//! padded to line up under a header, `Label: value` blocks, and the
//! `-----> `/`=====> ` lines Dokku prints above them.
//!
//! Go plugins print tables with ryanuber/columnize (`cron:list`,
//! `builds:list`, `scheduler-k3s:cluster:list`: cells joined by two
//! spaces, every column but the last padded to its widest cell), bash
//! ones with `column -t` (dokku-redirect) or Docker's own `table` format
//! (`run:list`). In all of them a cell starts where its header starts, so
//! cells are cut at the header's offsets (counted in characters, as Go
//! pads): a cell may then hold spaces (a cron schedule `5 4 * * *`, a
//! command with arguments, `true (task)`).

use super::ParseError;

/// Whether a line is one of Dokku's `-----> `/`=====> ` info lines.
pub(crate) fn is_info_line(line: &str) -> bool {
    line.starts_with("-----> ")
        || line.starts_with("=====> ")
        || line == "----->"
        || line == "=====>"
}

/// The rows of a header-aligned table: one `Vec` of cells per row, in the
/// order of `headers`, trimmed. Info lines and blank lines before the
/// header are skipped; no header at all is no rows only when the output is
/// otherwise empty (commands print nothing, or a sentence such as
/// `No builds recorded for this app`, when there is nothing to list: those
/// sentences are passed in `empty`).
pub fn columns(
    what: &'static str,
    output: &str,
    headers: &[&str],
    empty: &[&str],
) -> Result<Vec<Vec<String>>, ParseError> {
    let mut lines = output.lines().enumerate().filter(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !is_info_line(l.trim_start())
    });
    let Some((header_index, header)) = lines.next() else {
        return Ok(Vec::new());
    };
    if empty.contains(&header.trim()) {
        return match lines.next() {
            None => Ok(Vec::new()),
            Some((index, _)) => Err(ParseError::at(
                what,
                index,
                "a line after the empty-list message",
            )),
        };
    }
    let offsets = header_offsets(header, headers).ok_or_else(|| {
        ParseError::at(
            what,
            header_index,
            format!("expected a header with {}", headers.join(", ")),
        )
    })?;
    let mut rows = Vec::new();
    for (index, line) in lines {
        // The row is not quoted: a cell (a cron command) may hold a secret.
        rows.push(cut(line, &offsets).ok_or_else(|| {
            ParseError::at(what, index, "a row that does not line up with the header")
        })?);
    }
    Ok(rows)
}

/// Character offsets of each header in the header line, which must hold
/// exactly these headers, in order, separated by spaces.
fn header_offsets(line: &str, headers: &[&str]) -> Option<Vec<usize>> {
    let chars: Vec<char> = line.trim_end().chars().collect();
    let mut offsets = Vec::with_capacity(headers.len());
    let mut at = 0;
    for (i, header) in headers.iter().enumerate() {
        while chars.get(at).is_some_and(|c| *c == ' ' || *c == '\t') {
            at += 1;
        }
        if i > 0 && offsets.last().is_some_and(|&last| at == last) {
            return None;
        }
        let want: Vec<char> = header.chars().collect();
        if chars.get(at..at + want.len())? != want.as_slice() {
            return None;
        }
        offsets.push(at);
        at += want.len();
    }
    (at == chars.len()).then_some(offsets)
}

/// Cut a row at the offsets; every cell but the first must start after a
/// space (or be empty).
fn cut(line: &str, offsets: &[usize]) -> Option<Vec<String>> {
    let chars: Vec<char> = line.chars().collect();
    let mut cells = Vec::with_capacity(offsets.len());
    for (i, &start) in offsets.iter().enumerate() {
        let end = offsets
            .get(i + 1)
            .copied()
            .unwrap_or(chars.len())
            .min(chars.len());
        let start = start.min(chars.len());
        if start > 0 && start < chars.len() && !chars[start - 1].is_whitespace() {
            return None;
        }
        let cell: String = chars.get(start..end.max(start))?.iter().collect();
        cells.push(cell.trim().to_owned());
    }
    Some(cells)
}

/// `Label: value` lines (Dokku's 7-space verbose lines, or columnize's
/// `Label:  value`), after any info lines: the label as printed and the
/// trimmed value. A line without `:` is an error naming it.
pub fn label_values(what: &'static str, output: &str) -> Result<Vec<(String, String)>, ParseError> {
    let mut pairs = Vec::new();
    for (index, line) in output.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || is_info_line(line.trim_start()) {
            continue;
        }
        let (label, value) = trimmed
            .split_once(':')
            .ok_or_else(|| ParseError::at(what, index, "expected a `Label: value` line"))?;
        pairs.push((label.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(pairs)
}

/// The lines under an info line, with Dokku's 7-space indent removed,
/// blank lines skipped.
pub fn verbose_lines(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|l| !l.trim().is_empty() && !is_info_line(l.trim_start()))
        .map(|l| {
            l.strip_prefix(super::report::VERBOSE_INDENT)
                .unwrap_or(l)
                .trim_end()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_at_the_header_offsets() {
        let out = "ID     Schedule   Concurrency  Maintenance  Command\n\
                   abc    5 4 * * *  allow        true (task)  node worker.js --once\n";
        let rows = columns(
            "cron:list",
            out,
            &["ID", "Schedule", "Concurrency", "Maintenance", "Command"],
            &[],
        )
        .unwrap();
        assert_eq!(
            rows,
            [[
                "abc",
                "5 4 * * *",
                "allow",
                "true (task)",
                "node worker.js --once"
            ]]
        );
    }

    #[test]
    fn a_header_alone_or_an_empty_message_is_no_rows() {
        let h = ["Build ID", "Kind"];
        assert!(columns("x", "Build ID  Kind\n", &h, &[])
            .unwrap()
            .is_empty());
        assert!(columns("x", "No builds\n", &h, &["No builds"])
            .unwrap()
            .is_empty());
        assert!(columns("x", "", &h, &[]).unwrap().is_empty());
        assert!(columns("x", "Something else\n", &h, &[]).is_err());
    }

    #[test]
    fn misaligned_rows_are_errors_naming_the_line() {
        let e = columns("x", "A  B\nxyzw\n", &["A", "B"], &[]).unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
