//! `network:list` and `network:info`, text and JSON.
//!
//! From dokku/dokku `plugins/network/subcommands.go`: `network:list` text is
//! `=====> Networks` then one name a line, JSON (0.35.3+) an array of
//! `DockerNetwork`; `network:info` text is `=====> <name> network
//! information` then `ID:`, `Name:`, `Driver:`, `Scope:`, `Dokku managed:`
//! rows, JSON one `DockerNetwork`. Recorded only without a Docker daemon
//! (an empty list, `Network does not exist`).

use super::{table, ParseError};
use crate::model::network::Network;

const LIST: &str = "network:list";
const INFO: &str = "network:info";

/// `network:list` text: the network names.
pub fn list_text(stdout: &str) -> Vec<String> {
    table::verbose_lines(stdout)
        .into_iter()
        .map(|l| l.trim().to_owned())
        .collect()
}

/// `network:list --format json`.
pub fn list_json(stdout: &str) -> Result<Vec<Network>, ParseError> {
    super::json_array(LIST, stdout)
}

/// `network:info` in either format.
pub fn info(stdout: &str) -> Result<Network, ParseError> {
    if stdout.trim_start().starts_with('{') {
        return super::json(INFO, "a network", stdout);
    }
    let mut network = Network::default();
    for (label, value) in table::label_values(INFO, stdout)? {
        match label.as_str() {
            "ID" => network.id = value,
            "Name" => network.name = value,
            "Driver" => network.driver = value,
            "Scope" => network.scope = value,
            "Dokku managed" => network.dokku_managed = value == "true",
            _ => {}
        }
    }
    if network.name.is_empty() {
        return Err(ParseError::new(INFO, "no `Name:` line"));
    }
    Ok(network)
}

#[cfg(test)]
mod tests {
    use super::*;

    // plugins/network/subcommands.go `CommandInfo`, text form.
    #[test]
    fn network_info_text_and_json_are_read() {
        let out = "=====> bridge network information\n\
                   \x20      ID:             abc\n\
                   \x20      Name:           bridge\n\
                   \x20      Driver:         bridge\n\
                   \x20      Scope:          local\n\
                   \x20      Dokku managed:  false\n";
        let network = info(out).unwrap();
        assert_eq!(network.name, "bridge");
        assert_eq!(network.scope, "local");
        assert!(!network.dokku_managed);
        let json = r#"{"CreatedAt":"0001-01-01T00:00:00Z","DokkuManaged":true,"Driver":"bridge","ID":"x","Internal":false,"IPv6":false,"Labels":{},"Name":"n","Scope":"local"}"#;
        assert!(info(json).unwrap().dokku_managed);
    }
}
