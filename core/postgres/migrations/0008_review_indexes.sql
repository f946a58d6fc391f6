-- Reviewers' workloads and the assignment sweep read unanswered ideas by
-- reviewer, and ideas in review that nobody reviews yet: without these they
-- scan the whole idea table on every threshold crossing.
CREATE INDEX idea_open_by_reviewer_idx ON idea (assigned_to) WHERE answered_at IS NULL;
CREATE INDEX idea_unassigned_review_idx ON idea (id) WHERE status = 'in_review' AND assigned_to IS NULL;
