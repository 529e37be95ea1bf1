-- Campaign schema, version 6 (upgrade from version 5): team packs and their merge.
--
-- A campaign file is a master or a team pack (`campaign_meta.kind`); a pack keeps the
-- campaign's uuid, has its own replica uuid, and names its team. Field rows (door visits,
-- sessions, prints) carry the replica that wrote them and a hybrid-logical-clock `updated_at`;
-- the newer (updated_at, replica) wins when a pack is merged. The same door of the same sheet
-- may now be typed at headquarters and by the team: a door's state is its latest visit, so the
-- unique index on (print, door) becomes a plain one. `merges` records every pack merged, with a
-- hash of its field rows (the same pack merged again changes nothing) and its report.

ALTER TABLE prints ADD COLUMN replica_uuid TEXT;
DROP INDEX door_visits_print_door;
CREATE INDEX door_visits_print ON door_visits(print_uuid, door_uuid);
CREATE INDEX field_reports_uuid_version ON field_reports(uuid, updated_at);

CREATE TABLE merges (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  pack_uuid TEXT NOT NULL,
  pack_hash TEXT NOT NULL,
  team_uuid TEXT,
  pack_file TEXT NOT NULL DEFAULT '',
  merged_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  report TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX merges_pack ON merges(pack_uuid, pack_hash);

INSERT OR IGNORE INTO campaign_meta (key, value) VALUES ('kind', 'master');

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('merges', 'attributes', 'merges', 'Team packs merged into this campaign, with their reports', NULL);
