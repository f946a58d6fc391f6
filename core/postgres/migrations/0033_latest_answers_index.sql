-- The home page's latest official answers (Store.LatestAnswers). Partial: an
-- idea enters it when answered, and supports only ever update open,
-- unanswered ideas, so the support path never writes to it.
CREATE INDEX idea_answered_idx ON idea (answered_at DESC, id DESC) WHERE answered_at IS NOT NULL AND NOT hidden;
