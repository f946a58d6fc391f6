-- What staff chose for a connector: the kinds of change it posts and its text
-- template (NULL: the configuration's).
CREATE TABLE connector_setting (
    connector  text        PRIMARY KEY,
    kinds      text[],
    template   text,
    updated_by bigint      REFERENCES participant (id),
    updated_at timestamptz NOT NULL
);
