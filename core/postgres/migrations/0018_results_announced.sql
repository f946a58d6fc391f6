-- When a consultation's results were announced on the channels (once, after
-- it closed).
ALTER TABLE consultation ADD COLUMN results_announced_at timestamptz;
CREATE INDEX consultation_unannounced_idx ON consultation (closes_at) WHERE published AND results_announced_at IS NULL;
