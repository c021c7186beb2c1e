-- 0002: API keys. Only a SHA-256 of each key is stored; the key is shown once.
-- Timestamps are TEXT in one fixed-width UTC format, so they compare as text.
CREATE TABLE api_key (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    prefix       TEXT NOT NULL CHECK (length(prefix) BETWEEN 8 AND 32),
    hash         BLOB NOT NULL CHECK (length(hash) = 32),
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT,
    CONSTRAINT api_key_prefix_key UNIQUE (prefix)
) STRICT;
CREATE UNIQUE INDEX api_key_active_name_key ON api_key (name) WHERE revoked_at IS NULL;
