-- A newsletter is written in one language and may carry whole translations
-- (subject and text): each subscriber gets it in their language where there
-- is one, and the archive shows each visitor theirs.
ALTER TABLE newsletter ADD COLUMN language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'lb', 'en'));

CREATE TABLE newsletter_translation (
    newsletter_id bigint NOT NULL REFERENCES newsletter (id) ON DELETE CASCADE,
    language      text   NOT NULL CHECK (language IN ('fr', 'de', 'lb', 'en')),
    subject       text   NOT NULL,
    body          text   NOT NULL, -- plain text
    PRIMARY KEY (newsletter_id, language)
);
