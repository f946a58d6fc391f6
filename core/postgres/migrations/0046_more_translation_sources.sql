-- Events', budgets' and councils' translations remember, like projects' and
-- consultations' (migration 45), the original words they were made from.
ALTER TABLE meeting_translation ADD COLUMN source_hash text NOT NULL DEFAULT '';
ALTER TABLE budget_translation ADD COLUMN source_hash text NOT NULL DEFAULT '';
ALTER TABLE council_translation ADD COLUMN source_hash text NOT NULL DEFAULT '';
