-- API keys and booking access tokens (see keys.go).

-- name: CreateAPIKey :one
INSERT INTO api_key (name, prefix, hash, scopes, hotel_ids, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id;

-- name: APIKeyByPrefix :one
SELECT * FROM api_key WHERE prefix = $1;

-- name: ListAPIKeys :many
SELECT * FROM api_key ORDER BY id;

-- name: RevokeAPIKey :execrows
UPDATE api_key SET revoked_at = sqlc.arg(at) WHERE name = sqlc.arg(name) AND revoked_at IS NULL;

-- name: TouchAPIKey :exec
UPDATE api_key SET last_used_at = sqlc.arg(at)
WHERE id = sqlc.arg(id) AND (last_used_at IS NULL OR last_used_at < sqlc.arg(before));

-- name: BookingAccessHash :one
SELECT access_token_hash FROM booking WHERE id = $1;

-- name: SetBookingAccessHash :execrows
UPDATE booking SET access_token_hash = sqlc.arg(hash) WHERE id = sqlc.arg(id);
