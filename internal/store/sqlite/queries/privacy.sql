-- Erasure of guest data (see privacy.go): the guest name becomes a fixed
-- placeholder and the access token hash is cleared; dates, prices, statuses
-- and nights are kept. A booking with a change in flight (sync_pending) is
-- left for later: its version moves on, so the change would fail.

-- name: EraseExpiredGuests :execrows
UPDATE booking SET guest_name = sqlc.arg(erased), access_token_hash = NULL, version = version + 1, updated_at = sqlc.arg(at)
WHERE id IN (
    SELECT b.id FROM booking b
    WHERE b.sync_pending = 0 AND (b.guest_name <> sqlc.arg(erased) OR b.access_token_hash IS NOT NULL)
      AND ((b.status IN ('completed', 'no_show') AND b.check_out_date < sqlc.arg(ended_before))
        OR (b.status IN ('cancelled', 'failed') AND b.updated_at < sqlc.arg(cancelled_before)))
    ORDER BY b.id
    LIMIT sqlc.arg(lim));

-- name: EraseGuest :execrows
UPDATE booking SET guest_name = sqlc.arg(erased), access_token_hash = NULL, version = version + 1, updated_at = sqlc.arg(at)
WHERE id = sqlc.arg(id) AND sync_pending = 0 AND (guest_name <> sqlc.arg(erased) OR access_token_hash IS NOT NULL);

-- name: BookingSyncPending :one
SELECT sync_pending FROM booking WHERE id = ?;
