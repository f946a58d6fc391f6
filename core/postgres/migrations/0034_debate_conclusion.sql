-- Staff close a debate with the commune's conclusion, which its participants
-- receive by mail; arguments are flagged and moderated like comments, and
-- their authors withdraw them (the row stays, without its words, where it has
-- replies).
ALTER TABLE debate
    ADD COLUMN conclusion text NOT NULL DEFAULT '',
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN closed_by bigint REFERENCES participant (id),
    ADD CONSTRAINT debate_closed_when_not_open CHECK (open = (closed_at IS NULL));

ALTER TABLE argument
    ADD COLUMN flag_count integer NOT NULL DEFAULT 0 CHECK (flag_count >= 0),
    ADD COLUMN withdrawn_at timestamptz;

ALTER TABLE flag DROP CONSTRAINT flag_entity_check,
    ADD CONSTRAINT flag_entity_check CHECK (entity IN ('idea', 'comment', 'argument'));
