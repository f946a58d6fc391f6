-- Consultations (surveys and one-question polls), their answers and live tallies,
-- verified home addresses and the residence codes printed on flyers.

-- A participant's home address is verified when they redeemed a residence code
-- printed for it (or, later, logged in through a provider that vouches for it).
-- Changing the address by hand clears the verification.
ALTER TABLE participant ADD COLUMN home_verified_at timestamptz;
ALTER TABLE participant ADD COLUMN home_verified_via text NOT NULL DEFAULT '';

CREATE TABLE consultation (
    id             bigserial   PRIMARY KEY,
    project_id     bigint      REFERENCES project (id) ON DELETE SET NULL,
    kind           text        NOT NULL CHECK (kind IN ('survey', 'poll')),
    title          text        NOT NULL,
    description    text        NOT NULL DEFAULT '', -- sanitised HTML
    eligibility    text        NOT NULL CHECK (eligibility IN ('anyone', 'registered', 'verified')),
    target_id      bigint      REFERENCES target (id),
    opens_at       timestamptz NOT NULL,
    closes_at      timestamptz NOT NULL CHECK (closes_at > opens_at),
    live_results   boolean     NOT NULL DEFAULT false,
    published      boolean     NOT NULL DEFAULT false,
    response_count integer     NOT NULL DEFAULT 0 CHECK (response_count >= 0),
    created_by     bigint      REFERENCES participant (id),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    revision       integer     NOT NULL DEFAULT 1,
    CHECK (eligibility <> 'verified' OR target_id IS NOT NULL)
);
CREATE INDEX consultation_project_idx ON consultation (project_id, id) WHERE project_id IS NOT NULL;
CREATE INDEX consultation_published_idx ON consultation (closes_at DESC) WHERE published;

-- Questions are frozen once the first response exists (the store refuses edits),
-- so every stored answer stays readable against the question it answered.
CREATE TABLE question (
    id              bigserial PRIMARY KEY,
    consultation_id bigint    NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    position        integer   NOT NULL,
    section         text      NOT NULL DEFAULT '',
    kind            text      NOT NULL CHECK (kind IN ('single', 'multiple', 'ranking', 'scale', 'text', 'yesno', 'point', 'scenario')),
    prompt          text      NOT NULL,
    help            text      NOT NULL DEFAULT '',
    required        boolean   NOT NULL DEFAULT false,
    min_choices     integer   NOT NULL DEFAULT 0,
    max_choices     integer   NOT NULL DEFAULT 0, -- 0: no upper limit
    scale_max       integer   NOT NULL DEFAULT 0, -- 5 or 10 for scale questions
    UNIQUE (consultation_id, position)
);

CREATE TABLE question_option (
    id          bigserial PRIMARY KEY,
    question_id bigint    NOT NULL REFERENCES question (id) ON DELETE CASCADE,
    position    integer   NOT NULL,
    label       text      NOT NULL,
    description text      NOT NULL DEFAULT '', -- scenarios
    image_id    bigint    REFERENCES project_image (id) ON DELETE SET NULL,
    cost_cents  bigint    NOT NULL DEFAULT 0,
    UNIQUE (question_id, position)
);

-- One response per participant per consultation: the database guarantees it.
CREATE TABLE response (
    id              bigserial   PRIMARY KEY,
    consultation_id bigint      NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    participant_id  bigint      NOT NULL REFERENCES participant (id),
    channel         text        NOT NULL DEFAULT 'web',
    address_id      bigint      REFERENCES address (id), -- home address when answering, for breakdowns
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (consultation_id, participant_id)
);

CREATE TABLE answer (
    response_id bigint   NOT NULL REFERENCES response (id) ON DELETE CASCADE,
    question_id bigint   NOT NULL REFERENCES question (id) ON DELETE CASCADE,
    choices     bigint[] NOT NULL DEFAULT '{}', -- option ids, in rank order for rankings
    number      integer  NOT NULL DEFAULT 0,    -- scale value; yes = 1, no = 0
    body        text     NOT NULL DEFAULT '',   -- free text
    hidden      boolean  NOT NULL DEFAULT false, -- free text removed by a moderator
    lon         double precision,
    lat         double precision,
    PRIMARY KEY (response_id, question_id)
);
CREATE INDEX answer_question_idx ON answer (question_id);

-- Live tallies, kept in the transaction that writes the answers: key is an option
-- id, a scale value or yes/no; points sum ranking positions (Borda).
CREATE TABLE tally (
    question_id bigint NOT NULL REFERENCES question (id) ON DELETE CASCADE,
    key         text   NOT NULL,
    count       bigint NOT NULL DEFAULT 0 CHECK (count >= 0),
    points      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (question_id, key)
);

CREATE TABLE residence_code (
    id              bigserial   PRIMARY KEY,
    consultation_id bigint      NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    address_id      bigint      NOT NULL REFERENCES address (id),
    code_hash       bytea       NOT NULL UNIQUE, -- SHA-256 of the normalised code
    valid_until     timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    redeemed_by     bigint      REFERENCES participant (id),
    redeemed_at     timestamptz,
    revoked_at      timestamptz
);
-- At most one live code (neither revoked nor spent) per address per consultation.
CREATE UNIQUE INDEX residence_code_live_idx ON residence_code (consultation_id, address_id)
    WHERE revoked_at IS NULL AND redeemed_at IS NULL;

-- A flyer run: the PDF is written by a background worker; the page polls this row.
CREATE TABLE flyer_run (
    id              bigserial   PRIMARY KEY,
    consultation_id bigint      NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    paper           text        NOT NULL CHECK (paper IN ('A4', 'A5')),
    with_codes      boolean     NOT NULL,
    status          text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    total           integer     NOT NULL DEFAULT 0,
    done            integer     NOT NULL DEFAULT 0,
    error           text        NOT NULL DEFAULT '',
    actor_id        bigint      REFERENCES participant (id),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz
);
