//! `common.AskForDestructiveConfirmation`: how Dokku's Go plugins ask
//! before destroying an app, a network or a storage entry
//! (`plugins/common/common.go`).

use super::ctx::Ctx;

/// `common.AskForDestructiveConfirmation(name, objectType)`: the
/// warnings, a `> ` prompt without newline, and one token read with
/// `fmt.Scanln`. Whether the answer was the name; otherwise the failure is
/// printed and the exit code set.
pub fn ask_for_destructive_confirmation(ctx: &mut Ctx<'_>, name: &str, object_type: &str) -> bool {
    ctx.out.warn("WARNING: Potentially Destructive Action");
    ctx.out
        .warn(&format!("This command will destroy {object_type} {name}."));
    ctx.out.warn(&format!("To proceed, type \"{name}\""));
    ctx.out.print("> ");
    match scanln(ctx.stdin) {
        Ok(answer) if answer == name => true,
        Ok(_) => {
            // LogStderr (no prefix) and os.Exit(1); "test" is in Dokku's text.
            ctx.out
                .stderr_plain("Confirmation did not match test. Aborted.");
            ctx.out.code = 1;
            false
        }
        Err(error) => {
            ctx.out.fail(error);
            false
        }
    }
}

/// Go's `fmt.Scanln(&s)` over stdin: skip blanks, read one token, then
/// demand the end of the line. The errors are Go's texts.
fn scanln(input: &[u8]) -> Result<String, &'static str> {
    // fmt's isSpace table.
    fn is_space(c: char) -> bool {
        matches!(
            c,
            '\t'..='\r'
                | ' '
                | '\u{85}'
                | '\u{a0}'
                | '\u{1680}'
                | '\u{2000}'..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
        )
    }
    let text = String::from_utf8_lossy(input);
    let mut chars = text.chars().peekable();
    // SkipSpace: a newline before the token is an error (Scanln), EOF is
    // io.EOF.
    loop {
        match chars.peek() {
            None => return Err("EOF"),
            Some('\n') => return Err("unexpected newline"),
            Some(&c) if is_space(c) => {
                chars.next();
            }
            Some(_) => break,
        }
    }
    let mut token = String::new();
    while let Some(&c) = chars.peek() {
        if is_space(c) {
            break;
        }
        token.push(c);
        chars.next();
    }
    // nlIsEnd: only blanks may follow before the newline or EOF.
    for c in chars {
        if c == '\n' {
            break;
        }
        if !is_space(c) {
            return Err("expected newline");
        }
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanln_like_go() {
        assert_eq!(scanln(b"app\n"), Ok("app".to_owned()));
        assert_eq!(scanln(b"  app  \r\n"), Ok("app".to_owned()));
        assert_eq!(scanln(b"app"), Ok("app".to_owned()));
        assert_eq!(scanln(b""), Err("EOF"));
        assert_eq!(scanln(b"\n"), Err("unexpected newline"));
        assert_eq!(scanln(b"a b\n"), Err("expected newline"));
    }
}
