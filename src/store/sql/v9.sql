-- Campaign schema, version 9 (upgrade from version 8): GeoPackage R-tree spatial indexes.
--
-- Every feature layer gets the gpkg_rtree_index extension (GeoPackage 1.2, annex F.3): an
-- rtree_<table>_geom virtual table of each feature's bounds, filled from the rows already
-- stored and kept true by the specification's triggers, so that QGIS and GDAL read a window of
-- the map without scanning every feature. The triggers call ST_MinX, ST_MaxX, ST_MinY,
-- ST_MaxY and ST_IsEmpty: our connections register them (store/spatial.rs), as GDAL and QGIS
-- register their own.

CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);

-- Doors are indexed by their source's id only when they have one (a CSV of two million doors
-- without ids wrote two million NULL keys; nothing asks for doors without an id).
DROP INDEX doors_source_id;
CREATE INDEX doors_source_id ON doors(source_id) WHERE source_id IS NOT NULL AND deleted_at IS NULL;

-- The rtree tables, their triggers and their gpkg_extensions rows are made by
-- store::spatial::create_index for each feature layer, after this file.
