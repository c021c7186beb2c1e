-- 0010: the ARI audit log and what holds and bookings record of their rate
-- plan, party and terms (issue 17); see the PostgreSQL migration of the
-- same number.

CREATE TABLE ari_change (
    id              INTEGER PRIMARY KEY,
    hotel_id        INTEGER NOT NULL REFERENCES hotel (id),
    actor           TEXT    NOT NULL CHECK (length(actor) BETWEEN 1 AND 100),
    reason          TEXT    CHECK (length(reason) <= 500),
    idempotency_key TEXT    CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request         TEXT    NOT NULL,
    result          TEXT    NOT NULL,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE UNIQUE INDEX ari_change_idempotency_key ON ari_change (actor, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX ari_change_hotel_idx ON ari_change (hotel_id, id);

ALTER TABLE hold ADD COLUMN rate_plan_id INTEGER;
ALTER TABLE hold ADD COLUMN party TEXT NOT NULL DEFAULT '' CHECK (length(party) <= 200);
ALTER TABLE hold ADD COLUMN terms TEXT;
ALTER TABLE hold ADD COLUMN request_rate_plan_id INTEGER;

ALTER TABLE booking ADD COLUMN rate_plan_id INTEGER;
ALTER TABLE booking ADD COLUMN rate_plan_code TEXT CHECK (length(rate_plan_code) <= 32);
ALTER TABLE booking ADD COLUMN child_ages TEXT CHECK (length(child_ages) <= 200);
ALTER TABLE booking ADD COLUMN terms TEXT;
