//! `pack` (a team's own campaign file) and `merge` (team packs back into the master).

use std::path::{Path, PathBuf};

use super::turfs::find_team;
use crate::store::{Campaign, MergeReport, PackOptions};

/// Writes a team pack.
pub(super) fn pack(
    file: &Path,
    team: &str,
    out: &Path,
    options: PackOptions,
) -> anyhow::Result<()> {
    // Opened for writing only so that an older file is upgraded first; nothing else is written.
    let campaign = Campaign::open(file)?;
    let team = find_team(&campaign, team).map_err(|e| {
        let names: Vec<String> = campaign
            .teams()
            .unwrap_or_default()
            .into_iter()
            .map(|t| format!("{:?}", t.name))
            .collect();
        anyhow::anyhow!("{e}; its teams: {}", names.join(", "))
    })?;
    let w = campaign.write_pack(&team.uuid, out, options)?;
    println!(
        "wrote the team pack of {:?} to {}: {} turfs, {} doors, {} precincts, {} streets, {} prints, {} visits ({} kB){}{}",
        w.team,
        out.display(),
        w.turfs,
        w.doors,
        w.precincts,
        w.streets,
        w.prints,
        w.visits,
        w.bytes.div_ceil(1024),
        if options.include_notes {
            "; notes included"
        } else {
            ""
        },
        if options.include_support {
            "; support levels included"
        } else {
            ""
        },
    );
    if w.turfs == 0 {
        println!("note: the team holds no turf yet: assign turfs to it before making its pack");
    }
    Ok(())
}

/// Merges packs, one after the other, each in its own transaction.
pub(super) fn merge(
    file: &Path,
    packs: &[PathBuf],
    dry_run: bool,
    json: bool,
) -> anyhow::Result<()> {
    // Every pack is there and readable before anything is merged.
    for pack in packs {
        if !pack.is_file() {
            anyhow::bail!(
                "team pack not found: {} (nothing was merged into {})",
                pack.display(),
                file.display()
            );
        }
    }
    let mut campaign = Campaign::open(file)?;
    let mut reports = Vec::new();
    for pack in packs {
        let report = campaign.merge_pack(pack, dry_run)?;
        if !json {
            print_report(&report);
        }
        reports.push(report);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(())
}

fn print_report(r: &MergeReport) {
    let team = r
        .team
        .as_ref()
        .map(|t| format!(" ({t})"))
        .unwrap_or_default();
    if r.already_merged {
        println!("{}{team}: already merged, nothing to do", r.pack.display());
        return;
    }
    let changed = r.changed();
    println!(
        "{}{team}{}: {changed} rows new or updated, {} edited on both sides",
        r.pack.display(),
        if r.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        },
        r.conflicts.len()
    );
    for t in &r.tables {
        // Plan tables only when something in them differs.
        if t.inserted + t.updated + t.superseded + t.ignored == 0 {
            continue;
        }
        println!(
            "  {:<14} {} new, {} updated ({} of them deletions), {} unchanged, {} older than ours, {} plan rows ignored",
            t.table, t.inserted, t.updated, t.deleted, t.unchanged, t.superseded, t.ignored
        );
    }
    for c in &r.conflicts {
        let what = if c.place.is_empty() {
            c.uuid.as_str()
        } else {
            c.place.as_str()
        };
        let values = if c.column == "deleted_at" {
            let gone = |v: &str| if v.is_empty() { "kept" } else { "deleted" };
            format!(
                "headquarters {}, the team {}",
                gone(&c.master),
                gone(&c.pack)
            )
        } else {
            format!("headquarters {:?}, the team {:?}", c.master, c.pack)
        };
        println!(
            "  both edited {} {what}, {}: {values}: the {} kept (newer)",
            c.table,
            c.column,
            if c.winner == "pack" {
                "team's"
            } else {
                "headquarters'"
            }
        );
    }
    if r.visits_of_deleted_doors > 0 {
        println!(
            "  {} visits are of doors deleted at headquarters: kept, and counted nowhere",
            r.visits_of_deleted_doors
        );
    }
    if r.from_the_future {
        println!(
            "  the pack's clock runs more than 10 minutes ahead of this computer's: its rows were merged, but check the team's computer's date"
        );
    }
    let ignored: usize = r.tables.iter().map(|t| t.ignored).sum();
    if ignored > 0 {
        println!(
            "  {ignored} plan rows differ in the pack (headquarters' plan was kept): {}",
            r.plan_differences.join("; ")
        );
    }
}
