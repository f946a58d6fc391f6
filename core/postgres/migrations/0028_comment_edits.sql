-- Authors correct their comments until someone replies to them; the page
-- says "edited" once they did.
ALTER TABLE comment ADD COLUMN edited_at timestamptz;
