-- Foundation: the change log, participants and their credentials, sessions, one-time
-- e-mail links, API tokens, rate-limit counters, the mail outbox and the server secret.

-- The change log. Every write of the domain appends here in the same transaction;
-- sync, feeds, webhooks and indicators read it past their own cursor.
CREATE TABLE event (
    id          bigserial   PRIMARY KEY,
    kind        text        NOT NULL,           -- created, updated, deleted, ...
    entity      text        NOT NULL,           -- participant, project, idea, ...
    entity_id   bigint      NOT NULL,
    revision    integer     NOT NULL,
    area_ids    bigint[]    NOT NULL DEFAULT '{}',
    actor_id    bigint,                         -- who acted; NULL for the system
    occurred_at timestamptz NOT NULL DEFAULT now(),
    data        jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX event_entity_idx ON event (entity, entity_id, revision);
CREATE INDEX event_actor_idx ON event (actor_id) WHERE actor_id IS NOT NULL;

CREATE TABLE participant (
    id                bigserial   PRIMARY KEY,
    email             text        UNIQUE,       -- lower-case; NULL once deleted
    password_hash     text,                     -- argon2id, PHC format; NULL once deleted
    display_name      text        NOT NULL,
    role              text        NOT NULL DEFAULT 'citizen'
                                  CHECK (role IN ('citizen', 'moderator', 'manager', 'admin')),
    locale            text        NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'de', 'lb', 'en')),
    email_verified_at timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    deleted_at        timestamptz,
    revision          integer     NOT NULL DEFAULT 1,
    CHECK ((deleted_at IS NULL) = (email IS NOT NULL))
);

-- Browser sessions. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE web_session (
    token_hash     bytea       PRIMARY KEY,
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    user_agent     text        NOT NULL DEFAULT ''
);
CREATE INDEX web_session_participant_idx ON web_session (participant_id);
CREATE INDEX web_session_expires_idx ON web_session (expires_at);

-- One-time links sent by e-mail (confirm an address, reset a password).
CREATE TABLE email_token (
    token_hash     bytea       PRIMARY KEY,
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    purpose        text        NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);
CREATE INDEX email_token_participant_idx ON email_token (participant_id, purpose);

-- Personal API tokens for /api/v1 (Authorization: Bearer ...).
CREATE TABLE api_token (
    id             bigserial   PRIMARY KEY,
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    name           text        NOT NULL,
    token_hash     bytea       NOT NULL UNIQUE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz,
    revoked_at     timestamptz
);
CREATE INDEX api_token_participant_idx ON api_token (participant_id);

-- Fixed-window counters for rate limits, shared by every server process. The key is
-- a hash of what is counted (an IP address, an e-mail address), never the value.
CREATE TABLE rate_limit (
    bucket       text        NOT NULL,
    key_hash     bytea       NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer     NOT NULL,
    PRIMARY KEY (bucket, key_hash, window_start)
);
CREATE INDEX rate_limit_window_idx ON rate_limit (window_start);

-- Outgoing e-mail, written in the transaction that causes it and delivered by a
-- background loop with retries, so a slow or absent SMTP server never loses a message
-- and never blocks a request.
CREATE TABLE mail_outbox (
    id              bigserial   PRIMARY KEY,
    recipient       text        NOT NULL,
    subject         text        NOT NULL,
    body            text        NOT NULL,       -- emptied once sent: it may hold a link
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    failed_at       timestamptz,                -- set when retries are exhausted
    last_error      text        NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- The key that signs CSRF tokens; made once per installation.
CREATE TABLE server_secret (
    id     integer PRIMARY KEY CHECK (id = 1),
    secret bytea   NOT NULL
);
-- gen_random_uuid() draws from the server's strong random source (no pgcrypto needed).
INSERT INTO server_secret (id, secret)
VALUES (1, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
