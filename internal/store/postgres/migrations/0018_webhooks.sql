-- 0018: webhook subscriptions and their delivery log (issue 19). A
-- subscription follows the event feed from its position: the dispatcher
-- delivers the next selected event until the receiver answers 2xx, then
-- moves the position past it (a conditional update on the position, so a
-- delivery is recorded once however many dispatchers race). Failures back
-- off; a subscription failing for the whole retry period is paused.

CREATE TABLE webhook (
    id              BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url             TEXT        NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description     TEXT        NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    types           TEXT        NOT NULL DEFAULT '',  -- comma-separated; '' = every type
    hotel_ids       TEXT        NOT NULL DEFAULT '',  -- comma-separated; '' = every hotel
    secret          TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason   TEXT        NOT NULL DEFAULT '',
    position        BIGINT      NOT NULL CHECK (position >= 0),
    failed_attempts INTEGER     NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    failing_since   TIMESTAMPTZ,
    next_attempt_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE webhook_delivery (
    id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id   BIGINT      NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    message_id   TEXT        NOT NULL,
    event_type   TEXT        NOT NULL,
    trigger      TEXT        NOT NULL CHECK (trigger IN ('feed', 'redelivery', 'test')),
    attempt      INTEGER     NOT NULL,
    delivered    BOOLEAN     NOT NULL,
    status_code  INTEGER     NOT NULL DEFAULT 0,
    error        TEXT        NOT NULL DEFAULT '',
    duration_ms  BIGINT      NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_delivery_webhook_idx ON webhook_delivery (webhook_id, id);
CREATE INDEX webhook_delivery_attempted_idx ON webhook_delivery (attempted_at);
