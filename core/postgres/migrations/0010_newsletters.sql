-- What residents want to receive, newsletters with their archive, consultation
-- invitations (once per resident), and the List-Unsubscribe link of a mail.
ALTER TABLE participant ADD COLUMN newsletter boolean NOT NULL DEFAULT false;  -- opt-in
ALTER TABLE participant ADD COLUMN invitations boolean NOT NULL DEFAULT true;  -- consultations aimed at my address

ALTER TABLE mail_outbox ADD COLUMN unsubscribe text NOT NULL DEFAULT '';

CREATE TABLE newsletter (
    id         bigserial   PRIMARY KEY,
    subject    text        NOT NULL,
    body       text        NOT NULL, -- plain text, paragraphs separated by blank lines
    target_id  bigint      REFERENCES target (id),
    created_by bigint      REFERENCES participant (id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    sent_at    timestamptz,
    recipients integer     NOT NULL DEFAULT 0
);
CREATE INDEX newsletter_sent_idx ON newsletter (sent_at DESC) WHERE sent_at IS NOT NULL;

CREATE TABLE consultation_invitation (
    consultation_id bigint      NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    participant_id  bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    sent_at         timestamptz NOT NULL,
    PRIMARY KEY (consultation_id, participant_id)
);
