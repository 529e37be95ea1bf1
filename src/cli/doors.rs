//! `doors`: door points into a campaign, and the voters per household doors are estimated
//! with where there are none.

use std::path::Path;

use super::args::DoorsCommand;
use crate::io::doors::DoorColumns;
use crate::store::Campaign;

/// Runs a `doors` command.
pub(super) fn run(file: &Path, action: DoorsCommand) -> anyhow::Result<()> {
    match action {
        DoorsCommand::Import {
            path,
            allow_removal,
            columns,
        } => {
            let c = *columns;
            let chosen = DoorColumns {
                address: c.address_column,
                street: c.street_column,
                number: c.number_column,
                suffix: c.suffix_column,
                unit: c.unit_column,
                postcode: c.postcode_column,
                id: c.id_column,
                households: c.households_column,
            };
            let doors = crate::io::doors::read_doors_with(&path, &chosen)?;
            for w in crate::io::doors::address_warnings(&doors) {
                eprintln!("warning: {}: {w}", path.display());
            }
            let mut campaign = Campaign::open(file)?;
            let source = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let w = campaign
                .import_doors(&doors, &source, allow_removal)
                .map_err(|e| match e {
                    crate::store::StoreError::WouldRemoveDoors { .. } => {
                        anyhow::anyhow!("{e}\n(add --allow-removal to remove them)")
                    }
                    e => e.into(),
                })?;
            println!(
                "{} doors read from {} ({} households, {} inside a precinct): {} new, {} \
                 updated, {} unchanged{}",
                w.read,
                path.display(),
                w.households,
                w.in_precincts,
                w.new,
                w.updated,
                w.unchanged,
                if w.removed > 0 {
                    format!(
                        "; {} doors of the earlier import of this file removed (no longer in it)",
                        w.removed
                    )
                } else {
                    String::new()
                }
            );
            if w.all_outside() {
                eprintln!(
                    "warning: {}: none of its {} doors lies in any of the campaign's {} \
                     precincts: is it a file of another place, or are its longitude and \
                     latitude swapped?",
                    path.display(),
                    w.read,
                    w.campaign_precincts
                );
            }
            if !w.also_from.is_empty() {
                println!(
                    "doors already in the campaign from {} were recognised (the same address \
                     nearby) and not added twice",
                    w.also_from.join(", ")
                );
            }
        }
        DoorsCommand::Households {
            voters_per_household,
        } => {
            let mut campaign = Campaign::open(file)?;
            campaign.set_voters_per_household(voters_per_household)?;
            println!("doors are estimated with {voters_per_household} voters per household");
        }
    }
    Ok(())
}
