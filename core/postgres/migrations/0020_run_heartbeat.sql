-- A run's last sign of life. Imports and flyer runs are written by a goroutine
-- of the server that started them; if that server stops, the row stays
-- 'running' for ever. A run that has not progressed for runStallAfter (see
-- runs.go) is shown as interrupted, so staff start it again instead of
-- watching a progress bar that never moves.
ALTER TABLE import_run ADD COLUMN progressed_at timestamptz;
ALTER TABLE flyer_run ADD COLUMN progressed_at timestamptz;
