-- Campaign schema, version 7 (upgrade from version 6): what a results file says of its lists.
--
-- The ministry's files give each candidate or list a panel number and a nuance code (LUG,
-- LDVD…): kept per election and list, so "our side" can be every list of a nuance.

CREATE TABLE list_attributes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  election_id INTEGER NOT NULL REFERENCES elections(id) ON DELETE CASCADE,
  list TEXT NOT NULL,
  nuance TEXT,
  panel TEXT
);
CREATE UNIQUE INDEX list_attributes_key ON list_attributes(election_id, list);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('list_attributes', 'attributes', 'list_attributes', 'Each list''s nuance code and panel number, per election', NULL);
