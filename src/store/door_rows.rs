//! Writing the new doors of a large import fast: time-ordered uuids without a system call
//! each, rows written 64 to a statement, in precinct order (a counting sort), and precinct
//! counts made from the doors in hand when the campaign had none (issue 16: two million doors
//! into 69,000 precincts in about 10 s).

use rusqlite::{Transaction, params};

use crate::domain::door::NewDoor;

/// Time-ordered (v7) uuids, their random bits drawn from one generator seeded once from the
/// system (`Uuid::now_v7` asked the kernel for randomness for each door: a tenth of the time
/// of a two-million-door import), written into a buffer rather than a new string each.
pub(super) struct UuidsV7 {
    rng: rand::rngs::StdRng,
    text: [u8; uuid::fmt::Hyphenated::LENGTH],
}

impl UuidsV7 {
    pub(super) fn new() -> Self {
        use rand::SeedableRng as _;
        let mut seed = [0_u8; 32];
        seed[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        seed[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self {
            rng: rand::rngs::StdRng::from_seed(seed),
            text: [0; uuid::fmt::Hyphenated::LENGTH],
        }
    }

    /// The next uuid, as the bytes of its text.
    pub(super) fn next_bytes(&mut self) -> [u8; uuid::fmt::Hyphenated::LENGTH] {
        use rand::RngCore as _;
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut random = [0_u8; 10];
        self.rng.fill_bytes(&mut random);
        uuid::Builder::from_unix_timestamp_millis(millis, &random)
            .into_uuid()
            .hyphenated()
            .encode_lower(&mut self.text);
        self.text
    }
}

/// New doors written this many to a statement: one statement a door spent a third of an
/// import's time in SQLite's statement machinery. The source and the time, the same for every
/// door, are bound once a statement.
pub(super) const BATCH: usize = 64;

/// A new door waiting for its statement.
pub(super) struct Pending {
    pub(super) door: usize,
    pub(super) uuid: [u8; uuid::fmt::Hyphenated::LENGTH],
    pub(super) blob: [u8; 29],
    pub(super) precinct: Option<usize>,
}

/// What every new door's row is written with.
pub(super) struct NewRows<'a> {
    tx: &'a Transaction<'a>,
    doors: &'a [NewDoor],
    uuids: &'a [String],
    source: &'a str,
    now: &'a str,
    /// The statement of a full batch, made once (a statement of fewer rows ends an import).
    batch_sql: String,
}

/// The columns of a new door's row that differ from door to door.
const NEW_DOOR_COLUMNS: usize = 11;

/// Parameters shared by every row of a statement: the source (`?1`) and the time (`?2`),
/// bound once a statement rather than once a row.
const SHARED: usize = 2;

/// The statement writing `rows` new doors: row `r`'s own columns are parameters
/// `SHARED + r × NEW_DOOR_COLUMNS + 1…`.
fn insert_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let p = |c: usize| format!("?{}", SHARED + r * NEW_DOOR_COLUMNS + c);
            format!(
                "({}, {}, {}, {}, {}, ?1, {}, {}, {}, {}, {}, {}, ?2)",
                p(1),
                p(2),
                p(3),
                p(4),
                p(5),
                p(6),
                p(7),
                p(8),
                p(9),
                p(10),
                p(11)
            )
        })
        .collect();
    format!(
        "INSERT INTO doors (geom, uuid, address, households, precinct_uuid, source, street, \
         housenumber, housenumber_suffix, unit, postcode, source_id, updated_at) VALUES {}",
        values.join(", ")
    )
}

impl<'a> NewRows<'a> {
    /// What the new doors of `doors` are written with: `uuids` are the precincts', `source` the
    /// file's name, `now` the import's time.
    pub(super) fn new(
        tx: &'a Transaction<'a>,
        doors: &'a [NewDoor],
        uuids: &'a [String],
        source: &'a str,
        now: &'a str,
    ) -> Self {
        Self {
            tx,
            doors,
            uuids,
            source,
            now,
            batch_sql: insert_sql(BATCH),
        }
    }

    /// Writes `rows` in one statement; the fid of the first (they get consecutive fids).
    pub(super) fn write(&mut self, rows: &[Pending]) -> rusqlite::Result<i64> {
        let mut stmt = if rows.len() == BATCH {
            self.tx.prepare_cached(&self.batch_sql)?
        } else {
            self.tx.prepare_cached(&insert_sql(rows.len()))?
        };
        stmt.raw_bind_parameter(1, self.source)?;
        stmt.raw_bind_parameter(2, self.now)?;
        for (r, row) in rows.iter().enumerate() {
            let d = &self.doors[row.door];
            let at = SHARED + r * NEW_DOOR_COLUMNS;
            let uuid = std::str::from_utf8(&row.uuid).unwrap_or_default();
            stmt.raw_bind_parameter(at + 1, &row.blob[..])?;
            stmt.raw_bind_parameter(at + 2, uuid)?;
            stmt.raw_bind_parameter(at + 3, &d.address)?;
            stmt.raw_bind_parameter(at + 4, d.households)?;
            stmt.raw_bind_parameter(at + 5, row.precinct.map(|i| self.uuids[i].as_str()))?;
            stmt.raw_bind_parameter(at + 6, &d.parts.street)?;
            stmt.raw_bind_parameter(at + 7, d.parts.housenumber)?;
            stmt.raw_bind_parameter(at + 8, &d.parts.suffix)?;
            stmt.raw_bind_parameter(at + 9, &d.parts.unit)?;
            stmt.raw_bind_parameter(at + 10, &d.parts.postcode)?;
            stmt.raw_bind_parameter(at + 11, &d.source_id)?;
        }
        stmt.raw_execute()?;
        Ok(self.tx.last_insert_rowid() - rows.len() as i64 + 1)
    }
}

/// The doors' positions, those outside every precinct first, then precinct by precinct in
/// `rank` order, each in file order: a counting sort (linear, where a comparison sort of two
/// million took a third of a second).
pub(super) fn precinct_order(precinct_of: &[Option<usize>], rank: &[usize]) -> Vec<usize> {
    // Slot 0 holds the doors outside; slot r + 1 those of the precinct ranked r.
    let slot = |p: &Option<usize>| p.map_or(0, |p| rank[p] + 1);
    let mut start = vec![0_usize; rank.len() + 2];
    for p in precinct_of {
        start[slot(p) + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut order = vec![0; precinct_of.len()];
    for (k, p) in precinct_of.iter().enumerate() {
        let at = &mut start[slot(p)];
        order[*at] = k;
        *at += 1;
    }
    order
}

/// Sets each precinct's door count to `counts` (by position in `uuids`; none counted: the
/// count stays empty, as a recount leaves it).
pub(super) fn recount_from(
    tx: &Transaction<'_>,
    uuids: &[String],
    counts: &[i64],
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE precincts SET doors = NULL WHERE deleted_at IS NULL AND doors IS NOT NULL",
        [],
    )?;
    let mut put = tx.prepare("UPDATE precincts SET doors = ?2 WHERE uuid = ?1")?;
    for (uuid, &count) in uuids.iter().zip(counts) {
        if count > 0 {
            put.execute(params![uuid, count])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn doors_are_ordered_outside_first_then_by_precinct_rank_each_in_file_order() {
        let precinct_of = [Some(1), None, Some(0), Some(1), None, Some(2), Some(0)];
        // Precinct 1 ranks first, then 2, then 0.
        let rank = [2, 0, 1];
        assert_eq!(
            super::precinct_order(&precinct_of, &rank),
            vec![1, 4, 0, 3, 5, 2, 6]
        );
    }
}
