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
    let team = find_team(&campaign, team)?;
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
    println!(
        "{}{team}{}:",
        r.pack.display(),
        if r.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    for t in &r.tables {
        if t.inserted + t.updated + t.unchanged + t.superseded + t.ignored == 0 {
            continue;
        }
        println!(
            "  {:<14} {} inserted, {} updated, {} unchanged, {} superseded, {} ignored",
            t.table, t.inserted, t.updated, t.unchanged, t.superseded, t.ignored
        );
    }
    for c in &r.conflicts {
        println!(
            "  conflict {} {} {}: master {:?}, pack {:?}: the {}'s kept",
            c.table, c.uuid, c.column, c.master, c.pack, c.winner
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
            "  the pack's clock runs more than 10 minutes ahead of this computer's: check its date"
        );
    }
    let ignored: usize = r.tables.iter().map(|t| t.ignored).sum();
    if ignored > 0 {
        println!("  {ignored} plan rows differ in the pack: headquarters' plan was kept");
    }
}
