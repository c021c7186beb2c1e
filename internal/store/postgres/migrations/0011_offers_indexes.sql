-- 0011: search reads a city's base-plan prices by hotel and date range.
--
-- rate_night's primary key (hotel_id, rate_plan_id, night) puts the plan
-- before the night, so a range of nights of a hotel's plans walked every
-- night of every plan of the hotel (a year each) to return a few: 328
-- buffers for 270 rows of a 2 000-hotel city search, 7× slower than this
-- index, which LoadARI reads without visiting the table.
CREATE INDEX rate_night_hotel_night_idx ON rate_night (hotel_id, night) INCLUDE (rate_plan_id, price_cents);
