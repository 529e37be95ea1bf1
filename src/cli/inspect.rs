//! The commands that read a campaign without changing it: `info`, `export`, `validate`.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

use super::{ExportFormat, Outcome};
use crate::io::export::{Format, export_layer};
use crate::store::{Campaign, Layer, StoreError};

/// `export`: a layer to a file, or to the screen with `-`.
pub(super) fn export(
    file: &Path,
    layer: &str,
    format: ExportFormat,
    out: &Path,
    overwrite: bool,
) -> anyhow::Result<()> {
    let campaign = Campaign::open_read_only(file)?;
    let format = match format {
        ExportFormat::Geojson => Format::GeoJson,
        ExportFormat::Csv => Format::Csv,
    };
    if out.as_os_str() == "-" {
        // `-` is standard output, as for most tools.
        let (bytes, _) = crate::io::export::layer_bytes(&campaign, layer, format)?;
        std::io::stdout().write_all(&bytes)?;
    } else {
        let n = export_layer(&campaign, layer, format, out, overwrite)?;
        println!("exported {n} rows of {layer} to {}", out.display());
    }
    Ok(())
}

/// `validate`: every check of the file, listed; `Outcome::Problems` (exit 2) when one fails.
pub(super) fn validate(file: &Path, json: bool) -> anyhow::Result<Outcome> {
    // A file that does not open as a campaign because of what it holds has problems to
    // list (exit 2); one that cannot be read at all is an error (exit 1).
    let report = match Campaign::open_read_only(file) {
        Ok(campaign) => campaign.validate()?,
        Err(
            e @ (StoreError::Corrupt { .. }
            | StoreError::Journal { .. }
            | StoreError::Truncated { .. }
            | StoreError::NotACampaign { .. }
            | StoreError::NotSqlite { .. }
            | StoreError::Empty { .. }
            | StoreError::Invalid { .. }
            | StoreError::Sqlite { .. }),
        ) => crate::store::ValidationReport {
            problems: vec![e.to_string()],
            geometries_checked: 0,
        },
        Err(e) => return Err(e.into()),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if report.is_ok() {
        println!(
            "{}: valid campaign file and GeoPackage ({} geometries checked)",
            file.display(),
            report.geometries_checked
        );
    } else {
        println!("{}: {} problems", file.display(), report.problems.len());
        for p in &report.problems {
            println!("  {p}");
        }
    }
    Ok(if report.is_ok() {
        Outcome::Ok
    } else {
        Outcome::Problems
    })
}

#[derive(serde::Serialize)]
struct InfoJson {
    name: String,
    file: String,
    schema_version: i64,
    layers: Vec<Layer>,
    bbox: Option<[f64; 4]>,
    elections: Vec<crate::store::Election>,
    /// The team this file is a pack of (absent for a master).
    #[serde(skip_serializing_if = "Option::is_none")]
    team_pack: Option<String>,
}

/// `info`: the campaign's name, schema, layers with counts and extents, elections.
pub(super) fn info(file: &Path, json: bool) -> anyhow::Result<()> {
    let campaign = Campaign::open_read_only(file)?;
    let layers = campaign.layers()?;
    let bbox = layers.iter().filter_map(|l| l.bbox).reduce(|a, b| {
        [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ]
    });
    let info = InfoJson {
        name: campaign.name()?,
        file: file.display().to_string(),
        schema_version: campaign.schema_version()?,
        layers,
        bbox,
        elections: campaign.elections()?,
        team_pack: campaign.pack_team()?,
    };
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &info).context("writing JSON")?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "campaign: {}", info.name)?;
    writeln!(out, "file: {}", info.file)?;
    writeln!(out, "schema version: {}", info.schema_version)?;
    if let Some(team) = &info.team_pack {
        writeln!(
            out,
            "team pack of {team:?}: its plan is headquarters'; merge it back with `merge MASTER {}`",
            info.file
        )?;
    }
    if let Some(b) = info.bbox {
        writeln!(
            out,
            "extent (EPSG:4326): {:.6}, {:.6} to {:.6}, {:.6}",
            b[0], b[1], b[2], b[3]
        )?;
    }
    writeln!(out, "layers:")?;
    for l in &info.layers {
        let kind = l.geometry_type.as_deref().unwrap_or("attributes");
        write!(out, "  {:<16} {:<13} {:>8}", l.name, kind, l.count)?;
        if let Some(b) = l.bbox {
            write!(
                out,
                "  [{:.5}, {:.5}, {:.5}, {:.5}]",
                b[0], b[1], b[2], b[3]
            )?;
        }
        writeln!(out)?;
    }
    if info.elections.is_empty() {
        writeln!(out, "elections: none yet")?;
    } else {
        writeln!(out, "elections:")?;
        for e in &info.elections {
            writeln!(
                out,
                "  {}{}{}",
                e.name,
                e.date
                    .as_deref()
                    .map(|d| format!(", {d}"))
                    .unwrap_or_default(),
                e.round.map(|r| format!(", round {r}")).unwrap_or_default()
            )?;
        }
    }
    Ok(())
}
