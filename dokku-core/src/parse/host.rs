//! The machine's part of Dokku's global `report` (`plugins/00_dokku-standard
//! /subcommands/report`): `-----> uname: …`, then `-----> memory: ` with
//! `free -m`, `-----> disk utilization: ` with `df -h` and `-----> disk
//! inode utilization: ` with `df -hi`, each line indented by seven spaces.
//! Recorded on 0.38.27 (`captures-0.38.27-core.jsonl`, seq 220). The
//! sections after them (Docker, herokuish, tool versions) are not read.

use super::ParseError;
use crate::model::host::{DiskUsage, HostVitals, Memory};

const WHAT: &str = "report";

/// The vitals in `stdout`; sections it lacks are left empty.
///
/// # Errors
///
/// A memory or disk line that is not `free`'s or `df`'s, with its line.
pub fn vitals(stdout: &str) -> Result<HostVitals, ParseError> {
    let mut vitals = HostVitals::default();
    let mut section = "";
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        if let Some(header) = line.strip_prefix("-----> ") {
            finish(&mut vitals, section, &lines)?;
            lines.clear();
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            section = match name {
                "uname" => {
                    vitals.uname = Some(value.trim().to_owned()).filter(|u| !u.is_empty());
                    ""
                }
                "memory" => "memory",
                "disk utilization" => "disks",
                "disk inode utilization" => "inodes",
                _ => "",
            };
        } else if !section.is_empty() {
            lines.push((index, line.strip_prefix("       ").unwrap_or(line)));
        }
    }
    finish(&mut vitals, section, &lines)?;
    Ok(vitals)
}

fn finish(
    vitals: &mut HostVitals,
    section: &str,
    lines: &[(usize, &str)],
) -> Result<(), ParseError> {
    match section {
        "memory" => vitals.memory = memory(lines)?,
        "disks" => vitals.disks = disks(lines)?,
        "inodes" => vitals.inodes = disks(lines)?,
        _ => {}
    }
    Ok(())
}

/// `free -m`: a header of column names, then `Mem:` and `Swap:` rows
/// (procps before 3.3.10 adds `-/+ buffers/cache:`, which is skipped).
fn memory(lines: &[(usize, &str)]) -> Result<Option<Memory>, ParseError> {
    let Some(((_, header), rows)) = lines.split_first() else {
        return Ok(None);
    };
    let columns: Vec<&str> = header.split_whitespace().collect();
    let row = |label: &str| -> Result<Option<Vec<(&str, u64)>>, ParseError> {
        let Some((index, line)) = rows.iter().find(|(_, l)| l.trim_start().starts_with(label))
        else {
            return Ok(None);
        };
        let values = line.trim_start()[label.len()..].split_whitespace();
        let pairs = columns
            .iter()
            .zip(values)
            .map(|(column, value)| {
                value.parse::<u64>().map(|n| (*column, n)).map_err(|_| {
                    ParseError::at(
                        WHAT,
                        *index,
                        format!("{label} {column} is not a number of MiB"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(pairs))
    };
    let Some(mem) = row("Mem:")? else {
        return Ok(None);
    };
    let swap = row("Swap:")?.unwrap_or_default();
    let get =
        |pairs: &[(&str, u64)], name: &str| pairs.iter().find(|(c, _)| *c == name).map(|(_, n)| *n);
    Ok(Some(Memory {
        total_mb: get(&mem, "total").unwrap_or(0),
        used_mb: get(&mem, "used").unwrap_or(0),
        free_mb: get(&mem, "free").unwrap_or(0),
        available_mb: get(&mem, "available"),
        swap_total_mb: get(&swap, "total").unwrap_or(0),
        swap_used_mb: get(&swap, "used").unwrap_or(0),
    }))
}

/// `df -h`/`df -hi`: a header, then `FS SIZE USED AVAIL USE% MOUNT`
/// (the mount point may hold spaces).
fn disks(lines: &[(usize, &str)]) -> Result<Vec<DiskUsage>, ParseError> {
    let mut disks = Vec::new();
    for (index, line) in lines.iter().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let mut next = || words.next().map(str::to_owned);
        let bad = || {
            ParseError::at(
                WHAT,
                *index,
                "not a df line (file system, size, used, available, use%, mount)",
            )
        };
        let (Some(filesystem), Some(size), Some(used), Some(available), Some(share)) =
            (next(), next(), next(), next(), next())
        else {
            return Err(bad());
        };
        let used_percent = match share.as_str() {
            "-" => None,
            share => Some(
                share
                    .strip_suffix('%')
                    .and_then(|n| n.parse::<u8>().ok())
                    .ok_or_else(bad)?,
            ),
        };
        let mounted_on = words.collect::<Vec<_>>().join(" ");
        if mounted_on.is_empty() {
            return Err(bad());
        }
        disks.push(DiskUsage {
            filesystem,
            size,
            used,
            available,
            used_percent,
            mounted_on,
        });
    }
    Ok(disks)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_old_free_and_odd_df_lines_are_read_or_refused_with_their_line() {
        let old = "-----> memory: \n                    total       used       free     shared    buffers     cached\n       Mem:          2000       1500        500          0        100        400\n       -/+ buffers/cache:       1000       1000\n       Swap:            0          0          0\n";
        let memory = vitals(old).unwrap().memory.unwrap();
        assert_eq!(
            (memory.total_mb, memory.used_mb, memory.available_mb),
            (2000, 1500, None)
        );
        assert_eq!(memory.used_percent(), 75);

        let spaced = "-----> disk utilization: \n       Filesystem Size Used Avail Use% Mounted on\n       /dev/sdb1 1.0T 10G 990G - /mnt/big disk\n";
        let disk = &vitals(spaced).unwrap().disks[0];
        assert_eq!(
            (disk.used_percent, disk.mounted_on.as_str()),
            (None, "/mnt/big disk")
        );

        for bad in [
            "-----> memory: \n       total used\n       Mem: 12 lots\n",
            "-----> disk utilization: \n       Filesystem Size\n       /dev/vda 1G 1G\n",
            "-----> disk utilization: \n       Filesystem Size\n       /dev/vda 1G 1G 0 full /\n",
        ] {
            let err = vitals(bad).unwrap_err().to_string();
            assert!(err.starts_with("report output, line 3:"), "{err}");
        }
        assert_eq!(vitals("").unwrap(), HostVitals::default());
    }
}
