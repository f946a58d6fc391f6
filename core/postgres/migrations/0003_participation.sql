-- Participation: projects with phases and updates, followers, ideas with
-- supports and threaded comments, the public timeline of each idea, flags and
-- the staff audit log. Counters live on their rows and change in the same
-- transaction as what they count.

CREATE TABLE project (
    id             bigserial   PRIMARY KEY,
    title          text        NOT NULL,
    summary        text        NOT NULL DEFAULT '',
    body_html      text        NOT NULL DEFAULT '',     -- sanitised
    topics         text[]      NOT NULL DEFAULT '{}',
    area_ids       bigint[]    NOT NULL DEFAULT '{}',   -- target areas: only their residents may support
    status         text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    lon            double precision,                    -- where it is, for the map
    lat            double precision,
    follower_count integer     NOT NULL DEFAULT 0 CHECK (follower_count >= 0),
    idea_count     integer     NOT NULL DEFAULT 0 CHECK (idea_count >= 0),
    created_by     bigint      REFERENCES participant (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    published_at   timestamptz,
    revision       integer     NOT NULL DEFAULT 1,
    CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX project_public_idx ON project (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX project_topics_idx ON project USING gin (topics);

CREATE TABLE project_phase (
    id         bigserial PRIMARY KEY,
    project_id bigint    NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    kind       text      NOT NULL CHECK (kind IN ('information', 'ideas', 'consultation', 'vote', 'implementation')),
    starts_on  date      NOT NULL,
    ends_on    date,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX project_phase_project_idx ON project_phase (project_id, starts_on);

CREATE TABLE project_update (
    id         bigserial   PRIMARY KEY,
    project_id bigint      NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    title      text        NOT NULL,
    body_html  text        NOT NULL,
    created_by bigint      REFERENCES participant (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX project_update_project_idx ON project_update (project_id, created_at DESC);

CREATE TABLE project_follow (
    project_id     bigint      NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, participant_id)
);

CREATE TABLE idea (
    id            bigserial   PRIMARY KEY,
    project_id    bigint      REFERENCES project (id),  -- NULL: a spontaneous proposal for the whole commune
    author_id     bigint      NOT NULL REFERENCES participant (id),
    title         text        NOT NULL,
    body          text        NOT NULL,                 -- plain text
    lon           double precision,
    lat           double precision,
    address_id    bigint      REFERENCES address (id),
    channel       text        NOT NULL DEFAULT 'web',
    status        text        NOT NULL DEFAULT 'submitted' CHECK (status IN (
                      'submitted', 'in_review', 'feasible', 'not_feasible', 'submitted_to_council',
                      'decided', 'in_progress', 'done', 'rejected')),
    hidden        boolean     NOT NULL DEFAULT false,   -- moderation
    support_count integer     NOT NULL DEFAULT 0 CHECK (support_count >= 0),
    comment_count integer     NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
    flag_count    integer     NOT NULL DEFAULT 0 CHECK (flag_count >= 0),
    assigned_to   bigint      REFERENCES participant (id),
    review_due_on date,
    answer_due_on date        NOT NULL,                 -- the follow-up promise
    answer        text        NOT NULL DEFAULT '',
    answered_at   timestamptz,
    progress      integer     NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    revision      integer     NOT NULL DEFAULT 1,
    CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX idea_public_idx ON idea (project_id, id DESC) WHERE NOT hidden;
CREATE INDEX idea_top_idx ON idea (support_count DESC, id DESC) WHERE NOT hidden;
CREATE INDEX idea_recent_idx ON idea (id DESC) WHERE NOT hidden;
CREATE INDEX idea_position_idx ON idea USING gist (point(lon, lat)) WHERE lon IS NOT NULL AND NOT hidden;
CREATE INDEX idea_due_idx ON idea (answer_due_on) WHERE answered_at IS NULL;
CREATE INDEX idea_author_idx ON idea (author_id);

-- One support per person per idea: the primary key enforces it, whatever the
-- number of clicks.
CREATE TABLE support (
    idea_id        bigint      NOT NULL REFERENCES idea (id) ON DELETE CASCADE,
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    channel        text        NOT NULL DEFAULT 'web',
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (idea_id, participant_id)
);
CREATE INDEX support_participant_idx ON support (participant_id);

CREATE TABLE comment (
    id         bigserial   PRIMARY KEY,
    idea_id    bigint      NOT NULL REFERENCES idea (id) ON DELETE CASCADE,
    parent_id  bigint      REFERENCES comment (id) ON DELETE CASCADE,
    author_id  bigint      NOT NULL REFERENCES participant (id),
    body       text        NOT NULL,
    channel    text        NOT NULL DEFAULT 'web',
    hidden     boolean     NOT NULL DEFAULT false,
    flag_count integer     NOT NULL DEFAULT 0 CHECK (flag_count >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comment_idea_idx ON comment (idea_id, id);
CREATE INDEX comment_author_idx ON comment (author_id);

-- The public timeline of an idea: what happened and when.
CREATE TABLE idea_step (
    id         bigserial   PRIMARY KEY,
    idea_id    bigint      NOT NULL REFERENCES idea (id) ON DELETE CASCADE,
    status     text        NOT NULL,
    note       text        NOT NULL DEFAULT '',
    actor_id   bigint      REFERENCES participant (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idea_step_idea_idx ON idea_step (idea_id, id);

CREATE TABLE flag (
    id             bigserial   PRIMARY KEY,
    entity         text        NOT NULL CHECK (entity IN ('idea', 'comment')),
    entity_id      bigint      NOT NULL,
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    reason         text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz,
    UNIQUE (entity, entity_id, participant_id)
);

-- What staff did, with why.
CREATE TABLE audit_log (
    id         bigserial   PRIMARY KEY,
    actor_id   bigint      REFERENCES participant (id),
    action     text        NOT NULL,
    entity     text        NOT NULL,
    entity_id  bigint      NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
