-- Campaign schema, version 2 (upgrade from version 1).
--
-- Results belong to their election: they travel, merge and are replaced with it, as one set.
-- They therefore carry no UUID or tombstone of their own (the election has them), and refer
-- to their election by its integer id. A France-scale election (69,000 precincts × 10 lists)
-- takes a third of the space and imports in well under a second; re-importing an election
-- replaces its rows instead of piling up tombstones.

CREATE TABLE results_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  election_id INTEGER NOT NULL REFERENCES elections(id) ON DELETE CASCADE,
  precinct_code TEXT NOT NULL,
  list TEXT NOT NULL,
  votes INTEGER NOT NULL
);
INSERT INTO results_v2 (election_id, precinct_code, list, votes)
  SELECT e.id, r.precinct_code, r.list, r.votes
  FROM results r JOIN elections e ON e.uuid = r.election_uuid
  WHERE r.deleted_at IS NULL
  ORDER BY r.id;
DROP TABLE results;
ALTER TABLE results_v2 RENAME TO results;
-- Reads and replacements go by election. One row per precinct and list is the importer's rule
-- (it refuses duplicates) and `validate` checks it; a unique index over the text columns would
-- double the cost of every import for no other use.
CREATE INDEX results_election ON results(election_id);

CREATE TABLE results_totals_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  election_id INTEGER NOT NULL REFERENCES elections(id) ON DELETE CASCADE,
  precinct_code TEXT NOT NULL,
  registered INTEGER,
  voters INTEGER,
  valid INTEGER
);
INSERT INTO results_totals_v2 (election_id, precinct_code, registered, voters, valid)
  SELECT e.id, t.precinct_code, t.registered, t.voters, t.valid
  FROM results_totals t JOIN elections e ON e.uuid = t.election_uuid
  WHERE t.deleted_at IS NULL
  ORDER BY t.id;
DROP TABLE results_totals;
ALTER TABLE results_totals_v2 RENAME TO results_totals;
CREATE UNIQUE INDEX results_totals_key ON results_totals(election_id, precinct_code);
