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

-- quartier_fold is unaccent + lower, declared immutable so that indexes may
-- use it (unaccent itself is only stable: its dictionary could change; ours
-- does not). Its body is SQL-standard, so it is parsed once, when it is
-- created: what it names does not depend on a caller's search_path.
CREATE FUNCTION quartier_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(unaccent('unaccent'::regdictionary, $1));

-- The folded words of each idea live in a table of their own, not on the
-- idea's row. Supports update that row thousands of times a second; with the
-- folded text and its trigram indexes there, every update that could not stay
-- on its page (HOT) added the idea's trigrams to the indexes again, and the
-- supports' p99 at 2,000/s went from 3–4 ms to 11 ms (docs/PERFORMANCE.md,
-- "Searching ideas"). Here the words are written when an idea is created or
-- its title or text change, by a trigger, so that every way of writing an
-- idea (the web, the API, the apps, moderation, the benchmarks' seeds) keeps
-- them; a support's UPDATE names neither column and does not fire it. The
-- folded text is stored (not an expression index): a search for a common word
-- rechecks every idea that has it, and folding 8,000 texts again on each
-- search took three times the CPU.
CREATE TABLE idea_search (
    idea_id      bigint PRIMARY KEY REFERENCES idea (id) ON DELETE CASCADE,
    title_folded text   NOT NULL,
    text_folded  text   NOT NULL
);
INSERT INTO idea_search (idea_id, title_folded, text_folded)
    SELECT id, quartier_fold(title), quartier_fold(title || ' ' || body) FROM idea;

CREATE FUNCTION idea_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO idea_search (idea_id, title_folded, text_folded)
    VALUES (NEW.id, quartier_fold(NEW.title), quartier_fold(NEW.title || ' ' || NEW.body))
    ON CONFLICT (idea_id) DO UPDATE SET title_folded = excluded.title_folded, text_folded = excluded.text_folded;
    RETURN NULL;
END $$;
CREATE TRIGGER idea_search_sync AFTER INSERT OR UPDATE OF title, body ON idea
    FOR EACH ROW EXECUTE FUNCTION idea_search_sync();

CREATE INDEX idea_search_text_idx ON idea_search USING gin (text_folded gin_trgm_ops);
-- Look-alike titles, nearest first: a GiST index walks the titles in order of
-- trigram distance and stops at the first few, where a GIN index would hand
-- over every title sharing a trigram ("des", "parc") to be ranked.
CREATE INDEX idea_search_title_idx ON idea_search USING gist (title_folded gist_trgm_ops);
