-- 0011: search reads a city's base-plan prices by hotel and date range
-- (the primary key puts the plan before the night).
CREATE INDEX rate_night_hotel_night_idx ON rate_night (hotel_id, night, rate_plan_id, price_cents);
