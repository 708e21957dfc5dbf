//! Parsers for `logs` and `logs:failed`.
//!
//! Established from dokku/dokku `plugins/scheduler-docker-local/scheduler-logs`:
//! each container's `docker logs -t … 2>&1` is piped through
//! `sed 's/^([^Z]+Z )/\x1b[<colour>m\1app[<type>.<n>]:\x1b[0m /'`, so a line is
//! `ESC[36m<RFC 3339 nanos>Z app[web.1]:ESC[0m <message>` — the word `app` is
//! literal, not the app's name. `--quiet` drops the prefix entirely. Lines of
//! different containers interleave in no fixed order.
//!
//! A log line is free text: nothing here fails. A line without the prefix
//! becomes a message-only [`LogLine`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::report::HEADER_PREFIX;
use super::{strip_ansi, ParseError};
use crate::model::logs::{FailedLogs, LogLine};
use crate::name::{AppName, ProcessType};

/// Parse one line of `dokku logs` output (without its newline).
pub fn line(app: &AppName, raw: &str) -> LogLine {
    let text = strip_ansi(raw);
    let text = text.trim_end_matches('\r');
    prefixed(app, text).unwrap_or_else(|| LogLine {
        app: app.clone(),
        timestamp: None,
        process_type: None,
        index: None,
        message: text.to_owned(),
    })
}

fn prefixed(app: &AppName, text: &str) -> Option<LogLine> {
    let (stamp, rest) = text.split_once(' ')?;
    let timestamp = rfc3339_utc(stamp)?;
    let rest = rest.strip_prefix("app[")?;
    let (dyno, message) = rest.split_once("]:")?;
    let (kind, index) = dyno.rsplit_once('.')?;
    Some(LogLine {
        app: app.clone(),
        timestamp: Some(timestamp),
        process_type: Some(ProcessType::new(kind).ok()?),
        index: Some(index.parse().ok()?),
        message: message.strip_prefix(' ').unwrap_or(message).to_owned(),
    })
}

/// A snapshot (`logs <app> [-n N] [-p TYPE] [-q]`): one [`LogLine`] per line.
pub fn snapshot(app: &AppName, stdout: &str) -> Vec<LogLine> {
    stdout.lines().map(|l| line(app, l)).collect()
}

/// Docker's `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, as a time. Other offsets and
/// shapes are `None`: this reads Docker's output, not RFC 3339 in general.
pub fn rfc3339_utc(stamp: &str) -> Option<SystemTime> {
    let stamp = stamp.strip_suffix('Z')?;
    let (main, fraction) = match stamp.split_once('.') {
        Some((main, fraction)) => (main, Some(fraction)),
        None => (stamp, None),
    };
    // `YYYY-MM-DDTHH:MM:SS`: fixed width, digits where digits belong.
    let bytes = main.as_bytes();
    if bytes.len() != 19 {
        return None;
    }
    for (i, &b) in bytes.iter().enumerate() {
        let ok = match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        };
        if !ok {
            return None;
        }
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{f:0<9}").parse().ok()?
        }
        Some(_) => return None,
    };
    let seconds = super::certs::date_time(&main.replacen('T', " ", 1))?;
    seconds.checked_add(Duration::from_nanos(nanos))
}

/// A time as Docker prints it (Go's RFC 3339 with nanoseconds, UTC):
/// `2025-01-08T05:20:00.954882533Z`, the fraction without trailing zeros
/// and left out when zero. The inverse of [`rfc3339_utc`], for showing a
/// [`LogLine`]'s timestamp the way `dokku logs` did.
pub fn format_rfc3339_utc(time: SystemTime) -> String {
    let (secs, nanos) = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(before) => {
            let d = before.duration();
            let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            match d.subsec_nanos() {
                0 => (secs, 0),
                n => (secs - 1, 1_000_000_000 - n),
            }
        }
    };
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

// The date of a day since 1970-01-01 (Howard Hinnant's civil-from-days).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `logs:failed`: a `=====> <app> failed deploy logs` header per app, then
/// the failed containers' raw output.
pub fn failed(stdout: &str) -> Result<Vec<FailedLogs>, ParseError> {
    let mut apps: Vec<FailedLogs> = Vec::new();
    for (index, raw) in stdout.lines().enumerate() {
        if let Some(header) = raw.strip_prefix(HEADER_PREFIX) {
            if let Some(name) = header.strip_suffix(" failed deploy logs") {
                let app = AppName::legacy(name.trim()).map_err(|e| {
                    ParseError::at("logs:failed", index, format!("not an app name: {}", e.rule))
                })?;
                apps.push(FailedLogs {
                    app,
                    lines: Vec::new(),
                });
                continue;
            }
        }
        match apps.last_mut() {
            Some(current) => current.lines.push(strip_ansi(raw).into_owned()),
            None if raw.trim().is_empty() => {}
            None => {
                return Err(ParseError::at(
                    "logs:failed",
                    index,
                    "output before the first `=====> <app> failed deploy logs` header",
                ))
            }
        }
    }
    Ok(apps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatted_times_read_back() {
        assert_eq!(format_rfc3339_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::new(1_736_313_600, 954_882_530);
        assert_eq!(format_rfc3339_utc(t), "2025-01-08T05:20:00.95488253Z");
        assert_eq!(
            format_rfc3339_utc(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            format_rfc3339_utc(UNIX_EPOCH - Duration::from_millis(500)),
            "1969-12-31T23:59:59.5Z"
        );
    }

    proptest::proptest! {
        #[test]
        fn format_and_parse_are_inverse(secs in 0u64..253_402_300_800, nanos in 0u32..1_000_000_000) {
            let t = UNIX_EPOCH + Duration::new(secs, nanos);
            proptest::prop_assert_eq!(rfc3339_utc(&format_rfc3339_utc(t)), Some(t));
        }
    }

    #[test]
    fn timestamps() {
        let t = rfc3339_utc("2026-08-10T09:15:02.418263912Z").unwrap();
        let d = t.duration_since(UNIX_EPOCH).unwrap();
        assert_eq!(d.as_secs(), 1_786_353_302);
        assert_eq!(d.subsec_nanos(), 418_263_912);
        assert_eq!(rfc3339_utc("1970-01-01T00:00:00Z"), Some(UNIX_EPOCH));
        assert_eq!(
            rfc3339_utc("2000-03-01T00:00:00.5Z")
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap(),
            Duration::new(951_868_800, 500_000_000)
        );
        assert!(rfc3339_utc("2026-13-10T09:15:02Z").is_none());
        assert!(rfc3339_utc("2026-04-31T09:15:02Z").is_none());
        assert!(rfc3339_utc("2023-02-29T09:15:02Z").is_none());
        assert!(rfc3339_utc("2024-02-29T09:15:02Z").is_some());
        assert!(rfc3339_utc("+026-08-10T09:15:02Z").is_none());
        assert!(rfc3339_utc("2026-08-10T09:15:02.Z").is_none());
        assert!(rfc3339_utc("2026-08-10T09:15:02.1234567890Z").is_none());
        assert!(rfc3339_utc("2026-08-10T09:15:02+01:00").is_none());
        assert!(rfc3339_utc("yesterday").is_none());
    }

    #[test]
    fn prefixed_and_plain_lines() {
        let app = AppName::new("node-js-app").unwrap();
        let l = line(
            &app,
            "\u{1b}[33m2026-08-10T09:15:03.120044871Z app[my-worker.12]:\u{1b}[0m  indented",
        );
        assert_eq!(l.process_type.unwrap().as_str(), "my-worker");
        assert_eq!(l.index, Some(12));
        assert_eq!(l.message, " indented");
        let l = line(&app, "Server listening");
        assert_eq!(l.message, "Server listening");
        assert!(l.timestamp.is_none());
    }
}
