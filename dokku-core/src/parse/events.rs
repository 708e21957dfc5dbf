//! `events` lines and `events:list`.
//!
//! `events` prints the tail of `/var/log/dokku/events.log`, which rsyslog
//! writes from `logger -t dokku-event` calls (dokku/dokku
//! `plugins/common/functions`, `dokku_log_plugn_trigger_call`):
//! `INVOKED: <trigger>( <args> ) NAME=… FINGERPRINT=… DOKKU_PID=…` after
//! syslog's timestamp, host and `tag[pid]:`. `events:list` prints
//! `=====> Events currently logged` and one padded trigger name a line, or
//! only a warning (exit 0) while the logger is off. Recorded: the list and
//! an empty log.

use crate::model::events::EventLine;

use super::table;

/// One line of the event log. Never fails: a line that is not in the
/// expected form keeps only `line` and `message`.
pub fn line(line: &str) -> EventLine {
    let text = line.trim_end_matches(['\r', '\n']);
    let mut event = EventLine {
        line: text.to_owned(),
        message: text.to_owned(),
        ..EventLine::default()
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    // Traditional `Jul  3 16:09:48 host tag[pid]: …` or RFC 3339 `2024-07-03T16:09:48+00:00 host tag[pid]: …`.
    let (timestamp, rest) = if words
        .first()
        .is_some_and(|w| w.len() > 10 && w.as_bytes().get(10) == Some(&b'T'))
    {
        (words.first().map(|w| (*w).to_owned()), words.get(1..))
    } else if words.len() > 3 {
        (Some(words[..3].join(" ")), words.get(3..))
    } else {
        (None, None)
    };
    let Some(rest) = rest else {
        return event;
    };
    let (Some(host), Some(tag)) = (rest.first(), rest.get(1)) else {
        return event;
    };
    let Some(tag) = tag.strip_suffix(':') else {
        return event;
    };
    let (name, pid) = match tag.split_once('[') {
        Some((name, pid)) => (name, pid.trim_end_matches(']').parse().ok()),
        None => (tag, None),
    };
    // The message: everything after `tag[pid]: ` in the original line.
    let message = text
        .split_once(&format!("{tag}:"))
        .map_or("", |(_, m)| m)
        .trim_start();
    event.timestamp = timestamp;
    event.host = Some((*host).to_owned());
    event.tag = Some(name.to_owned());
    event.pid = pid;
    event.message = message.to_owned();
    if let Some(invoked) = message.strip_prefix("INVOKED: ") {
        if let Some((trigger, args)) = invoked.split_once('(') {
            event.trigger = Some(trigger.trim().to_owned());
            let args = args.split_once(')').map_or(args, |(a, _)| a);
            event.args = args.split_whitespace().map(str::to_owned).collect();
        }
    }
    event
}

/// Every line of an `events` output.
pub fn lines(stdout: &str) -> Vec<EventLine> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(line)
        .collect()
}

/// `events:list`: the triggers being logged (none while the logger is off).
pub fn list(stdout: &str) -> Vec<String> {
    table::verbose_lines(stdout)
        .into_iter()
        .map(|l| l.trim().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syslog_lines_give_their_trigger_and_arguments() {
        let e = line(
            "Jul  3 16:10:24 dokku.me dokku[129451]: INVOKED: check-deploy( pythonapp 6274 web 5000 )",
        );
        assert_eq!(e.timestamp.as_deref(), Some("Jul 3 16:10:24"));
        assert_eq!(e.host.as_deref(), Some("dokku.me"));
        assert_eq!(e.tag.as_deref(), Some("dokku"));
        assert_eq!(e.pid, Some(129_451));
        assert_eq!(e.trigger.as_deref(), Some("check-deploy"));
        assert_eq!(e.args, ["pythonapp", "6274", "web", "5000"]);
        let rfc = line(
            "2024-07-03T16:09:48.1+00:00 host dokku-event[7]: INVOKED: post-deploy( api ) NAME=admin",
        );
        assert_eq!(rfc.trigger.as_deref(), Some("post-deploy"));
        assert_eq!(rfc.tag.as_deref(), Some("dokku-event"));
        let other = line("something else");
        assert_eq!(other.message, "something else");
        assert_eq!(other.trigger, None);
    }
}
