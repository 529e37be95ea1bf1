//! The field demo: central Helsinki with its real streets and addresses (© OpenStreetMap
//! contributors, from the extract in `fixtures/`), precincts that are an illustrative grid (the
//! extract holds only fragments of its neighbourhoods' boundaries, whose member ways lie mostly
//! outside it), auto-cut into turfs whose walks the app shows. Built once in the user's data
//! directory, like the Montreal demo.

use std::path::{Path, PathBuf};

use crate::domain::street::clip_box;
use crate::io::{ImportOptions, import_precincts};
use crate::paths::data_dir;
use crate::progress::ignore;
use crate::store::Campaign;

const EXTRACT: &[u8] = include_bytes!("../../fixtures/helsinki.osm.pbf");

/// The file name of the field demo in the data directory.
const FILE: &str = "helsinki-field.campaign.gpkg";

/// The campaign's notice, shown on the map: what is real and what is not (English, then
/// French).
pub const NOTICE: &str = "Field demo: the streets and addresses of central Helsinki are real \
     (© OpenStreetMap contributors, ODbL); the precincts are an illustrative grid, not real \
     polling stations, and there are no election results.\n\
     Démo terrain : les rues et adresses du centre d’Helsinki sont réelles (© contributeurs \
     d’OpenStreetMap, ODbL) ; les bureaux sont une grille illustrative, pas de vrais bureaux de \
     vote, et il n’y a pas de résultats électoraux.";

/// Doors per turf in the demo's auto-cut.
const TURF_DOORS: i64 = 120;

/// The field demo's file, built if it is not there (or not a readable campaign).
pub fn field_demo_path() -> anyhow::Result<PathBuf> {
    let dir = data_dir().join("demo");
    let path = dir.join(FILE);
    if path.exists() && Campaign::open_read_only(&path).is_ok() {
        return Ok(path);
    }
    build(&dir, &path)?;
    Ok(path)
}

/// Rebuilds the field demo from the shipped extract, replacing the copy.
pub fn reset_field_demo() -> anyhow::Result<PathBuf> {
    let dir = data_dir().join("demo");
    let path = dir.join(FILE);
    build(&dir, &path)?;
    Ok(path)
}

fn build(dir: &Path, path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let extract = dir.join("helsinki.osm.pbf");
    std::fs::write(&extract, EXTRACT)?;
    let fresh = dir.join("helsinki-field.building.gpkg");
    let _ = std::fs::remove_file(&fresh);
    {
        let mut campaign = Campaign::create(&fresh, "Helsinki — field demo")?;
        campaign.set_notice(Some(NOTICE))?;
        let doors = crate::io::doors::read_doors(&extract)?;
        campaign.import_doors(&doors, "helsinki.osm.pbf", false)?;
        let extent = campaign
            .content_extent()?
            .ok_or_else(|| anyhow::anyhow!("the demo extract has no doors"))?;
        crate::io::streets::import_streets(
            &mut campaign,
            &extract,
            Some(clip_box(extent, false)),
            &mut ignore,
        )?;
        let grid = dir.join("helsinki-illustrative-grid.geojson");
        std::fs::write(&grid, illustrative_grid(extent).to_string())?;
        import_precincts(&mut campaign, &grid, &ImportOptions::default(), &mut ignore)?;
        campaign.autocut(TURF_DOORS, None, "Turf")?;
    }
    std::fs::rename(&fresh, path)?;
    Ok(())
}

/// A grid of 3 × 3 cells over `extent`, named as illustrative.
fn illustrative_grid(extent: geo_types::Rect<f64>) -> serde_json::Value {
    let (x0, y0) = (extent.min().x - 0.0005, extent.min().y - 0.0003);
    let (w, h) = (
        (extent.width() + 0.001) / 3.0,
        (extent.height() + 0.0006) / 3.0,
    );
    let mut features = Vec::new();
    for row in 0..3 {
        for col in 0..3 {
            let (x, y) = (x0 + f64::from(col) * w, y0 + f64::from(2 - row) * h);
            let code = format!("{}{}", ["A", "B", "C"][row as usize], col + 1);
            features.push(serde_json::json!({
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": format!("Illustrative cell {code}"),
                },
                "geometry": {"type": "Polygon", "coordinates": [[
                    [x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]
                ]]}
            }));
        }
    }
    serde_json::json!({"type": "FeatureCollection", "features": features})
}
