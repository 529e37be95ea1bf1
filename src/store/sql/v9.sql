-- Campaign schema, version 9 (upgrade from version 8): GeoPackage R-tree spatial indexes.
--
-- Every feature layer gets the gpkg_rtree_index extension (GeoPackage 1.2, annex F.3): an
-- rtree_<table>_geom virtual table of each feature's bounds, filled here from the rows
-- already stored and kept true by the triggers below, so that QGIS and GDAL read a window of
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

-- precincts
CREATE VIRTUAL TABLE rtree_precincts_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO rtree_precincts_geom
  SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM precincts
  WHERE geom NOT NULL AND NOT ST_IsEmpty(geom);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES ('precincts', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');

CREATE TRIGGER rtree_precincts_geom_insert AFTER INSERT ON precincts
  WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_precincts_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_precincts_geom_update1 AFTER UPDATE OF geom ON precincts
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_precincts_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_precincts_geom_update2 AFTER UPDATE OF geom ON precincts
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_precincts_geom WHERE id = OLD.fid;
END;

CREATE TRIGGER rtree_precincts_geom_update3 AFTER UPDATE OF geom ON precincts
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_precincts_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_precincts_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_precincts_geom_update4 AFTER UPDATE ON precincts
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_precincts_geom WHERE id IN (OLD.fid, NEW.fid);
END;

CREATE TRIGGER rtree_precincts_geom_delete AFTER DELETE ON precincts
  WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_precincts_geom WHERE id = OLD.fid;
END;

-- turfs
CREATE VIRTUAL TABLE rtree_turfs_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO rtree_turfs_geom
  SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM turfs
  WHERE geom NOT NULL AND NOT ST_IsEmpty(geom);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES ('turfs', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');

CREATE TRIGGER rtree_turfs_geom_insert AFTER INSERT ON turfs
  WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_turfs_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_turfs_geom_update1 AFTER UPDATE OF geom ON turfs
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_turfs_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_turfs_geom_update2 AFTER UPDATE OF geom ON turfs
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_turfs_geom WHERE id = OLD.fid;
END;

CREATE TRIGGER rtree_turfs_geom_update3 AFTER UPDATE OF geom ON turfs
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_turfs_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_turfs_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_turfs_geom_update4 AFTER UPDATE ON turfs
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_turfs_geom WHERE id IN (OLD.fid, NEW.fid);
END;

CREATE TRIGGER rtree_turfs_geom_delete AFTER DELETE ON turfs
  WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_turfs_geom WHERE id = OLD.fid;
END;

-- doors
CREATE VIRTUAL TABLE rtree_doors_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO rtree_doors_geom
  SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM doors
  WHERE geom NOT NULL AND NOT ST_IsEmpty(geom);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES ('doors', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');

CREATE TRIGGER rtree_doors_geom_insert AFTER INSERT ON doors
  WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_doors_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_doors_geom_update1 AFTER UPDATE OF geom ON doors
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_doors_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_doors_geom_update2 AFTER UPDATE OF geom ON doors
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_doors_geom WHERE id = OLD.fid;
END;

CREATE TRIGGER rtree_doors_geom_update3 AFTER UPDATE OF geom ON doors
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_doors_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_doors_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_doors_geom_update4 AFTER UPDATE ON doors
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_doors_geom WHERE id IN (OLD.fid, NEW.fid);
END;

CREATE TRIGGER rtree_doors_geom_delete AFTER DELETE ON doors
  WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_doors_geom WHERE id = OLD.fid;
END;

-- streets
CREATE VIRTUAL TABLE rtree_streets_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO rtree_streets_geom
  SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM streets
  WHERE geom NOT NULL AND NOT ST_IsEmpty(geom);
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES ('streets', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');

CREATE TRIGGER rtree_streets_geom_insert AFTER INSERT ON streets
  WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_streets_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_streets_geom_update1 AFTER UPDATE OF geom ON streets
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_streets_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_streets_geom_update2 AFTER UPDATE OF geom ON streets
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_streets_geom WHERE id = OLD.fid;
END;

CREATE TRIGGER rtree_streets_geom_update3 AFTER UPDATE OF geom ON streets
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_streets_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_streets_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)
  );
END;

CREATE TRIGGER rtree_streets_geom_update4 AFTER UPDATE ON streets
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_streets_geom WHERE id IN (OLD.fid, NEW.fid);
END;

CREATE TRIGGER rtree_streets_geom_delete AFTER DELETE ON streets
  WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_streets_geom WHERE id = OLD.fid;
END;
