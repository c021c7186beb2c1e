-- Rate plans (see rates.go in the root package).

-- name: ListRatePlans :many
-- A hotel's plans, by room type then id (rate_plan_room_type_idx).
SELECT id, hotel_id, room_type_id, code, name, meal_plan, refundable, sellable, is_default,
       parent_id, adjust_percent_bp, adjust_amount_cents, follows_parent_restrictions,
       base_adults, extra_adult_cents, child_bands, policies
FROM rate_plan WHERE hotel_id = sqlc.arg(hotel_id) ORDER BY room_type_id, id;
