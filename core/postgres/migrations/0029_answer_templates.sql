-- Official answers kept by staff for reuse on the review page (core.AnswerTemplate).
CREATE TABLE answer_template (
    id         bigserial   PRIMARY KEY,
    title      text        NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    status     text        NOT NULL DEFAULT '',
    body       text        NOT NULL CHECK (length(body) >= 10),
    created_by bigint      REFERENCES participant (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL
);
