-- Webhooks: endpoints staff register, each with the kinds of change it wants.
-- The signing secret is kept (it must sign every delivery); it is shown once.
CREATE TABLE webhook_endpoint (
    id              bigserial   PRIMARY KEY,
    url             text        NOT NULL,
    description     text        NOT NULL DEFAULT '',
    secret          bytea       NOT NULL,               -- 32 random bytes (whsec_ + base64 to the receiver)
    kinds           text[]      NOT NULL,               -- e.g. {idea.created, project.published}
    enabled         boolean     NOT NULL DEFAULT true,
    disabled_reason text        NOT NULL DEFAULT '',
    last_error      text        NOT NULL DEFAULT '',
    last_success_at timestamptz,
    created_by      bigint      REFERENCES participant (id),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
