-- A participatory budget is written in one language and may carry
-- translations: title, description and its envelopes' names (paired with the
-- envelopes by position, as a question's options are). Residents' proposals
-- stay as written.
ALTER TABLE budget ADD COLUMN language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'lb', 'en'));

CREATE TABLE budget_translation (
    budget_id      bigint NOT NULL REFERENCES budget (id) ON DELETE CASCADE,
    language       text   NOT NULL CHECK (language IN ('fr', 'de', 'lb', 'en')),
    title          text   NOT NULL,
    description    text   NOT NULL DEFAULT '', -- sanitised HTML
    envelope_names text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (budget_id, language)
);
