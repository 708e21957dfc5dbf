//! The `00_dokku-standard` plugin's commands (simulated): `cleanup`,
//! `url`, `urls`, `report`. (`help` is the `dokku` script's, in
//! [`crate::common::help`].)
//!
//! Written from dokku/dokku v0.38.27: `plugins/00_dokku-standard/
//! subcommands/*` and the domains plugin's `domains-urls` trigger, which
//! answers `url` and `urls`. `report`'s machine part is recorded (core
//! seq 220: `free -m` and `df` laid out as here); what follows it is from
//! the script, with Docker's and the tools' own output shortened.

use crate::common::{Ctx, Outcome};

/// Run a subcommand of the standard plugin; `None` if it is not one of
/// them.
pub fn run(ctx: &mut Ctx<'_>, subcommand: &str, args: &[String]) -> Option<Outcome> {
    match subcommand {
        // `docker_cleanup "$APP" "true"`: forced, so always announced.
        "cleanup" => ctx.out.info1("Cleaning up..."),
        "url" | "urls" => {
            let app = args.first().cloned().unwrap_or_default();
            if ctx.verify_app(&app) {
                ctx.trigger("domains-urls", &[app, subcommand.to_owned()]);
            }
        }
        "report" => report(ctx, args),
        _ => return None,
    }
    Some(Outcome::Done(std::mem::take(&mut ctx.out)))
}

/// `report [APP|--all]`: the machine (`uname -a`, `free -m`, `df -h`,
/// `df -hi` of the local file systems), Docker, herokuish, Dokku and its
/// tools, the plugins. The apps' own reports that an argument adds after
/// it (`plugn trigger report`) are not simulated.
fn report(ctx: &mut Ctx<'_>, args: &[String]) {
    if args.first().map(String::as_str) == Some("--format") {
        ctx.out.fail("--format flag not supported on global report");
        return;
    }
    let machine = ctx.host.machine.clone();
    let out = &mut ctx.out;
    out.info1(&format!(
        "uname: Linux {} {} GNU/Linux",
        ctx.host.hostname, machine.kernel
    ));
    out.info1("memory: ");
    out.verbose("               total        used        free      shared  buff/cache   available");
    let row = |label: &str, values: &[u64]| {
        let cells: String = values.iter().map(|v| format!("{v:>12}")).collect();
        format!("{label:<8}{cells}")
    };
    out.verbose(&row("Mem:", &machine.memory_mb));
    out.verbose(&row("Swap:", &machine.swap_mb));
    let space = |d: &crate::host::Disk| d.space.clone();
    let inodes = |d: &crate::host::Disk| d.inodes.clone();
    out.info1("disk utilization: ");
    for line in df(&machine, ["Size", "Used", "Avail", "Use%"], space) {
        out.verbose(&line);
    }
    out.info1("disk inode utilization: ");
    for line in df(&machine, ["Inodes", "IUsed", "IFree", "IUse%"], inodes) {
        out.verbose(&line);
    }
    let containers: usize = ctx.host.apps.values().map(|a| a.containers.len()).sum();
    let version = ctx.host.version;
    let plugn = ctx.host.plugn_version.clone();
    let out = &mut ctx.out;
    out.info1("docker version: ");
    for line in [
        "Client:",
        " Version:           28.2.2",
        "",
        "Server: Docker Engine - Community",
        " Engine:",
        "  Version:          28.2.2",
    ] {
        out.verbose(line);
    }
    out.info1("docker daemon info: ");
    let info = [
        "Server:".to_owned(),
        format!(" Containers: {containers}"),
        format!("  Running: {containers}"),
        " Server Version: 28.2.2".to_owned(),
        " Storage Driver: overlay2".to_owned(),
        " Logging Driver: json-file".to_owned(),
        format!(
            " Total Memory: {:.2}GiB",
            machine.memory_mb[0] as f64 / 1024.0
        ),
    ];
    for line in &info {
        out.verbose(line);
    }
    out.info1("herokuish version: ");
    out.verbose("herokuish: 0.10.4");
    out.info1(&format!("dokku version: dokku version {version}"));
    out.warn("dokku-event-listener binary is not available");
    out.warn("dokku-update binary is not available");
    for (tool, said) in [
        ("docker-container-healthchecker", "0.13.0"),
        ("docker-image-labeler", "0.8.0"),
        ("git", "git version 2.43.0"),
        ("lambda-builder", "0.9.0"),
        ("netrc", "0.10.0"),
    ] {
        out.info1(&format!("{tool} version: {said}"));
    }
    out.warn("pack binary is not available");
    out.info1(&format!("plugn version: {plugn}"));
    out.info1("sigil version: 0.11.0");
    out.info1("sshcommand version: 0.20.0");
    out.info1("dokku plugins: ");
    for line in ctx.host.plugn_list() {
        ctx.out.verbose(&line);
    }
}

/// `df -h` (or `-hi`) of the local file systems: GNU df's columns, the
/// device left-aligned in at least 14, the numbers right-aligned in at
/// least 5 (the percentage in its header's width), the mount point last.
fn df(
    machine: &crate::host::Machine,
    headers: [&str; 4],
    values: impl Fn(&crate::host::Disk) -> [String; 4],
) -> Vec<String> {
    let rows: Vec<(String, [String; 4], String)> = machine
        .disks
        .iter()
        .map(|d| (d.filesystem.clone(), values(d), d.mounted_on.clone()))
        .collect();
    let fs_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(14);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            let least = if i == 3 {
                headers[i].len()
            } else {
                headers[i].len().max(5)
            };
            rows.iter()
                .map(|r| r.1[i].len())
                .max()
                .unwrap_or(0)
                .max(least)
        })
        .collect();
    let line = |fs: &str, cells: [&str; 4], mount: &str| {
        let cells: String = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!(" {c:>w$}"))
            .collect();
        format!("{fs:<fs_width$}{cells} {mount}")
    };
    let mut lines = vec![line("Filesystem", headers, "Mounted on")];
    for (fs, cells, mount) in &rows {
        lines.push(line(
            fs,
            [&cells[0], &cells[1], &cells[2], &cells[3]].map(|c| c.as_str()),
            mount,
        ));
    }
    lines
}
