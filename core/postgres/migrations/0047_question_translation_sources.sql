-- A question's translations remember, like the other texts' (migrations
-- 45–46), the question's words they were made from: a question edited
-- before the first answer leaves its translations to review.
ALTER TABLE question_translation ADD COLUMN source_hash text NOT NULL DEFAULT '';
