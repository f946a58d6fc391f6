-- A project's status updates are written in the project's language and may
-- carry translations, as the project does: followers get the update in their
-- language by mail, visitors on the page, each channel in its own.
ALTER TABLE project_update ADD COLUMN language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'lb', 'en'));
UPDATE project_update u SET language = p.language FROM project p WHERE p.id = u.project_id;

CREATE TABLE project_update_translation (
    update_id bigint NOT NULL REFERENCES project_update (id) ON DELETE CASCADE,
    language  text   NOT NULL CHECK (language IN ('fr', 'de', 'lb', 'en')),
    title     text   NOT NULL,
    body_html text   NOT NULL DEFAULT '', -- sanitised
    PRIMARY KEY (update_id, language)
);
