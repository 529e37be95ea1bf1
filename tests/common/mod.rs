//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
