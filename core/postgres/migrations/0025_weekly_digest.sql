-- "What's new near you": residents who ask for it (opt-in, like the
-- newsletter) get one mail a week listing the ideas proposed in their quarter
-- and the projects published for it. digest_week remembers which weeks were
-- sent, in the transaction that queues the mails, so a job that runs twice (a
-- retry, two servers) sends each week once.
ALTER TABLE participant ADD COLUMN digest boolean NOT NULL DEFAULT false;
CREATE TABLE digest_week (
    week       date        PRIMARY KEY,             -- the Monday the digest covers up to
    sent_at    timestamptz NOT NULL,
    recipients integer     NOT NULL
);
