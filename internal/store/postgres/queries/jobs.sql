-- The scheduler's fixed queries (see jobs.go; the drift query stays there).

-- name: HotelTimeZones :many
SELECT DISTINCT time_zone FROM hotel ORDER BY time_zone;

-- name: AcquireLease :execrows
INSERT INTO job_lease (name, holder, expires_at) VALUES (sqlc.arg(name), sqlc.arg(holder), sqlc.arg(until))
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE job_lease.holder = excluded.holder OR job_lease.expires_at <= sqlc.arg(now);

-- name: ReleaseLease :exec
DELETE FROM job_lease WHERE name = $1 AND holder = $2;

-- name: NightBookings :many
SELECT CAST(b.id AS TEXT) AS id FROM booking b JOIN booking_night bn ON bn.booking_id = b.id
WHERE b.hotel_id = sqlc.arg(hotel_id) AND b.room_type_id = sqlc.arg(room_type_id) AND bn.night = sqlc.arg(night)
UNION
SELECT CAST(booking_id AS TEXT) FROM hold_night
WHERE hold_night.hotel_id = sqlc.arg(hotel_id) AND hold_night.room_type_id = sqlc.arg(room_type_id) AND hold_night.night = sqlc.arg(night)
ORDER BY 1;

-- name: ResyncHeld :execrows
UPDATE inventory_night SET held = c.n, updated_at = now()
FROM (SELECT count(*)::int AS n FROM hold_night h
      WHERE h.hotel_id = sqlc.arg(hotel_id) AND h.room_type_id = sqlc.arg(room_type_id) AND h.night = sqlc.arg(night)) c
WHERE inventory_night.hotel_id = sqlc.arg(hotel_id) AND inventory_night.room_type_id = sqlc.arg(room_type_id)
  AND inventory_night.night = sqlc.arg(night) AND inventory_night.held <> c.n;
