-- A debate's question and conclusion are written in its project's language
-- and may carry translations, as the project does: readers, the mails to
-- followers and to those who argued, and the channels get their language.
ALTER TABLE debate ADD COLUMN language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'lb', 'en'));
UPDATE debate d SET language = p.language FROM project p WHERE p.id = d.project_id;

CREATE TABLE debate_translation (
    debate_id  bigint NOT NULL REFERENCES debate (id) ON DELETE CASCADE,
    language   text   NOT NULL CHECK (language IN ('fr', 'de', 'lb', 'en')),
    question   text   NOT NULL DEFAULT '',
    conclusion text   NOT NULL DEFAULT '',
    PRIMARY KEY (debate_id, language)
);
-- Rows left without words are deleted in the transaction that empties them.
