-- The language of an idea's official answer, as staff said when answering
-- ('' before, or unknown): the page marks the answer with it.
ALTER TABLE idea ADD COLUMN answer_language text NOT NULL DEFAULT '' CHECK (answer_language IN ('', 'fr', 'de', 'lb', 'en'));
