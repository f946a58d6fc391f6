-- Staff merge a duplicate idea into the one it repeats: the duplicate's status
-- becomes 'merged' and merged_into names the idea that carries it on. Its
-- supports stay where they were given (a support for one wording is not
-- silently a support for another); its author and supporters are told, with a
-- link, so that they can support the other idea themselves.
ALTER TABLE idea DROP CONSTRAINT idea_status_check;
ALTER TABLE idea ADD CONSTRAINT idea_status_check CHECK (status IN (
    'submitted', 'in_review', 'feasible', 'not_feasible', 'submitted_to_council',
    'decided', 'in_progress', 'done', 'rejected', 'merged'));
ALTER TABLE idea ADD COLUMN merged_into bigint REFERENCES idea (id);
ALTER TABLE idea ADD CONSTRAINT idea_merged_into_check CHECK ((status = 'merged') = (merged_into IS NOT NULL) AND merged_into <> id);
-- "Ideas merged into this one", on the idea's page.
CREATE INDEX idea_merged_into_idx ON idea (merged_into) WHERE merged_into IS NOT NULL;
