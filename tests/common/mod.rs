//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The demo campaign, built once per test binary in its own data directory (`name` keeps
/// binaries apart).
pub fn demo_campaign(name: &str) -> &'static PathBuf {
    static DEMO: OnceLock<PathBuf> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!(
            "campaign-planner-{name}-tests-{}",
            std::process::id()
        ));
        campaign_planner::paths::set_data_dir(dir);
        campaign_planner::demo::basemap_path().unwrap();
        campaign_planner::demo::demo_path().unwrap()
    })
}

/// A file of `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Runs the real `campaign-planner` binary.
pub fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Stdout of a command that must succeed.
pub fn cli_ok(args: &[&str]) -> String {
    let out = cli(args);
    assert!(
        out.status.success(),
        "campaign-planner {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Stderr of a command that must fail.
pub fn cli_err(args: &[&str]) -> String {
    let out = cli(args);
    assert!(
        !out.status.success(),
        "campaign-planner {args:?} should have failed; it printed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).expect("utf-8 output")
}

/// A new campaign file `t.campaign.gpkg` in `dir` with the precincts of `shapes`.
pub fn campaign_with(dir: &Path, shapes: &Path) -> (PathBuf, campaign_planner::store::Campaign) {
    let path = dir.join("t.campaign.gpkg");
    let mut campaign = campaign_planner::store::Campaign::create(&path, "Test").unwrap();
    campaign_planner::io::import_precincts(
        &mut campaign,
        shapes,
        &campaign_planner::io::ImportOptions::default(),
        &mut campaign_planner::progress::ignore,
    )
    .unwrap();
    (path, campaign)
}

/// A path as a `&str` for command lines.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// A new campaign with the 58 Montreal districts.
pub fn montreal_campaign(dir: &Path) -> PathBuf {
    let file = dir.join("montreal.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "Montréal 2013"]);
    cli_ok(&[
        "import",
        s(&file),
        s(&fixture("montreal-districts.geojson")),
    ]);
    file
}

/// Creates turfs in `file` with the command line: (name, comma-separated precinct codes).
pub fn create_turfs(file: &Path, turfs: &[(&str, &str)]) {
    for (name, codes) in turfs {
        cli_ok(&[
            "turf",
            s(file),
            "create",
            "--name",
            name,
            "--precincts",
            codes,
        ]);
    }
}

/// The bytes of a file, to prove it was left untouched.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("readable file")
}

/// A French campaign: 12 doors on the Rue de l'Église (odd and even sides), one precinct, a
/// turf of it and a team "Équipe Cœur" assigned to it.
pub fn eglise(dir: &Path) -> PathBuf {
    let file = dir.join("e.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "Municipales — Saint-Œuf"]);
    let area = dir.join("bureau.geojson");
    std::fs::write(
        &area,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"0101","nom":"École Jules-Ferry"},"geometry":{"type":"Polygon","coordinates":[[[2.30,48.80],[2.32,48.80],[2.32,48.82],[2.30,48.82],[2.30,48.80]]]}}]}"#,
    )
    .unwrap();
    cli_ok(&["import", s(&file), s(&area), "--name-field", "nom"]);
    let mut csv = String::from("lon;lat;numero;rep;nom_voie\n");
    for n in 1..=12_u32 {
        let side = if n % 2 == 1 { 0.0001 } else { -0.0001 };
        csv = format!(
            "{csv}{};{};{n};{};Rue de l’Église\n",
            2.31 + f64::from(n.div_ceil(2)) * 0.0002,
            48.81 + side,
            if n == 3 { "bis" } else { "" }
        );
    }
    let doors = dir.join("adresses.csv");
    std::fs::write(&doors, csv).unwrap();
    cli_ok(&["doors", s(&file), "import", s(&doors)]);
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Église",
        "--precincts",
        "0101",
    ]);
    cli_ok(&["team", s(&file), "create", "Équipe Cœur", "--size", "3"]);
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "Équipe Cœur",
        "Église",
        "--date",
        "2026-12-05",
    ]);
    file
}

/// Adds to the Église campaign a precinct 0102 ("Gymnase") with 10 doors on the Rue du Nord
/// and a turf "Nord" of it (no team yet).
pub fn add_nord(dir: &Path, file: &Path) {
    let area = dir.join("nord.geojson");
    std::fs::write(
        &area,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"code":"0101","nom":"École Jules-Ferry"},"geometry":{"type":"Polygon","coordinates":[[[2.30,48.80],[2.32,48.80],[2.32,48.82],[2.30,48.82],[2.30,48.80]]]}},
        {"type":"Feature","properties":{"code":"0102","nom":"Gymnase"},"geometry":{"type":"Polygon","coordinates":[[[2.32,48.80],[2.34,48.80],[2.34,48.82],[2.32,48.82],[2.32,48.80]]]}}]}"#,
    )
    .unwrap();
    cli_ok(&["import", s(file), s(&area), "--name-field", "nom"]);
    let mut csv = String::from("lon;lat;numero;rep;nom_voie\n");
    for n in 1..=10_u32 {
        csv = format!(
            "{csv}{};48.81;{n};;Rue du Nord\n",
            2.33 + f64::from(n) * 0.0002
        );
    }
    let doors = dir.join("nord.csv");
    std::fs::write(&doors, csv).unwrap();
    cli_ok(&["doors", s(file), "import", s(&doors)]);
    cli_ok(&[
        "turf",
        s(file),
        "create",
        "--name",
        "Nord",
        "--precincts",
        "0102",
    ]);
}

/// Opens a campaign file with plain SQL, as another program (QGIS, GDAL) would: with the
/// `ST_*` functions the R-tree triggers call, which those programs register too.
pub fn open_sql(path: impl AsRef<Path>) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    campaign_planner::store::spatial::register(&conn)?;
    Ok(conn)
}
