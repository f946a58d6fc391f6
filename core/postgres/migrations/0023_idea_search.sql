-- Residents search ideas by their words ("banc", "velo") and, while writing a
-- new idea, are shown the existing ones like it, so that they support one
-- instead of proposing it again; staff see the same on the review page. Both
-- read trigram indexes over text folded to lower case without accents, so
-- "Vélos" is found by "velo" and "VELO", in any of the commune's languages
-- (no stemming dictionary is needed, and typing a part of a word is enough).
--
-- pg_trgm and unaccent ship with PostgreSQL (contrib) and are trusted
-- extensions: the owner of the database may create them without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- quartier_fold is unaccent + lower, declared immutable so that indexes and
-- generated columns may use it (unaccent itself is only stable: its dictionary
-- could change; ours does not). Its body is SQL-standard, so it is parsed once,
-- when it is created: what it names does not depend on a caller's search_path.
CREATE FUNCTION quartier_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(unaccent('unaccent'::regdictionary, $1));

-- The folded title and text, kept with the row: a search for a common word
-- rechecks every idea that has it, and folding 8,000 texts again on each
-- search took three times the CPU (docs/PERFORMANCE.md, "Searching ideas").
-- Adding the column rewrites the table once (a few seconds for 100,000 ideas).
ALTER TABLE idea ADD COLUMN search_text text NOT NULL
    GENERATED ALWAYS AS (quartier_fold(title || ' ' || body)) STORED;
CREATE INDEX idea_search_text_idx ON idea USING gin (search_text gin_trgm_ops);

-- Look-alike titles, nearest first: a GiST index walks the titles in order of
-- trigram distance and stops at the first few, where a GIN index would hand
-- over every title sharing a trigram ("des", "parc") to be ranked.
CREATE INDEX idea_title_trgm_idx ON idea USING gist (quartier_fold(title) gist_trgm_ops);
