//! Parsers for the dokku-letsencrypt plugin: `letsencrypt:report` and
//! `letsencrypt:list`.
//!
//! Established from dokku/dokku-letsencrypt `command-functions`
//! (`cmd-letsencrypt-report-single`: bash rows, `printf "%-30s %-25s"`, in
//! the plugin's own order; `cmd-letsencrypt-list`: `dokku_col_log_info1_quiet`
//! header, then `dokku_col_log_msg` rows of app, `date +"%F %T"` and two
//! `fn-letsencrypt-format-timediff` values) and `internal-functions`
//! (`Xd, Yh, Zm, Ws`, zero parts left out, ` ago` when negative).
//!
//! `letsencrypt:report <app> --format json` (and `--global --format json`)
//! is one object of the same rows with the `--letsencrypt-` prefix cut off
//! (`email`, `computed-email`, `global-graceperiod`: dokku-letsencrypt
//! `tests/letsencrypt_report.bats`), every value a string (dokku/docket
//! decodes it into a `map[string]string`). How the plugin lays the object
//! out is not pinned down, so any whitespace is accepted, and a number or
//! boolean value is kept as its JSON text.

use super::ParseError;
use crate::model::letsencrypt::LetsencryptListEntry;
use crate::name::AppName;

const LIST: &str = "letsencrypt:list";

/// `fn-letsencrypt-format-timediff` back to seconds (`29d, 23h ago` →
/// `-2_588_400`). The empty string is zero.
pub fn timediff(text: &str) -> Option<i64> {
    let text = text.trim();
    let (body, sign) = match text.strip_suffix("ago") {
        Some(body) => (body.trim_end(), -1),
        None => (text, 1),
    };
    let mut total: i64 = 0;
    if body.is_empty() {
        return Some(0);
    }
    for part in body.split(',') {
        let part = part.trim();
        let unit = part.chars().last()?;
        let number = part.get(..part.len() - unit.len_utf8())?;
        let n: i64 = number.parse().ok()?;
        let scale = match unit {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(scale)?)?;
    }
    Some(sign * total)
}

/// `letsencrypt:list`.
pub fn list(stdout: &str) -> Result<Vec<LetsencryptListEntry>, ParseError> {
    let mut rows = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with("-----> ") {
            continue;
        }
        let mut tokens = line.split_whitespace();
        let (Some(app), Some(date), Some(time)) = (tokens.next(), tokens.next(), tokens.next())
        else {
            return Err(ParseError::at(LIST, index, "expected app, date and time"));
        };
        let app = AppName::legacy(app)
            .map_err(|e| ParseError::at(LIST, index, format!("not an app name: {e}")))?;
        let expires_at = super::certs::date_time(&format!("{date} {time}"))
            .ok_or_else(|| ParseError::at(LIST, index, "expected a `%F %T` date"))?;
        // The two durations: units end in `,` while the duration goes on,
        // and a trailing `ago` belongs to the one before it.
        let rest: Vec<&str> = tokens.collect();
        let mut split = 0;
        while split < rest.len() && rest[split].ends_with(',') {
            split += 1;
        }
        if split < rest.len() {
            split += 1;
            if rest.get(split) == Some(&"ago") {
                split += 1;
            }
        }
        let diff = |parts: &[&str]| {
            timediff(&parts.join(" "))
                .ok_or_else(|| ParseError::at(LIST, index, "expected a duration like `2d, 3h`"))
        };
        rows.push(LetsencryptListEntry {
            app,
            expires_at,
            expires_in_secs: diff(&rest[..split])?,
            renews_in_secs: diff(&rest[split..])?,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timediffs() {
        assert_eq!(timediff("29d, 23h, 59m, 59s"), Some(29 * 86_400 + 86_399));
        assert_eq!(timediff("5d, 1h ago"), Some(-(5 * 86_400 + 3_600)));
        assert_eq!(timediff("30s"), Some(30));
        assert_eq!(timediff(""), Some(0));
        assert_eq!(timediff("5x"), None);
        assert_eq!(timediff("d"), None);
    }
}
