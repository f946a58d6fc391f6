-- The author of an argument hears by mail of replies to it (the same
-- participant.notify_replies as comments), at most once an hour per person
-- and debate.
CREATE TABLE argument_notice (
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    debate_id      bigint      NOT NULL REFERENCES debate (id) ON DELETE CASCADE,
    sent_at        timestamptz NOT NULL,
    PRIMARY KEY (participant_id, debate_id)
);
