-- Campaign schema, version 5 (upgrade from version 4): what comes back from the field.
--
-- `door_visits`: one row per door and visit, typed from a printed sheet (or merged from a team
-- pack). A door's state is its latest visit; a correction updates that visit, never adds a
-- second row (one visit per door and print). Visits travel: UUID, update time, tombstone and
-- the replica (the campaign file) that wrote them.
-- `field_reports` (sessions) gain the sheet they report, their times and canvassers.

CREATE TABLE door_visits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  door_uuid TEXT NOT NULL,
  turf_uuid TEXT,
  team_uuid TEXT,
  print_uuid TEXT,
  visit_date TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('A', 'O', 'R', 'P', 'I', 'D', 'X')),
  leaflet INTEGER NOT NULL DEFAULT 0,
  support INTEGER CHECK (support BETWEEN 1 AND 5),
  note TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'paper' CHECK (source IN ('paper', 'pack')),
  replica_uuid TEXT NOT NULL,
  entered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);
CREATE INDEX door_visits_door ON door_visits(door_uuid, visit_date);
CREATE UNIQUE INDEX door_visits_print_door ON door_visits(print_uuid, door_uuid)
  WHERE print_uuid IS NOT NULL AND deleted_at IS NULL;

ALTER TABLE field_reports ADD COLUMN print_uuid TEXT;
ALTER TABLE field_reports ADD COLUMN start_time TEXT;
ALTER TABLE field_reports ADD COLUMN end_time TEXT;
ALTER TABLE field_reports ADD COLUMN canvassers INTEGER;
ALTER TABLE field_reports ADD COLUMN replica_uuid TEXT;
CREATE INDEX field_reports_print ON field_reports(print_uuid);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('door_visits', 'attributes', 'door_visits', 'Door visits typed from walk sheets: the code of each door, latest visit first', NULL);
