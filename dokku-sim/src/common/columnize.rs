//! `ryanuber/columnize`, the table formatter Dokku's Go plugins vendor
//! (config's `prettyPrintEnvEntries`, `ports:list`, the `logs` help).

/// `columnize.Format` (the version Dokku vendors), over rows already split
/// into cells: every cell `strings.TrimSpace`d; each column but a row's
/// last padded to the widest cell of that column (in runes) and followed
/// by `glue`; rows start with `prefix` and end with `\n`, except that the
/// final newline is dropped. A multi-line cell is printed raw, so its
/// continuation lines start at column 0.
pub fn columnize(rows: &[Vec<String>], prefix: &str, glue: &str) -> String {
    let cells: Vec<Vec<&str>> = rows
        .iter()
        .map(|row| row.iter().map(|c| c.trim()).collect())
        .collect();
    let mut widths: Vec<usize> = Vec::new();
    for row in &cells {
        for (i, cell) in row.iter().enumerate() {
            let len = cell.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(len),
                None => widths.push(len),
            }
        }
    }
    let mut text = String::new();
    for row in &cells {
        text.push_str(prefix);
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                text.push_str(cell);
                text.push('\n');
            } else {
                let width = widths.get(i).copied().unwrap_or(0);
                text.push_str(cell);
                for _ in cell.chars().count()..width {
                    text.push(' ');
                }
                text.push_str(glue);
            }
        }
    }
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_every_column_but_the_last() {
        let rows = vec![
            vec!["A:".to_owned(), " x ".to_owned()],
            vec!["LONGER:".to_owned(), "y\nz".to_owned()],
        ];
        assert_eq!(
            columnize(&rows, "  ", "  "),
            "  A:       x\n  LONGER:  y\nz"
        );
        assert_eq!(columnize(&[], "", "  "), "");
    }
}
