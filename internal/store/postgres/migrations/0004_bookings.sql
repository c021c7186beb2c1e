-- 0004: booking lifecycle (optimistic version, saga marker, early departure)
-- and Idempotency-Key records.

ALTER TABLE booking
    -- Optimistic concurrency: +1 on every update.
    ADD COLUMN version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- The booking's hold may not match it yet (a saga step in flight or
    -- interrupted); the recovery pass finishes it.
    ADD COLUMN sync_pending BOOLEAN NOT NULL DEFAULT FALSE,
    -- The day the guest left, set by an early departure.
    ADD COLUMN departed_on  DATE;

-- The recovery pass: pending rows, oldest update first. Small: only rows in flight.
CREATE INDEX booking_sync_pending_idx ON booking (updated_at, id) WHERE sync_pending;
-- A hotel's bookings newest first (ids are time-ordered UUIDv7s); the
-- unfiltered listing walks the primary key backwards.
CREATE INDEX booking_hotel_id_idx ON booking (hotel_id, id);

-- A request made with an Idempotency-Key and, once done, its response.
-- Keyed by who made it and on which route (scope), then the client's key.
CREATE TABLE idempotency_record (
    scope        TEXT        NOT NULL CHECK (length(scope) BETWEEN 1 AND 500),
    key          TEXT        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash BYTEA       NOT NULL CHECK (length(request_hash) = 32),
    resource_id  TEXT        CHECK (length(resource_id) BETWEEN 1 AND 100),
    done         BOOLEAN     NOT NULL DEFAULT FALSE,
    status       INTEGER     CHECK (status BETWEEN 100 AND 599),
    body         BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT idempotency_record_pkey PRIMARY KEY (scope, key),
    CONSTRAINT idempotency_record_done_has_status CHECK (NOT done OR status IS NOT NULL)
);
CREATE INDEX idempotency_record_expires_idx ON idempotency_record (expires_at);
