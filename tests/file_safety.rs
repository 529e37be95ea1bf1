//! Files that are not files, journals that do not belong, writers that compete and readers
//! during a write: the campaign file is never changed by a refusal, never blocks a command,
//! and readers read while a writer writes.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{bytes, fixture, montreal_campaign, s};

/// Runs the binary, killing it and failing if it takes more than `limit`.
fn cli_within(args: &[&str], limit: Duration) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let id = child.id();
    let waiter = std::thread::spawn(move || child.wait_with_output().unwrap());
    while !waiter.is_finished() {
        if started.elapsed() > limit {
            let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
            panic!("campaign-planner {args:?} still ran after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    waiter.join().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn a_named_pipe_or_a_device_is_refused_at_once_as_campaign_or_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let before = bytes(&file);
    let fifo = dir.path().join("pipe.campaign.gpkg");
    mkfifo(&fifo);
    let limit = Duration::from_secs(10);
    for args in [
        vec!["info", s(&fifo)],
        vec!["validate", s(&fifo)],
        vec!["score", s(&fifo)],
    ] {
        let out = cli_within(&args, limit);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("is a special file"),
            "{}",
            stderr(&out)
        );
    }
    let zero_csv = dir.path().join("zero.csv");
    let zero_geojson = dir.path().join("zero.geojson");
    std::os::unix::fs::symlink("/dev/zero", &zero_csv).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &zero_geojson).unwrap();
    let input_fifo = dir.path().join("input.csv");
    mkfifo(&input_fifo);
    for args in [
        vec!["results", s(&file), s(&zero_csv), "--election", "X"],
        vec!["results", s(&file), s(&input_fifo), "--election", "X"],
        vec!["import", s(&file), s(&zero_geojson)],
        vec!["doors", s(&file), "import", s(&zero_csv)],
        vec!["doors", s(&file), "import", s(&zero_geojson)],
    ] {
        let out = cli_within(&args, limit);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains("is a special file"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(bytes(&file), before, "the campaign was left untouched");
}

#[test]
fn a_journal_that_is_a_pipe_a_device_or_a_folder_is_named_at_once_and_nothing_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let before = bytes(&file);
    let journal = journal(&file);
    let limit = Duration::from_secs(10);
    for (make, kind) in [
        (0, "a special file (a pipe or a device)"),
        (1, "a link"),
        (2, "a folder"),
    ] {
        match make {
            0 => mkfifo(&journal),
            1 => std::os::unix::fs::symlink("/dev/zero", &journal).unwrap(),
            _ => std::fs::create_dir(&journal).unwrap(),
        }
        for args in [
            vec!["info", s(&file)],
            vec!["turf", s(&file), "list"],
            vec!["team", s(&file), "create", "Nord"],
        ] {
            let out = cli_within(&args, limit);
            assert!(!out.status.success(), "{args:?}");
            let said = stderr(&out);
            assert!(
                said.contains(&format!("({}) is {kind}, not a file", journal.display()))
                    && said.contains("left untouched"),
                "{args:?}: {said}"
            );
        }
        if make == 2 {
            std::fs::remove_dir(&journal).unwrap();
        } else {
            std::fs::remove_file(&journal).unwrap();
        }
    }
    assert_eq!(bytes(&file), before);
}

/// A Montreal campaign whose import of King County was killed mid-write, its journal made
/// hot as if the kill came after SQLite had synced it (the moment before the file is
/// changed): SQLite replays such a journal at the next open.
fn crashed(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let file = montreal_campaign(dir);
    crash_import(&file);
    file
}

/// Kills an import of King County into `file` mid-write and makes its journal hot.
fn crash_import(file: &Path) {
    let mut child = writer(file, 20);
    wait_until_writing(&mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    let mut journal_bytes = bytes(&journal(file));
    assert!(journal_bytes.len() > 28, "a journal was left");
    // SQLite writes the magic number last, once the records are synced; the record count
    // 0xffffffff says "every record to the end of the file".
    journal_bytes[..8].copy_from_slice(&[0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);
    journal_bytes[8..12].copy_from_slice(&[0xff; 4]);
    std::fs::write(journal(file), journal_bytes).unwrap();
}

/// An import of King County into `file`, slowed down (`delay_ms` per step) so it can be
/// caught mid-write.
fn writer(file: &Path, delay_ms: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_campaign-planner"))
        .args([
            "import",
            s(file),
            s(&fixture("king-county-precincts.geojson")),
            "--replace",
            "--progress",
        ])
        .env("CAMPAIGN_PLANNER_TEST_WRITE_DELAY_MS", delay_ms.to_string())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until the writer is inside its transaction.
fn wait_until_writing(child: &mut Child) {
    let stderr = child.stderr.take().unwrap();
    for line in BufReader::new(stderr).lines() {
        if let Some(done) = line.unwrap().strip_prefix("writing ")
            && done.split('/').next().unwrap().parse::<usize>().unwrap() >= 200
        {
            return;
        }
    }
    panic!("the import never got to writing");
}

fn journal(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push("-journal");
    PathBuf::from(name)
}

#[test]
fn a_journal_beside_a_file_that_is_not_a_campaign_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let crashed = crashed(&dir.path().join("a"));
    // The hot journal alone is replayed and the campaign is whole again.
    let copy = dir.path().join("copy.campaign.gpkg");
    std::fs::copy(&crashed, &copy).unwrap();
    std::fs::copy(journal(&crashed), journal(&copy)).unwrap();
    let out = cli_within(&["validate", s(&copy)], Duration::from_secs(20));
    assert!(out.status.success(), "{}", stderr(&out));
    let other = dir.path().join("other.gpkg");
    std::fs::copy(fixture("montreal-mtm8.gpkg"), &other).unwrap();
    std::fs::copy(journal(&crashed), journal(&other)).unwrap();
    let (before, journal_before) = (bytes(&other), bytes(&journal(&other)));
    for command in ["info", "validate", "score"] {
        let out = cli_within(&[command, s(&other)], Duration::from_secs(20));
        assert!(!out.status.success(), "{command}");
        // `validate` lists what it found on standard output.
        let said = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
        assert!(
            said.contains("does not belong to it") || said.contains("not a campaign file"),
            "{command}: {said}"
        );
    }
    assert_eq!(bytes(&other), before, "the file was left untouched");
    assert_eq!(bytes(&journal(&other)), journal_before);
}

#[test]
fn a_backup_restored_beside_a_later_crashs_journal_is_refused_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    let backup = dir.path().join("a/backup.campaign.gpkg");
    let file = montreal_campaign(&dir.path().join("a"));
    std::fs::copy(&file, &backup).unwrap();
    // Edits after the backup, then a crash mid-import.
    common::cli_ok(&["team", s(&file), "create", "Nord"]);
    common::cli_ok(&["team", s(&file), "create", "Sud"]);
    crash_import(&file);
    // The backup is put back in place, beside the crash's journal.
    std::fs::copy(&backup, &file).unwrap();
    let before = bytes(&file);
    let out = cli_within(&["info", s(&file)], Duration::from_secs(20));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("does not belong to it") && stderr(&out).contains("move the journal"),
        "{}",
        stderr(&out)
    );
    assert_eq!(bytes(&file), before);
}

#[test]
fn readers_read_while_a_writer_writes_and_after_it_crashed() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let out_file = dir.path().join("precincts.csv");
    let mut child = writer(&file, 200);
    wait_until_writing(&mut child);
    let reads = [
        vec!["info", s(&file)],
        vec!["validate", s(&file)],
        vec!["turf", s(&file), "list"],
        vec![
            "export",
            s(&file),
            "--layer",
            "precincts",
            "--format",
            "csv",
            s(&out_file),
            "--overwrite",
        ],
    ];
    for args in &reads {
        let out = cli_within(args, Duration::from_secs(30));
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the writer was writing all along"
    );
    // Readers see the last committed state: the 58 districts, not a half-written import.
    let info = cli_within(&["info", s(&file), "--json"], Duration::from_secs(30));
    let json: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let precincts = json["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "precincts")
        .unwrap()["count"]
        .clone();
    assert_eq!(precincts, 58);
    // A second writer is told the file is in use.
    let out = cli_within(
        &["team", s(&file), "create", "Nord"],
        Duration::from_secs(30),
    );
    assert!(
        stderr(&out).contains("already open for writing"),
        "{}",
        stderr(&out)
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "the writer was still writing"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // After the crash, readers roll the interrupted write back and read.
    for args in &reads {
        let out = cli_within(args, Duration::from_secs(30));
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    // And the next writer writes.
    common::cli_ok(&["team", s(&file), "create", "Nord"]);
    common::cli_ok(&["validate", s(&file)]);
}

#[test]
fn a_killed_new_leaves_nothing_behind_after_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.campaign.gpkg");
    // What a `new` killed mid-build leaves.
    let stale = dir.path().join("m.campaign.gpkg.1a2b3c4d.tmp");
    let stale_journal = dir.path().join("m.campaign.gpkg.1a2b3c4d.tmp-journal");
    std::fs::write(&stale, b"SQLite format 3\0partial").unwrap();
    std::fs::write(&stale_journal, b"partial").unwrap();
    let unrelated = dir.path().join("m.campaign.gpkg.notes.tmp");
    std::fs::write(&unrelated, b"mine").unwrap();
    common::cli_ok(&["new", s(&file), "--name", "M"]);
    assert!(!stale.exists() && !stale_journal.exists());
    assert!(
        unrelated.exists(),
        "only the planner's own temporary files go"
    );
}

#[test]
fn a_write_ahead_log_or_a_stray_file_under_the_journal_name_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = montreal_campaign(dir.path());
    let before = bytes(&file);
    // Another campaign in WAL mode (as QGIS leaves a GeoPackage it edits), with a change
    // still in its log.
    let other = dir.path().join("other.campaign.gpkg");
    std::fs::copy(&file, &other).unwrap();
    let conn = common::open_sql(&other).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.execute(
        "UPDATE campaign_meta SET value = 'FOREIGN' WHERE key = 'name'",
        [],
    )
    .unwrap();
    let mut wal = other.as_os_str().to_owned();
    wal.push("-wal");
    let mut ours = file.as_os_str().to_owned();
    ours.push("-wal");
    std::fs::copy(&wal, &ours).unwrap();
    drop(conn);
    let limit = Duration::from_secs(10);
    for args in [
        vec!["info", s(&file)],
        vec!["team", s(&file), "create", "W"],
    ] {
        let out = cli_within(&args, limit);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains("but the file does not use one"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(bytes(&file), before, "nothing replayed");
    assert!(
        std::path::Path::new(&ours).exists(),
        "the log is the user's to move"
    );
    std::fs::remove_file(&ours).unwrap();
    // A file of the user's under the journal's name: SQLite would delete it.
    std::fs::write(journal(&file), "keep me\n").unwrap();
    let out = cli_within(&["info", s(&file)], limit);
    assert!(
        stderr(&out).contains("is not a journal"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(journal(&file)).unwrap(), b"keep me\n");
    std::fs::remove_file(journal(&file)).unwrap();
    // And an export never takes such a name.
    let out = cli_within(
        &[
            "export",
            s(&file),
            "--layer",
            "precincts",
            "--format",
            "csv",
            s(&journal(&file)),
        ],
        limit,
    );
    assert!(
        stderr(&out).contains("one the campaign file keeps for itself"),
        "{}",
        stderr(&out)
    );
    assert!(!journal(&file).exists());
    let mut shm = file.as_os_str().to_owned();
    shm.push("-shm");
    assert!(!std::path::Path::new(&shm).exists());
}
