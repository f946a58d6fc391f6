-- Monthly submissions of feasible ideas to the council (collège échevinal), with
-- the documents given to it.
CREATE TABLE council_submission (
    id         bigserial   PRIMARY KEY,
    month      date        NOT NULL,          -- the month it belongs to (first day)
    idea_ids   bigint[]    NOT NULL,
    pdf        bytea       NOT NULL,
    csv        bytea       NOT NULL,
    created_by bigint      REFERENCES participant (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX council_submission_month_idx ON council_submission (month DESC);
