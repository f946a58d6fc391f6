-- Authors withdraw their own comments. The row stays (replies keep their
-- place in the thread) without its words; the page shows "withdrawn by its
-- author" where it had replies, and nothing where it had none.
ALTER TABLE comment ADD COLUMN withdrawn_at timestamptz;
