-- 0005: scheduler job leases (one runner of a job at a time across
-- processes) and an index for the daily completion of stays.

CREATE TABLE job_lease (
    name       TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    holder     TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
    expires_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Confirmed stays by check-out date, for complete-checkouts.
CREATE INDEX booking_confirmed_check_out_idx ON booking (check_out_date, id) WHERE status = 'confirmed';
