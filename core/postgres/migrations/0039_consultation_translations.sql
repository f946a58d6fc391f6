-- A consultation is written in one language and may carry translations, as
-- projects do: its title and description, and each question's section,
-- prompt, help and options. Residents read and answer in their language; the
-- answers are the same options whatever the language, so results add up.
ALTER TABLE consultation ADD COLUMN language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'lb', 'en'));

CREATE TABLE consultation_translation (
    consultation_id bigint NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    language        text   NOT NULL CHECK (language IN ('fr', 'de', 'lb', 'en')),
    title           text   NOT NULL,
    description     text   NOT NULL DEFAULT '', -- sanitised HTML
    PRIMARY KEY (consultation_id, language)
);

-- A question's translation follows its options by position: option_labels[i]
-- translates the option at position i. When staff change the options later
-- and the counts no longer match, readers see the original options (the
-- builder says the translation needs redoing). Translations may be added
-- after the first response: they change no answer.
CREATE TABLE question_translation (
    question_id         bigint NOT NULL REFERENCES question (id) ON DELETE CASCADE,
    language            text   NOT NULL CHECK (language IN ('fr', 'de', 'lb', 'en')),
    section             text   NOT NULL DEFAULT '',
    prompt              text   NOT NULL,
    help                text   NOT NULL DEFAULT '',
    option_labels       text[] NOT NULL DEFAULT '{}',
    option_descriptions text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (question_id, language)
);
