//! Merging a team pack back into the master (DESIGN §11): field rows (door visits, sessions,
//! prints) by uuid, the newer (`updated_at`, replica) winning; a tombstone is a newer version an
//! older edit cannot undo; plan tables are headquarters' (differences reported, never
//! applied); the same pack merged twice changes nothing; the pack is read, never written; the
//! whole merge is one transaction, or none with `dry_run`.

use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{OptionalExtension as _, params_from_iter};
use sha2::{Digest as _, Sha256};

use super::{Campaign, StoreError, clock};

/// What merging did to one table.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableMerge {
    /// The table.
    pub table: String,
    /// Rows new to the master.
    pub inserted: usize,
    /// Rows the pack's newer version replaced.
    pub updated: usize,
    /// Rows the same on both sides.
    pub unchanged: usize,
    /// Of the rows updated, those the pack deleted.
    #[serde(default)]
    pub deleted: usize,
    /// Rows whose master version is newer (the pack's is kept out).
    pub superseded: usize,
    /// Plan rows that differ in the pack (headquarters' plan is kept).
    pub ignored: usize,
}

/// A row edited on both sides since the pack was made: both values and the winner.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Conflict {
    /// The table.
    pub table: String,
    /// The row.
    pub uuid: String,
    /// Where it is, in words: the sheet's code, the row and the address for a visit; the
    /// turf and day for a session.
    #[serde(default)]
    pub place: String,
    /// The column (`deleted_at`: one side deleted the row).
    pub column: String,
    /// The master's value.
    pub master: String,
    /// The pack's value.
    pub pack: String,
    /// "master" or "pack".
    pub winner: String,
}

/// What a merge did (or would do).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MergeReport {
    /// The pack file.
    pub pack: PathBuf,
    /// Its identity.
    pub pack_uuid: String,
    /// Its team, by name.
    pub team: Option<String>,
    /// The same pack was merged before: nothing was done.
    pub already_merged: bool,
    /// Nothing was written (`--dry-run`).
    pub dry_run: bool,
    /// Per table.
    pub tables: Vec<TableMerge>,
    /// Rows edited on both sides.
    pub conflicts: Vec<Conflict>,
    /// Visits of doors headquarters has deleted (kept, and said).
    pub visits_of_deleted_doors: usize,
    /// The plan rows that differ in the pack (at most 50): "table: name or uuid".
    #[serde(default)]
    pub plan_differences: Vec<String>,
    /// The pack's clock runs more than ten minutes ahead of this computer's.
    pub from_the_future: bool,
}

impl MergeReport {
    /// Rows the merge inserted or updated, over every table.
    #[must_use]
    pub fn changed(&self) -> usize {
        self.tables.iter().map(|t| t.inserted + t.updated).sum()
    }
}

/// A field table: its columns (uuid first, the version columns among them).
struct FieldTable {
    name: &'static str,
    columns: &'static [&'static str],
}

const FIELD_TABLES: [FieldTable; 3] = [
    FieldTable {
        name: "prints",
        columns: &[
            "uuid",
            "code",
            "turf_uuid",
            "team_uuid",
            "printed_at",
            "lang",
            "mode",
            "updated_at",
            "deleted_at",
            "replica_uuid",
        ],
    },
    FieldTable {
        name: "door_visits",
        columns: &[
            "uuid",
            "door_uuid",
            "turf_uuid",
            "team_uuid",
            "print_uuid",
            "visit_date",
            "outcome",
            "leaflet",
            "support",
            "note",
            "source",
            "replica_uuid",
            "entered_at",
            "updated_at",
            "deleted_at",
        ],
    },
    FieldTable {
        name: "field_reports",
        columns: &[
            "uuid",
            "turf_uuid",
            "team_uuid",
            "date",
            "doors_knocked",
            "doors_opened",
            "quality",
            "opponent_seen",
            "notes",
            "updated_at",
            "deleted_at",
            "print_uuid",
            "start_time",
            "end_time",
            "canvassers",
            "replica_uuid",
        ],
    },
];

/// Plan tables compared (never applied).
const PLAN_TABLES: [&str; 6] = [
    "precincts",
    "turfs",
    "turf_members",
    "teams",
    "assignments",
    "doors",
];

/// Columns that say where a row came from, not what it holds.
const BOOKKEEPING: [&str; 4] = ["updated_at", "replica_uuid", "source", "entered_at"];

type Row = Vec<Value>;

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => t.clone(),
        Value::Blob(b) => format!("{} bytes", b.len()),
    }
}

fn version(columns: &[&str], row: &Row) -> (String, String) {
    let at = |name: &str| {
        columns
            .iter()
            .position(|c| *c == name)
            .map(|i| text(&row[i]))
            .unwrap_or_default()
    };
    (at("updated_at"), at("replica_uuid"))
}

impl Campaign {
    /// Merges the team pack at `pack` into this campaign; with `dry_run`, says what it would do
    /// and writes nothing.
    #[allow(clippy::too_many_lines)] // The contract's steps, in order, each short.
    pub fn merge_pack(&mut self, pack: &Path, dry_run: bool) -> Result<MergeReport, StoreError> {
        if self.pack_team.is_some() {
            return Err(StoreError::Refused {
                path: self.path.clone(),
                detail: "packs are merged into the master, not into another pack".to_owned(),
            });
        }
        // The pack is read only; an older one is upgraded on a temporary copy.
        let (source, _copy) = open_pack(pack)?;
        let refused = |detail: String| StoreError::Refused {
            path: self.path.clone(),
            detail: format!("{}: {detail}", pack.display()),
        };
        let ours = self.meta("uuid")?.unwrap_or_default();
        let theirs = source.meta("uuid")?.unwrap_or_default();
        if ours != theirs {
            return Err(refused(format!(
                "it is a file of another campaign ({:?}), not of {:?}; nothing was merged",
                source.name().unwrap_or_default(),
                self.name().unwrap_or_default()
            )));
        }
        if source.meta("replica_uuid")? == self.meta("replica_uuid")? {
            return Err(refused(
                "it is this very campaign file (or a copy of it), not a team pack".to_owned(),
            ));
        }
        let pack_uuid = source
            .meta("pack_uuid")?
            .or(source.meta("replica_uuid")?)
            .unwrap_or_default();
        let base = source.meta("base_hlc")?.unwrap_or_default();
        // Columns the pack was made without: a blank there never overwrites ours.
        let mut withheld: Vec<&str> = Vec::new();
        if source.meta("pack_notes")?.as_deref() == Some("0") {
            withheld.extend(["note", "notes"]);
        }
        if source.meta("pack_support")?.as_deref() == Some("0") {
            withheld.push("support");
        }
        let team_uuid = source.meta("pack_team_uuid")?;
        let mut report = MergeReport {
            pack: pack.to_path_buf(),
            pack_uuid: pack_uuid.clone(),
            team: source.meta("pack_team_name")?,
            dry_run,
            ..MergeReport::default()
        };
        // Every field row of the pack, and their hash.
        let mut rows: Vec<(&FieldTable, Vec<Row>)> = Vec::new();
        let mut hash = Sha256::new();
        let mut newest = String::new();
        for table in &FIELD_TABLES {
            let sql = format!(
                "SELECT {} FROM {} ORDER BY uuid",
                table.columns.join(", "),
                table.name
            );
            let mut stmt = source.conn().prepare(&sql).map_err(|e| source.err(e))?;
            let n = table.columns.len();
            let read: Vec<Row> = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
                .map_err(|e| source.err(e))?
                .collect::<Result<_, _>>()
                .map_err(|e| source.err(e))?;
            for row in &read {
                let (at, by) = version(table.columns, row);
                hash.update(format!("{}|{}|{at}|{by}\n", table.name, text(&row[0])));
                if at > newest {
                    newest = at;
                }
            }
            rows.push((table, read));
        }
        let pack_hash = format!("{:x}", hash.finalize());
        let merged_before: bool = self
            .conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM merges WHERE pack_uuid = ?1 AND pack_hash = ?2)",
                [&pack_uuid, &pack_hash],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if merged_before {
            report.already_merged = true;
            return Ok(report);
        }
        let ahead = time::OffsetDateTime::now_utc() + time::Duration::minutes(10);
        report.from_the_future = clock::parse(&newest).is_some_and(|t| t > ahead);
        // Plan tables: what differs in the pack is reported, never applied.
        let mut plan_reports = Vec::new();
        for table in PLAN_TABLES {
            // A row's name, for the report: its name, code or address where it has one.
            let label = match table {
                "precincts" => "code || ' ' || name",
                "turfs" | "teams" => "name",
                "doors" => "address",
                _ => "uuid",
            };
            let sql = format!("SELECT uuid, updated_at, deleted_at, {label} FROM {table}");
            let mut stmt = source.conn().prepare(&sql).map_err(|e| source.err(e))?;
            let theirs: Vec<(String, String, Option<String>, Option<String>)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(|e| source.err(e))?
                .collect::<Result<_, _>>()
                .map_err(|e| source.err(e))?;
            let mut check = self
                .conn()
                .prepare(&format!(
                    "SELECT EXISTS (SELECT 1 FROM {table} WHERE uuid = ?1 AND updated_at = ?2 \
                     AND deleted_at IS ?3)"
                ))
                .map_err(|e| self.err(e))?;
            let mut ignored = 0;
            for (uuid, at, deleted, name) in &theirs {
                let same: bool = check
                    .query_row(rusqlite::params![uuid, at, deleted], |r| r.get(0))
                    .map_err(|e| self.err(e))?;
                if !same {
                    ignored += 1;
                    if report.plan_differences.len() < 50 {
                        report
                            .plan_differences
                            .push(format!("{table}: {}", name.as_deref().unwrap_or(uuid)));
                    }
                }
            }
            plan_reports.push(TableMerge {
                table: table.to_owned(),
                unchanged: theirs.len() - ignored,
                ignored,
                ..TableMerge::default()
            });
        }
        let path = self.path.clone();
        let pack_file = pack.display().to_string();
        let merge_uuid = uuid::Uuid::new_v4().to_string();
        let result = self.write_field_or_roll_back(dry_run, |tx| {
            let sql = |e| StoreError::sqlite(&path, e);
            let mut merged_visit_doors: Vec<String> = Vec::new();
            for (table, pack_rows) in &rows {
                let columns = table.columns;
                let door_column = (table.name == "door_visits")
                    .then(|| columns.iter().position(|c| *c == "door_uuid"))
                    .flatten();
                let mut counts = TableMerge {
                    table: table.name.to_owned(),
                    ..TableMerge::default()
                };
                let mut find = tx
                    .prepare(&format!(
                        "SELECT {} FROM {} WHERE uuid = ?1",
                        columns.join(", "),
                        table.name
                    ))
                    .map_err(sql)?;
                let placeholders: Vec<String> =
                    (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let mut insert = tx
                    .prepare(&format!(
                        "INSERT INTO {} ({}) VALUES ({})",
                        table.name,
                        columns.join(", "),
                        placeholders.join(", ")
                    ))
                    .map_err(sql)?;
                let sets: Vec<String> = columns
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(i, c)| format!("{c} = ?{}", i + 1))
                    .collect();
                let mut update = tx
                    .prepare(&format!(
                        "UPDATE {} SET {} WHERE uuid = ?1",
                        table.name,
                        sets.join(", ")
                    ))
                    .map_err(sql)?;
                for theirs in pack_rows {
                    let uuid = text(&theirs[0]);
                    let ours: Option<Row> = find
                        .query_row([&uuid], |r| {
                            (0..columns.len()).map(|i| r.get::<_, Value>(i)).collect()
                        })
                        .optional()
                        .map_err(sql)?;
                    let mut incoming = theirs.clone();
                    if table.name == "door_visits"
                        && let Some(i) = columns.iter().position(|c| *c == "source")
                    {
                        incoming[i] = Value::Text("pack".to_owned());
                    }
                    let Some(ours) = ours else {
                        // A print code drawn in the pack that headquarters drew too (their
                        // random parts met): both sheets are kept, the pack's under a mark.
                        if table.name == "prints" {
                            let code = text(&incoming[1]);
                            if super::prints::code_taken(tx, &code).map_err(sql)? {
                                let marked = format!("{code}-2");
                                report.conflicts.push(Conflict {
                                    table: "prints".to_owned(),
                                    uuid: uuid.clone(),
                                    place: code.clone(),
                                    column: "code".to_owned(),
                                    master: code,
                                    pack: marked.clone(),
                                    winner: "both".to_owned(),
                                });
                                incoming[1] = Value::Text(marked);
                            }
                        }
                        insert.execute(params_from_iter(&incoming)).map_err(sql)?;
                        counts.inserted += 1;
                        if let Some(d) = door_column {
                            merged_visit_doors.push(text(&incoming[d]));
                        }
                        if table.name == "prints" {
                            copy_print_rows(tx, &source, &uuid).map_err(sql)?;
                        }
                        continue;
                    };
                    let (their_version, our_version) =
                        (version(columns, theirs), version(columns, &ours));
                    // A row from before replicas were recorded (an older pack) is the same
                    // version when its stamp is.
                    let same_stamp_without_replica = their_version.0 == our_version.0
                        && (their_version.1.is_empty() || our_version.1.is_empty());
                    if their_version == our_version || same_stamp_without_replica {
                        counts.unchanged += 1;
                        continue;
                    }
                    let pack_wins = their_version > our_version;
                    // What the pack was made without (notes, support levels) and left blank
                    // is ours still: a blank there is no edit.
                    for (i, c) in columns.iter().enumerate() {
                        let blank = matches!(&incoming[i], Value::Null)
                            || matches!(&incoming[i], Value::Text(t) if t.is_empty());
                        if withheld.contains(c) && blank {
                            incoming[i] = ours[i].clone();
                        }
                    }
                    // Both sides edited the row since the pack was made: say each column.
                    if !base.is_empty() && our_version.0 > base && their_version.0 > base {
                        let place = place_of(tx, table.name, &uuid).map_err(sql)?;
                        for (i, c) in columns.iter().enumerate() {
                            if BOOKKEEPING.contains(c) || ours[i] == incoming[i] {
                                continue;
                            }
                            report.conflicts.push(Conflict {
                                table: table.name.to_owned(),
                                uuid: uuid.clone(),
                                place: place.clone(),
                                column: (*c).to_owned(),
                                master: text(&ours[i]),
                                pack: text(&incoming[i]),
                                winner: if pack_wins { "pack" } else { "master" }.to_owned(),
                            });
                        }
                    }
                    if pack_wins {
                        update.execute(params_from_iter(&incoming)).map_err(sql)?;
                        counts.updated += 1;
                        if let Some(d) = door_column {
                            merged_visit_doors.push(text(&incoming[d]));
                        }
                        if let Some(i) = columns.iter().position(|c| *c == "deleted_at")
                            && matches!(ours[i], Value::Null)
                            && !matches!(incoming[i], Value::Null)
                        {
                            counts.deleted += 1;
                        }
                    } else {
                        counts.superseded += 1;
                    }
                }
                report.tables.push(counts);
            }
            report.tables.extend(plan_reports.iter().cloned());
            // Visits merged in whose door headquarters has deleted: kept, and said.
            let mut live = tx
                .prepare(
                    "SELECT EXISTS (SELECT 1 FROM doors WHERE uuid = ?1 AND deleted_at IS NULL)",
                )
                .map_err(sql)?;
            for door in &merged_visit_doors {
                let alive: bool = live.query_row([door], |r| r.get(0)).map_err(sql)?;
                report.visits_of_deleted_doors += usize::from(!alive);
            }
            // The clock moves past every stamp merged in (a pack's clock far ahead too, said in
            // the report): an edit made here afterwards is newer than any of them, so
            // headquarters can still correct a row a skewed clock stamped.
            if !newest.is_empty() {
                clock::witness(tx, &newest).map_err(sql)?;
            }
            tx.execute(
                "INSERT INTO merges (uuid, pack_uuid, pack_hash, team_uuid, pack_file, report) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    merge_uuid,
                    pack_uuid,
                    pack_hash,
                    team_uuid,
                    pack_file,
                    serde_json::to_string(&report).unwrap_or_default()
                ],
            )
            .map_err(sql)?;
            Ok(())
        });
        result?;
        Ok(report)
    }

    /// Every merge recorded, newest first: (when, pack file, report).
    pub fn merges(&self) -> Result<Vec<(String, MergeReport)>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare("SELECT merged_at, report FROM merges ORDER BY id DESC")
            .map_err(q)?;
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(q)?
            .map(|row| {
                let (at, json) = row.map_err(q)?;
                Ok((at, serde_json::from_str(&json).unwrap_or_default()))
            })
            .collect()
    }
}

/// Where a field row is, in words, as the master knows it.
fn place_of(tx: &rusqlite::Transaction<'_>, table: &str, uuid: &str) -> rusqlite::Result<String> {
    let sql = match table {
        "door_visits" => {
            "SELECT coalesce(p.code, '') || CASE WHEN r.rank IS NULL THEN '' ELSE ' row ' || r.rank END \
             || CASE WHEN coalesce(d.address, '') = '' THEN '' ELSE ', ' || d.address END \
             FROM door_visits v LEFT JOIN prints p ON p.uuid = v.print_uuid \
             LEFT JOIN print_rows r ON r.print_uuid = v.print_uuid AND r.door_uuid = v.door_uuid \
             LEFT JOIN doors d ON d.uuid = v.door_uuid WHERE v.uuid = ?1"
        }
        "field_reports" => {
            "SELECT coalesce(t.name, '') || ' ' || f.date FROM field_reports f \
             LEFT JOIN turfs t ON t.uuid = f.turf_uuid WHERE f.uuid = ?1"
        }
        _ => "SELECT code FROM prints WHERE uuid = ?1",
    };
    Ok(tx
        .query_row(sql, [uuid], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .unwrap_or_default())
}

/// A new print's rows, copied from the pack.
fn copy_print_rows(
    tx: &rusqlite::Transaction<'_>,
    source: &Campaign,
    print: &str,
) -> rusqlite::Result<()> {
    let mut read = source.conn().prepare(
        "SELECT rank, door_uuid, households, street, number, side FROM print_rows \
         WHERE print_uuid = ?1",
    )?;
    let rows: Vec<Row> = read
        .query_map([print], |r| (0..6).map(|i| r.get::<_, Value>(i)).collect())?
        .collect::<Result<_, _>>()?;
    let mut write = tx.prepare(
        "INSERT OR IGNORE INTO print_rows (print_uuid, rank, door_uuid, households, street, \
         number, side) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for row in rows {
        let mut values = vec![Value::Text(print.to_owned())];
        values.extend(row);
        write.execute(params_from_iter(&values))?;
    }
    Ok(())
}

/// Opens a pack for reading; an older schema is upgraded on a temporary copy (kept alive by
/// the returned guard), a newer one refused.
fn open_pack(pack: &Path) -> Result<(Campaign, Option<tempfile::TempDir>), StoreError> {
    match Campaign::open_read_only(pack) {
        Ok(c) => Ok((c, None)),
        Err(StoreError::Invalid { detail, .. }) if detail.contains("is older than") => {
            let dir = tempfile::tempdir().map_err(|source| StoreError::Io {
                path: pack.to_path_buf(),
                source,
            })?;
            let copy = dir.path().join("pack.campaign.gpkg");
            std::fs::copy(pack, &copy).map_err(|source| StoreError::Io {
                path: pack.to_path_buf(),
                source,
            })?;
            drop(Campaign::open(&copy)?);
            Ok((Campaign::open_read_only(&copy)?, Some(dir)))
        }
        Err(e) => Err(e),
    }
}
