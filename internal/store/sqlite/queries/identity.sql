-- name: DatabaseID :one
-- The random id drawn when the schema was created (migration 0008).
SELECT database_id FROM database_identity WHERE id = 1;
