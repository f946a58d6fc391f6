-- Two-step verification: a TOTP secret (RFC 6238) a person's authenticator
-- app shares, once they confirmed it with a code; the last time step a code
-- was accepted for (a code is good once); and recovery codes, stored hashed,
-- each usable once, for the day the phone is lost.
ALTER TABLE participant
    ADD COLUMN totp_secret     bytea,
    ADD COLUMN totp_enabled_at timestamptz,
    ADD COLUMN totp_last_step  bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT participant_totp_confirmed CHECK ((totp_secret IS NULL) = (totp_enabled_at IS NULL));

CREATE TABLE recovery_code (
    participant_id bigint      NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    code_hash      bytea       NOT NULL,
    used_at        timestamptz,
    PRIMARY KEY (participant_id, code_hash)
);
