-- Campaign schema, version 4 (upgrade from version 3): print snapshots of walk sheets.
--
-- Every printed walk sheet is a snapshot: a `prints` row with a short code written on every
-- page, and its `print_rows`, the doors in the printed order. Entering a sheet's results later
-- shows exactly those rows in that order, whatever was edited since. Prints travel with team
-- packs (UUID, update time, tombstone); their rows belong to them and carry none of their own.

CREATE TABLE prints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  code TEXT NOT NULL,
  turf_uuid TEXT NOT NULL,
  team_uuid TEXT,
  printed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  lang TEXT NOT NULL DEFAULT 'en',
  mode TEXT NOT NULL DEFAULT 'up_and_back',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);
CREATE UNIQUE INDEX prints_code ON prints(code);
CREATE INDEX prints_turf ON prints(turf_uuid);

CREATE TABLE print_rows (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  print_uuid TEXT NOT NULL REFERENCES prints(uuid) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  door_uuid TEXT NOT NULL,
  households INTEGER NOT NULL,
  street TEXT,
  number TEXT,
  side TEXT
);
CREATE UNIQUE INDEX print_rows_key ON print_rows(print_uuid, rank);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('prints', 'attributes', 'prints', 'Printed walk sheets: their code, turf, team and date', NULL),
  ('print_rows', 'attributes', 'print_rows', 'The doors of each printed walk sheet, in the printed order', NULL);
