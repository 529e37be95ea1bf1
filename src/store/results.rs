//! Elections, results and scores in the campaign file.

use crate::store::NOW;
use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension as _, params};

use super::{Campaign, StoreError};
use crate::domain::results::{ElectionData, ResultRow, ScoringData};
use crate::domain::scoring::{Scored, ScoringParams};

/// An election's identity as the user gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ElectionMeta {
    /// Its name ("Municipales 2020 T1").
    pub name: String,
    /// Its date.
    pub date: Option<crate::domain::date::Date>,
    /// Its round (1 or 2).
    pub round: Option<i64>,
}

/// One election's results, ready to store.
#[derive(Clone, Copy, Debug)]
pub struct ElectionResults<'a> {
    /// The election.
    pub meta: &'a ElectionMeta,
    /// The lists, as `rows[].votes` index them.
    pub lists: &'a [String],
    /// The rows.
    pub rows: &'a [ResultRow],
    /// `codes[i]` is the precinct code row `i` joined to, or `None` to keep the file's code.
    pub codes: &'a [Option<String>],
    /// The lists' nuance codes and panel numbers, when the file gives them.
    pub attributes: &'a [crate::domain::results::ListAttributes],
}

/// What storing an election's results did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ResultsWritten {
    /// Whether an election of the same name and round was there and has been replaced.
    pub replaced: bool,
    /// Precinct rows (registered, voters, valid) written.
    pub precinct_rows: usize,
    /// Vote rows (precinct × list) written.
    pub vote_rows: usize,
}

impl Campaign {
    /// The codes of the live precincts, in campaign order.
    pub fn precinct_codes(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT code FROM precincts WHERE deleted_at IS NULL ORDER BY fid")
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    /// Stores elections' results, all in one transaction; an election of the same name and
    /// round is replaced (its old rows deleted: results travel and merge with their election,
    /// whose `updated_at` says which version is newer), never doubled.
    pub fn store_results(
        &mut self,
        elections: &[ElectionResults<'_>],
    ) -> Result<Vec<ResultsWritten>, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        self.write(|tx| {
            let mut all = Vec::with_capacity(elections.len());
            for e in elections {
                all.push(store_election(tx, e).map_err(sql)?);
            }
            Ok(all)
        })
    }

    /// Every nuance code of the live elections' lists, with its lists (sorted).
    pub fn nuances(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let q = |e| self.err(e);
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT DISTINCT a.nuance, a.list FROM list_attributes a \
                 JOIN elections e ON e.id = a.election_id \
                 WHERE e.deleted_at IS NULL AND a.nuance IS NOT NULL AND a.nuance <> '' \
                 ORDER BY a.nuance, a.list",
            )
            .map_err(q)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(q)?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for row in rows {
            let (nuance, list) = row.map_err(q)?;
            match out.last_mut() {
                Some((n, lists)) if *n == nuance => lists.push(list),
                _ => out.push((nuance, vec![list])),
            }
        }
        Ok(out)
    }

    /// The precincts and every live election's results, column by column, for scoring.
    pub fn scoring_data(&self) -> Result<ScoringData, StoreError> {
        let q = |e| self.err(e);
        let mut data = ScoringData::default();
        {
            let mut stmt = self
                .conn()
                .prepare("SELECT code, name FROM precincts WHERE deleted_at IS NULL ORDER BY fid")
                .map_err(q)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(q)?;
            for row in rows {
                let (code, name) = row.map_err(q)?;
                data.codes.push(code);
                data.names.push(name);
            }
        }
        let index: HashMap<&str, usize> = data
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let n = data.codes.len();
        let mut elections = Vec::new();
        for e in self.elections()? {
            let mut election = ElectionData {
                name: e.name.clone(),
                date: e.date.clone(),
                round: e.round,
                lists: Vec::new(),
                registered: vec![f64::NAN; n],
                voters: vec![f64::NAN; n],
                valid: vec![f64::NAN; n],
                valid_is_sum_of_lists: false,
                votes: Vec::new(),
            };
            let mut stmt = self
                .conn()
                .prepare_cached(
                    "SELECT precinct_code, registered, voters, valid FROM results_totals \
                     WHERE election_id = (SELECT id FROM elections WHERE uuid = ?1)",
                )
                .map_err(q)?;
            let mut rows = stmt.query([&e.uuid]).map_err(q)?;
            while let Some(row) = rows.next().map_err(q)? {
                let code: String = row.get(0).map_err(q)?;
                let Some(&p) = index.get(code.as_str()) else {
                    continue;
                };
                let get = |i| row.get::<_, Option<f64>>(i).map(|v| v.unwrap_or(f64::NAN));
                election.registered[p] = get(1).map_err(q)?;
                election.voters[p] = get(2).map_err(q)?;
                election.valid[p] = get(3).map_err(q)?;
            }
            let mut stmt = self
                .conn()
                .prepare_cached(
                    "SELECT precinct_code, list, votes FROM results \
                     WHERE election_id = (SELECT id FROM elections WHERE uuid = ?1) ORDER BY id",
                )
                .map_err(q)?;
            let mut rows = stmt.query([&e.uuid]).map_err(q)?;
            let mut list_index: HashMap<String, usize> = HashMap::new();
            while let Some(row) = rows.next().map_err(q)? {
                let list: String = row.get(1).map_err(q)?;
                let l = *list_index.entry(list.clone()).or_insert_with(|| {
                    election.lists.push(list);
                    election.votes.push(vec![f64::NAN; n]);
                    election.votes.len() - 1
                });
                let code: String = row.get(0).map_err(q)?;
                if let Some(&p) = index.get(code.as_str()) {
                    election.votes[l][p] = row.get(2).map_err(q)?;
                }
            }
            if !ElectionData::has(&election.valid) {
                // No valid-votes column: the lists' sum is the valid votes.
                election.valid_is_sum_of_lists = true;
                for p in 0..n {
                    let sum: f64 = election
                        .votes
                        .iter()
                        .map(|v| v[p])
                        .filter(|v| v.is_finite())
                        .sum();
                    let any = election.votes.iter().any(|v| v[p].is_finite());
                    election.valid[p] = if any { sum } else { f64::NAN };
                }
            }
            elections.push(election);
        }
        data.elections = elections;
        Ok(data)
    }

    /// Stores the scores and classes (`precincts.priority`, `priority_class`) and the method
    /// (`scoring`), in one transaction. Scores are derived data: they do not change the
    /// precincts' `updated_at`, so re-scoring never looks like an edit to merge.
    pub fn save_scores(&mut self, codes: &[String], scored: &Scored) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sqlite(&path, e);
        let parameters =
            serde_json::to_string(&scored.params).map_err(|e| StoreError::Invalid {
                path: path.clone(),
                detail: e.to_string(),
            })?;
        self.write(|tx| {
            let mut update = tx
                .prepare(
                    "UPDATE precincts SET priority = ?1, priority_class = ?2 \
                     WHERE code = ?3 AND deleted_at IS NULL",
                )
                .map_err(sql)?;
            for (i, code) in codes.iter().enumerate() {
                let score = scored.scores[i];
                let class = scored.classes.class_of[i];
                update
                    .execute(params![
                        score.is_finite().then_some(score),
                        (class > 0).then_some(class),
                        code
                    ])
                    .map_err(sql)?;
            }
            tx.execute(
                &format!(
                    "UPDATE scoring SET deleted_at = {NOW}, \
                 updated_at = {NOW} WHERE deleted_at IS NULL"
                ),
                [],
            )
            .map_err(sql)?;
            tx.execute(
                "INSERT INTO scoring (uuid, preset, parameters) VALUES (?1, ?2, ?3)",
                params![
                    uuid::Uuid::new_v4().to_string(),
                    scored.params.preset.name(),
                    parameters
                ],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    /// The scoring method last saved, if any.
    pub fn scoring_params(&self) -> Result<Option<ScoringParams>, StoreError> {
        let text: Option<String> = self
            .conn()
            .query_row(
                "SELECT parameters FROM scoring WHERE deleted_at IS NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        match text {
            None => Ok(None),
            Some(t) => serde_json::from_str(&t)
                .map(Some)
                .map_err(|e| StoreError::Invalid {
                    path: self.path.clone(),
                    detail: format!("unreadable scoring parameters: {e}"),
                }),
        }
    }
}

/// Stores one election's results inside the caller's transaction.
fn store_election(
    tx: &rusqlite::Transaction<'_>,
    e: &ElectionResults<'_>,
) -> rusqlite::Result<ResultsWritten> {
    let meta = e.meta;
    let date = meta.date.map(|d| d.to_string());
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM elections WHERE deleted_at IS NULL AND name = ?1 AND round IS ?2",
            params![meta.name, meta.round],
            |r| r.get(0),
        )
        .optional()?;
    let mut written = ResultsWritten {
        replaced: existing.is_some(),
        ..ResultsWritten::default()
    };
    let election = if let Some(id) = existing {
        tx.execute("DELETE FROM results WHERE election_id = ?1", [id])?;
        tx.execute("DELETE FROM results_totals WHERE election_id = ?1", [id])?;
        tx.execute("DELETE FROM list_attributes WHERE election_id = ?1", [id])?;
        tx.execute(
            &format!(
                "UPDATE elections SET date = coalesce(?2, date), \
             updated_at = {NOW} WHERE id = ?1"
            ),
            params![id, date],
        )?;
        id
    } else {
        tx.execute(
            "INSERT INTO elections (uuid, name, date, round) VALUES (?1, ?2, ?3, ?4)",
            params![
                uuid::Uuid::new_v4().to_string(),
                meta.name,
                date,
                meta.round
            ],
        )?;
        tx.last_insert_rowid()
    };
    let mut attribute = tx.prepare(
        "INSERT OR REPLACE INTO list_attributes (election_id, list, nuance, panel) \
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for a in e.attributes {
        attribute.execute(params![election, a.list, a.nuance, a.panel])?;
    }
    drop(attribute);
    let number = |v: Option<u32>| v.map_or(ValueRef::Null, |x| ValueRef::Integer(i64::from(x)));
    let id = ValueRef::Integer(election);
    let mut totals = BatchInsert::new(
        tx,
        "results_totals (election_id, precinct_code, registered, voters, valid)",
        5,
    );
    let mut votes = BatchInsert::new(tx, "results (election_id, precinct_code, list, votes)", 4);
    for (row, joined) in e.rows.iter().zip(e.codes) {
        let code = joined.as_deref().unwrap_or(&row.code);
        let code = ValueRef::Text(code.as_bytes());
        totals.push(&[
            id,
            code,
            number(row.registered),
            number(row.voters),
            number(row.valid),
        ])?;
        written.precinct_rows += 1;
        for &(list, count) in &row.votes {
            votes.push(&[
                id,
                code,
                ValueRef::Text(e.lists[list].as_bytes()),
                ValueRef::Integer(i64::from(count)),
            ])?;
            written.vote_rows += 1;
        }
    }
    totals.finish()?;
    votes.finish()?;
    Ok(written)
}

/// Rows inserted many at a time (`INSERT … VALUES (…), (…), …`): one statement per hundred
/// rows instead of one per row, text bound straight from the caller's strings without copies.
struct BatchInsert<'t, 'v> {
    tx: &'t rusqlite::Transaction<'t>,
    into: &'static str,
    columns: usize,
    pending: Vec<ValueRef<'v>>,
}

/// Rows per statement (columns × rows stays far under SQLite's 32,766 parameters).
const BATCH_ROWS: usize = 100;

impl<'t, 'v> BatchInsert<'t, 'v> {
    fn new(tx: &'t rusqlite::Transaction<'t>, into: &'static str, columns: usize) -> Self {
        Self {
            tx,
            into,
            columns,
            pending: Vec::with_capacity(columns * BATCH_ROWS),
        }
    }

    fn push(&mut self, row: &[ValueRef<'v>]) -> rusqlite::Result<()> {
        self.pending.extend_from_slice(row);
        if self.pending.len() == self.columns * BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> rusqlite::Result<()> {
        let rows = self.pending.len() / self.columns;
        if rows == 0 {
            return Ok(());
        }
        let one = format!("({})", vec!["?"; self.columns].join(","));
        let sql = format!(
            "INSERT INTO {} VALUES {}",
            self.into,
            vec![one; rows].join(",")
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        for (i, value) in self.pending.iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, rusqlite::types::ToSqlOutput::Borrowed(*value))?;
        }
        stmt.raw_execute()?;
        self.pending.clear();
        Ok(())
    }

    fn finish(mut self) -> rusqlite::Result<()> {
        self.flush()
    }
}
