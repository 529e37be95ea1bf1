//! `sheets`: walk sheets as PDFs, for a turf, a team or every team.

use std::io::IsTerminal as _;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use super::args::{LangArg, SheetBasemapArg};
use super::turfs::{WalkModeArg, find_turf};
use crate::domain::name::name_key;
use crate::io::sheets::{Scope, SheetOptions, write_sheets};
use crate::store::Campaign;

/// What `sheets` was asked.
pub(super) struct SheetsArgs {
    pub turf: Option<String>,
    pub team: Option<String>,
    pub teams: bool,
    pub out: PathBuf,
    pub lang: LangArg,
    pub mode: WalkModeArg,
    pub script: Option<PathBuf>,
    pub basemap: SheetBasemapArg,
    pub mbtiles: Option<PathBuf>,
}

/// Prints walk sheets.
pub(super) fn run(file: &Path, a: &SheetsArgs) -> anyhow::Result<()> {
    let mut campaign = Campaign::open(file)?;
    let scope = match (&a.turf, &a.team) {
        (Some(name), _) => Scope::Turf(find_turf(&campaign, name)?.uuid),
        (None, Some(name)) => {
            let key = name_key(name);
            let team = campaign
                .teams()?
                .into_iter()
                .find(|t| name_key(&t.name) == key)
                .ok_or_else(|| anyhow::anyhow!("no team named {name:?} in {}", file.display()))?;
            Scope::Team(team.uuid)
        }
        (None, None) if a.teams => Scope::EveryTeam,
        (None, None) => Scope::All,
    };
    // A script given is the campaign's from now on: written once, printed on every sheet.
    if let Some(path) = &a.script {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("the script {} could not be read: {e}", path.display()))?;
        campaign.set_sheet_script(Some(&text))?;
        println!(
            "the campaign's walk-sheet script is now the text of {}",
            path.display()
        );
    }
    let script = None;
    let options = SheetOptions {
        lang: a.lang.into(),
        mode: a.mode.into(),
        script,
        no_streets: a.basemap == SheetBasemapArg::None,
        mbtiles: a.mbtiles.clone(),
    };
    let show = std::io::stderr().is_terminal();
    let mut progress = |p: crate::progress::Progress| {
        if show {
            eprintln!("turf {}/{}", p.done + 1, p.total);
        }
        ControlFlow::Continue(())
    };
    let files = write_sheets(&mut campaign, &scope, &a.out, &options, &mut progress)?;
    if let Some(w) = files.first().and_then(|f| f.warnings.first()) {
        eprintln!("warning: {w}");
    }
    for f in &files {
        let codes: Vec<String> = f
            .prints
            .iter()
            .map(|p| format!("{} {}", p.turf, p.code))
            .collect();
        println!(
            "wrote {} ({} pages): {}",
            f.path.display(),
            f.pages,
            codes.join(", ")
        );
    }
    Ok(())
}
