-- Comments and reactions on a post the platform does not know (yet) are kept
-- with what they said: when a delivery that timed out after the app created
-- the post records it later, the next pull imports them instead of losing them.
ALTER TABLE remote_import ADD COLUMN thread_id text, ADD COLUMN payload jsonb;
CREATE INDEX remote_import_parked_idx ON remote_import (connector, thread_id) WHERE payload IS NOT NULL;
