-- pgbench script: the query of Search (internal/store/postgres/search.go)
-- as BenchmarkSearch runs it: a random city, a 3-night stay starting a
-- random 0..span nights after first, 2 guests, first page (limit 50).
-- Variables (pgbench -D): first (YYYY-MM-DD), span, ncities. The search
-- statement is searchSQL's text with the same parameters (check-in,
-- check-out, nights, guests, limit, location; pgbench numbers them in order
-- of appearance, so $1..$6 are not in searchSQL's order). The city and the dates come from a first
-- statement on bench_city (1..ncities, made by bench-inventory.sh from the
-- distinct hotel locations; the Go benchmark picks uniformly among them
-- too): one extra primary-key read and round trip per transaction, which
-- pgbench -r reports apart.
\set c random(1, :ncities)
\set d random(0, :span)
\set nights 3
\set guests 2
\set lim 50
SELECT location AS loc, :first::date + :d::int AS cin, :first::date + :d::int + :nights::int AS cout FROM bench_city WHERE i = :c \gset
SELECT h.id, h.name, h.location, h.time_zone, h.currency, rt.id, rt.name, rt.max_occupancy,
       min(n.capacity + n.allowance - n.held - n.blocked),
       array_agg(n.night ORDER BY n.night),
       array_agg(n.price_cents ORDER BY n.night),
       sum(n.price_cents)::bigint
FROM hotel h
JOIN room_type rt ON rt.hotel_id = h.id
JOIN inventory_night n ON n.hotel_id = rt.hotel_id AND n.room_type_id = rt.id
WHERE n.night >= :cin AND n.night < :cout AND rt.max_occupancy >= :guests AND lower(h.location) = lower(:loc)
GROUP BY h.id, rt.id
HAVING count(*) = :nights AND min(n.capacity + n.allowance - n.held - n.blocked) >= 1
ORDER BY sum(n.price_cents), h.id, rt.id
LIMIT :lim;
