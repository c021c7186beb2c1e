-- Idempotency-Key records (see bookings.go).

-- name: ClearIdempotent :exec
-- Before a claim: drops the record of (scope, key) if it expired or has been
-- in flight since before stale_before. (PostgreSQL does this in the claim's
-- upsert; sqlc's SQLite parser does not see parameters in an upsert's WHERE.)
DELETE FROM idempotency_record
WHERE scope = sqlc.arg(scope) AND key = sqlc.arg(key)
  AND (expires_at <= sqlc.arg(now) OR (NOT done AND created_at < sqlc.arg(stale_before)));

-- name: ClaimIdempotent :execrows
INSERT INTO idempotency_record (scope, key, request_hash, resource_id, done, created_at, expires_at)
VALUES (sqlc.arg(scope), sqlc.arg(key), sqlc.arg(request_hash), sqlc.narg(resource_id), 0, sqlc.arg(created_at), sqlc.arg(expires_at))
ON CONFLICT (scope, key) DO NOTHING;

-- name: GetIdempotent :one
SELECT * FROM idempotency_record WHERE scope = ? AND key = ?;

-- name: FinishIdempotent :execrows
UPDATE idempotency_record SET done = 1, status = sqlc.arg(status), body = sqlc.arg(body)
WHERE scope = sqlc.arg(scope) AND key = sqlc.arg(key);

-- name: AbandonIdempotent :exec
DELETE FROM idempotency_record WHERE scope = ? AND key = ? AND NOT done;

-- name: PurgeIdempotent :execrows
DELETE FROM idempotency_record WHERE expires_at < ?;
