-- Residents follow an idea they neither wrote nor support, to hear of its
-- official answers and steps as its author and supporters do.
CREATE TABLE idea_follow (
    idea_id        bigint      NOT NULL REFERENCES idea (id) ON DELETE CASCADE,
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (idea_id, participant_id)
);
CREATE INDEX idea_follow_participant_idx ON idea_follow (participant_id, created_at DESC);
