-- The sync engine: change-log cursors, what was published where, what was
-- imported, pull cursors, external identities, remote areas and schedules.

-- Each change-log row remembers its transaction. Readers take only rows of
-- transactions older than every transaction still running, ordered by
-- (txid, id): a row that commits late can then never fall behind a cursor,
-- which a cursor on id alone would allow (ids are handed out before commit).
ALTER TABLE event ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX event_txid_idx ON event (txid, id);

-- Wake the dispatcher when the change log grows (once per statement).
CREATE FUNCTION event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('quartier_event', '');
    RETURN NULL;
END $$;
CREATE TRIGGER event_notify AFTER INSERT ON event FOR EACH STATEMENT EXECUTE FUNCTION event_notify();

CREATE TABLE sync_cursor (
    connector  text        PRIMARY KEY,
    last_txid  xid8        NOT NULL DEFAULT '0',
    last_id    bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per local item a connector published: its remote id and what the
-- last successful post carried.
CREATE TABLE remote_ref (
    connector  text        NOT NULL,
    entity     text        NOT NULL,
    local_id   bigint      NOT NULL,
    remote_id  text        NOT NULL,
    remote_url text        NOT NULL DEFAULT '',
    revision   integer     NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (connector, entity, local_id)
);
CREATE UNIQUE INDEX remote_ref_remote_idx ON remote_ref (connector, remote_id);

-- What a connector brought in: a remote item is imported once, however often
-- overlapping pulls return it.
CREATE TABLE remote_import (
    connector    text        NOT NULL,
    kind         text        NOT NULL, -- comment, reaction, idea
    remote_id    text        NOT NULL,
    local_entity text        NOT NULL DEFAULT '',
    local_id     bigint      NOT NULL DEFAULT 0,
    outcome      text        NOT NULL DEFAULT 'imported', -- imported, ignored (with why), rejected (with why)
    detail       text        NOT NULL DEFAULT '',
    imported_at  timestamptz NOT NULL,
    PRIMARY KEY (connector, kind, remote_id)
);
CREATE INDEX remote_import_outcome_idx ON remote_import (connector, outcome, imported_at DESC);

CREATE TABLE pull_cursor (
    connector  text        PRIMARY KEY,
    cursor     text        NOT NULL DEFAULT '',
    pulled_at  timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Someone known to an outside system: an app member (pseudonymous participant),
-- or an account linked through a login provider.
CREATE TABLE external_identity (
    provider       text        NOT NULL,
    subject        text        NOT NULL,
    participant_id bigint      NOT NULL REFERENCES participant (id),
    area_ref       text        NOT NULL DEFAULT '', -- the app's neighbourhood id
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX external_identity_participant_idx ON external_identity (participant_id);

-- An app's neighbourhoods with their boundaries (GeoJSON MultiPolygon).
CREATE TABLE remote_area (
    connector  text        NOT NULL,
    remote_id  text        NOT NULL,
    name       text        NOT NULL,
    boundary   jsonb       NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (connector, remote_id)
);

-- When each scheduled job is next due: a run missed while no server ran is
-- caught once at start, and two servers never both take the same run.
CREATE TABLE schedule_due (
    name     text        PRIMARY KEY,
    next_due timestamptz NOT NULL,
    last_run timestamptz
);

-- App members are participants without an account: no e-mail, never deleted.
ALTER TABLE participant ADD COLUMN member boolean NOT NULL DEFAULT false;
ALTER TABLE participant DROP CONSTRAINT participant_check;
ALTER TABLE participant ADD CONSTRAINT participant_email_check CHECK (member OR (deleted_at IS NULL) = (email IS NOT NULL));
