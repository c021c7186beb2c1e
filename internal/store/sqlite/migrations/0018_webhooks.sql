-- 0018: webhook subscriptions and their delivery log (issue 19); see the
-- PostgreSQL migration of the same number.

CREATE TABLE webhook (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    url             TEXT    NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description     TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    types           TEXT    NOT NULL DEFAULT '',
    hotel_ids       TEXT    NOT NULL DEFAULT '',
    secret          TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason   TEXT    NOT NULL DEFAULT '',
    position        INTEGER NOT NULL CHECK (position >= 0),
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    failing_since   TEXT,
    next_attempt_at TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

CREATE TABLE webhook_delivery (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id   INTEGER NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    message_id   TEXT    NOT NULL,
    event_type   TEXT    NOT NULL,
    trigger      TEXT    NOT NULL CHECK (trigger IN ('feed', 'redelivery', 'test')),
    attempt      INTEGER NOT NULL,
    delivered    INTEGER NOT NULL CHECK (delivered IN (0, 1)),
    status_code  INTEGER NOT NULL DEFAULT 0,
    error        TEXT    NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL,
    attempted_at TEXT    NOT NULL
) STRICT;
CREATE INDEX webhook_delivery_webhook_idx ON webhook_delivery (webhook_id, id);
CREATE INDEX webhook_delivery_attempted_idx ON webhook_delivery (attempted_at);
