//! Parser for `certs:report`, and openssl's date format.
//!
//! Established from dokku/dokku `plugins/certs/report.go` (Go in the newest
//! source, most likely from PR #8804 in 0.38.27; bash
//! `plugins/certs/internal-functions` before, same flags):
//! report type `ssl`, flags `--ssl-dir`, `--ssl-enabled`,
//! `--ssl-hostnames`, `--ssl-expires-at`, `--ssl-issuer`,
//! `--ssl-starts-at`, `--ssl-subject`, `--ssl-verified` (newer versions add
//! `--ssl-fingerprint`, `--ssl-serial`, kept in `raw`); JSON keys stripped
//! (`EmitLegacyPrefix: false`). Dates are openssl's `-text` form
//! (`Jan  1 00:00:00 2027 GMT`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// openssl's `Mon DD HH:MM:SS YYYY GMT` (day space-padded), as a time.
pub fn openssl_date(text: &str) -> Option<SystemTime> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = text.split_whitespace();
    let month = parts.next()?;
    let month = u32::try_from(MONTHS.iter().position(|m| *m == month)? + 1).ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    let year: u32 = parts.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    utc(year, month, day, time)
}

/// `YYYY-MM-DD HH:MM:SS` (`date +"%F %T"`), read as UTC.
pub fn date_time(text: &str) -> Option<SystemTime> {
    let (date, time) = text.trim().split_once(' ')?;
    let mut parts = date.split('-');
    let year: u32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    utc(year, month, day, time)
}

fn utc(year: u32, month: u32, day: u32, time: &str) -> Option<SystemTime> {
    let mut hms = time.split(':');
    let hour: u32 = hms.next()?.parse().ok()?;
    let minute: u32 = hms.next()?.parse().ok()?;
    let second: u32 = hms.next()?.parse().ok()?;
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61
        && hms.next().is_none();
    if !valid {
        return None;
    }
    let days = u64::try_from(days_from_civil(i64::from(year), month, day)).ok()?;
    let seconds = days * 86_400 + u64::from(hour * 3600 + minute * 60 + second);
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard
// Hinnant's civil-from-days algorithm, inverted).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_dates() {
        let t = openssl_date("Jan  1 00:00:00 2027 GMT").unwrap();
        assert_eq!(
            t.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            1_798_761_600
        );
        assert_eq!(date_time("2027-01-01 00:00:00"), Some(t));
        assert_eq!(openssl_date("Feb 30 00:00:00 2027 GMT"), None);
        assert_eq!(openssl_date("Jan  1 00:00:00 2027 CET"), None);
        assert_eq!(date_time("2027-13-01 00:00:00"), None);
    }
}
