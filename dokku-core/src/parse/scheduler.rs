//! `scheduler-k3s:cluster:list`, text and JSON (from dokku/dokku
//! `plugins/scheduler-k3s/subcommands.go`: not recorded).
//!
//! Text is a columnize table `name | ready | roles | version` (roles
//! comma-separated); JSON an array of Go's `Node` (`Name`, `Roles`,
//! `Ready`, `RemoteHost`, `Version`).

use super::{table, ParseError};
use crate::model::scheduler::K3sNode;

const WHAT: &str = "scheduler-k3s:cluster:list";

/// The cluster's nodes, in either format.
pub fn cluster_list(stdout: &str) -> Result<Vec<K3sNode>, ParseError> {
    if stdout.trim_start().starts_with('[') {
        return super::json_array(WHAT, stdout);
    }
    table::columns(WHAT, stdout, &["name", "ready", "roles", "version"], &[])?
        .into_iter()
        .map(|cells| {
            let [name, ready, roles, version] = <[String; 4]>::try_from(cells)
                .map_err(|_| ParseError::new(WHAT, "expected four columns"))?;
            Ok(K3sNode {
                name,
                ready: ready == "true",
                roles: roles
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned)
                    .collect(),
                version,
                remote_host: String::new(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_nodes_are_read_from_the_table_and_json() {
        let text = "name   ready  roles                 version\n\
                    node1  true   control-plane,master  v1.30.2+k3s1\n";
        let nodes = cluster_list(text).unwrap();
        assert!(nodes[0].ready);
        assert_eq!(nodes[0].roles, ["control-plane", "master"]);
        let json = r#"[{"Name":"n","Roles":null,"Ready":false,"RemoteHost":"h","Version":"v1"}]"#;
        let nodes = cluster_list(json).unwrap();
        assert!(nodes[0].roles.is_empty() && nodes[0].remote_host == "h");
    }
}
