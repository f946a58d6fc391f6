-- An answer template may be written for readers of one language: the review
-- page offers the author's language's templates first.
ALTER TABLE answer_template ADD COLUMN language text NOT NULL DEFAULT '' CHECK (language IN ('', 'fr', 'de', 'lb', 'en'));
