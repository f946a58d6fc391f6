-- Staff are a handful among thousands of residents (and app members): the
-- review assignment that follows every idea reaching its threshold asked
-- "is there a manager or admin?" with a sequential scan of participant
-- (0.22 ms with 28,000 participants in the support benchmark, growing with the
-- commune). The staff lists and checks read this small index instead.
CREATE INDEX participant_staff_idx ON participant (role, id)
    WHERE deleted_at IS NULL AND role IN ('moderator', 'manager', 'admin');
