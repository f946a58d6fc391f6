-- A project is written in one language (most communes here publish in French
-- or German) and staff may add its words in the others: visitors read the
-- translation of their language where there is one, each field falling back
-- to the original, and the page marks each text with its language.
ALTER TABLE project ADD COLUMN language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'lb', 'en'));

CREATE TABLE project_translation (
    project_id bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    language   text   NOT NULL CHECK (language IN ('fr', 'de', 'lb', 'en')),
    title      text   NOT NULL,
    summary    text   NOT NULL DEFAULT '',
    body_html  text   NOT NULL DEFAULT '', -- sanitised
    PRIMARY KEY (project_id, language)
);
