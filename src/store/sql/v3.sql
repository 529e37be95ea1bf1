-- Campaign schema, version 3 (upgrade from version 2): addresses in parts, streets, meeting
-- points.
--
-- Doors gain their address in parts, so that walk order can run along a street and side and a
-- re-import can recognise the same door, and the source's own identifier (an OpenStreetMap node
-- or way, a BAN id). The parts of doors already stored are read from their address string by
-- the upgrade step in `schema.rs`, after this script.

ALTER TABLE doors ADD COLUMN street TEXT;
ALTER TABLE doors ADD COLUMN housenumber INTEGER;
ALTER TABLE doors ADD COLUMN housenumber_suffix TEXT;
ALTER TABLE doors ADD COLUMN unit TEXT;
ALTER TABLE doors ADD COLUMN postcode TEXT;
ALTER TABLE doors ADD COLUMN source_id TEXT;
CREATE INDEX doors_source_id ON doors(source_id) WHERE deleted_at IS NULL;

-- Where a turf's walk starts (longitude/latitude); empty: at the door nearest its centre.
-- A GeoPackage feature table has one geometry column, so the point is two numbers.
ALTER TABLE turfs ADD COLUMN meeting_lon REAL;
ALTER TABLE turfs ADD COLUMN meeting_lat REAL;

-- The street map: named OpenStreetMap `highway=*` ways, drawn as the offline basemap and used
-- to put doors in walking order. Reference data, replaced by re-importing its extract: no UUID,
-- no tombstone.
CREATE TABLE streets (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom LINESTRING,
  name TEXT NOT NULL,
  highway TEXT NOT NULL,
  osm_id INTEGER,
  source TEXT
);
CREATE INDEX streets_source ON streets(source);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('streets', 'features', 'streets', 'Named streets from OpenStreetMap (the offline street map)', 4326);
INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES
  ('streets', 'geom', 'LINESTRING', 4326, 0, 0);
