-- An event is written in one language and may carry translations, as projects
-- and consultations do: its title and description (given with the event) and
-- its outcome (given afterwards). Visitors, registered participants' mails,
-- the calendar feed and each channel get their language where staff gave it.
ALTER TABLE meeting ADD COLUMN language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'lb', 'en'));

CREATE TABLE meeting_translation (
    meeting_id  bigint NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
    language    text   NOT NULL CHECK (language IN ('fr', 'de', 'lb', 'en')),
    title       text   NOT NULL DEFAULT '',
    description text   NOT NULL DEFAULT '', -- sanitised HTML
    outcome     text   NOT NULL DEFAULT '', -- sanitised HTML
    PRIMARY KEY (meeting_id, language),
    CHECK (title <> '' OR description = '') -- a translated description needs a title
);
-- Rows left without words are deleted in the transaction that empties them.
