-- A neighbourhood council's name and description may carry translations, as
-- the other texts staff write do.
ALTER TABLE council ADD COLUMN language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'lb', 'en'));

CREATE TABLE council_translation (
    council_id  bigint NOT NULL REFERENCES council (id) ON DELETE CASCADE,
    language    text   NOT NULL CHECK (language IN ('fr', 'de', 'lb', 'en')),
    name        text   NOT NULL,
    description text   NOT NULL DEFAULT '', -- sanitised HTML
    PRIMARY KEY (council_id, language)
);
