-- wrk script: GET /inventory/{hotel_id} for 7 nights from a random day of
-- the next SPAN days, of a random hotel among 1..HOTELS.
local hotels = tonumber(os.getenv("HOTELS") or "10000")
local span = tonumber(os.getenv("SPAN") or "300")
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("seed", thread_id)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  local t = os.time() + 86400 * (2 + math.random(0, span))
  local path = string.format("/inventory/%d?start_date=%s&end_date=%s", math.random(1, hotels),
    os.date("!%Y-%m-%d", t), os.date("!%Y-%m-%d", t + 6 * 86400))
  return wrk.format("GET", path)
end
