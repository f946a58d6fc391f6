-- A translation remembers which words of the original it translates (a hash
-- of them, written when the translation's own words change): when staff
-- later change the original alone, the translation is shown as out of date
-- on the translations page and in the editor. '' (rows from before): unknown.
ALTER TABLE project_translation ADD COLUMN source_hash text NOT NULL DEFAULT '';
ALTER TABLE consultation_translation ADD COLUMN source_hash text NOT NULL DEFAULT '';
