package api_test

import (
	"slices"

	"github.com/hotelplatform/hotel/api"
)

// The operations of openapi.json, in the order the document lists them.
// Who may call each (security, 401/403) comes from the rule its route is
// declared with (server.Routes); 429 and 500
// are added to every operation, 400 to every one that reads a query or a
// body, 413 and 415 to those with a body (see operation.render).

var (
	inventoryRow = o("hotel_id", 111, "hotel_name", "Royal Lancaster", "location", "London", "room_type_id", 2, "room_type", "Deluxe Rooms",
		"date", "2026-12-14", "available_rooms", 7, "total_rooms", 12, "room_price", "364.80", "currency", "GBP", "demand_level", "high")
	vatExample      = o("code", "VAT", "name", "VAT 20 %", "percent_bp", 2000, "inclusive", true)
	hotelExample    = o("hotel_id", 111, "hotel_name", "Royal Lancaster", "location", "London", "time_zone", "Europe/London", "currency", "GBP", "taxes", arr{vatExample})
	roomTypeExample = o("room_type_id", 2, "hotel_id", 111, "room_type", "Deluxe Rooms", "max_occupancy", 2, "overbooking_allowance", 0)
	nights          = arr{o("date", "2026-12-14", "price", "364.80"), o("date", "2026-12-15", "price", "364.80"), o("date", "2026-12-16", "price", "364.80")}
	holdExample     = o("booking_id", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "hotel_id", 111, "room_type_id", 2, "check_in", "2026-12-14", "check_out", "2026-12-17",
		"status", "held", "nights", nights, "total_price", "1094.40", "currency", "GBP",
		"created_at", "2026-11-30T09:15:04.123456Z", "updated_at", "2026-11-30T09:15:04.123456Z")
	newBookingExample = o("guest_name", "Ada Lovelace", "hotel_id", 111, "room_type", "Deluxe Rooms", "arrival_date", "2026-12-14",
		"stay_length", 3, "adults", 2, "children", 0, "meal_plan", "BB")
	bookingExample = o("booking_id", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "confirmation_code", "SXE7Q37H",
		"access_token", "bt_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b_o8CsQ2vYk1nW7xR3pL5mT9bD4fH6jK0aZ2cE8gU1iS3",
		"hotel_id", 111, "hotel_name", "Royal Lancaster", "room_type_id", 2, "room_type", "Deluxe Rooms", "guest_name", "Ada Lovelace",
		"arrival_date", "2026-12-14", "stay_length", 3, "check_out_date", "2026-12-17", "adults", 2, "children", 0, "meal_plan", "BB",
		"is_weekend", false, "is_holiday", false, "room_price", "364.80", "nightly_prices", nights, "total_price", "1094.40", "currency", "GBP",
		"reservation_status", "confirmed",
		"cancellation_deadline", "2026-12-12T18:00:00Z", "free_cancellation", true, "cancellation_fee", "0.00", "late_cancellation_fee", "364.80",
		"guarantee", o("kind", "none", "amount", "0.00"), "price_breakdown", breakdownExample,
		"version", 1, "created_at", "2026-11-30T09:15:04.123456Z", "updated_at", "2026-11-30T09:15:04.123456Z")
	// The terms of the sample hotels' flexible rate (BAR): free until 18:00
	// two days before arrival, then one night; the price includes VAT.
	flexiblePolicy   = o("deadline", o("days_before", 2, "at", "18:00"), "fee", o("nights", 1))
	breakdownExample = o("net", "912.00", "taxes", arr{o("code", "VAT", "name", "VAT 20 %", "amount", "182.40", "included", true)}, "gross", "1094.40")
	previewExample   = o("booking_id", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "as_of", "2026-11-30T09:20:00Z", "currency", "GBP",
		"cancellation_deadline", "2026-12-12T18:00:00Z", "free_cancellation", true, "cancellation_fee", "0.00", "late_cancellation_fee", "364.80")
)

// with returns a copy of m with member k set to v.
func (m obj) with(k string, v any) obj {
	out := slices.Clone(m)
	for i := range out {
		if out[i].k == k {
			out[i].v = v
			return out
		}
	}
	return append(out, member{k, v})
}

// bookingOK is a booking answer with its ETag.
func bookingOK(status, description string, headers ...string) response {
	return response{status: status, description: description, schema: schema("Booking"), headers: append([]string{"ETag", "Idempotent-Replayed"}, headers...)}
}

// asset is the answer of a documentation route.
func assetOK(description, mediaType string, s any, extraHeaders ...string) []response {
	return []response{
		{status: "200", description: description + " Compressed with gzip for clients that accept it.", schema: s, mediaType: mediaType,
			headers: append([]string{"Asset-ETag"}, extraHeaders...)},
		{status: "304", description: "Unchanged since the `ETag` sent in `If-None-Match`.", headers: []string{"Asset-ETag"}},
	}
}

var ifNoneMatch = o("name", "If-None-Match", "in", "header", "description", "The `ETag` of a copy the client has.", "schema", o("type", "string"))

func operations() []operation {
	inventoryList := func(path, id, summary string) operation {
		return operation{method: "GET", path: path, id: id, tag: "Inventory", summary: summary, proxied: true,
			description: "Inventory rows of every hotel, ordered by hotel, date and room type, paginated (`Link: rel=\"next\"`). " +
				"Dates are inclusive and cover at most 366 days. `/inventory` and `/inventory/` are the same route.",
			params: arr{param("Location"), param("HotelIDFilter"), param("RoomTypeName"), param("StartDate"), param("EndDate"), param("InventoryLimit"), param("Cursor")},
			ok: []response{{status: "200", description: "One page of rows (possibly empty).", schema: arrayOf(schema("InventoryItem")),
				example: arr{inventoryRow}, headers: []string{"Link"}}}}
	}
	createBooking := func(path, id string) operation {
		return operation{method: "POST", path: path, id: id, tag: "Bookings", summary: "Book a room", proxied: true, errors: []int{409, 422},
			description: "Books one room of a room type for `stay_length` nights: inventory holds every night (all or none), then the booking " +
				"is recorded `confirmed` (version 1) with the hold's nightly prices. Sold out → 409 naming the nights, nothing held. " +
				"The answer carries the booking's **access token**, kept nowhere but as its hash. Retry safely with the same `Idempotency-Key` " +
				"(without credentials, a random UUID): after a 5xx the retry resumes the same booking, and a replay carries a new token, which replaces the one before. " +
				"`/bookings` and `/bookings/` are the same route.",
			params: arr{param("IdempotencyKeyCreate")}, body: schema("NewBooking"), bodyExample: newBookingExample, noQuery: true,
			ok: []response{{status: "201", description: "Booked (or, with `Idempotent-Replayed: true`, the stored answer to the same request, with a new access token that replaces the one before).",
				schema: schema("Booking"), example: bookingExample, headers: []string{"Location", "ETag", "Idempotent-Replayed"}}}}
	}
	listBookings := func(path, id string) operation {
		return operation{method: "GET", path: path, id: id, tag: "Bookings", summary: "List bookings", proxied: true,
			description: "Bookings newest first, paginated (`Link: rel=\"next\"`). Guest names are `[REDACTED]` without `guests:read`. " +
				"A caller limited to some hotels sees theirs (another hotel's `hotel_id` is 403). " +
				"`/bookings` and `/bookings/` are the same route.",
			params: arr{
				param("HotelIDFilter"),
				o("name", "status", "in", "query", "description", "Only bookings in this status (any of `BookingStatus`, `checked_in` and `no_show` included).", "schema", schema("BookingStatus")),
				o("name", "arrival_from", "in", "query", "description", "Arriving on or after this date.", "schema", schema("Date")),
				o("name", "arrival_to", "in", "query", "description", "Arriving on or before this date.", "schema", schema("Date")),
				o("name", "departure_from", "in", "query", "description", "Leaving (check-out date) on or after this date.", "schema", schema("Date")),
				o("name", "departure_to", "in", "query", "description", "Leaving (check-out date) on or before this date.", "schema", schema("Date")),
				o("name", "confirmation_code", "in", "query", "description", "The booking with this confirmation code.", "schema", o("type", "string", "maxLength", 16)),
				o("name", "guest_name", "in", "query", "description", "Bookings any of whose rooms' guest names contains this, ignoring case. Needs `guests:read` (403 without).",
					"schema", o("type", "string", "maxLength", 100)),
				o("name", "limit", "in", "query", "description", "Bookings per page.", "schema", o("type", "integer", "minimum", 1, "maximum", 500, "default", 50)),
				param("Cursor"),
			},
			ok: []response{{status: "200", description: "One page of bookings (possibly empty).", schema: arrayOf(schema("Booking")), headers: []string{"Link"}}}}
	}
	bookingChange := func(method, path, id, summary, description string, body bool) operation {
		op := operation{method: method, path: path, id: id, tag: "Bookings", summary: summary, description: description, proxied: true,
			params: arr{param("BookingID"), param("IdempotencyKey"), param("IfMatch")}, errors: []int{400, 404, 409, 412, 413, 422}, noQuery: true,
			ok: []response{bookingOK("200", "The booking after the change.")}}
		if body {
			op.body = schema("BookingChange")
			op.bodyExample = o("stay_length", 4)
		}
		return op
	}
	hold := func(method, path, id, summary, description string) operation {
		return operation{method: method, path: path, id: id, tag: "Reservation holds", summary: summary, description: description, proxied: true,
			params: arr{param("BookingID")}, errors: []int{404}}
	}

	moveHold := hold("POST", "/inventory/holds/{booking_id}/move", "moveHold", "Move a hold",
		"Moves the hold to other dates and/or another room type of the same hotel atomically: the new nights are taken and the old ones "+
			"released together, or nothing changes (409 naming the nights).")
	moveHold.body, moveHold.errors = schema("HoldMove"), []int{404, 409}
	moveHold.ok = []response{{status: "200", description: "The moved hold.", schema: schema("Hold")}}
	releaseHold := hold("POST", "/inventory/holds/{booking_id}/release", "releaseHold", "Release a hold",
		"Returns every night to inventory (empty body, which needs no `Content-Type`, or `{}`), or only the nights from `from` on (an early departure). "+
			"Releasing again changes nothing.")
	releaseHold.body, releaseHold.bodyOptional = schema("HoldRelease"), true
	releaseHold.ok = []response{{status: "200", description: "The hold after the release.", schema: schema("Hold")}}
	createHold := hold("PUT", "/inventory/holds/{booking_id}", "createHold", "Hold rooms for a booking",
		"Holds one room of the room type on every night of [`check_in`, `check_out`) — all or none. Idempotent on the booking id: "+
			"the same request again answers 200 with the same hold; a different request under the same id, or a night sold out, is 409 "+
			"(`nights` lists the short nights). An unknown hotel or room type is 400 naming the field.")
	createHold.body, createHold.bodyExample, createHold.errors = schema("HoldRequest"),
		o("hotel_id", 111, "room_type_id", 2, "check_in", "2026-12-14", "check_out", "2026-12-17"), []int{409}
	createHold.ok = []response{
		{status: "201", description: "Held.", schema: schema("Hold"), example: holdExample, headers: []string{"Location"}},
		{status: "200", description: "The identical hold already existed (a retry).", schema: schema("Hold")},
	}
	createHoldGroup := hold("PUT", "/inventory/hold-groups/{booking_id}", "createHoldGroup", "Hold the rooms of a booking",
		"Holds several rooms of one hotel for one stay (a booking of up to 9 rooms) — every night of every room, or none. Each room is "+
			"asked as in `PUT /inventory/holds/{booking_id}` and held under its own hold id: room 1 under the booking id itself, room k > 1 "+
			"under a name-based UUID (version 5) of the booking id and k, so a retry finds the same holds. Two rooms of one room type need two "+
			"rooms for sale on each night. Idempotent on the booking id: the same rooms again answer 200 with the same holds; a different "+
			"request under the same ids, some of the rooms held and others not, or a night the group cannot have is 409 (`nights` lists the "+
			"short nights of all the rooms, nothing held). More than 9 rooms, rooms of different hotels or stays, or an invalid room is 400 "+
			"naming the fields (`rooms`, `rooms[i].hotel_id`, `rooms[i].check_in`, …).")
	createHoldGroup.body, createHoldGroup.errors = schema("HoldGroupRequest"), []int{409}
	createHoldGroup.bodyExample = o("rooms", arr{
		o("hotel_id", 111, "room_type_id", 2, "check_in", "2026-12-14", "check_out", "2026-12-17", "adults", 2),
		o("hotel_id", 111, "room_type_id", 2, "check_in", "2026-12-14", "check_out", "2026-12-17", "adults", 1, "children_ages", arr{7})})
	createHoldGroup.ok = []response{
		{status: "201", description: "Held, every room; the holds in the order of `rooms`. `Location` names room 1's hold.", schema: schema("HoldGroup"),
			example: o("holds", arr{holdExample, holdExample.with("booking_id", "dee844f2-e8b3-5e56-bef2-239da1c4342f")}), headers: []string{"Location"}},
		{status: "200", description: "The identical holds already existed (a retry).", schema: schema("HoldGroup")},
	}
	getHold := hold("GET", "/inventory/holds/{booking_id}", "getHold", "Read a hold", "The hold with its nights and their prices.")
	getHold.ok = []response{{status: "200", description: "The hold.", schema: schema("Hold"), example: holdExample}}
	unconfirmedHolds := operation{method: "GET", path: "/inventory/holds", id: "listUnconfirmedHolds", tag: "Reservation holds",
		summary: "List unconfirmed holds", proxied: true, unavailableFromServer: true,
		description: "Holds made before `before` and not confirmed since, oldest first, with their nights: creates that took their hold " +
			"and have not been settled by the booking service's recovery pass (which confirms a hold once its booking is recorded, and " +
			"records the booking failed and releases the hold when none was).",
		params: arr{
			o("name", "before", "in", "query", "required", true, "description", "Only holds made before this time (RFC 3339).",
				"schema", o("type", "string", "format", "date-time")),
			o("name", "limit", "in", "query", "description", "Holds per answer.", "schema", o("type", "integer", "minimum", 1, "maximum", 500, "default", 500)),
		},
		ok: []response{{status: "200", description: "The holds (possibly none).", schema: arrayOf(schema("Hold"))}}}
	confirmHolds := operation{method: "POST", path: "/inventory/holds/confirm", id: "confirmHolds", tag: "Reservation holds",
		summary: "Confirm holds", proxied: true, noQuery: true, unavailableFromServer: true,
		description: "Records that the bookings of `booking_ids` are recorded, so their holds are settled. Ids without a hold, or " +
			"confirmed already, are skipped.",
		body: schema("HoldConfirmation"), bodyExample: o("booking_ids", arr{"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}),
		ok: []response{{status: "200", description: "How many holds this call confirmed.", schema: schema("HoldConfirmation"), example: o("confirmed", 1)}}}

	return []operation{
		// Operations.
		{method: "GET", path: "/", id: "gatewayHealth", tag: "Operations", summary: "Gateway health", noQuery: true,
			description: "The seed's gateway health answer.",
			ok:          []response{{status: "200", description: "The gateway is running.", schema: schema("GatewayHealth")}}},
		{method: "GET", path: "/healthz", id: "health", tag: "Operations", summary: "Liveness", noQuery: true, probe: true,
			description: "The process is up. Also `/booking/healthz`: the booking service's.",
			ok:          []response{{status: "200", description: "Up.", schema: schema("Health")}}},
		{method: "GET", path: "/readyz", id: "readiness", tag: "Operations", summary: "Readiness", noQuery: true, probe: true,
			description: "The database is reachable and its schema current; the gateway in split mode also checks its upstreams.",
			ok: []response{
				{status: "200", description: "Ready.", schema: schema("Readiness"), example: o("status", "ready", "checks", o("database", "ok"))},
				{status: "503", description: "Not ready: the failing checks say why.", schema: schema("Readiness"),
					example: o("status", "unavailable", "checks", o("inventory", "unreachable", "booking", "ok"))},
			}},
		{method: "GET", path: api.SpecPath, id: "openapi", tag: "Operations", summary: "This OpenAPI document",
			description: "The OpenAPI 3.1 description of this API, embedded in the binary.", params: arr{ifNoneMatch},
			ok: assetOK("The document.", "application/json", schema("OpenAPIDocument"))},
		{method: "GET", path: api.DocsPath, id: "docs", tag: "Operations", summary: "API reference (HTML)",
			description: "This document rendered by Redoc. The page and its script are served by the binary and load nothing from any other host.",
			params:      arr{ifNoneMatch},
			ok:          assetOK("The HTML page.", "text/html", o("type", "string"), "Content-Security-Policy")},
		{method: "GET", path: api.BundlePath, id: "docsScript", tag: "Operations", summary: "API reference script",
			description: "Redoc's standalone bundle (MIT), used by `/docs`.", params: arr{ifNoneMatch},
			ok: assetOK("The script.", "text/javascript", o("type", "string"))},
		{method: "GET", path: "/console", id: "consoleRoot", tag: "Operations", summary: "Staff console (HTML, root)", noQuery: true,
			description: "The staff console's page, as at `/console/`: its script goes on to `/console/today`.", params: arr{ifNoneMatch},
			ok: assetOK("The HTML page.", "text/html", o("type", "string"), "Content-Security-Policy")},
		{method: "GET", path: "/console/", id: "consolePage", tag: "Operations", summary: "Staff console (HTML)", noQuery: true,
			description: "The staff console's page, for this path and every path under it but `/console/assets/` (`/console/calendar`, " +
				"`/console/bookings/{booking_id}`, …): the same HTML, routed in the browser. It holds no data; its script calls this API " +
				"with the signed-in user's session. Served from the binary under a strict Content-Security-Policy; loads nothing from any other host.",
			params: arr{ifNoneMatch},
			ok:     assetOK("The HTML page.", "text/html", o("type", "string"), "Content-Security-Policy")},
		{method: "GET", path: "/console/assets/{file}", id: "consoleAsset", tag: "Operations", summary: "Staff console assets", noQuery: true, errors: []int{404},
			description: "The console's scripts (ES modules, `text/javascript`) and stylesheet (`app.css`, `text/css`).",
			params:      arr{o("name", "file", "in", "path", "required", true, "description", "The file's name, e.g. `app.js`.", "schema", o("type", "string")), ifNoneMatch},
			ok:          assetOK("The file.", "text/javascript", o("type", "string"), "Content-Security-Policy")},

		{method: "GET", path: "/inventory/database", id: "databaseIdentity", tag: "Operations", summary: "The inventory database's identity",
			proxied: true, noQuery: true, unavailableFromServer: true,
			description: "Which database the inventory service uses: its driver and the random id drawn when the schema was created " +
				"(`hotel migrate up`). `hotel loadtest` compares it with the database it checks the invariants on, so that it never " +
				"checks another deployment's database.",
			ok: []response{{status: "200", description: "The database's identity.", schema: schema("DatabaseIdentity"),
				example: o("driver", "postgres", "database_id", "5f0c2b8e9d1a4c3b8e7f6a5d4c3b2a19")}}},

		// Inventory (seed routes).
		inventoryList("/inventory", "listInventory", "List inventory"),
		inventoryList("/inventory/", "listInventorySlash", "List inventory (seed path)"),
		{method: "GET", path: "/inventory/{hotel_id}", id: "getHotelInventory", tag: "Inventory", summary: "A hotel's inventory", proxied: true,
			description: "One hotel's rows from `start_date` (default: today in the hotel's time zone) to `end_date` (default: 30 days), " +
				"ordered by date and room type, paginated (`Link: rel=\"next\"`).",
			params: arr{param("HotelID"), param("StartDate"), param("EndDate"), param("RoomTypeName"), param("InventoryLimit"), param("Cursor")},
			errors: []int{404},
			ok: []response{{status: "200", description: "One page of the hotel's rows.", schema: arrayOf(schema("InventoryItem")),
				example: arr{inventoryRow}, headers: []string{"Link"}}}},
		{method: "GET", path: "/inventory/hotel_name/{hotel_id}", id: "getHotelName", tag: "Inventory", summary: "A hotel's name", proxied: true,
			description: "The seed's hotel name lookup.", params: arr{param("HotelID")}, errors: []int{404},
			ok: []response{{status: "200", description: "The hotel's id and name.", schema: schema("HotelName"),
				example: o("hotel_id", 111, "hotel_name", "Royal Lancaster")}}},
		{method: "GET", path: "/inventory/hotels/{hotel_id}", id: "getHotel", tag: "Search and catalogue", summary: "A hotel", proxied: true,
			description: "The hotel with its time zone and currency.", params: arr{param("HotelID")}, errors: []int{404},
			ok: []response{{status: "200", description: "The hotel.", schema: schema("Hotel"), example: hotelExample}}},

		// Search and the catalogue.
		{method: "GET", path: "/inventory/search", id: "search", tag: "Search and catalogue", summary: "Availability search", proxied: true,
			description: "One offer per room type and rate plan whose every rule the stay and party meet — a room for sale on every night of " +
				"[`check_in`, `check_out`), the party fits (`max_occupancy`), the plan is sellable and has a price, and every restriction holds " +
				"(README, \"Rates and restrictions\") — with each night's price for the party, cheapest first, paginated (`Link: rel=\"next\"`). " +
				"`location` or `hotel_id` is required; the stay is at most 30 nights and `check_in` not before today in the hotel's time zone. " +
				"With `explain=true` the first page also lists the plans left out by a rule, and which.",
			params: arr{
				param("Location"), param("HotelIDFilter"), param("RoomTypeName"),
				o("name", "check_in", "in", "query", "required", true, "description", "First night.", "schema", schema("Date")),
				o("name", "check_out", "in", "query", "required", true, "description", "Day of departure (after `check_in`).", "schema", schema("Date")),
				o("name", "adults", "in", "query", "description", "Adults in the party.", "schema", o("type", "integer", "minimum", 1, "default", 1)),
				o("name", "children", "in", "query", "description", "Children in the party (of unknown age unless `children_ages` gives them).", "schema", o("type", "integer", "minimum", 0, "default", 0)),
				o("name", "children_ages", "in", "query", "description", "The children's ages, comma-separated (e.g. `4,11`), each 0–17; priced by the plan's age bands.",
					"schema", o("type", "string", "pattern", `^[0-9]{1,2}(,[0-9]{1,2}){0,49}$`), "example", "4,11"),
				o("name", "max_price", "in", "query", "description", "No night above this price (the night's price for the party).", "schema", schema("MoneyInput")),
				o("name", "meal_plan", "in", "query", "description", "Only plans with this meal plan.", "schema", o("type", "string", "enum", arr{"RO", "BB", "HB", "FB", "AI"})),
				o("name", "refundable", "in", "query", "description", "Only refundable (`true`) or non-refundable (`false`) plans.", "schema", o("type", "boolean")),
				o("name", "explain", "in", "query", "description", "List the plans left out by a rule (`excluded`).", "schema", o("type", "boolean", "default", false)),
				o("name", "limit", "in", "query", "description", "Offers per page.", "schema", o("type", "integer", "minimum", 1, "maximum", 500, "default", 50)),
				param("Cursor"),
			},
			ok: []response{{status: "200", description: "One page of offers (possibly none).", schema: schema("SearchResult"), headers: []string{"Link"},
				example: o("offers", arr{o("hotel_id", 111, "hotel_name", "Royal Lancaster", "location", "London", "time_zone", "Europe/London",
					"room_type_id", 2, "room_type", "Deluxe Rooms", "max_occupancy", 2,
					"rate_plan_id", 2, "rate_plan", "BAR-2", "rate_plan_name", "Best available rate", "meal_plan", "RO", "refundable", true,
					"check_in", "2026-12-14", "check_out", "2026-12-17",
					"available_rooms", 7, "nightly_prices", nights, "total_price", "1094.40", "currency", "GBP",
					"cancellation_policy", flexiblePolicy, "cancellation_deadline", "2026-12-12T18:00:00Z",
					"no_show_policy", o("fee", o("nights", 1)), "guarantee", o("kind", "none"), "price_breakdown", breakdownExample)})}}},
		{method: "GET", path: "/inventory/hotels", id: "listHotels", tag: "Search and catalogue", summary: "List hotels", proxied: true,
			description: "Hotels by id, paginated (`Link: rel=\"next\"`).",
			params:      arr{param("Location"), param("InventoryLimit"), param("Cursor")},
			ok:          []response{{status: "200", description: "One page of hotels.", schema: arrayOf(schema("Hotel")), example: arr{hotelExample}, headers: []string{"Link"}}}},
		{method: "GET", path: "/inventory/hotels/{hotel_id}/room-types", id: "listRoomTypes", tag: "Search and catalogue", summary: "List a hotel's room types", proxied: true,
			description: "The hotel's room types by id.", params: arr{param("HotelID")}, errors: []int{404},
			ok: []response{{status: "200", description: "The room types.", schema: arrayOf(schema("RoomType")), example: arr{roomTypeExample}}}},
		{method: "GET", path: "/inventory/hotels/{hotel_id}/room-types/{room_type_id}", id: "getRoomType", tag: "Search and catalogue", summary: "A room type", proxied: true,
			description: "One room type of the hotel.", params: arr{param("HotelID"), param("RoomTypeID")}, errors: []int{404},
			ok: []response{{status: "200", description: "The room type.", schema: schema("RoomType"), example: roomTypeExample}}},

		// Administration.
		{method: "POST", path: "/inventory/hotels", id: "createHotel", tag: "Inventory administration", summary: "Create a hotel", proxied: true,
			description: "Creates a hotel, with its taxes if any; add room types and a calendar next.", noQuery: true, errors: []int{409},
			body: schema("HotelCreate"), bodyExample: o("hotel_name", "Harbour View", "location", "Bristol", "time_zone", "Europe/London", "currency", "GBP", "taxes", arr{vatExample}),
			ok: []response{{status: "201", description: "Created.", schema: schema("Hotel"), headers: []string{"Location"}}}},
		{method: "PATCH", path: "/inventory/hotels/{hotel_id}", id: "updateHotel", tag: "Inventory administration", summary: "Update a hotel", proxied: true,
			description: "The fields given replace the stored ones; `taxes` replaces the whole list (`[]`: none). Bookings keep the taxes they were sold with.",
			params:      arr{param("HotelID")}, errors: []int{404, 409},
			body: schema("HotelPatch"), bodyExample: o("taxes", arr{vatExample, o("code", "CITY", "name", "City tax", "per_person_night", "3.00", "max_nights", 7, "exempt_under_age", 12)}),
			ok: []response{{status: "200", description: "The hotel after the change.", schema: schema("Hotel")}}},
		{method: "POST", path: "/inventory/hotels/{hotel_id}/room-types", id: "createRoomType", tag: "Inventory administration", summary: "Create a room type", proxied: true,
			description: "Adds a room type to the hotel; its nights are created by the calendar.", params: arr{param("HotelID")}, errors: []int{404, 409},
			body: schema("RoomTypeCreate"), bodyExample: o("room_type", "Family Suite", "max_occupancy", 4),
			ok: []response{{status: "201", description: "Created.", schema: schema("RoomType"), headers: []string{"Location"}}}},
		{method: "PATCH", path: "/inventory/hotels/{hotel_id}/room-types/{room_type_id}", id: "updateRoomType", tag: "Inventory administration", summary: "Update a room type", proxied: true,
			description: "The fields given replace the stored ones.", params: arr{param("HotelID"), param("RoomTypeID")}, errors: []int{404, 409},
			body: schema("RoomTypePatch"), bodyExample: o("overbooking_allowance", 1),
			ok: []response{{status: "200", description: "The room type after the change.", schema: schema("RoomType")}}},
		{method: "PUT", path: "/inventory/hotels/{hotel_id}/calendar", id: "setCalendar", tag: "Inventory administration", summary: "Set the calendar", proxied: true,
			description: "Sets `capacity`, `price` and/or `demand_level` of one room type for `start_date`…`end_date` in one transaction, " +
				"creating missing nights. A capacity below what is held and blocked is 409 naming the nights; nothing changes.",
			params: arr{param("HotelID")}, errors: []int{404, 409},
			body: schema("CalendarUpdate"), bodyExample: o("room_type_id", 2, "start_date", "2026-12-01", "end_date", "2026-12-31", "capacity", 12, "price", "364.80", "demand_level", "high"),
			ok: []response{{status: "200", description: "What changed.", schema: schema("CalendarResult"), example: o("updated", 31, "created", 0)}}},
		{method: "POST", path: "/inventory/{hotel_id}/adjust", id: "adjustInventory", tag: "Inventory administration", summary: "Block or unblock rooms", proxied: true,
			description: "The seed's adjustment: a positive `num_rooms` takes rooms out of sale on every night of `date`…`end_date`, a negative one returns " +
				"blocked rooms to sale; never below zero available nor more unblocked than blocked (409 naming the nights). Recorded with who and why. " +
				"With an `Idempotency-Key`, a retry returns the first answer (`Idempotent-Replayed: true`) and changes nothing; the key reused for another request is 422.",
			params: arr{param("HotelID"), param("IdempotencyKey")}, errors: []int{404, 409, 422},
			body: schema("AdjustmentRequest"), bodyExample: o("room_type", "Standard Rooms", "date", "2026-12-24", "num_rooms", 2, "reason", "refurbishment"),
			ok: []response{{status: "200", description: "The adjustment made (or replayed).", schema: schema("Adjustment"), headers: []string{"Idempotent-Replayed"}}}},
		{method: "GET", path: "/inventory/hotels/{hotel_id}/adjustments", id: "listAdjustments", tag: "Inventory administration", summary: "The adjustment log", proxied: true,
			description: "The hotel's adjustments, newest first, paginated (`Link: rel=\"next\"`).",
			params:      arr{param("HotelID"), param("InventoryLimit"), param("Cursor")}, errors: []int{404},
			ok: []response{{status: "200", description: "One page of adjustments.", schema: arrayOf(schema("Adjustment")), headers: []string{"Link"}}}},

		// Rates and restrictions.
		{method: "GET", path: "/inventory/hotels/{hotel_id}/rate-plans", id: "listRatePlans", tag: "Inventory administration", summary: "The hotel's rate plans", proxied: true,
			description: "Every rate plan of the hotel, by room type then id; each room type has its default plan (`BAR-<room type id>`).",
			params:      arr{param("HotelID")}, errors: []int{404},
			ok: []response{{status: "200", description: "The plans.", schema: arrayOf(schema("RatePlan"))}}},
		{method: "POST", path: "/inventory/hotels/{hotel_id}/rate-plans", id: "createRatePlan", tag: "Inventory administration", summary: "Create a rate plan", proxied: true,
			description: "Adds a base or derived rate plan to a room type, with its cancellation and no-show policies and guarantee. Its code must be free in the hotel (409).",
			params:      arr{param("HotelID")}, noQuery: true, errors: []int{404, 409},
			body: schema("RatePlanWrite"), bodyExample: o("room_type_id", 2, "code", "NR-DBL", "name", "Non-refundable", "parent", "BAR-2", "adjust_percent_bp", -1000,
				"cancellation_policy", o("non_refundable", true), "no_show_policy", o("fee", o("nights", 1)), "guarantee", o("kind", "deposit", "deposit_percent_bp", 10000)),
			ok: []response{{status: "201", description: "Created.", schema: schema("RatePlan"), headers: []string{"Location"}}}},
		{method: "GET", path: "/inventory/hotels/{hotel_id}/rate-plans/{rate_plan_id}", id: "getRatePlan", tag: "Inventory administration", summary: "A rate plan", proxied: true,
			description: "One rate plan of the hotel.", params: arr{param("HotelID"), param("RatePlanID")}, errors: []int{404},
			ok: []response{{status: "200", description: "The plan.", schema: schema("RatePlan")}}},
		{method: "PATCH", path: "/inventory/hotels/{hotel_id}/rate-plans/{rate_plan_id}", id: "updateRatePlan", tag: "Inventory administration", summary: "Update a rate plan", proxied: true,
			description: "The fields given replace the stored ones; the room type cannot change.", params: arr{param("HotelID"), param("RatePlanID")}, noQuery: true, errors: []int{404, 409},
			body: schema("RatePlanWrite"), bodyExample: o("sellable", false),
			ok: []response{{status: "200", description: "The plan after the change.", schema: schema("RatePlan")}}},
		{method: "POST", path: "/inventory/hotels/{hotel_id}/ari", id: "applyARI", tag: "Inventory administration", summary: "Bulk ARI update", proxied: true,
			description: "Sets prices, capacity and restrictions of many plans over many date ranges with weekday filters (the shape channel managers push), " +
				"in one transaction: all or nothing. A capacity below what is held and blocked is 409 naming the nights; nights without inventory are 400 " +
				"(unless capacity and the default plan's price are both given: they are created). Recorded with who and why (`GET …/ari-changes`). " +
				"Requires an `Idempotency-Key`: a retry returns the first answer (`Idempotent-Replayed: true`); the key reused for another request is 422.",
			params: arr{param("HotelID"), param("IdempotencyKeyRequired")}, noQuery: true, errors: []int{404, 409, 422},
			body: schema("ARIRequest"), bodyExample: o("reason", "winter rates", "updates", arr{
				o("room_type_id", 2, "rate_plan", "BAR-2", "from", "2026-12-01", "to", "2026-12-31", "weekdays", arr{"fri", "sat"}, "price", "399.00",
					"restrictions", o("min_stay_arrival", 2)),
				o("room_type_id", 2, "from", "2026-12-24", "to", "2026-12-26", "capacity", 10, "restrictions", o("closed_to_arrival", true))}),
			ok: []response{{status: "200", description: "The change made (or replayed).", schema: schema("ARIChange"), headers: []string{"Idempotent-Replayed"}}}},
		{method: "GET", path: "/inventory/hotels/{hotel_id}/ari", id: "ariCalendar", tag: "Inventory administration", summary: "The ARI calendar", proxied: true,
			description: "Per room type and date: total rooms and rooms for sale; per rate plan and date: the price for the base occupancy and every restriction in effect " +
				"(the room type's, the plan's own and those of the ancestors it follows), as search and booking apply them.",
			params: arr{param("HotelID"), param("ARIFrom"), param("ARITo"), param("RoomTypeIDFilter")}, errors: []int{404},
			ok: []response{{status: "200", description: "The calendar.", schema: schema("ARICalendar")}}},
		{method: "GET", path: "/inventory/hotels/{hotel_id}/ari-changes", id: "listARIChanges", tag: "Inventory administration", summary: "The ARI change log", proxied: true,
			description: "The hotel's bulk ARI updates with who, why, what and the result, newest first, paginated (`Link: rel=\"next\"`).",
			params:      arr{param("HotelID"), param("InventoryLimit"), param("Cursor")}, errors: []int{404},
			ok: []response{{status: "200", description: "One page of changes.", schema: arrayOf(schema("ARIChange")), headers: []string{"Link"}}}},

		// Holds.
		createHold, createHoldGroup, getHold, moveHold, releaseHold, unconfirmedHolds, confirmHolds,

		// Bookings.
		createBooking("/bookings", "createBooking"),
		createBooking("/bookings/", "createBookingSlash"),
		listBookings("/bookings", "listBookings"),
		listBookings("/bookings/", "listBookingsSlash"),
		{method: "GET", path: "/bookings/{booking_id}", id: "getBooking", tag: "Bookings", summary: "Read a booking", proxied: true, noQuery: true,
			description: "The booking with its `ETag` (its version). Guest name `[REDACTED]` unless the caller is its token or holds `guests:read`. " +
				"Its terms are shown as they stand at the time of reading: a confirmed booking's deadline and the fee if cancelled now, the guarantee due and the price split by the taxes it was sold with.",
			params: arr{param("BookingID")}, errors: []int{404},
			ok: []response{{status: "200", description: "The booking.", schema: schema("Booking"), headers: []string{"ETag"}}}},
		bookingChange("PATCH", "/bookings/{booking_id}", "changeBooking", "Change a booking",
			"Changes `guest_name`, `arrival_date`, `stay_length`, `room_type`, `adults` or `children` of a confirmed booking of one room. New dates or room type "+
				"move the hold and re-price, or 409 and nothing changes. A booking of several rooms cannot be changed in place (409): cancel a room and book another. With `If-Match`, a stale version is 412; concurrent changes: one wins, the other gets 409.", true),
		{method: "GET", path: "/bookings/{booking_id}/cancellation", id: "previewCancellation", tag: "Bookings", summary: "Preview a cancellation", proxied: true, noQuery: true,
			description: "What cancelling the booking now would cost, by the cancellation policy it was sold on (its `terms`), changing nothing: the last instant of free cancellation " +
				"(with the hotel's offset; absent when non-refundable), whether cancelling now is free, the fee now and the fee after the deadline. Fees are on the room's price as sold, taxes aside. " +
				"`DELETE /bookings/{booking_id}` records the fee that applies at the instant it cancels. A booking that is not confirmed is 409.",
			params: arr{param("BookingID")}, errors: []int{404, 409},
			ok: []response{{status: "200", description: "What cancelling now would cost.", schema: schema("CancellationPreview"), example: previewExample}}},
		bookingChange("DELETE", "/bookings/{booking_id}", "cancelBooking", "Cancel a booking",
			"Cancels a confirmed booking — of several rooms, every room still confirmed, each by its own policy — and records the cancellation fee that applies at that "+
				"instant by the policy it was sold on (`cancelled_at`, `cancellation_fee`: 0.00 up to and at the deadline); its nights are released once. A booking with a "+
				"room checked in is 409. Preview the fee with `GET /bookings/{booking_id}/cancellation`. "+
				"Cancelling again is 409. Takes no request body: one is refused (400).", false),
		func() operation {
			op := bookingChange("DELETE", "/bookings/{booking_id}/rooms/{room_no}", "cancelBookingRoom", "Cancel one room of a booking",
				"Cancels room `room_no` of a booking of several rooms, a confirmed one, and records the fee that applies at that instant by the policy that room was sold on; "+
					"its nights are released once, and the other rooms stay as they are (the booking's totals become the sum of the rooms still sold, `cancellation_fees` "+
					"the fees recorded). Cancelling the last confirmed room cancels the booking. `DELETE /bookings/{booking_id}` cancels every confirmed room at once. "+
					"`If-Match` takes the booking's `ETag`. A room that is not confirmed is 409, again included; a room the booking does not have is 404. "+
					"Takes no request body: one is refused (400).", false)
			op.params = arr{param("BookingID"), param("RoomNo"), param("IdempotencyKey"), param("IfMatch")}
			return op
		}(),
		bookingChange("POST", "/bookings/{booking_id}/check-in", "checkInBooking", "Check in",
			"The guest has arrived: from the arrival day until the day before check-out (hotel-local), a confirmed booking becomes `checked_in` "+
				"(`checked_in_at`) — of a booking of several rooms, every room still confirmed; its nights stay held. A checked-in stay is completed by check-out or by the daily completion, and is never a no-show; "+
				"it can no longer be cancelled or moved. Before the arrival day, after the stay, or not confirmed: 409. Takes no request body: one is refused (400).", false),
		bookingChange("POST", "/bookings/{booking_id}/check-out", "checkOutBooking", "Check out early",
			"An early departure (from the arrival day, hotel-local) of a confirmed or checked-in stay: the booking is completed and the nights from today on are released "+
				"(of a booking of several rooms, every room confirmed or checked in). "+
				"Takes no request body: one is refused (400).", false),
		{method: "GET", path: "/events", id: "listEvents", tag: "Events", summary: "Read the event feed", proxied: true,
			description: "Committed changes of bookings, availability, rates, restrictions and the catalogue in commit order, from the start of retention (`HOTEL_EVENT_RETENTION_DAYS`, default 30) or after `after`. " +
				"`Link: rel=\"next\"` is always the request to make next — behind the last event, or the same position when there was none — so a consumer loops on it, " +
				"storing the last `id` it processed to resume after a restart. With `wait`, a read that finds nothing waits up to that long for the next change " +
				"(long-poll: it answers within about 0.1 s of a commit) and then answers, possibly `[]`. Delivery is at least once per read: a consumer that " +
				"resumes from an older position reads the same events again, with the same ids.",
			params: arr{
				o("name", "after", "in", "query", "description", "Events after this position (an event's `id`); 0 or absent: from the oldest kept.",
					"schema", o("type", "integer", "minimum", 0, "default", 0)),
				o("name", "types", "in", "query", "description", "Only these types, comma-separated (`booking.created,booking.cancelled`).",
					"schema", o("type", "string", "maxLength", 1000)),
				param("HotelIDFilter"),
				o("name", "limit", "in", "query", "description", "Events per answer.", "schema", o("type", "integer", "minimum", 1, "maximum", 1000, "default", 100)),
				o("name", "wait", "in", "query", "description", "Long-poll: wait up to this long (a Go duration, `30s`; at most `60s`) for an event when there is none yet.",
					"schema", o("type", "string", "maxLength", 10, "examples", arr{"30s"})),
			},
			ok: []response{{status: "200", description: "Events in feed order (possibly none).", schema: arrayOf(schema("Event")), headers: []string{"Link"}}}},
		{method: "PUT", path: "/events/consumers/{name}", id: "putEventConsumer", tag: "Events", summary: "Store a consumer's position", proxied: true, noQuery: true,
			description: "Creates the named consumer (201) or moves its stored position (200), so it resumes after a restart with `GET /events?after=<position>`. " +
				"A new consumer's unacknowledged view starts after the position it is created with (`0`: every booking event kept). A position beyond the last event is 400.",
			params: arr{param("ConsumerName")}, body: schema("ConsumerPosition"), bodyExample: o("position", "1042"), errors: []int{400},
			ok: []response{
				{status: "201", description: "Created.", schema: schema("EventConsumer"), headers: []string{"Location"}},
				{status: "200", description: "Its position stored.", schema: schema("EventConsumer")},
			}},
		{method: "GET", path: "/events/consumers/{name}", id: "getEventConsumer", tag: "Events", summary: "Read a consumer", proxied: true, noQuery: true,
			description: "The consumer's stored position.", params: arr{param("ConsumerName")}, errors: []int{404},
			ok: []response{{status: "200", description: "The consumer.", schema: schema("EventConsumer")}}},
		{method: "GET", path: "/events/consumers/{name}/unacknowledged", id: "listUnacknowledgedEvents", tag: "Events", summary: "A consumer's unacknowledged booking events", proxied: true,
			description: "The booking events after the consumer's `acknowledge_from` that it has not acknowledged, oldest first — the queue a channel manager works through: " +
				"an event stays here until `POST /events/consumers/{name}/ack` names it.",
			params: arr{param("ConsumerName"), o("name", "limit", "in", "query", "description", "Events per answer.", "schema", o("type", "integer", "minimum", 1, "maximum", 1000, "default", 100))},
			errors: []int{404},
			ok:     []response{{status: "200", description: "Unacknowledged booking events (possibly none).", schema: arrayOf(schema("Event"))}}},
		{method: "POST", path: "/events/consumers/{name}/ack", id: "ackEvents", tag: "Events", summary: "Acknowledge booking events", proxied: true, noQuery: true,
			description: "Records that the consumer processed these booking events: they leave its unacknowledged view. Acknowledging again changes nothing.",
			params:      arr{param("ConsumerName")}, body: schema("EventAck"), bodyExample: o("ids", arr{"1042", "1043"}), errors: []int{404},
			ok: []response{{status: "200", description: "Acknowledged.", schema: schema("EventAckResult")}}},
		{method: "GET", path: "/scheduler/hotels/{hotel_id}/attention", id: "getAttention", tag: "Bookings", summary: "What needs a hotel's attention", proxied: true, noQuery: true,
			description: "The scheduler's unsettled items of one hotel: bookings left pending or with a change in flight for over a minute (the recovery pass finishes them), " +
				"and nights whose held rooms drifted from the bookings (the reconcile job's findings). The console's Today page shows them.",
			params: arr{param("HotelID")}, errors: []int{400},
			ok: []response{{status: "200", description: "The items (possibly none).", schema: schema("Attention")}}},
		{method: "POST", path: "/auth/sign-in", id: "signIn", tag: "Staff accounts", summary: "Sign in", proxied: true, noQuery: true,
			description: "Checks a staff user's email and password and opens a session: the answer sets the `hotel_session` cookie and carries the session's CSRF token. " +
				"A wrong email, a wrong password and a disabled user get the same 401. After 5 failures in a row the account is locked for 15 minutes (429 with `Retry-After`), " +
				"and the gateway allows each address 10 attempts a minute (429).",
			body: schema("SignIn"), bodyExample: o("email", "frontdesk@royal-lancaster.example", "password", "correct horse battery staple"), errors: []int{400, 401},
			ok: []response{{status: "200", description: "Signed in; `Set-Cookie: hotel_session=…`.", schema: schema("Session")}}},
		{method: "POST", path: "/auth/sign-out", id: "signOut", tag: "Staff accounts", summary: "Sign out", proxied: true, noQuery: true,
			description: "Ends the session of the cookie sent (it is refused from now on) and clears the cookie. Needs the session's `X-CSRF-Token` (403 without). Takes no request body.",
			errors:      []int{400, 401, 403},
			ok:          []response{{status: "204", description: "Signed out."}}},
		{method: "GET", path: "/auth/session", id: "getSession", tag: "Staff accounts", summary: "The signed-in user's session", proxied: true,
			description: "The user of the session cookie sent, its scopes, the CSRF token and when the session ends. 401 when not signed in or the session has ended.",
			errors:      []int{401},
			ok:          []response{{status: "200", description: "The session.", schema: schema("Session")}}},
		{method: "POST", path: "/users", id: "createUser", tag: "Staff accounts", summary: "Create a staff user", proxied: true, noQuery: true,
			description: "A console user with a role and, optionally, the hotels it is limited to. Without `password` one is generated and answered this once. An email in use is 409.",
			body:        schema("UserInput"), bodyExample: o("email", "frontdesk@royal-lancaster.example", "role", "front_desk", "hotel_ids", arr{111}), errors: []int{400, 409},
			ok: []response{{status: "201", description: "Created (with its generated password, once).", schema: schema("User"), headers: []string{"Location"}}}},
		{method: "GET", path: "/users", id: "listUsers", tag: "Staff accounts", summary: "List staff users", proxied: true,
			description: "Every user, oldest first (never a password or its hash).",
			ok:          []response{{status: "200", description: "The users.", schema: o("type", "object", "additionalProperties", false, "required", arr{"users"}, "properties", o("users", arrayOf(schema("User"))))}}},
		{method: "GET", path: "/users/{id}", id: "getUser", tag: "Staff accounts", summary: "Read a staff user", proxied: true,
			params: arr{param("UserID")}, errors: []int{404}, description: "The user.",
			ok: []response{{status: "200", description: "The user.", schema: schema("User")}}},
		{method: "PATCH", path: "/users/{id}", id: "updateUser", tag: "Staff accounts", summary: "Change a staff user", proxied: true, noQuery: true,
			description: "The fields given replace the user's. A new password, a new role or disabling the user ends every session of it; a new hotel limit applies to its next request.",
			params:      arr{param("UserID")}, body: schema("UserChange"), bodyExample: o("disabled", true), errors: []int{400, 404},
			ok: []response{{status: "200", description: "The user.", schema: schema("User")}}},
		{method: "DELETE", path: "/users/{id}/sessions", id: "revokeUserSessions", tag: "Staff accounts", summary: "End a user's sessions", proxied: true, noQuery: true,
			description: "Every session of the user ends now (a lost laptop). Takes no request body.", params: arr{param("UserID")}, errors: []int{400, 404},
			ok: []response{{status: "200", description: "Ended.", schema: schema("SessionsRevoked")}}},
		{method: "POST", path: "/webhooks", id: "createWebhook", tag: "Webhooks", summary: "Register a webhook subscription", proxied: true, noQuery: true,
			description: "Events the subscription selects (its `types` and `hotel_ids`; none: all) are POSTed to `url` one at a time, in feed order, until the receiver answers 2xx. " +
				"Each request is signed as the Standard Webhooks specification says: `webhook-id` (the event's id, the same on every attempt), `webhook-timestamp` and " +
				"`webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the secret's bytes after `whsec_`). " +
				"The answer carries the `secret` — shown this once. `after` replays the feed from a position (`0`: from the start of retention); by default only events from now on. " +
				"A URL reaching a loopback, link-local or private address is 400 unless the operator allows its network (`HOTEL_WEBHOOK_ALLOW_NETS`). At most 100 subscriptions (409).",
			body: schema("WebhookInput"), bodyExample: o("url", "https://pms.example.com/hooks/hotel", "types", arr{"booking.created", "booking.cancelled"}, "hotel_ids", arr{1}),
			errors: []int{400, 409},
			ok:     []response{{status: "201", description: "Registered, with its secret.", schema: schema("Webhook"), headers: []string{"Location"}}}},
		{method: "GET", path: "/webhooks", id: "listWebhooks", tag: "Webhooks", summary: "List webhook subscriptions", proxied: true,
			description: "Every subscription, oldest first, with its position and failure state (never its secret).",
			ok:          []response{{status: "200", description: "The subscriptions.", schema: arrayOf(schema("Webhook"))}}},
		{method: "GET", path: "/webhooks/{id}", id: "getWebhook", tag: "Webhooks", summary: "Read a webhook subscription", proxied: true,
			description: "The subscription (never its secret).", params: arr{param("WebhookID")}, errors: []int{404},
			ok: []response{{status: "200", description: "The subscription.", schema: schema("Webhook")}}},
		{method: "PATCH", path: "/webhooks/{id}", id: "updateWebhook", tag: "Webhooks", summary: "Change, pause or resume a subscription", proxied: true, noQuery: true,
			description: "The fields given replace the subscription's. `status: \"paused\"` stops deliveries; `\"active\"` resumes them — after a pause for failing, " +
				"from the event that failed, at once. The secret and the position are not changed here (`POST /webhooks/{id}/redeliver` moves the position).",
			params: arr{param("WebhookID")}, body: schema("WebhookChange"), bodyExample: o("status", "active"), errors: []int{400, 404},
			ok: []response{{status: "200", description: "The subscription.", schema: schema("Webhook")}}},
		{method: "DELETE", path: "/webhooks/{id}", id: "deleteWebhook", tag: "Webhooks", summary: "Delete a subscription", proxied: true, noQuery: true,
			description: "Deletes the subscription and its delivery log. Takes no request body: one is refused (400).", params: arr{param("WebhookID")}, errors: []int{400, 404},
			ok: []response{{status: "204", description: "Deleted."}}},
		{method: "GET", path: "/webhooks/{id}/deliveries", id: "listWebhookDeliveries", tag: "Webhooks", summary: "A subscription's delivery log", proxied: true,
			description: "Every attempt — from the feed, a redelivery or a test ping — newest first: the status code or what went wrong (`HTTP 500`, `timeout`, `connection refused`, " +
				"`address not allowed`, …), never the receiver's response body. Kept as long as the events (`HOTEL_EVENT_RETENTION_DAYS`).",
			params: arr{param("WebhookID"),
				o("name", "before", "in", "query", "description", "Attempts older than this one (its `id`): the next page.", "schema", o("type", "integer", "minimum", 1)),
				o("name", "limit", "in", "query", "description", "Attempts per answer.", "schema", o("type", "integer", "minimum", 1, "maximum", 500, "default", 50))},
			errors: []int{404},
			ok:     []response{{status: "200", description: "Attempts, newest first.", schema: arrayOf(schema("WebhookDelivery")), headers: []string{"Link"}}}},
		{method: "POST", path: "/webhooks/{id}/redeliver", id: "redeliverWebhook", tag: "Webhooks", summary: "Deliver again", proxied: true, noQuery: true,
			description: "With `event_id`: delivers that event once more, now (whatever the subscription's position or status), and answers the attempt. " +
				"With `after`: moves the subscription's position there and resumes it, so every selected event after it is delivered again, in order, with its own id " +
				"(a position beyond the feed's end is its end); answers the subscription. An event not in the feed (pruned, or not written) is 404; one the subscription does not select, 400.",
			params: arr{param("WebhookID")}, body: schema("WebhookRedelivery"), bodyExample: o("event_id", "1042"), errors: []int{400, 404},
			ok: []response{{status: "200", description: "The attempt (`event_id`), or the subscription rewound (`after`).",
				schema: o("oneOf", arr{schema("WebhookDelivery"), schema("Webhook")})}}},
		{method: "POST", path: "/webhooks/{id}/test", id: "testWebhook", tag: "Webhooks", summary: "Send a test ping", proxied: true, noQuery: true,
			description: "POSTs a signed `webhook.test` event (id `ping_…`, `data`: the subscription's id) to the subscription's URL now and answers the attempt: " +
				"`delivered`, the status code or what went wrong. It is in the delivery log, not in the feed. Takes no request body: one is refused (400).",
			params: arr{param("WebhookID")}, errors: []int{400, 404},
			ok: []response{{status: "200", description: "The attempt.", schema: schema("WebhookDelivery")}}},
		{method: "POST", path: "/bookings/{booking_id}/erase", id: "eraseBookingGuest", tag: "Bookings", summary: "Erase the guest's data", proxied: true, noQuery: true,
			description: "A guest's erasure request: the guest name becomes `(erased)` and the booking's access token stops working; dates, prices, " +
				"status and nights stay, so inventory and reports are unchanged. Any booking may be erased, an upcoming stay too (it stays booked). " +
				"Erasing again answers the same. A change of the booking in flight is 409 (try again shortly). Takes no request body: one is refused (400).",
			params: arr{param("BookingID")}, errors: []int{400, 404, 409},
			ok: []response{bookingOK("200", "The booking, erased.")}},
	}
}
