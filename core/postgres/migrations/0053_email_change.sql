-- A person changes their e-mail address from their account: a one-time link
-- goes to the new address, which replaces the old one only once followed.
ALTER TABLE email_token DROP CONSTRAINT email_token_purpose_check,
    ADD CONSTRAINT email_token_purpose_check CHECK (purpose IN ('verify_email', 'reset_password', 'change_email')),
    ADD COLUMN new_email text,
    ADD CONSTRAINT email_token_new_email CHECK ((purpose = 'change_email') = (new_email IS NOT NULL));
