-- Photos residents add to their ideas (core.NormalizePhoto: re-encoded, upright,
-- at most 1,600 pixels, without metadata), at most core.MaxIdeaPhotos each.
CREATE TABLE idea_image (
    id           bigserial   PRIMARY KEY,
    idea_id      bigint      NOT NULL REFERENCES idea (id) ON DELETE CASCADE,
    content_type text        NOT NULL,
    data         bytea       NOT NULL,
    width        integer     NOT NULL,
    height       integer     NOT NULL,
    alt          text        NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX idea_image_idea_idx ON idea_image (idea_id, id);
