-- Geography: areas (communes, quarters, drawn polygons), the address register,
-- streets, targets and import runs.

CREATE TABLE area (
    id          bigserial   PRIMARY KEY,
    layer       text        NOT NULL,          -- the imported file or collection, e.g. "communes"
    key         text        NOT NULL,          -- the feature's identity within its layer
    kind        text        NOT NULL CHECK (kind IN ('commune', 'quarter', 'custom')),
    name        text        NOT NULL,
    properties  jsonb       NOT NULL DEFAULT '{}', -- as imported
    geometry    jsonb       NOT NULL,          -- GeoJSON MultiPolygon, WGS84
    min_lon     double precision NOT NULL,
    min_lat     double precision NOT NULL,
    max_lon     double precision NOT NULL,
    max_lat     double precision NOT NULL,
    geom_hash   bytea       NOT NULL,          -- of geometry and properties: re-imports detect change
    attribution text        NOT NULL DEFAULT '', -- e.g. "© OpenStreetMap contributors (ODbL)"
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,                   -- vanished from a newer file of its layer
    revision    integer     NOT NULL DEFAULT 1,
    UNIQUE (layer, key)
);
CREATE INDEX area_bbox_idx ON area (min_lon, max_lon, min_lat, max_lat) WHERE retired_at IS NULL;
CREATE INDEX area_kind_name_idx ON area (kind, lower(name)) WHERE retired_at IS NULL;

CREATE TABLE street (
    id        bigint PRIMARY KEY,               -- official id_caclr_rue
    name      text   NOT NULL,
    fold_name text   NOT NULL,                  -- lower case, no accents, abbreviations expanded
    locality  text   NOT NULL,
    commune   text   NOT NULL,
    fold_place text  NOT NULL DEFAULT ''        -- locality and commune, folded the same way
);
CREATE INDEX street_fold_idx ON street (fold_name text_pattern_ops);
CREATE INDEX street_commune_idx ON street (commune);

CREATE TABLE address (
    id            bigint      PRIMARY KEY,      -- official id_caclr_bat
    street_id     bigint      NOT NULL,
    street        text        NOT NULL,
    number        text        NOT NULL,
    number_int    integer     NOT NULL,         -- leading integer of number (0 when none)
    number_suffix text        NOT NULL,
    postcode      text        NOT NULL,
    locality      text        NOT NULL,
    commune       text        NOT NULL,
    lon           double precision,             -- WGS84; NULL when the register has no position
    lat           double precision,
    source        text        NOT NULL,         -- bd-adresses, caclr-zip, caclr-csv
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    retired_at    timestamptz,                  -- vanished from a newer register
    CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX address_street_idx ON address (street_id, number_int) WHERE retired_at IS NULL;
CREATE INDEX address_commune_idx ON address (commune) WHERE retired_at IS NULL;

-- A target is stored as its definition, so it re-resolves after a register update.
CREATE TABLE target (
    id          bigserial   PRIMARY KEY,
    name        text        NOT NULL,
    definition  jsonb       NOT NULL,
    created_by  bigint      REFERENCES participant (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    revision    integer     NOT NULL DEFAULT 1
);

-- Imports from the command line and the staff pages, with their progress.
CREATE TABLE import_run (
    id          bigserial   PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('areas', 'addresses')),
    filename    text        NOT NULL,
    status      text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    total       bigint      NOT NULL DEFAULT 0,
    processed   bigint      NOT NULL DEFAULT 0,
    result      jsonb       NOT NULL DEFAULT '{}',
    rejected    jsonb       NOT NULL DEFAULT '[]', -- [{line, field, reason, code}], at most 1000
    error       text        NOT NULL DEFAULT '',
    actor_id    bigint      REFERENCES participant (id),
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

ALTER TABLE participant ADD COLUMN home_address_id bigint REFERENCES address (id);

-- Readers of the log look for the newest event of an entity (caches of areas and
-- of the register check it to know when to reload).
CREATE INDEX event_entity_newest_idx ON event (entity, id);

-- Positions, for box queries in SQL (operators, reports); PostgreSQL's own point
-- type and GiST, no PostGIS. Target resolution uses the in-memory index.
CREATE INDEX address_point_idx ON address USING gist (point(lon, lat)) WHERE lon IS NOT NULL AND retired_at IS NULL;
