-- Neighbourhood councils: a council per quarter (or any target), its members
-- (appointed, elected or drawn by lot from resident volunteers), the draws
-- with everything needed to redo them, its documents, meetings and proposals.
CREATE TABLE council (
    id          bigserial   PRIMARY KEY,
    name        text        NOT NULL,
    description text        NOT NULL DEFAULT '', -- sanitised HTML
    target_id   bigint      REFERENCES target (id), -- whose residents may volunteer; NULL: the whole commune
    seats       integer     NOT NULL CHECK (seats BETWEEN 1 AND 200), -- seats filled by lot
    stratified  boolean     NOT NULL DEFAULT true, -- draws share seats among streets
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    revision    integer     NOT NULL DEFAULT 1
);

CREATE TABLE council_member (
    council_id     bigint      NOT NULL REFERENCES council (id) ON DELETE CASCADE,
    participant_id bigint      NOT NULL REFERENCES participant (id),
    role           text        NOT NULL CHECK (role IN ('appointed', 'elected', 'drawn')),
    since          timestamptz NOT NULL,
    draw_id        bigint, -- the draw that seated a drawn member
    PRIMARY KEY (council_id, participant_id)
);

CREATE TABLE council_volunteer (
    council_id     bigint      NOT NULL REFERENCES council (id) ON DELETE CASCADE,
    participant_id bigint      NOT NULL REFERENCES participant (id),
    street_id      bigint, -- the street of their home address when they volunteered
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (council_id, participant_id)
);

CREATE TABLE council_draw (
    id          bigserial   PRIMARY KEY,
    council_id  bigint      NOT NULL REFERENCES council (id) ON DELETE CASCADE,
    seed        text        NOT NULL,
    seats       integer     NOT NULL,
    stratified  boolean     NOT NULL,
    volunteers  bigint[]    NOT NULL, -- participant ids in the order the draw used
    streets     bigint[]    NOT NULL, -- each volunteer's street (0: unknown)
    quotas      jsonb       NOT NULL DEFAULT '{}', -- street id -> seats
    drawn       bigint[]    NOT NULL, -- in the order drawn
    drawn_at    timestamptz NOT NULL,
    actor_id    bigint      REFERENCES participant (id)
);

CREATE TABLE council_document (
    id         bigserial   PRIMARY KEY,
    council_id bigint      NOT NULL REFERENCES council (id) ON DELETE CASCADE,
    title      text        NOT NULL,
    body       text        NOT NULL, -- sanitised HTML
    created_at timestamptz NOT NULL
);

CREATE TABLE council_proposal (
    council_id bigint NOT NULL REFERENCES council (id) ON DELETE CASCADE,
    idea_id    bigint NOT NULL UNIQUE REFERENCES idea (id),
    PRIMARY KEY (council_id, idea_id)
);

ALTER TABLE meeting ADD COLUMN council_id bigint REFERENCES council (id) ON DELETE SET NULL;
