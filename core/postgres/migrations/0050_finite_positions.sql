-- A position is two finite WGS84 degrees. "NaN" and "Infinity" are valid
-- doubles to PostgreSQL and to Go's strconv, and passed the Benelux bounds
-- (every comparison with NaN is false): an idea placed at NaN made the public
-- idea list of the API unreadable. Such positions carry no place, so they are
-- removed (the rows stay), and the tables now refuse them. (NaN is above
-- every number to PostgreSQL, so BETWEEN refuses it; NULL still means "no
-- position".)
UPDATE project SET lon = NULL, lat = NULL WHERE NOT (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);
UPDATE idea    SET lon = NULL, lat = NULL WHERE NOT (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);
UPDATE answer  SET lon = NULL, lat = NULL WHERE NOT (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);
UPDATE meeting SET lon = NULL, lat = NULL WHERE NOT (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);
UPDATE address SET lon = NULL, lat = NULL WHERE NOT (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);

ALTER TABLE project ADD CONSTRAINT project_position_finite CHECK (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);
ALTER TABLE idea    ADD CONSTRAINT idea_position_finite    CHECK (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);
ALTER TABLE answer  ADD CONSTRAINT answer_position_finite  CHECK (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);
ALTER TABLE meeting ADD CONSTRAINT meeting_position_finite CHECK (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);
ALTER TABLE address ADD CONSTRAINT address_position_finite CHECK (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90);
