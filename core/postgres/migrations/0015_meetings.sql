-- Meetings (public meetings, workshops, site visits, council sessions) with
-- registration, capacity and a waiting list, and their outcome afterwards.
CREATE TABLE meeting (
    id               bigserial   PRIMARY KEY,
    project_id       bigint      REFERENCES project (id) ON DELETE SET NULL,
    kind             text        NOT NULL CHECK (kind IN ('public_meeting', 'workshop', 'site_visit', 'council_session')),
    title            text        NOT NULL,
    description      text        NOT NULL DEFAULT '', -- sanitised HTML
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL CHECK (ends_at > starts_at),
    location         text        NOT NULL DEFAULT '',
    lon              double precision,
    lat              double precision,
    online_url       text        NOT NULL DEFAULT '',
    capacity         integer     NOT NULL DEFAULT 0 CHECK (capacity >= 0), -- 0: no limit
    registered_count integer     NOT NULL DEFAULT 0 CHECK (registered_count >= 0),
    waiting_count    integer     NOT NULL DEFAULT 0 CHECK (waiting_count >= 0),
    published        boolean     NOT NULL DEFAULT false,
    outcome          text        NOT NULL DEFAULT '', -- sanitised HTML, after the meeting
    cancelled_at     timestamptz, -- called off by staff (registrations stay, for the record)
    created_by       bigint      REFERENCES participant (id),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    revision         integer     NOT NULL DEFAULT 1,
    CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX meeting_upcoming_idx ON meeting (starts_at) WHERE published;

CREATE TABLE meeting_registration (
    meeting_id     bigint      NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
    participant_id bigint      NOT NULL REFERENCES participant (id),
    status         text        NOT NULL CHECK (status IN ('registered', 'waiting', 'cancelled')),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    reminded_at    timestamptz,
    PRIMARY KEY (meeting_id, participant_id)
);
CREATE INDEX meeting_waiting_idx ON meeting_registration (meeting_id, created_at) WHERE status = 'waiting';
