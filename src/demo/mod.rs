//! The demo campaign a trainer opens with no arguments: the 58 Montreal districts and their
//! 2013 mayoral results, scored, built once as a copy in the user's data directory (edits never
//! touch the shipped files), on the bundled offline basemap.

mod field;

use std::path::{Path, PathBuf};

pub use field::{NOTICE as FIELD_NOTICE, field_demo_path, reset_field_demo};

use crate::domain::classify::ClassMethod;
use crate::domain::scoring::{Preset, ScoringParams, score};
use crate::io::csv_results::{ColumnMapping, import_results};
use crate::io::{ImportOptions, import_precincts};
use crate::paths::data_dir;
use crate::progress::ignore;
use crate::store::{Campaign, ElectionMeta};

const DISTRICTS: &[u8] = include_bytes!("../../fixtures/montreal-districts.geojson");
const RESULTS: &[u8] = include_bytes!("../../fixtures/montreal-results-2013.csv");
const BASEMAP: &[u8] = include_bytes!("../../assets/basemap-world-z0-4-montreal-z5-6.mbtiles");

/// The bundled offline basemap, written to the data directory on first use.
pub fn basemap_path() -> std::io::Result<PathBuf> {
    let dir = data_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("basemap-offline.mbtiles");
    let current = std::fs::metadata(&path).is_ok_and(|m| m.len() == BASEMAP.len() as u64);
    if !current {
        write_atomically(&path, BASEMAP)?;
    }
    Ok(path)
}

/// The demo campaign file, built if it is not there (or not a readable campaign).
pub fn demo_path() -> anyhow::Result<PathBuf> {
    let dir = data_dir().join("demo");
    let path = dir.join("montreal-2013.campaign.gpkg");
    if path.exists() && Campaign::open_read_only(&path).is_ok() {
        return Ok(path);
    }
    build_demo(&dir, &path)?;
    Ok(path)
}

/// Rebuilds the demo campaign from the shipped data, replacing the copy.
pub fn reset_demo() -> anyhow::Result<PathBuf> {
    let dir = data_dir().join("demo");
    let path = dir.join("montreal-2013.campaign.gpkg");
    build_demo(&dir, &path)?;
    Ok(path)
}

fn build_demo(dir: &Path, path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let districts = dir.join("montreal-districts.geojson");
    let results = dir.join("montreal-results-2013.csv");
    std::fs::write(&districts, DISTRICTS)?;
    std::fs::write(&results, RESULTS)?;
    // Built beside, then moved over the old copy: a failed build leaves the old one.
    let fresh = dir.join("montreal-2013.building.gpkg");
    let _ = std::fs::remove_file(&fresh);
    {
        let mut campaign = Campaign::create(&fresh, "Montréal 2013 (démo)")?;
        import_precincts(
            &mut campaign,
            &districts,
            &ImportOptions::default(),
            &mut ignore,
        )?;
        import_results(
            &mut campaign,
            &results,
            &ElectionMeta {
                name: "Mairie 2013".to_owned(),
                date: crate::domain::date::Date::parse("2013-11-03").ok(),
                round: None,
            },
            &ColumnMapping::default(),
        )?;
        let params = ScoringParams {
            preset: Preset::Performance,
            ours: vec!["Joly".to_owned()],
            classes: 5,
            method: ClassMethod::Quantile,
            ..ScoringParams::default()
        };
        let data = campaign.scoring_data()?;
        let scored = score(&data, &params)?;
        campaign.save_scores(&data.codes, &scored)?;
    }
    std::fs::rename(&fresh, path)?;
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
