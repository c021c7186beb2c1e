-- 0020: staff users of the console, their sessions, and the hotel limit of
-- users and API keys (issue 20); see the PostgreSQL migration of the same
-- number. Only hashes are stored: argon2id of a password, SHA-256 of a
-- session token. hotel_ids is a comma list; empty: every hotel.

CREATE TABLE staff_user (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    role            TEXT    NOT NULL CHECK (role IN ('front_desk', 'revenue', 'admin')),
    hotel_ids       TEXT    NOT NULL DEFAULT '',
    password_hash   TEXT    NOT NULL,
    disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    TEXT,
    last_sign_in_at TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CONSTRAINT staff_user_email_key UNIQUE (email)
) STRICT;

CREATE TABLE staff_session (
    hash         BLOB    PRIMARY KEY CHECK (length(hash) = 32),
    user_id      INTEGER NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    revoked_at   TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX staff_session_user_idx ON staff_session (user_id);
CREATE INDEX staff_session_expires_idx ON staff_session (expires_at);

ALTER TABLE api_key ADD COLUMN hotel_ids TEXT NOT NULL DEFAULT '';
