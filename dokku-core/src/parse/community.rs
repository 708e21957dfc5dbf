//! dokku-redirect's `redirect <app>` list (from its source, 0.9.1).
//!
//! `SOURCE:DESTINATION:CODE` rows piped through `column -s: -t`: a header
//! `SOURCE  DESTINATION  CODE` and aligned rows; with none, only a warning.

use super::{table, ParseError};
use crate::model::community::Redirect;

const WHAT: &str = "redirect";

/// The app's redirects.
pub fn redirects(stdout: &str) -> Result<Vec<Redirect>, ParseError> {
    table::columns(WHAT, stdout, &["SOURCE", "DESTINATION", "CODE"], &[])?
        .into_iter()
        .map(|cells| {
            let [source, destination, code] = <[String; 3]>::try_from(cells)
                .map_err(|_| ParseError::new(WHAT, "expected three columns"))?;
            let code = code
                .parse()
                .map_err(|_| ParseError::new(WHAT, "CODE: expected an HTTP status"))?;
            Ok(Redirect {
                source,
                destination,
                code,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // `column -s: -t` of `SOURCE:DESTINATION:CODE` (dokku-redirect's default
    // subcommand).
    #[test]
    fn redirect_rows_are_read_with_their_codes() {
        let out = "SOURCE           DESTINATION      CODE\n\
                   old.example.com  new.example.com  301\n\
                   x.example.com    y.example.com/a  302\n";
        let rows = redirects(out).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].destination, "y.example.com/a");
        assert_eq!(rows[1].code, 302);
        assert!(redirects("").unwrap().is_empty());
    }
}
