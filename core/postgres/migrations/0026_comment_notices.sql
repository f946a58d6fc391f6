-- People hear of comments on their ideas and replies to their comments by
-- mail (participant.notify_replies, on by default, off from the account page
-- or the mail's link). comment_notice throttles it: at most one such mail per
-- person and idea an hour, so a lively thread does not flood its author.
ALTER TABLE participant ADD COLUMN notify_replies boolean NOT NULL DEFAULT true;
CREATE TABLE comment_notice (
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    idea_id        bigint      NOT NULL REFERENCES idea (id) ON DELETE CASCADE,
    sent_at        timestamptz NOT NULL,
    PRIMARY KEY (participant_id, idea_id)
);
