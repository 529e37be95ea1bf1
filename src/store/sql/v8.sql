-- Campaign schema, version 8 (upgrade from version 7): indexes for national scale.
--
-- Counting each precinct's doors after a doors import ran one scan of the doors table per
-- precinct (SQLite's plan: CORRELATED SCALAR SUBQUERY → SCAN doors): 66 s for 20,000 doors in
-- a 69,000-precinct campaign. Doors, turf members and visits are now found by an index.

CREATE INDEX doors_precinct ON doors(precinct_uuid) WHERE deleted_at IS NULL;
CREATE INDEX turf_members_precinct ON turf_members(precinct_uuid) WHERE precinct_uuid IS NOT NULL;
CREATE INDEX turf_members_door ON turf_members(door_uuid) WHERE door_uuid IS NOT NULL;
CREATE INDEX door_visits_turf ON door_visits(turf_uuid);
-- Whether a precinct has results (asked of every precinct before a re-import of the shapes).
CREATE INDEX results_totals_code ON results_totals(precinct_code);
