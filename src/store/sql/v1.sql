-- Campaign schema, version 1.
--
-- Every entity that can travel between campaign files has a UUID, an `updated_at` timestamp
-- (UTC, ISO 8601 with milliseconds) and a tombstone `deleted_at` (NULL while it lives), so that
-- two copies of a campaign can be merged without losing or doubling anything.
-- Feature tables keep GeoPackage's `fid INTEGER PRIMARY KEY AUTOINCREMENT`; attribute tables
-- have an integer `id` of the same kind so GDAL and QGIS can read them as layers.

CREATE TABLE campaign_meta (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  value TEXT NOT NULL
);

CREATE TABLE precincts (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom MULTIPOLYGON,
  uuid TEXT NOT NULL UNIQUE,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  registered INTEGER,
  doors INTEGER,
  priority REAL,
  priority_class INTEGER,
  properties TEXT NOT NULL DEFAULT '{}',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);
CREATE UNIQUE INDEX precincts_live_code ON precincts(code) WHERE deleted_at IS NULL;

CREATE TABLE turfs (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom MULTIPOLYGON,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  colour TEXT,
  team_uuid TEXT,
  status TEXT NOT NULL DEFAULT 'planned',
  door_count INTEGER NOT NULL DEFAULT 0,
  doors_estimated INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);

CREATE TABLE doors (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POINT,
  uuid TEXT NOT NULL UNIQUE,
  address TEXT NOT NULL DEFAULT '',
  households INTEGER NOT NULL DEFAULT 1,
  precinct_uuid TEXT,
  source TEXT,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);

CREATE TABLE elections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  date TEXT,
  round INTEGER,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);

-- One row per precinct, election and list (candidate or party).
CREATE TABLE results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  election_uuid TEXT NOT NULL,
  precinct_code TEXT NOT NULL,
  list TEXT NOT NULL,
  votes INTEGER NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);
CREATE INDEX results_election ON results(election_uuid, precinct_code);

-- Registered (inscrits), voters (votants) and valid votes (exprimés) per precinct and election.
CREATE TABLE results_totals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  election_uuid TEXT NOT NULL,
  precinct_code TEXT NOT NULL,
  registered INTEGER,
  voters INTEGER,
  valid INTEGER,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);
CREATE INDEX results_totals_election ON results_totals(election_uuid, precinct_code);

CREATE TABLE teams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  colour TEXT,
  size INTEGER,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);

-- What a turf is made of: whole precincts or single doors.
CREATE TABLE turf_members (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  turf_uuid TEXT NOT NULL,
  precinct_uuid TEXT,
  door_uuid TEXT,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT,
  CHECK ((precinct_uuid IS NULL) <> (door_uuid IS NULL))
);
CREATE INDEX turf_members_turf ON turf_members(turf_uuid);

CREATE TABLE assignments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  turf_uuid TEXT NOT NULL,
  team_uuid TEXT NOT NULL,
  date TEXT,
  status TEXT NOT NULL DEFAULT 'planned',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);

CREATE TABLE field_reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  turf_uuid TEXT,
  team_uuid TEXT,
  date TEXT NOT NULL,
  doors_knocked INTEGER NOT NULL DEFAULT 0,
  doors_opened INTEGER NOT NULL DEFAULT 0,
  quality INTEGER,
  opponent_seen INTEGER NOT NULL DEFAULT 0,
  notes TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);

-- The chosen scoring method; the live one is the newest row not deleted.
CREATE TABLE scoring (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  preset TEXT NOT NULL,
  parameters TEXT NOT NULL DEFAULT '{}',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT
);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('precincts', 'features', 'precincts', 'Polling stations / precincts with their priority score', 4326),
  ('turfs', 'features', 'turfs', 'Canvassing turfs', 4326),
  ('doors', 'features', 'doors', 'Door (address) points', 4326),
  ('elections', 'attributes', 'elections', 'Elections whose results are imported', NULL),
  ('results', 'attributes', 'results', 'Votes per precinct, election and list', NULL),
  ('results_totals', 'attributes', 'results_totals', 'Registered, voters and valid votes per precinct and election', NULL),
  ('teams', 'attributes', 'teams', 'Canvassing teams', NULL),
  ('turf_members', 'attributes', 'turf_members', 'Precincts and doors in each turf', NULL),
  ('assignments', 'attributes', 'assignments', 'Turfs assigned to teams', NULL),
  ('field_reports', 'attributes', 'field_reports', 'Field reports from canvassing', NULL),
  ('scoring', 'attributes', 'scoring', 'The scoring method and its parameters', NULL),
  ('campaign_meta', 'attributes', 'campaign_meta', 'Campaign settings and schema version', NULL);

INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES
  ('precincts', 'geom', 'MULTIPOLYGON', 4326, 0, 0),
  ('turfs', 'geom', 'MULTIPOLYGON', 4326, 0, 0),
  ('doors', 'geom', 'POINT', 4326, 0, 0);
