-- 0010: what the ARI writes and the bookings of issue 17 record.
--
-- ari_change is the audit log of bulk ARI updates: who (actor), why
-- (reason), what (the update and its result, as JSON) and the
-- Idempotency-Key that makes a retry answer with the first result.
--
-- A hold and a booking keep the rate plan and the party they were priced
-- for, and the terms they were sold under (the plan as it was and every
-- restriction that applied, as JSON; see hotel.Terms). A hold made before
-- this migration has no plan: it was priced as the default plan.

CREATE TABLE ari_change (
    id              BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hotel_id        BIGINT      NOT NULL REFERENCES hotel (id),
    actor           TEXT        NOT NULL CHECK (length(actor) BETWEEN 1 AND 100),
    reason          TEXT        CHECK (length(reason) <= 500),
    idempotency_key TEXT        CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request         TEXT        NOT NULL,
    result          TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ari_change_idempotency_key ON ari_change (actor, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX ari_change_hotel_idx ON ari_change (hotel_id, id);

ALTER TABLE hold
    ADD COLUMN rate_plan_id         BIGINT,
    -- The party priced, canonical: adults, then ';' and the children's ages
    -- in the order given ("2;4,11"); '' for a hold made before this migration.
    ADD COLUMN party                TEXT NOT NULL DEFAULT '' CHECK (length(party) <= 200),
    ADD COLUMN terms                TEXT,
    -- The request that created the hold names a plan too (idempotent retries).
    ADD COLUMN request_rate_plan_id BIGINT;

ALTER TABLE booking
    ADD COLUMN rate_plan_id   BIGINT,
    ADD COLUMN rate_plan_code TEXT CHECK (length(rate_plan_code) <= 32),
    -- JSON array of the children's ages (-1: not given).
    ADD COLUMN child_ages     TEXT CHECK (length(child_ages) <= 200),
    ADD COLUMN terms          TEXT;
