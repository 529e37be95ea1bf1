//! `streets`: the named streets of an OpenStreetMap extract into the campaign's street map.

use std::io::IsTerminal as _;
use std::ops::ControlFlow;
use std::path::Path;

use super::args::StreetsCommand;
use crate::domain::street::{MARGIN_METRES, clip_box};
use crate::progress::Progress;
use crate::store::Campaign;

/// Runs a `streets` command.
pub(super) fn run(file: &Path, action: StreetsCommand) -> anyhow::Result<()> {
    match action {
        StreetsCommand::Import {
            extract,
            within_campaign,
        } => {
            let mut campaign = Campaign::open(file)?;
            let extent = campaign.content_extent()?;
            let clip = extent.map(|e| clip_box(e, within_campaign));
            let show = std::io::stderr().is_terminal();
            let mut last = 0;
            let mut on_progress = |p: Progress| {
                let percent = p.done * 100 / p.total.max(1);
                if show && percent >= last + 10 {
                    last = percent;
                    say!("reading {percent} %");
                }
                ControlFlow::Continue(())
            };
            let (read, w) = crate::io::streets::import_streets(
                &mut campaign,
                &extract,
                clip,
                &mut on_progress,
            )?;
            let kept = match clip {
                Some(_) if within_campaign => "inside the campaign's extent".to_owned(),
                Some(_) => format!(
                    "inside the campaign's extent and {} km around it",
                    MARGIN_METRES / 1000.0
                ),
                None => "the whole extract (the campaign holds nothing yet to clip to)".to_owned(),
            };
            let outside = if clip.is_some() {
                format!("{} of them outside", read.outside)
            } else {
                format!(
                    "{} of them without their nodes in the extract",
                    read.outside
                )
            };
            println!(
                "imported {} streets from {} ({} named street ways, {outside}; kept: {kept}){}{}",
                w.streets,
                extract.display(),
                read.ways,
                if w.replaced > 0 {
                    format!("; {} streets of the earlier import replaced", w.replaced)
                } else {
                    String::new()
                },
                if w.already_there > 0 {
                    format!("; {} already there from another extract", w.already_there)
                } else {
                    String::new()
                }
            );
        }
    }
    Ok(())
}
