-- Idempotency-Key records (see bookings.go).

-- name: ClaimIdempotent :execrows
-- Claims (scope, key), or takes over a record that expired or has been in
-- flight since before stale_before; row locks make exactly one claim win.
INSERT INTO idempotency_record (scope, key, request_hash, resource_id, done, created_at, expires_at)
VALUES (sqlc.arg(scope), sqlc.arg(key), sqlc.arg(request_hash), sqlc.narg(resource_id), false, sqlc.arg(created_at), sqlc.arg(expires_at))
ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, resource_id = excluded.resource_id,
    done = false, status = NULL, body = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at
WHERE idempotency_record.expires_at <= excluded.created_at
   OR (NOT idempotency_record.done AND idempotency_record.created_at < sqlc.arg(stale_before));

-- name: GetIdempotent :one
SELECT * FROM idempotency_record WHERE scope = $1 AND key = $2;

-- name: FinishIdempotent :execrows
UPDATE idempotency_record SET done = true, status = sqlc.arg(status), body = sqlc.arg(body)
WHERE scope = sqlc.arg(scope) AND key = sqlc.arg(key);

-- name: AbandonIdempotent :exec
DELETE FROM idempotency_record WHERE scope = $1 AND key = $2 AND NOT done;

-- name: PurgeIdempotent :execrows
DELETE FROM idempotency_record WHERE expires_at < $1;
