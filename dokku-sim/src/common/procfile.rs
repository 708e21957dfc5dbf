//! `procfile-get-command`: a Procfile process type's command as Dokku
//! hands it to a container.
//!
//! Dokku v0.38.27 (`plugins/ps`, `getProcfileCommand`) writes the app's
//! merged config (`config-export <app> false true envfile`) to a file and
//! runs `procfile-util show --process-type T --default-port 5000
//! --env-file F`. procfile-util expands the command with Go's `os.Expand`:
//! a variable of the env file, else `PORT` is the default port and `PS`
//! the process type, else empty. From procfile-util's source
//! (`commands/commands.go`, the version the search index holds; Dokku
//! installs v0.20.8); not recorded. Its handling of `$(` is not modelled:
//! the simulator leaves `$(` as written.

use crate::host::SimHost;

/// The port `scheduler-run` asks for (`procfile-get-command … 5000`).
pub const RUN_PORT: u16 = 5000;

/// The command of `process_type` in the app's Procfile, expanded; `None`
/// when the app or its Procfile has no command for it.
pub fn command(host: &SimHost, app: &str, process_type: &str, port: u16) -> Option<String> {
    let entry = host
        .apps
        .get(app)?
        .procfile
        .iter()
        .find(|e| e.process_type == process_type && !e.command.is_empty())?;
    let env = host.merged_config(app);
    let lookup = |name: &str| -> String {
        match env.get(name) {
            Some(value) => value.clone(),
            None if name == "PORT" => port.to_string(),
            None if name == "PS" => process_type.to_owned(),
            None => String::new(),
        }
    };
    Some(go_expand(&entry.command, lookup))
}

/// Go's `os.Expand`: `${name}` and `$name` (letters, digits, `_`; or one of
/// the shell's special `*#$@!?-` and digits) replaced by `mapping`; a `$`
/// before anything else kept; `${}` and an unclosed `${` dropped. `$(` is
/// kept as written (see the module docs).
pub fn go_expand(text: &str, mapping: impl Fn(&str) -> String) -> String {
    let special = |b: u8| b"*#$@!?-".contains(&b) || b.is_ascii_digit();
    let name_byte = |b: u8| b == b'_' || b.is_ascii_alphanumeric();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut j) = (0, 0);
    while j < bytes.len() {
        if bytes[j] != b'$' || j + 1 == bytes.len() || bytes[j + 1] == b'(' {
            j += 1;
            continue;
        }
        out.push_str(&text[copied..j]);
        let rest = &text[j + 1..];
        let rest_bytes = rest.as_bytes();
        // (name, how many bytes after the `$` it took)
        let (name, width) = if rest_bytes[0] == b'{' {
            if rest_bytes.len() > 2 && special(rest_bytes[1]) && rest_bytes[2] == b'}' {
                (&rest[1..2], 3)
            } else {
                match rest.find('}') {
                    Some(1) => ("", 2),
                    Some(end) => (&rest[1..end], end + 1),
                    None => ("", 1),
                }
            }
        } else if special(rest_bytes[0]) {
            (&rest[..1], 1)
        } else {
            let end = rest_bytes
                .iter()
                .position(|b| !name_byte(*b))
                .unwrap_or(rest.len());
            (&rest[..end], end)
        };
        match (name.is_empty(), width) {
            // Invalid syntax: the characters are eaten.
            (true, w) if w > 0 => {}
            // A `$` not followed by a name stays.
            (true, _) => out.push('$'),
            (false, _) => out.push_str(&mapping(name)),
        }
        j += 1 + width;
        copied = j;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(text: &str) -> String {
        go_expand(text, |name| match name {
            "PORT" => "5000".to_owned(),
            "1" => "one".to_owned(),
            "WEB_CONCURRENCY" => "3".to_owned(),
            _ => String::new(),
        })
    }

    #[test]
    fn variables_expand_as_gos_os_expand_does() {
        assert_eq!(expand("puma -p $PORT"), "puma -p 5000");
        assert_eq!(
            expand("puma -p ${PORT} -w ${WEB_CONCURRENCY}"),
            "puma -p 5000 -w 3"
        );
        assert_eq!(expand("a $UNSET b"), "a  b");
        assert_eq!(expand("$PORTx"), "");
        assert_eq!(expand("${PORT}x"), "5000x");
        assert_eq!(expand("$1$"), "one$");
        assert_eq!(expand("cost: 5$ or $%"), "cost: 5$ or $%");
        assert_eq!(expand("${} and ${PORT"), " and PORT");
        assert_eq!(expand("echo $(date)"), "echo $(date)");
        assert_eq!(expand("ünï $PORT ✓"), "ünï 5000 ✓");
    }
}
