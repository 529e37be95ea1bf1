//! `doors`: door points into a campaign, and the voters per household doors are estimated
//! with where there are none.

use std::path::Path;

use super::args::DoorsCommand;
use crate::store::Campaign;

/// Runs a `doors` command.
pub(super) fn run(file: &Path, action: DoorsCommand) -> anyhow::Result<()> {
    match action {
        DoorsCommand::Import { path } => {
            let doors = crate::io::doors::read_doors(&path)?;
            let mut campaign = Campaign::open(file)?;
            let source = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let w = campaign.replace_doors(&doors, &source)?;
            println!(
                "imported {} doors ({} households) from {}: {} inside a precinct, {} outside{}",
                w.doors,
                w.households,
                path.display(),
                w.in_precincts,
                w.doors - w.in_precincts,
                if w.replaced > 0 {
                    format!("; {} doors of the earlier import replaced", w.replaced)
                } else {
                    String::new()
                }
            );
            if w.already_there > 0 {
                println!(
                    "{} doors were already in the campaign from {} (the same address nearby) \
                     and were not added twice",
                    w.already_there,
                    w.already_from.join(", ")
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
