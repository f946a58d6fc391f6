-- Implementation milestones of an idea, published with its progress.
CREATE TABLE idea_milestone (
    id         bigserial   PRIMARY KEY,
    idea_id    bigint      NOT NULL REFERENCES idea (id) ON DELETE CASCADE,
    title      text        NOT NULL,
    due_on     date,
    done_on    date,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idea_milestone_idea_idx ON idea_milestone (idea_id);
