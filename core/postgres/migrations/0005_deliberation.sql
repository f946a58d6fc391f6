-- Deliberation: an open question inside a project, arguments for and against,
-- replies, and "helpful" ratings (one per person per argument).
CREATE TABLE debate (
    id         bigserial   PRIMARY KEY,
    project_id bigint      NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    question   text        NOT NULL,
    open       boolean     NOT NULL DEFAULT true,
    created_by bigint      REFERENCES participant (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX debate_project_idx ON debate (project_id, id);

CREATE TABLE argument (
    id            bigserial   PRIMARY KEY,
    debate_id     bigint      NOT NULL REFERENCES debate (id) ON DELETE CASCADE,
    parent_id     bigint      REFERENCES argument (id) ON DELETE CASCADE,
    side          text        NOT NULL CHECK (side IN ('for', 'against')),
    author_id     bigint      NOT NULL REFERENCES participant (id),
    body          text        NOT NULL,
    helpful_count integer     NOT NULL DEFAULT 0 CHECK (helpful_count >= 0),
    hidden        boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX argument_debate_idx ON argument (debate_id, id);

CREATE TABLE argument_rating (
    argument_id    bigint      NOT NULL REFERENCES argument (id) ON DELETE CASCADE,
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (argument_id, participant_id)
);
