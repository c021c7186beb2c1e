-- The scheduler's fixed queries (see jobs.go; the drift query stays there).

-- name: HotelTimeZones :many
SELECT DISTINCT time_zone FROM hotel ORDER BY time_zone;

-- name: AcquireLease :execrows
-- SQLite runs one writer at a time, so the check and the upsert are one step.
-- (sqlc's SQLite parser does not see parameters in an upsert's WHERE.)
INSERT INTO job_lease (name, holder, expires_at)
SELECT sqlc.arg(name), sqlc.arg(holder), sqlc.arg(until)
WHERE NOT EXISTS (SELECT 1 FROM job_lease l
                  WHERE l.name = sqlc.arg(name) AND l.holder <> sqlc.arg(holder) AND l.expires_at > sqlc.arg(now))
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at;

-- name: ReleaseLease :exec
DELETE FROM job_lease WHERE name = ? AND holder = ?;

-- name: NightBookings :many
SELECT b.id FROM booking b JOIN booking_night bn ON bn.booking_id = b.id
WHERE b.hotel_id = sqlc.arg(hotel_id) AND b.room_type_id = sqlc.arg(room_type_id) AND bn.night = sqlc.arg(night)
UNION
SELECT booking_id FROM hold_night
WHERE hold_night.hotel_id = sqlc.arg(hotel_id) AND hold_night.room_type_id = sqlc.arg(room_type_id) AND hold_night.night = sqlc.arg(night)
ORDER BY 1;

-- name: ResyncHeld :execrows
UPDATE inventory_night
SET held = (SELECT count(*) FROM hold_night h
            WHERE h.hotel_id = inventory_night.hotel_id AND h.room_type_id = inventory_night.room_type_id AND h.night = inventory_night.night),
    updated_at = sqlc.arg(at)
WHERE inventory_night.hotel_id = sqlc.arg(hotel_id) AND inventory_night.room_type_id = sqlc.arg(room_type_id)
  AND inventory_night.night = sqlc.arg(night) AND inventory_night.held <> (SELECT count(*) FROM hold_night h
               WHERE h.hotel_id = inventory_night.hotel_id AND h.room_type_id = inventory_night.room_type_id AND h.night = inventory_night.night);
