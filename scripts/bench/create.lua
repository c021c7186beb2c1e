-- wrk script: POST /bookings/ as BenchmarkCreateBooking and booking.sql do,
-- 2-night stays. Environment: HOTELS (hotel ids 1..HOTELS of the synthetic
-- seed; each has "Standard Rooms" and "Deluxe Rooms"), SPAN (arrivals
-- tomorrow + 0..SPAN days); with HOT_HOTEL, HOT_ROOM_TYPE and HOT_ARRIVAL
-- every request books that one stay instead (the contended run).
local hotels = tonumber(os.getenv("HOTELS") or "10000")
local span = tonumber(os.getenv("SPAN") or "300")
local hot = os.getenv("HOT_HOTEL")
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

local function body(h, room, arrival)
  return string.format('{"guest_name":"Bench Guest","hotel_id":%d,"room_type":"%s","arrival_date":"%s","stay_length":2,"adults":2}',
    h, room, arrival)
end

function request()
  if hot then
    return wrk.format("POST", "/bookings/", headers, body(tonumber(hot), os.getenv("HOT_ROOM_TYPE"), os.getenv("HOT_ARRIVAL")))
  end
  local arrival = os.date("!%Y-%m-%d", os.time() + 86400 * (2 + math.random(0, span)))
  return wrk.format("POST", "/bookings/", headers, body(math.random(1, hotels), rooms[math.random(1, 2)], arrival))
end
