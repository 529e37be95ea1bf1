//! A crash (kill -9) in the middle of an import leaves the campaign as it was before.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use campaign_planner::store::Campaign;
use common::{fixture, montreal_campaign, s};

#[test]
fn killing_the_process_mid_import_leaves_the_file_as_it_was_before() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let codes_before = codes(&file);
    assert_eq!(codes_before.len(), 58);

    let mut child = Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
        .args([
            "import",
            s(&file),
            s(&fixture("king-county-precincts.geojson")),
            "--replace",
            "--progress",
        ])
        .env("CAMPAIGN_PLANNER_TEST_WRITE_DELAY_MS", "20")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until a good part of the 2,611 precincts is written inside the transaction.
    let stderr = child.stderr.take().unwrap();
    let mut written = 0;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if let Some(done) = line.strip_prefix("writing ") {
            written = done.split('/').next().unwrap().parse().unwrap();
            if written >= 640 {
                break;
            }
        }
    }
    assert!(written >= 640, "the import never got to writing");
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback by the process.
    child.wait().unwrap();
    let mut journal = file.as_os_str().to_owned();
    journal.push("-journal");
    assert!(
        std::fs::metadata(&journal).is_ok_and(|m| m.len() > 0),
        "the process died inside its transaction, leaving a hot journal"
    );

    // The journal left by the killed process is rolled back on the next open.
    let campaign = Campaign::open(&file).unwrap();
    let report = campaign.validate().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    drop(campaign);
    assert_eq!(
        codes(&file),
        codes_before,
        "the file is as it was before the import"
    );
}

fn codes(file: &std::path::Path) -> Vec<String> {
    let campaign = Campaign::open_read_only(file).unwrap();
    let mut codes: Vec<String> = campaign
        .conn_for_tests()
        .prepare("SELECT code FROM precincts WHERE deleted_at IS NULL ORDER BY code")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    codes.sort();
    codes
}
