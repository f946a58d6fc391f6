-- An event's minutes and a debate's conclusion are translated after the rest,
-- in their own form: their translations remember, apart from the title's and
-- description's (migration 46), the original words they were made from, so
-- that a translation left as it was when staff corrected the original shows
-- as out of date. '' (rows from before): unknown.
ALTER TABLE meeting_translation ADD COLUMN outcome_source text NOT NULL DEFAULT '';
ALTER TABLE debate_translation ADD COLUMN conclusion_source text NOT NULL DEFAULT '';
