-- Project images: re-encoded on upload (no metadata travels), with the text
-- alternative screen readers need.
CREATE TABLE project_image (
    id           bigserial   PRIMARY KEY,
    project_id   bigint      NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    content_type text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    data         bytea       NOT NULL,
    width        integer     NOT NULL,
    height       integer     NOT NULL,
    alt          text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX project_image_project_idx ON project_image (project_id, id);
