-- Hotels and room types (see catalogue.go).

-- name: GetHotel :one
SELECT id, name, location, time_zone, currency, taxes FROM hotel WHERE id = ?1;

-- name: CreateHotel :one
INSERT INTO hotel (name, location, time_zone, currency, taxes) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id;

-- name: UpdateHotel :execrows
UPDATE hotel SET name = ?2, location = ?3, time_zone = ?4, currency = ?5, taxes = ?6 WHERE id = ?1;

-- name: ListRoomTypes :many
SELECT id, hotel_id, name, max_occupancy, overbooking_allowance FROM room_type WHERE hotel_id = ?1 ORDER BY id;

-- name: GetRoomType :one
SELECT id, hotel_id, name, max_occupancy, overbooking_allowance FROM room_type WHERE hotel_id = ?1 AND id = ?2;

-- name: CreateRoomType :one
-- Selects the hotel, so a missing hotel inserts nothing (no rows: not
-- found) rather than failing the foreign key.
INSERT INTO room_type (hotel_id, name, max_occupancy, overbooking_allowance)
SELECT hotel.id, sqlc.arg(name), sqlc.arg(max_occupancy), sqlc.arg(overbooking_allowance) FROM hotel WHERE hotel.id = sqlc.arg(hotel_id)
RETURNING id;

-- name: UpdateRoomType :execrows
UPDATE room_type SET name = ?3, max_occupancy = ?4, overbooking_allowance = ?5 WHERE id = ?1 AND hotel_id = ?2;

-- name: ListHotels :many
SELECT id, name, location, time_zone, currency, taxes FROM hotel WHERE id > sqlc.arg(after_id) ORDER BY id LIMIT sqlc.arg(max);

-- name: ListHotelsIn :many
-- Matches hotel_location_idx on (lower(location), id).
SELECT id, name, location, time_zone, currency, taxes FROM hotel WHERE lower(location) = lower(sqlc.arg(location)) AND id > sqlc.arg(after_id) ORDER BY id LIMIT sqlc.arg(max);
