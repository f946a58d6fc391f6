-- Reactions to the commune's posts on networks, refreshed at each pull.
ALTER TABLE remote_ref ADD COLUMN likes integer NOT NULL DEFAULT 0;
ALTER TABLE remote_ref ADD COLUMN shares integer NOT NULL DEFAULT 0;
ALTER TABLE remote_ref ADD COLUMN replies integer NOT NULL DEFAULT 0;
