-- Participatory budgets: envelopes (commune-wide or for a target's residents),
-- projects (each one an idea, so that feasibility review, answers and
-- implementation reuse the follow-up of ideas), ballots saved as drafts and
-- then cast, one per participant per envelope.
CREATE TABLE budget (
    id             bigserial   PRIMARY KEY,
    title          text        NOT NULL,
    description    text        NOT NULL DEFAULT '', -- sanitised HTML
    method         text        NOT NULL CHECK (method IN ('knapsack', 'approval', 'points')),
    max_choices    integer     NOT NULL DEFAULT 0 CHECK (max_choices >= 0), -- approval: at most N projects (0: any number)
    points         integer     NOT NULL DEFAULT 0 CHECK (points >= 0),      -- points: K points to distribute
    rule           text        NOT NULL DEFAULT 'equal_shares' CHECK (rule IN ('equal_shares', 'greedy')),
    phase          text        NOT NULL DEFAULT 'draft'
                   CHECK (phase IN ('draft', 'proposals', 'review', 'voting', 'results', 'implementation')),
    vote_opens_at  timestamptz NOT NULL,
    vote_closes_at timestamptz NOT NULL CHECK (vote_closes_at > vote_opens_at),
    allow_changes  boolean     NOT NULL DEFAULT true, -- a cast ballot may be changed until closing
    verified_only  boolean     NOT NULL DEFAULT false, -- only residents with a verified address vote
    created_by     bigint      REFERENCES participant (id),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    revision       integer     NOT NULL DEFAULT 1
);

CREATE TABLE budget_envelope (
    id        bigserial PRIMARY KEY,
    budget_id bigint    NOT NULL REFERENCES budget (id) ON DELETE CASCADE,
    name      text      NOT NULL,
    target_id bigint    REFERENCES target (id), -- NULL: the whole commune
    amount    bigint    NOT NULL CHECK (amount > 0), -- whole euros
    position  integer   NOT NULL DEFAULT 0,
    UNIQUE (budget_id, id)
);

CREATE TABLE budget_project (
    id             bigserial PRIMARY KEY,
    budget_id      bigint    NOT NULL REFERENCES budget (id) ON DELETE CASCADE,
    envelope_id    bigint    NOT NULL,
    idea_id        bigint    NOT NULL UNIQUE REFERENCES idea (id),
    estimated_cost bigint    NOT NULL CHECK (estimated_cost > 0),
    final_cost     bigint    CHECK (final_cost > 0), -- set by staff at review
    vote_count     integer   NOT NULL DEFAULT 0 CHECK (vote_count >= 0), -- cast ballots choosing it (points: sum)
    selected       boolean   NOT NULL DEFAULT false, -- a winner of the published result
    FOREIGN KEY (budget_id, envelope_id) REFERENCES budget_envelope (budget_id, id),
    UNIQUE (envelope_id, id)
);
CREATE INDEX budget_project_budget_idx ON budget_project (budget_id, envelope_id);

CREATE TABLE ballot (
    envelope_id    bigint      NOT NULL REFERENCES budget_envelope (id) ON DELETE CASCADE,
    participant_id bigint      NOT NULL REFERENCES participant (id),
    cast_at        timestamptz, -- NULL: a draft
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (envelope_id, participant_id)
);

CREATE TABLE ballot_choice (
    envelope_id    bigint  NOT NULL,
    participant_id bigint  NOT NULL,
    project_id     bigint  NOT NULL,
    points         integer NOT NULL DEFAULT 1 CHECK (points > 0),
    PRIMARY KEY (envelope_id, participant_id, project_id),
    FOREIGN KEY (envelope_id, participant_id) REFERENCES ballot (envelope_id, participant_id) ON DELETE CASCADE,
    FOREIGN KEY (envelope_id, project_id) REFERENCES budget_project (envelope_id, id)
);

-- The published result of each envelope: both rules' winners, for the record.
CREATE TABLE budget_result (
    envelope_id  bigint      PRIMARY KEY REFERENCES budget_envelope (id) ON DELETE CASCADE,
    rule         text        NOT NULL,
    ballots      integer     NOT NULL,
    share        double precision NOT NULL, -- Equal Shares: each voter's final virtual share
    equal_shares bigint[]    NOT NULL,      -- project ids in the order chosen
    greedy       bigint[]    NOT NULL,
    published_at timestamptz NOT NULL
);
