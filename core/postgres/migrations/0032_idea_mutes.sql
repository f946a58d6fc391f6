-- Residents who asked, from the link in a step's mail, to hear no more of an
-- idea (an answered idea's supporters cannot withdraw their support to stop
-- its mails).
CREATE TABLE idea_mute (
    idea_id        bigint      NOT NULL REFERENCES idea (id) ON DELETE CASCADE,
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (idea_id, participant_id)
);
