-- wrk script of scripts/bench-system.sh. OP=create: POST /bookings/ as
-- BenchmarkCreateBooking and booking.sql do, 2-night stays of "Standard
-- Rooms" or "Deluxe Rooms" (every synthetic hotel has both); with HOT_HOTEL,
-- HOT_ROOM_TYPE and HOT_ARRIVAL every request books that one stay instead
-- (the contended run); with ROOMS=n (2..9) every uncontended request books
-- n rooms in one booking ("rooms": each Standard or Deluxe, one adult).
-- OP=inventory: GET /inventory/{hotel_id} for 7 nights. Hotels are ids
-- 1..HOTELS; days from tomorrow + 1 + 0..SPAN.
local op = os.getenv("OP") or "inventory"
local hotels = tonumber(os.getenv("HOTELS") or "10000")
local span = tonumber(os.getenv("SPAN") or "300")
local hot = os.getenv("HOT_HOTEL")
local nrooms = tonumber(os.getenv("ROOMS") or "1")
local rooms = { "Standard Rooms", "Deluxe Rooms" }
local headers = { ["Content-Type"] = "application/json" }
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("seed", thread_id)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

local function booking(h, room, arrival)
  return wrk.format("POST", "/bookings/", headers, string.format(
    '{"guest_name":"Bench Guest","hotel_id":%d,"room_type":"%s","arrival_date":"%s","stay_length":2,"adults":2}',
    h, room, arrival))
end

local function group(h, arrival)
  local rs = {}
  for i = 1, nrooms do
    rs[i] = string.format('{"room_type":"%s","adults":1}', rooms[math.random(1, 2)])
  end
  return wrk.format("POST", "/bookings/", headers, string.format(
    '{"guest_name":"Bench Guest","hotel_id":%d,"arrival_date":"%s","stay_length":2,"rooms":[%s]}',
    h, arrival, table.concat(rs, ",")))
end

function request()
  local t = os.time() + 86400 * (2 + math.random(0, span))
  if op == "create" then
    if hot then
      return booking(tonumber(hot), os.getenv("HOT_ROOM_TYPE"), os.getenv("HOT_ARRIVAL"))
    end
    if nrooms > 1 then
      return group(math.random(1, hotels), os.date("!%Y-%m-%d", t))
    end
    return booking(math.random(1, hotels), rooms[math.random(1, 2)], os.date("!%Y-%m-%d", t))
  end
  return wrk.format("GET", string.format("/inventory/%d?start_date=%s&end_date=%s", math.random(1, hotels),
    os.date("!%Y-%m-%d", t), os.date("!%Y-%m-%d", t + 6 * 86400)))
end
