-- An idea may be proposed as an alternative to another: another way to meet
-- the same need. The link stays if the other idea is hidden (pages show only
-- visible links) and goes if it is ever deleted.
ALTER TABLE idea ADD COLUMN alternative_to bigint REFERENCES idea (id) ON DELETE SET NULL,
    ADD CONSTRAINT idea_not_its_own_alternative CHECK (alternative_to <> id);

CREATE INDEX idea_alternatives ON idea (alternative_to) WHERE alternative_to IS NOT NULL;
