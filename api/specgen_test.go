package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel/api"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/server"
)

// This file generates openapi.json. The document is data written in Go so
// that what is common to many operations — who may call them (the rules the
// routes are declared with, server.Routes), the error responses every route can give, the headers — is
// written once and cannot drift between operations. Run
//
//	go test ./api -run TestSpecIsGenerated -update
//
// after editing it; the test fails while openapi.json differs.

var update = flag.Bool("update", false, "rewrite openapi.json from specgen_test.go")

func TestSpecIsGenerated(t *testing.T) {
	want := generate(t)
	if *update {
		if err := os.WriteFile("openapi.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(api.Spec(), want) {
		t.Fatal("openapi.json is not what specgen_test.go generates; run: go test ./api -run TestSpecIsGenerated -update")
	}
}

// obj is a JSON object that keeps its members in the order written.
type obj []member

type member struct {
	k string
	v any
}

// o builds an obj from key, value pairs.
func o(kv ...any) obj {
	if len(kv)%2 != 0 {
		panic(fmt.Sprintf("o: odd number of arguments: %v", kv))
	}
	out := make(obj, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		out = append(out, member{kv[i].(string), kv[i+1]})
	}
	return out
}

func (m obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := marshal(e.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(e.v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.k, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal is json.Marshal without escaping <, > and & (the document is
// read by people too).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

type arr = []any

func ref(kind, name string) obj { return o("$ref", "#/components/"+kind+"/"+name) }
func schema(name string) obj    { return ref("schemas", name) }
func param(name string) obj     { return ref("parameters", name) }
func header(name string) obj    { return ref("headers", name) }
func arrayOf(items any) obj     { return o("type", "array", "items", items) }

// jsonBody is a content map of one JSON media type.
func jsonBody(mediaType string, s any, example any) obj {
	mt := o("schema", s)
	if example != nil {
		mt = append(mt, member{"example", example})
	}
	return o(mediaType, mt)
}

// headerName is the HTTP name of the header described by components/headers/component:
// a few are variants of one header.
func headerName(component string) string {
	switch component {
	case "Retry-After-Required":
		return "Retry-After"
	case "Asset-ETag":
		return "ETag"
	}
	return component
}

// requestID is the header every response carries.
var requestID = member{"X-Request-ID", header("X-Request-ID")}

// response is one success response of an operation.
type response struct {
	status      string
	description string
	schema      any
	example     any
	mediaType   string   // default application/json
	headers     []string // names in components/headers
}

func (r response) render() obj {
	hs := obj{requestID}
	for _, h := range r.headers {
		hs = append(hs, member{headerName(h), header(h)})
	}
	out := o("description", r.description, "headers", hs)
	if r.schema != nil {
		mt := r.mediaType
		if mt == "" {
			mt = "application/json"
		}
		out = append(out, member{"content", jsonBody(mt, r.schema, r.example)})
	}
	return out
}

// operation is one method on one path.
type operation struct {
	method, path          string
	id, tag               string
	summary, description  string
	params                arr
	body                  any // schema of a JSON request body
	bodyExample           any
	bodyOptional          bool
	ok                    []response
	errors                []int // the route's own error statuses (400, 404, 409, 412, 422)
	noQuery               bool  // takes no query and cannot answer 400
	probe                 bool  // never rate limited: no 429
	proxied               bool  // forwarded by the gateway in split mode: 502, 503, 504
	unavailableFromServer bool  // 503 from a store or a dependency
}

// errorResponses names components/responses by status.
var errorResponses = map[int]string{
	400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
	412: "PreconditionFailed", 413: "ContentTooLarge", 415: "UnsupportedMediaType", 422: "UnprocessableContent", 429: "TooManyRequests",
	500: "InternalError", 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout",
}

// rule returns the access rule of op's route, as the route is declared.
func (op operation) rule(t *testing.T) auth.Rule {
	for _, r := range server.Routes() {
		if (r.Pattern == op.method+" "+op.path || r.Pattern == op.method+" "+op.path+"{$}") && !r.Rule.Forward {
			return r.Rule
		}
	}
	t.Fatalf("%s %s is documented but no server declares its route", op.method, op.path)
	return auth.Rule{}
}

// security is the OpenAPI security requirement of rule.
// A public operation lists the optional schemes after the empty
// requirement: a caller that sends a valid API key (or a booking's token)
// is known by it — its own rate-limit bucket (a staff key) and its own
// Idempotency-Key scope — so generated clients must be able to send one.
func security(rule auth.Rule) arr {
	if rule.Public {
		return arr{o(), o("apiKey", arr{}), o("bookingToken", arr{})}
	}
	var out arr
	if rule.Scope != "" {
		out = append(out, o("apiKey", arr{rule.Scope}), o("sessionCookie", arr{rule.Scope}))
	}
	if rule.Owner {
		out = append(out, o("bookingToken", arr{}))
	}
	if rule.Service {
		out = append(out, o("serviceCredential", arr{}))
	}
	if rule.User {
		return append(out, o("sessionCookie", arr{}))
	}
	return append(out, o("apiKey", arr{"admin"}), o("sessionCookie", arr{"admin"}))
}

func (op operation) render(t *testing.T) obj {
	rule := op.rule(t)
	who := "**Who may call:** " + rule.Describe() + "."
	if rule.Public {
		who = "**Who may call:** anyone; credentials are optional (a caller that sends valid ones is known by them, bad ones are ignored)."
	}
	desc := strings.TrimSpace(op.description + "\n\n" + who)
	out := o("tags", arr{op.tag}, "summary", op.summary, "description", desc, "operationId", op.id,
		"security", security(rule))
	if len(op.params) > 0 {
		out = append(out, member{"parameters", op.params})
	}
	if op.body != nil {
		rb := o("required", !op.bodyOptional, "content", jsonBody("application/json", op.body, op.bodyExample))
		out = append(out, member{"requestBody", rb})
	}
	codes := map[int]bool{429: !op.probe, 500: true}
	for _, c := range op.errors {
		codes[c] = true
	}
	if !op.noQuery {
		codes[400] = true
	}
	if !rule.Public {
		codes[401], codes[403] = true, true
	}
	if op.body != nil {
		codes[400], codes[413], codes[415] = true, true, true
	}
	if op.proxied || op.unavailableFromServer {
		codes[503] = true
	}
	if op.proxied {
		codes[502], codes[504] = true, true
	}
	responses := obj{}
	for _, r := range op.ok {
		responses = append(responses, member{r.status, r.render()})
	}
	for c := 300; c < 600; c++ {
		if codes[c] {
			name, ok := errorResponses[c]
			if !ok {
				t.Fatalf("%s %s: no component response for %d", op.method, op.path, c)
			}
			responses = append(responses, member{fmt.Sprint(c), ref("responses", name)})
		}
	}
	return append(out, member{"responses", responses})
}

func generate(t *testing.T) []byte {
	t.Helper()
	paths := obj{}
	index := map[string]int{}
	for _, op := range operations() {
		i, ok := index[op.path]
		if !ok {
			i = len(paths)
			index[op.path] = i
			paths = append(paths, member{op.path, obj{}})
		}
		paths[i].v = append(paths[i].v.(obj), member{strings.ToLower(op.method), op.render(t)})
	}
	doc := o(
		"openapi", "3.1.0",
		"info", o(
			"title", "Hotel inventory and booking API",
			"version", "1.0.0",
			"summary", "Hotels, room types, nightly inventory, availability search, reservation holds and bookings.",
			"description", strings.TrimSpace(infoDescription),
			"contact", o("name", "Hotel platform team"),
		),
		"servers", arr{o("url", "/", "description", "The gateway serving this document (http://127.0.0.1:8080 with `make run`).")},
		"tags", tags,
		"paths", paths,
		"components", o(
			"securitySchemes", securitySchemes,
			"parameters", parameters,
			"headers", headers,
			"responses", responses(),
			"schemas", schemas,
		),
	)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const infoDescription = `
The public API of the hotel platform, served by its gateway. Rooms are sold
without ever selling the same room twice: bookings take rooms only through
reservation holds, all nights or none.

## Conventions

- **JSON only, strictly.** Request bodies are one JSON object in UTF-8, sent with
  ` + "`Content-Type: application/json`" + ` (a body without it, or with another media type
  or charset, is 415). Every other deviation is 400 naming the field: **unknown
  fields**, field names in **another case** (names are case-sensitive), a field
  **given twice** (no "last one wins"), ` + "`null`" + ` for a field (no request field is
  nullable: leave it out instead), **invalid UTF-8** anywhere in the body, a body
  on a route that takes none (` + "`DELETE`" + `, check-out). Unknown or repeated **query
  parameters** are refused too. Bodies are limited to **1 MiB** (413).
- **Methods.** A method a path does not serve is 405 with an ` + "`Allow`" + ` header
  listing those it does; a method outside GET, HEAD, POST, PUT, PATCH, DELETE and
  OPTIONS (CONNECT, TRACE, any other) is 405 on every path, never forwarded.
- **Text** fields (names, locations, reasons, labels) must be a single line of
  safe text: no control characters (tab and newline included), no bidirectional
  controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and no line or
  paragraph separators (U+2028, U+2029); leading and trailing spaces are trimmed.
- **Dates** are ` + "`YYYY-MM-DD`" + ` calendar dates; a hotel's "today" and its nights are
  in the hotel's time zone. **Money** is a decimal string with two fractional
  digits (` + "`\"364.80\"`" + `), never a number, always with the hotel's ISO 4217
  ` + "`currency`" + `.
- **Lists** are JSON arrays (search: ` + "`{\"offers\": [...]}`" + `) paginated with ` + "`limit`" + `
  and an opaque ` + "`cursor`" + `; the next page is in a ` + "`Link: <...>; rel=\"next\"`" + `
  header, absent on the last page.
- **Creates** answer 201 with a ` + "`Location`" + ` header.
- Every response carries an ` + "`X-Request-ID`" + ` (the client's, when it sends a sane
  one, else a new one); it is also in every problem and in the server logs.

## Errors

Errors are [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) problem details
(` + "`application/problem+json`" + `, schema ` + "`Problem`" + `) with the extension members
` + "`code`" + ` (a small closed set, one per status), ` + "`request_id`" + `, for validation errors
` + "`errors: [{field, reason}]`" + ` listing every invalid field at once, and for
inventory conflicts ` + "`nights`" + `, the nights at fault. No response ever contains
internal error text. Unknown routes answer 404 and known routes called with
another method 405 (with ` + "`Allow`" + `), both as problems.

## Authentication

Send ` + "`Authorization: Bearer <credential>`" + `. Three kinds of credentials exist (see
the security schemes): staff **API keys** (` + "`hk_...`" + `) with scopes, **booking access
tokens** (` + "`bt_...`" + `) returned once when a booking is created, and the **service
credential** the platform's services present to each other. Missing or bad
credentials on a protected route → 401 with ` + "`WWW-Authenticate: Bearer`" + `; valid but
not allowed → 403. A booking's token used on another booking gets 404, so it
does not reveal that the booking exists.

## Retries

` + "`Idempotency-Key`" + ` makes POST /bookings/, PATCH, DELETE, check-out, inventory
adjustments and bulk ARI updates (which require it) safe to retry: the same key with the same request replays the
first answer (` + "`Idempotent-Replayed: true`" + `), with another request → 422, while
the first is still running → 409 with ` + "`Retry-After`" + `. Keys expire after 24 hours
and are scoped to the caller and the route. A 415 is not kept as the key's
answer: the same body sent again as JSON runs. A caller with credentials may
use any key (1–255 printable ASCII characters). Anonymous callers share one
scope, so an anonymous key must be a **random UUID** (400 otherwise): the key
is the request's secret, and whoever sends it is its holder — a replayed
booking comes with a new access token, which replaces the one before. 503
answers carry ` + "`Retry-After`" + ` where the server knows when to retry.

## Rate limits

Any route but the probes (` + "`/healthz`" + `, ` + "`/readyz`" + `) may answer **429 Too Many Requests**
with ` + "`Retry-After`" + ` (seconds) and the ` + "`RateLimit-Limit`" + `, ` + "`RateLimit-Remaining`" + `,
` + "`RateLimit-Reset`" + ` and ` + "`RateLimit-Policy`" + ` headers, which the other answers of a limited
client carry too. Limits are per client: its credential, else its address.

## Browsers (CORS)

For the origins the gateway is configured to allow, every answer carries
` + "`Access-Control-Allow-Origin`" + ` and exposes the headers above, and a preflight
(` + "`OPTIONS`" + ` with ` + "`Access-Control-Request-Method`" + `) on any path gets 204 with the
allowed methods and headers; a preflight from another origin gets 403.

## Seed aliases

Every route of the booking service is also reachable under the seed's
` + "`/booking`" + ` prefix: ` + "`/booking/{path}`" + ` is forwarded to the booking service as
` + "`/{path}`" + ` (for example ` + "`GET /booking/bookings/{booking_id}`" + `, ` + "`GET /booking/healthz`" + `),
with the same rules and answers. ` + "`/inventory`" + ` and ` + "`/inventory/`" + `, ` + "`/bookings`" + ` and
` + "`/bookings/`" + ` are the same collections.
`

var tags = arr{
	o("name", "Operations", "description", "Health, readiness and this documentation."),
	o("name", "Inventory", "description", "Nightly inventory rows (the seed's routes): rooms for sale and prices per room type and date."),
	o("name", "Search and catalogue", "description", "Availability search and the hotels and room types on sale."),
	o("name", "Inventory administration", "description", "Hotels, room types, the calendar of capacity and prices, and blocking rooms. Needs the `inventory:write` scope."),
	o("name", "Reservation holds", "description", "Service to service: the booking service takes rooms for a booking through holds, every night or none. Idempotent on the booking id."),
	o("name", "Bookings", "description", "A guest's stay: book (anyone), read, change, cancel and check out early."),
	o("name", "Events", "description", "The feed of committed changes — bookings, availability, rates, restrictions and the catalogue — in commit order, replayable from any position within retention. Needs the `events:read` scope."),
	o("name", "Staff accounts", "description", "Signing in to the console (a session cookie with a CSRF token), and the admin routes of staff users: roles, hotel limits, disabling, ending sessions."),
	o("name", "Webhooks", "description", "Subscriptions that deliver the feed to a URL, signed (Standard Webhooks), at least once, in order, retried with backoff; their delivery logs. Admins only."),
}

var securitySchemes = o(
	"apiKey", o("type", "http", "scheme", "bearer", "bearerFormat", "hk_...",
		"description", "A staff **API key** (`hk_` + 12 characters + `_` + 43 characters), shown once at creation "+
			"(`hotel keys create --name N --scopes s1,s2 [--hotels 1,2]`) and stored only as a hash. Its scopes — `bookings:read`, "+
			"`bookings:write`, `guests:read`, `inventory:read`, `inventory:write`, `events:read`, `admin` — are listed in each operation's security "+
			"requirement; `admin` holds every scope, `inventory:write` holds `inventory:read`. `HOTEL_ADMIN_KEY`, when configured, is accepted as an admin key. "+
			"A key (or a user) limited to some hotels gets 403 on another hotel's routes and 404 on its bookings."),
	"sessionCookie", o("type", "apiKey", "in", "cookie", "name", "hotel_session",
		"description", "A staff user's **session** (the console's): the cookie `POST /auth/sign-in` sets (`HttpOnly`, `SameSite=Strict`, `Secure` but on loopback). "+
			"The user's role grants the scopes listed in each operation's security requirement: `front_desk` — `bookings:read`, `bookings:write`, `guests:read`, `inventory:read`; "+
			"`revenue` — `bookings:read`, `inventory:read`, `inventory:write`; `admin` — every scope. A request that is not a read must also carry the session's CSRF token "+
			"(`csrf_token` of `GET /auth/session`) in `X-CSRF-Token`, else 403. Used only without an `Authorization` header."),
	"bookingToken", o("type", "http", "scheme", "bearer", "bearerFormat", "bt_...",
		"description", "A **booking access token** (`bt_...`), returned once in the 201 answer that creates a booking. "+
			"It admits its holder to read, change, cancel and check out that booking only; on another booking it gets 404."),
	"serviceCredential", o("type", "http", "scheme", "bearer",
		"description", "The **service credential** (`HOTEL_SERVICE_KEY`, at least 32 characters) the platform's services "+
			"present to each other, e.g. the booking service calling the reservation-hold routes."),
)

// Parameters shared by several operations.
// anyKey is the schema of an Idempotency-Key from a caller with
// credentials, with members kv first.
func anyKey(kv ...any) obj {
	return o(append(kv, "type", "string", "minLength", 1, "maxLength", 255, "pattern", "^[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?$")...)
}

var parameters = o(
	"HotelID", o("name", "hotel_id", "in", "path", "required", true, "description", "The hotel's id.",
		"schema", schema("ID"), "example", 111),
	"RoomTypeID", o("name", "room_type_id", "in", "path", "required", true, "description", "The room type's id.",
		"schema", schema("ID"), "example", 1),
	"BookingID", o("name", "booking_id", "in", "path", "required", true,
		"description", "The booking's id (a lowercase UUID); for holds, the id of the booking the hold is for.",
		"schema", schema("BookingID")),
	"Cursor", o("name", "cursor", "in", "query", "description", "Continue after the previous page: copy it from the `Link: rel=\"next\"` header. Opaque.",
		"schema", o("type", "string", "maxLength", 128)),
	"Location", o("name", "location", "in", "query", "description", "Only hotels in this location (a city), case-insensitive exact match.",
		"schema", o("type", "string", "maxLength", 200), "example", "london"),
	"RoomTypeName", o("name", "room_type", "in", "query", "description", "Only this room type, by name, case-insensitive exact match.",
		"schema", o("type", "string", "maxLength", 100), "example", "Deluxe Rooms"),
	"HotelIDFilter", o("name", "hotel_id", "in", "query", "description", "Only this hotel.", "schema", schema("ID")),
	"StartDate", o("name", "start_date", "in", "query", "description", "First date (inclusive).", "schema", schema("Date")),
	"EndDate", o("name", "end_date", "in", "query", "description", "Last date (inclusive); at most 366 days after `start_date`.", "schema", schema("Date")),
	"InventoryLimit", o("name", "limit", "in", "query", "description", "Rows per page.",
		"schema", o("type", "integer", "minimum", 1, "maximum", 5000, "default", 500)),
	"IdempotencyKey", o("name", "Idempotency-Key", "in", "header",
		"description", "Makes the request safe to retry: the same key with the same request replays the first answer "+
			"(`Idempotent-Replayed: true`) instead of acting twice; the same key with another request is 422, while the first is running 409. "+
			"One to 255 printable ASCII characters without leading or trailing spaces, sent once (else 400). Scoped to the caller's credential and the route; kept 24 hours.",
		"schema", anyKey(), "example", "3f1c9a2e-retry-1"),
	"IdempotencyKeyRequired", o("name", "Idempotency-Key", "in", "header", "required", true,
		"description", "Required (400 without it): the same key with the same request replays the first answer "+
			"(`Idempotent-Replayed: true`) and changes nothing; the same key with another request is 422, while the first is running 409. "+
			"One to 255 printable ASCII characters without leading or trailing spaces. Scoped to the caller's credential and the route; kept 24 hours.",
		"schema", anyKey(), "example", "cm-push-2026-12-01T09:00:00Z"),
	"RatePlanID", o("name", "rate_plan_id", "in", "path", "required", true, "description", "The rate plan's id.",
		"schema", schema("ID"), "example", 12),
	"ARIFrom", o("name", "from", "in", "query", "description", "First date (inclusive); default today in the hotel's time zone.", "schema", schema("Date")),
	"ARITo", o("name", "to", "in", "query", "description", "Last date (inclusive); default 30 days from `from`, at most 366.", "schema", schema("Date")),
	"RoomTypeIDFilter", o("name", "room_type_id", "in", "query", "description", "Only this room type.", "schema", schema("ID")),
	"IdempotencyKeyCreate", o("name", "Idempotency-Key", "in", "header",
		"description", "Makes the booking safe to retry: the same key with the same request replays the first answer "+
			"(`Idempotent-Replayed: true`, with a new access token that replaces the one before) instead of booking twice; "+
			"after a 5xx the retry resumes the same booking. The same key with another request is 422 (saying only that), while the first is running 409. "+
			"**Without credentials**, the key must be a random UUID (any version, in its 8-4-4-4-12 hex form; an obvious one such as the nil UUID is refused): "+
			"anonymous callers share one scope, so the key is the secret that makes the booking yours — whoever sends it holds the booking. "+
			"With credentials (an API key or a booking token), any key of 1 to 255 printable ASCII characters without leading or trailing spaces, scoped to the credential. "+
			"Sent once; any other key is 400. Kept 24 hours.",
		// One schema, the wider one: a UUID is a key of the second kind, and
		// an anyOf of two strings in a header is more than client generators
		// (ogen) accept; the description says when only a UUID will do.
		"schema", anyKey(), "example", "0f8fad5b-d9cb-469f-a165-70867728950e"),
	"RoomNo", o("name", "room_no", "in", "path", "required", true, "description", "The room's number in its booking (`room_no`: 1 to 9).",
		"schema", o("type", "integer", "minimum", 1, "maximum", 9)),
	"ConsumerName", o("name", "name", "in", "path", "required", true, "description", "The consumer's name.", "schema", schema("ConsumerName")),
	"UserID", o("name", "id", "in", "path", "required", true, "description", "The user's id.", "schema", schema("ID")),
	"WebhookID", o("name", "id", "in", "path", "required", true, "description", "The subscription's id.", "schema", schema("ID")),
	"IfMatch", o("name", "If-Match", "in", "header",
		"description", "The booking's `ETag` as last seen: the change is refused with 412 if the booking has changed since. `*` or absent: no check.",
		"schema", o("type", "string"), "example", `W/"1"`),
)

var headers = o(
	"X-Request-ID", o("description", "The request's id: the client's own `X-Request-ID` when it is 1–128 characters of `A-Za-z0-9._:-`, else a new one. Also in problems and logs.",
		"required", true, "schema", o("type", "string", "pattern", "^[A-Za-z0-9._:-]{1,128}$")),
	"Link", o("description", "The next page: `<URL>; rel=\"next\"` (the same query with the cursor of the next page). Absent on the last page.",
		"schema", o("type", "string", "pattern", "^<[^>]+>; rel=\"next\"$"), "example", `</inventory/?cursor=MTExfDIwMjYtMTItMTR8NA&limit=10&location=london>; rel="next"`),
	"Location", o("description", "The path of the created resource.", "required", true, "schema", o("type", "string", "format", "uri-reference")),
	"ETag", o("description", "The booking's version as a weak entity tag; send it back in `If-Match`.", "required", true,
		"schema", o("type", "string", "pattern", "^W/\"[0-9]+\"$"), "example", `W/"1"`),
	"Idempotent-Replayed", o("description", "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.",
		"schema", o("type", "string", "enum", arr{"true"})),
	"Retry-After", o("description", "Seconds to wait before retrying.", "schema", o("type", "integer", "minimum", 0), "example", 5),
	"Retry-After-Required", o("description", "Seconds to wait before retrying.", "required", true, "schema", o("type", "integer", "minimum", 0), "example", 30),
	"RateLimit-Limit", o("description", "Requests allowed in the current window.", "schema", o("type", "integer", "minimum", 0)),
	"RateLimit-Remaining", o("description", "Requests left in the current window.", "schema", o("type", "integer", "minimum", 0)),
	"RateLimit-Reset", o("description", "Seconds until the window resets.", "schema", o("type", "integer", "minimum", 0)),
	"RateLimit-Policy", o("description", "The quota and its window: `<limit>;w=<seconds>`.", "schema", o("type", "string"), "example", "20;w=2"),
	"WWW-Authenticate", o("description", "The authentication scheme to use.", "required", true,
		"schema", o("type", "string", "pattern", "^Bearer"), "example", `Bearer realm="hotel"`),
	"Content-Security-Policy", o("description", "The docs page may load and connect to its own origin only.", "schema", o("type", "string")),
	"Asset-ETag", o("description", "Entity tag of the served file; send it in `If-None-Match` to get 304 while it is unchanged.", "required", true,
		"schema", o("type", "string", "pattern", "^\"[0-9a-f]+\"$")),
)

// problem renders a problem response.
func problem(description string, example obj, hs ...string) obj {
	h := obj{requestID}
	for _, name := range hs {
		h = append(h, member{headerName(name), header(name)})
	}
	return o("description", description, "headers", h,
		"content", jsonBody("application/problem+json", schema("Problem"), example))
}

func problemExample(status int, code, title, detail, instance string, extra ...any) obj {
	p := o("type", "https://hotelplatform.dev/problems/"+strings.ReplaceAll(code, "_", "-"), "title", title, "status", status,
		"detail", detail, "instance", instance, "code", code, "request_id", "5f2b7c1e9a4d4e0b8c3a6f1d2e7b9a40")
	return append(p, o(extra...)...)
}

func responses() obj {
	return o(
		"BadRequest", problem("The request is malformed or breaks a rule: invalid fields (all listed in `errors`), an unknown, repeated or null field or query parameter, a body that is not JSON in UTF-8, a body on a route that takes none.",
			problemExample(400, "invalid", "Bad Request", "The request has invalid fields.", "/bookings/",
				"errors", arr{o("field", "stay_length", "reason", "must be between 1 and 30 nights"), o("field", "arrival_date", "reason", "is required (YYYY-MM-DD)")})),
		"Unauthorized", problem("No credentials, or bad ones (unknown, revoked, malformed).",
			problemExample(401, "unauthorized", "Unauthorized", "This route needs credentials: Authorization: Bearer <key>.", "/bookings/"), "WWW-Authenticate"),
		"Forbidden", problem("The credentials are valid but do not allow this call.",
			problemExample(403, "forbidden", "Forbidden", "These credentials do not allow this call.", "/inventory/111/adjust")),
		"NotFound", problem("The resource does not exist (or, to a booking token, is another booking).",
			problemExample(404, "not_found", "Not Found", "Hotel 999999 was not found.", "/inventory/999999")),
		"Conflict", problem("The request conflicts with the current state: sold out or not enough rooms (`nights` lists the nights at fault), "+
			"a booking that is not confirmed or changed concurrently, a name already taken, or a request with the same `Idempotency-Key` still running (with `Retry-After`).",
			problemExample(409, "conflict", "Conflict", "Deluxe Rooms is sold out on 2026-12-15.", "/bookings/",
				"nights", arr{"2026-12-15"}), "Retry-After"),
		"PreconditionFailed", problem("`If-Match` names an older version of the booking: read it again and retry.",
			problemExample(412, "precondition_failed", "Precondition Failed", "The booking has changed since version 2; it is at version 3.", "/bookings/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")),
		"ContentTooLarge", problem("The request body is larger than 1 MiB.",
			problemExample(413, "too_large", "Request Entity Too Large", "The request body is larger than 1048576 bytes.", "/bookings/")),
		"UnsupportedMediaType", problem("The request has a body without `Content-Type: application/json` (missing, another media type, or a charset other than UTF-8); `errors` names the header.",
			problemExample(415, "unsupported_media_type", "Unsupported Media Type", "The request has a body but no Content-Type; send the body as application/json (JSON in UTF-8).", "/bookings/",
				"errors", arr{o("field", "Content-Type", "reason", "is required: application/json")})),
		"UnprocessableContent", problem("The `Idempotency-Key` was used for a different request.",
			problemExample(422, "unprocessable", "Unprocessable Entity", "This Idempotency-Key was used for a different request; use a new key for a new request.", "/bookings/")),
		"TooManyRequests", problem("Too many requests from this client: wait `Retry-After` seconds.",
			problemExample(429, "rate_limited", "Too Many Requests", "Too many requests; retry in 30 seconds.", "/inventory/search"),
			"Retry-After-Required", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"),
		"InternalError", problem("An unexpected failure; the details are logged under the `request_id`, never shown.",
			problemExample(500, "internal", "Internal Server Error", "An internal error occurred.", "/inventory/search")),
		"BadGateway", problem("Split mode: the service behind the gateway failed to answer.",
			problemExample(502, "bad_gateway", "Bad Gateway", "The inventory service failed to answer.", "/inventory/111")),
		"ServiceUnavailable", problem("A dependency (the database, or in split mode the service behind the gateway) cannot be reached; retry later (`Retry-After` where known). "+
			"A booking left pending is resumed by a retry with the same `Idempotency-Key`.",
			problemExample(503, "unavailable", "Service Unavailable", "The inventory service is unavailable; try again shortly.", "/inventory/hotel_name/111"), "Retry-After"),
		"GatewayTimeout", problem("Split mode: the service behind the gateway did not answer in time.",
			problemExample(504, "timeout", "Gateway Timeout", "The inventory service did not answer in time.", "/inventory/111")),
	)
}

// Schemas of the domain (hotel.go, inventory.go, booking.go, money.go) and
// of the wire (inventoryhttp/wire.go, bookinghttp, web.Problem).
var schemas = o(
	"ID", o("type", "integer", "format", "int64", "minimum", 1, "examples", arr{111}),
	"BookingID", o("type", "string", "format", "uuid", "pattern", "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
		"description", "A lowercase UUID (version 7: time-ordered).", "examples", arr{"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}),
	"Date", o("type", "string", "format", "date", "pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description", "A calendar date, `YYYY-MM-DD`.", "examples", arr{"2026-12-14"}),
	"Timestamp", o("type", "string", "format", "date-time", "examples", arr{"2026-11-30T09:15:04.123456Z"}),
	"Money", o("type", "string", "pattern", "^-?[0-9]+\\.[0-9]{2}$",
		"description", "An exact amount in the hotel's currency: a decimal string with two fractional digits, never a float.", "examples", arr{"364.80"}),
	"MoneyInput", o("type", "string", "pattern", "^[0-9]+(\\.[0-9]{1,2})?$",
		"description", "An amount as a decimal string with at most two fractional digits (`\"364.8\"`, `\"130\"`).", "examples", arr{"364.80"}),
	"Currency", o("type", "string", "pattern", "^[A-Z]{3}$", "description", "ISO 4217 code.", "examples", arr{"GBP"}),
	"DemandLevel", o("type", "string", "enum", arr{"low", "medium", "high"}),
	"NightPrice", o("type", "object", "description", "The price of one night.", "required", arr{"date", "price"},
		"properties", o("date", schema("Date"), "price", schema("Money"))),
	"FieldError", o("type", "object", "required", arr{"field", "reason"}, "properties", o(
		"field", o("type", "string", "description", "The field, query parameter, path parameter or header at fault.", "examples", arr{"end_date"}),
		"reason", o("type", "string", "description", "Why it is invalid, for people.", "examples", arr{"must not be before start_date"}))),
	"Problem", o("type", "object", "description", "An RFC 9457 problem details object with this API's extension members.",
		"required", arr{"type", "title", "status", "code"},
		"properties", o(
			"type", o("type", "string", "format", "uri", "description", "Identifies the kind of problem: `https://hotelplatform.dev/problems/` + the code with `-` for `_`.",
				"examples", arr{"https://hotelplatform.dev/problems/not-found"}),
			"title", o("type", "string", "description", "The HTTP status text.", "examples", arr{"Not Found"}),
			"status", o("type", "integer", "minimum", 400, "maximum", 599, "description", "The HTTP status code."),
			"detail", o("type", "string", "description", "What went wrong, for people; never internal error text."),
			"instance", o("type", "string", "description", "The request path.", "examples", arr{"/inventory/999999"}),
			"code", o("type", "string", "description", "The error code, one per status; stable for programs.",
				"enum", arr{"invalid", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict", "precondition_failed",
					"too_large", "unsupported_media_type", "unprocessable", "rate_limited", "internal", "bad_gateway", "unavailable", "timeout"}),
			"request_id", o("type", "string", "description", "The request's `X-Request-ID`."),
			"errors", o("type", "array", "description", "Every invalid field of a 400 answer (or the header at fault of a 415).", "items", schema("FieldError")),
			"nights", o("type", "array", "description", "The nights at fault of an inventory conflict (sold out, nothing to unblock, capacity below what is held).",
				"items", schema("Date")),
			"violations", o("type", "array", "description", "Every rule of the rate plan a stay breaks, when a hold, booking or change is refused by one (409).",
				"items", schema("Violation")),
		)),

	// Operations.
	"GatewayHealth", o("type", "object", "required", arr{"message", "status"}, "properties", o(
		"message", o("type", "string", "const", "API Gateway is running"), "status", o("type", "string", "const", "ok"))),
	"Health", o("type", "object", "required", arr{"status"}, "properties", o("status", o("type", "string", "const", "ok"))),
	"Readiness", o("type", "object", "required", arr{"status", "checks"}, "properties", o(
		"status", o("type", "string", "enum", arr{"ready", "unavailable"}),
		"checks", o("type", "object", "description", "Each dependency checked (`database`; in split mode the gateway's `inventory` and `booking`) → `ok` or what is wrong.",
			"additionalProperties", o("type", "string"), "examples", arr{o("database", "ok")}))),
	"OpenAPIDocument", o("type", "object", "description", "This document.", "required", arr{"openapi", "info", "paths"},
		"properties", o("openapi", o("type", "string", "pattern", "^3\\.1\\."), "info", o("type", "object"), "paths", o("type", "object"))),

	// Inventory and catalogue.
	"InventoryItem", o("type", "object", "description", "One room type of one hotel on one date (the seed's field names).",
		"required", arr{"hotel_id", "hotel_name", "location", "room_type_id", "room_type", "date", "available_rooms", "total_rooms", "room_price", "currency", "demand_level"},
		"properties", o(
			"hotel_id", schema("ID"), "hotel_name", o("type", "string"), "location", o("type", "string"),
			"room_type_id", schema("ID"), "room_type", o("type", "string"), "date", schema("Date"),
			"available_rooms", o("type", "integer", "minimum", 0, "description", "Rooms still for sale: capacity + overbooking allowance − held − blocked."),
			"total_rooms", o("type", "integer", "minimum", 0, "description", "The night's capacity."),
			"room_price", schema("Money"), "currency", schema("Currency"), "demand_level", schema("DemandLevel"))),
	"DatabaseIdentity", o("type", "object", "required", arr{"driver", "database_id"}, "properties", o(
		"driver", o("type", "string", "enum", arr{"sqlite", "postgres"}),
		"database_id", o("type", "string", "pattern", "^[0-9a-f]{32}$", "description", "Drawn at random when the schema was created; a copy of the database has the same."))),
	"HotelName", o("type", "object", "required", arr{"hotel_id", "hotel_name"}, "properties", o("hotel_id", schema("ID"), "hotel_name", o("type", "string"))),
	"Hotel", o("type", "object", "required", arr{"hotel_id", "hotel_name", "location", "time_zone", "currency"}, "properties", o(
		"hotel_id", schema("ID"), "hotel_name", o("type", "string", "maxLength", 200), "location", o("type", "string", "maxLength", 200),
		"time_zone", o("type", "string", "description", "IANA time zone: defines the hotel's today and its nights.", "examples", arr{"Europe/London"}),
		"currency", schema("Currency"),
		"taxes", o("type", "array", "maxItems", 10, "items", schema("Tax"),
			"description", "The hotel's taxes and fees on a room's price, in the order a price breakdown lists them; absent when it has none."))),
	"HotelCreate", o("type", "object", "additionalProperties", false, "required", arr{"hotel_name", "location", "time_zone", "currency"}, "properties", hotelFields),
	"HotelPatch", o("type", "object", "additionalProperties", false, "description", "The fields given replace the stored ones.", "properties", hotelFields),
	"RoomType", o("type", "object", "required", arr{"room_type_id", "hotel_id", "room_type", "max_occupancy", "overbooking_allowance"}, "properties", o(
		"room_type_id", schema("ID"), "hotel_id", schema("ID"), "room_type", o("type", "string", "maxLength", 100),
		"max_occupancy", o("type", "integer", "minimum", 1, "maximum", 50),
		"overbooking_allowance", o("type", "integer", "minimum", 0, "maximum", 1000, "description", "Rooms that may be sold beyond capacity on each night."))),
	"RoomTypeCreate", o("type", "object", "additionalProperties", false, "required", arr{"room_type", "max_occupancy"}, "properties", roomTypeFields),
	"RoomTypePatch", o("type", "object", "additionalProperties", false, "description", "The fields given replace the stored ones.", "properties", roomTypeFields),
	"CalendarUpdate", o("type", "object", "additionalProperties", false, "required", arr{"room_type_id", "start_date", "end_date"},
		"description", "Sets capacity, price and/or demand level of one room type on every night of `start_date`…`end_date` (inclusive, at most 366 nights). "+
			"At least one of the three is required; nights that do not exist yet are created and then need `capacity` and `price`.",
		"properties", o("room_type_id", schema("ID"), "start_date", schema("Date"), "end_date", schema("Date"),
			"capacity", o("type", "integer", "minimum", 0, "maximum", 10000), "price", schema("MoneyInput"), "demand_level", schema("DemandLevel"))),
	"CalendarResult", o("type", "object", "required", arr{"updated", "created"}, "properties", o(
		"updated", o("type", "integer", "minimum", 0, "description", "Nights changed."), "created", o("type", "integer", "minimum", 0, "description", "Nights created."))),
	"AdjustmentRequest", o("type", "object", "additionalProperties", false, "required", arr{"date", "num_rooms"},
		"description", "Blocks rooms (positive `num_rooms`: takes them out of sale) or unblocks them (negative) on every night of `date`…`end_date`. "+
			"The room type is named by `room_type` (its name, case-insensitive) or `room_type_id`.",
		"properties", o("room_type", o("type", "string", "maxLength", 100), "room_type_id", schema("ID"), "date", schema("Date"),
			"end_date", o("$ref", "#/components/schemas/Date", "description", "Last night (inclusive); default `date`."),
			"num_rooms", o("type", "integer", "minimum", -10000, "maximum", 10000, "not", o("const", 0)),
			"reason", o("type", "string", "maxLength", 500))),
	"Adjustment", o("type", "object", "required", arr{"adjustment_id", "hotel_id", "room_type_id", "room_type", "date", "end_date", "num_rooms", "actor", "created_at"},
		"properties", o("adjustment_id", schema("ID"), "hotel_id", schema("ID"), "room_type_id", schema("ID"), "room_type", o("type", "string"),
			"date", schema("Date"), "end_date", schema("Date"), "num_rooms", o("type", "integer"), "reason", o("type", "string"),
			"actor", o("type", "string", "description", "Who made it: the API key's name, or `service`."), "created_at", schema("Timestamp"))),
	"RatePlan", o("type", "object", "description", "A way a room type is sold: a base plan with nightly prices of its own, or a plan derived from another plan of the hotel. "+
		"Its policies (`cancellation_policy`, `no_show_policy`, `guarantee`) are its own: a derived plan never takes its parent's.",
		"required", arr{"rate_plan_id", "hotel_id", "room_type_id", "code", "name", "meal_plan", "refundable", "sellable", "default", "occupancy"},
		"properties", o("rate_plan_id", schema("ID"), "hotel_id", schema("ID"), "room_type_id", schema("ID"),
			"code", schema("RatePlanCode"), "name", o("type", "string", "maxLength", 100), "meal_plan", schema("MealPlan"),
			"refundable", o("type", "boolean"), "sellable", o("type", "boolean"),
			"default", o("type", "boolean", "description", "The room type's default plan: its price is the inventory night's (`room_price`)."),
			"parent_id", o("$ref", "#/components/schemas/ID", "description", "The plan this one derives from; absent on base plans."),
			"adjust_percent_bp", o("type", "integer", "description", "A derived plan's adjustment in basis points (−1000 = 10 % less)."),
			"adjust_amount", o("$ref", "#/components/schemas/Money", "description", "A derived plan's adjustment per night."),
			"follows_parent_restrictions", o("type", "boolean"),
			"occupancy", schema("Occupancy"),
			"cancellation_policy", o("$ref", "#/components/schemas/CancellationPolicy", "description", "What cancelling a stay sold on the plan costs. "+
				"Absent: the policy `refundable` implies — refundable, free until the arrival date begins (00:00 hotel time) and no fee after it; otherwise non-refundable."),
			"no_show_policy", o("$ref", "#/components/schemas/NoShowPolicy", "description", "What a guest who does not arrive owes; absent: nothing."),
			"guarantee", o("$ref", "#/components/schemas/Guarantee", "description", "What a booking must secure; absent: nothing."))),
	"RatePlanCode", o("type", "string", "pattern", "^[A-Z0-9][A-Z0-9_-]{0,31}$", "description", "Unique in the hotel.", "examples", arr{"NR-DBL"}),
	"MealPlan", o("type", "string", "enum", arr{"RO", "BB", "HB", "FB", "AI"}, "description", "Meals included: room only, bed and breakfast, half board, full board, all inclusive."),
	"Occupancy", o("type", "object", "additionalProperties", false, "description", "How a base plan prices the party: the nightly price is for `base_adults` (0: any number); "+
		"each adult beyond adds `extra_adult`; a child is priced by the first band whose `max_age` is at least its age (older: an adult). Derived plans price as their parent.",
		"required", arr{"base_adults", "extra_adult", "child_bands"},
		"properties", o("base_adults", o("type", "integer", "minimum", 0, "maximum", 50), "extra_adult", schema("MoneyAny"),
			"child_bands", o("type", "array", "maxItems", 18, "description", "Ascending by `max_age`.", "items", o("type", "object", "additionalProperties", false,
				"required", arr{"max_age", "price"}, "properties", o("max_age", o("type", "integer", "minimum", 0, "maximum", 17), "price", schema("MoneyAny")))))),
	"MoneyAny", o("type", "string", "pattern", "^-?[0-9]+(\\.[0-9]{1,2})?$", "description", "An amount as a decimal string (answers carry two fractional digits).", "examples", arr{"25.00"}),
	"RatePlanWrite", o("type", "object", "additionalProperties", false,
		"description", "Create: `room_type_id`, `code` and `name` are required (`meal_plan` defaults to RO, `refundable` and `sellable` to true). Update: the fields given replace the stored ones "+
			"(`room_type_id` cannot change). Name the parent, a plan of the same room type, by `parent` (its code) or `parent_id`; `\"\"` or 0 makes the plan a base plan. A derived plan adjusts by `adjust_percent_bp` or "+
			"`adjust_amount` (not both) and has no occupancy of its own; the default plan stays a base plan; a derivation cycle is 400. "+
			"A policy given replaces the plan's whole policy. `refundable` must agree with the cancellation policy (`false` exactly when it is `non_refundable`, else 400); "+
			"a `cancellation_policy` given without `refundable` sets `refundable` to agree with it.",
		"properties", o("room_type_id", schema("ID"), "code", schema("RatePlanCode"), "name", o("type", "string", "maxLength", 100), "meal_plan", schema("MealPlan"),
			"refundable", o("type", "boolean"), "sellable", o("type", "boolean"),
			"parent", o("type", "string", "maxLength", 32), "parent_id", o("type", "integer", "format", "int64", "minimum", 0),
			"adjust_percent_bp", o("type", "integer", "minimum", -10000, "maximum", 100000), "adjust_amount", schema("MoneyAny"),
			"follows_parent_restrictions", o("type", "boolean"), "occupancy", schema("Occupancy"),
			"cancellation_policy", o("$ref", "#/components/schemas/CancellationPolicy", "description", "Replaces the plan's cancellation policy; `refundable` follows it unless given too. "+
				"A policy cannot be removed (`null` is refused): `{}` is free cancellation until the arrival date begins and no fee after it, as a refundable plan without a policy."),
			"no_show_policy", o("$ref", "#/components/schemas/NoShowPolicy", "description", "Replaces the plan's no-show policy (`{}`: nothing owed)."),
			"guarantee", o("$ref", "#/components/schemas/Guarantee", "description", "Replaces the plan's guarantee (`{\"kind\": \"none\"}`: nothing)."))),
	"RestrictionPatch", o("type", "object", "additionalProperties", false, "description", "Each field given overwrites (0 and false clear it); those left out are kept.",
		"properties", restrictionFields(true)),
	"Restrictions", o("type", "object", "description", "The restrictions in effect (fields without a restriction are left out); see the README.",
		"properties", restrictionFields(false)),
	"ARIUpdate", o("type", "object", "additionalProperties", false, "required", arr{"room_type_id", "from", "to"},
		"description", "Sets, on the dates `from`…`to` (inclusive, ≤ 366) that fall on `weekdays` (all when left out), the price of the base plan `rate_plan` "+
			"(the default plan's is the inventory night's price), the room type's capacity, and the restrictions of `rate_plan` or, without it, of every plan of the room type.",
		"properties", o("room_type_id", schema("ID"), "rate_plan", schema("RatePlanCode"), "from", schema("Date"), "to", schema("Date"),
			"weekdays", o("type", "array", "maxItems", 7, "items", o("type", "string", "enum", arr{"sun", "mon", "tue", "wed", "thu", "fri", "sat"})),
			"price", schema("MoneyInput"), "capacity", o("type", "integer", "minimum", 0, "maximum", 10000), "restrictions", schema("RestrictionPatch"))),
	"ARIRequest", o("type", "object", "additionalProperties", false, "required", arr{"updates"},
		"properties", o("reason", o("type", "string", "maxLength", 500), "updates", o("type", "array", "minItems", 1, "maxItems", 1000,
			"description", "Applied in order, in one transaction: all or nothing. At most 50 000 nights in all.", "items", schema("ARIUpdate")))),
	"ARIChange", o("type", "object", "required", arr{"change_id", "hotel_id", "actor", "updates", "result", "created_at"},
		"properties", o("change_id", schema("ID"), "hotel_id", schema("ID"), "actor", o("type", "string", "description", "Who: the API key's name."),
			"reason", o("type", "string"), "updates", arrayOf(schema("ARIUpdate")),
			"result", o("type", "object", "required", arr{"capacity", "prices", "restrictions", "created"}, "properties", o(
				"capacity", o("type", "integer", "minimum", 0, "description", "Nights whose capacity was set."),
				"prices", o("type", "integer", "minimum", 0, "description", "Plan nights priced."),
				"restrictions", o("type", "integer", "minimum", 0, "description", "Dates whose restrictions were set."),
				"created", o("type", "integer", "minimum", 0, "description", "Inventory nights created (capacity and the default plan's price given)."))),
			"created_at", schema("Timestamp"))),
	"ARICalendar", o("type", "object", "required", arr{"hotel_id", "currency", "from", "to", "room_types"},
		"properties", o("hotel_id", schema("ID"), "currency", schema("Currency"), "from", schema("Date"), "to", schema("Date"),
			"room_types", arrayOf(schema("ARIRoomCalendar")))),
	"ARIRoomCalendar", o("type", "object", "required", arr{"room_type_id", "room_type", "nights", "rate_plans"},
		"properties", o("room_type_id", schema("ID"), "room_type", o("type", "string"),
			"nights", o("type", "array", "description", "Dates with inventory.", "items", schema("ARIRoomNight")),
			"rate_plans", arrayOf(schema("ARIPlanCalendar")))),
	"ARIRoomNight", o("type", "object", "required", arr{"date", "total_rooms", "available_rooms"},
		"properties", o("date", schema("Date"), "total_rooms", o("type", "integer", "minimum", 0),
			"available_rooms", o("type", "integer", "description", "Rooms for sale: capacity + allowance − held − blocked."))),
	"ARIPlanCalendar", o("type", "object", "required", arr{"rate_plan_id", "code", "sellable", "nights"},
		"properties", o("rate_plan_id", schema("ID"), "code", schema("RatePlanCode"), "sellable", o("type", "boolean"),
			"nights", arrayOf(schema("ARIPlanNight")))),
	"ARIPlanNight", o("type", "object", "required", arr{"date", "restrictions"},
		"properties", o("date", schema("Date"),
			"price", o("$ref", "#/components/schemas/Money", "description", "The price for the base occupancy; absent without one."),
			"restrictions", schema("Restrictions"))),
	"SearchResult", o("type", "object", "required", arr{"offers"}, "properties", o("offers", arrayOf(schema("Offer")),
		"excluded", o("type", "array", "items", schema("Exclusion"), "maxItems", 500,
			"description", "With `explain=true`, on the first page: the rate plans left out by a rule, each with every rule the stay breaks."))),
	"Exclusion", o("type", "object", "description", "A rate plan of a room type that a search left out.",
		"required", arr{"hotel_id", "room_type_id", "rate_plan_id", "rate_plan", "violations"},
		"properties", o("hotel_id", schema("ID"), "room_type_id", schema("ID"), "rate_plan_id", schema("ID"), "rate_plan", o("type", "string"),
			"violations", arrayOf(schema("Violation")))),
	"Violation", o("type", "object", "description", "A rule a stay breaks, on a date (none for rules of no date).",
		"required", arr{"rule", "detail"},
		"properties", o("rule", o("type", "string", "enum", arr{"not_sellable", "max_occupancy", "no_inventory", "sold_out", "no_price", "stop_sell",
			"closed_to_arrival", "closed_to_departure", "min_stay_arrival", "max_stay_arrival", "min_stay_through", "max_stay_through",
			"min_advance", "max_advance"}),
			"date", schema("Date"), "detail", o("type", "string"))),
	"Offer", o("type", "object", "description", "A room type sold through one of its rate plans, every rule of which the stay and party meet.",
		"required", arr{"hotel_id", "hotel_name", "location", "time_zone", "room_type_id", "room_type", "max_occupancy",
			"rate_plan_id", "rate_plan", "rate_plan_name", "meal_plan", "refundable", "check_in", "check_out",
			"available_rooms", "nightly_prices", "total_price", "currency", "cancellation_policy", "no_show_policy", "guarantee", "price_breakdown"},
		"properties", o("hotel_id", schema("ID"), "hotel_name", o("type", "string"), "location", o("type", "string"), "time_zone", o("type", "string"),
			"room_type_id", schema("ID"), "room_type", o("type", "string"), "max_occupancy", o("type", "integer", "minimum", 1),
			"rate_plan_id", schema("ID"), "rate_plan", o("type", "string", "description", "The rate plan's code: book it with `rate_plan`."),
			"rate_plan_name", o("type", "string"),
			"meal_plan", o("type", "string", "enum", arr{"RO", "BB", "HB", "FB", "AI"}, "description", "Meals included: room only, bed and breakfast, half board, full board, all inclusive."),
			"refundable", o("type", "boolean"),
			"check_in", schema("Date"), "check_out", schema("Date"),
			"available_rooms", o("type", "integer", "minimum", 1, "description", "The lowest number of rooms for sale over the stay."),
			"nightly_prices", o("type", "array", "items", schema("NightPrice"), "description", "Each night's price for the party on the rate plan."),
			"total_price", o("$ref", "#/components/schemas/Money", "description", "The sum of the nightly prices."),
			"currency", schema("Currency"),
			"cancellation_policy", o("$ref", "#/components/schemas/CancellationPolicy", "description", "The plan's cancellation policy, or the one `refundable` implies when the plan has none "+
				"(`{}`: free until the arrival date begins; `{\"non_refundable\": true}`)."),
			"cancellation_deadline", o("$ref", "#/components/schemas/HotelTime", "description", "The last instant of free cancellation for this stay, with the hotel's offset; absent when non-refundable."),
			"no_show_policy", o("$ref", "#/components/schemas/NoShowPolicy", "description", "The plan's no-show policy (`{}`: nothing owed)."),
			"guarantee", o("$ref", "#/components/schemas/Guarantee", "description", "The plan's guarantee; `kind` empty (a plan that sets none) or `none`: nothing to secure."),
			"price_breakdown", o("$ref", "#/components/schemas/PriceBreakdown", "description", "`total_price` split by the hotel's taxes, for the party searched."))),

	// What a hold and a booking record of the plan they were sold on.
	"ChildAges", o("type", "array", "maxItems", 50, "items", o("type", "integer", "minimum", 0, "maximum", 17),
		"description", "The children's ages, one per child (0–17); the plan's age bands price them. Without them children are priced as of unknown age (the oldest band)."),
	"Party", o("type", "object", "description", "The party a stay was priced for.", "required", arr{"adults"},
		"properties", o("adults", o("type", "integer", "minimum", 0),
			"children_ages", o("type", "array", "items", o("type", "integer", "minimum", -1, "maximum", 17), "description", "One per child; −1: age not given."))),
	"DatedRestrictions", o("description", "The restrictions in effect on a date.",
		"allOf", arr{schema("Restrictions"), o("type", "object", "required", arr{"date"}, "properties", o("date", schema("Date")))}),
	"Terms", o("type", "object", "description", "What a stay was sold under, as it was when priced: the rate plan with its policies, the party, each date's restrictions (the stay's nights and check-out day), "+
		"and the hotel's time zone and taxes. A later change to the plan or the hotel never alters them.",
		"required", arr{"rate_plan", "party"},
		"properties", o("rate_plan", schema("RatePlan"), "party", schema("Party"),
			"restrictions", o("type", "array", "items", schema("DatedRestrictions"), "description", "Only the dates with a restriction."),
			"time_zone", o("type", "string", "description", "The hotel's IANA time zone when the stay was sold: deadlines and due dates are in it. Absent for stays sold before terms recorded it (the hotel's zone is used).",
				"examples", arr{"Europe/London"}),
			"taxes", o("type", "array", "items", schema("Tax"), "description", "The hotel's taxes when the stay was sold, which `price_breakdown` applies; absent when it had none."))),

	// Stay terms (policy.go, tax.go): what a plan's policies and a hotel's
	// taxes are, and what they mean for a stay.
	"HotelTime", o("type", "string", "format", "date-time",
		"description", "An instant in RFC 3339 with the hotel's UTC offset on that date (`+01:00`; `Z` where the offset is zero, as in London in winter).",
		"examples", arr{"2026-12-12T18:00:00Z"}),
	"Deadline", o("type", "object", "additionalProperties", false, "required", arr{"at"},
		"description", "When free cancellation ends, in the hotel's time zone. With `days_before`: `at` on the date that many days before arrival, the wall time whatever the offset that day. "+
			"With `hours_before`: that many elapsed hours before `at` on the arrival date (`at` is then the check-in time), so across a daylight-saving change 47 or 49 hours on the wall clock. "+
			"At most one of the two; neither: `at` on the arrival date. A wall time the clocks skip is the first instant after the gap; one they show twice, the earlier.",
		"properties", o(
			"days_before", o("type", "integer", "minimum", 0, "maximum", 365),
			"hours_before", o("type", "integer", "minimum", 0, "maximum", 8760),
			"at", o("type", "string", "pattern", "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description", "A time of day, `HH:MM` (00:00–23:59), hotel-local.", "examples", arr{"18:00"}))),
	"Fee", o("type", "object", "additionalProperties", false,
		"description", "A charge on a stay's nightly prices (the room's price as sold, taxes aside), of one kind: the first `nights` nights' prices (all of them when the stay is shorter), "+
			"`percent_bp` basis points of the stay's total (rounded half away from zero to the currency's minor unit), or a fixed `amount`. "+
			"Never negative, never more than the stay's total. `{}` charges nothing.",
		"properties", o(
			"nights", o("type", "integer", "minimum", 0, "maximum", 365),
			"percent_bp", o("type", "integer", "minimum", 0, "maximum", 10000, "description", "Basis points of the stay's total (5000 = 50 %)."),
			"amount", o("$ref", "#/components/schemas/MoneyInput", "description", "A fixed amount, at most 1000000.00."))),
	"CancellationPolicy", o("type", "object", "additionalProperties", false,
		"description", "What cancelling a stay costs. `non_refundable`: the whole stay, from booking (then no `deadline` and no `fee`). "+
			"Otherwise cancelling is free until the deadline — at the deadline instant itself still free — and from the next instant costs `fee`; "+
			"without a `deadline` it is free until the arrival date begins (00:00 hotel time), then costs `fee`. A `deadline` needs a `fee`. "+
			"`{}` is free until the arrival date begins and costs nothing after it. A stay booked after its deadline costs the fee from booking.",
		"properties", o(
			"non_refundable", o("type", "boolean", "default", false),
			"deadline", schema("Deadline"),
			"fee", schema("Fee")),
		"examples", arr{o("deadline", o("days_before", 2, "at", "18:00"), "fee", o("nights", 1)), o("non_refundable", true)}),
	"NoShowPolicy", o("type", "object", "additionalProperties", false,
		"description", "What a guest who does not arrive owes: `fee`, on the stay's nightly prices as a cancellation fee is; with `release_later_nights` every night after the first "+
			"goes back on sale, otherwise they stay held for a late arrival. `{}`: nothing owed. No route marks a booking a no-show yet.",
		"properties", o(
			"fee", schema("Fee"),
			"release_later_nights", o("type", "boolean", "default", false))),
	"Guarantee", o("type", "object", "additionalProperties", false,
		"description", "What a booking must secure: nothing (`none`), a payment `card` on file (due at booking), or a `deposit` of `deposit_percent_bp` of the stay "+
			"(rounded as a percentage fee is), due at 00:00 hotel time on the date `due_days_before` days before arrival (0: at booking; at booking too when that has passed). "+
			"The platform takes no payment: a booking shows what is due and when.",
		"properties", o(
			"kind", o("type", "string", "enum", arr{"none", "card", "deposit", ""}, "description", "Empty, in a request, is `none`."),
			"deposit_percent_bp", o("type", "integer", "minimum", 1, "maximum", 10000, "description", "A deposit's share of the stay in basis points (3000 = 30 %); deposits only."),
			"due_days_before", o("type", "integer", "minimum", 0, "maximum", 365, "description", "Deposits only.")),
		"examples", arr{o("kind", "card"), o("kind", "deposit", "deposit_percent_bp", 3000, "due_days_before", 14)}),
	"GuaranteeDue", o("type", "object", "required", arr{"kind", "amount"},
		"description", "What a booking's guarantee asks for: a deposit's `amount` (0.00 for a card or none) and when it is due (`due_at`, absent when nothing is).",
		"properties", o(
			"kind", o("type", "string", "enum", arr{"none", "card", "deposit"}),
			"amount", schema("Money"),
			"due_at", o("$ref", "#/components/schemas/HotelTime", "description", "A card's: the booking's creation. A deposit's: 00:00 hotel time on the date `due_days_before` days before arrival, or the booking's creation if later."))),
	"Tax", o("type", "object", "additionalProperties", false, "required", arr{"code", "name"},
		"description", "One of a hotel's taxes or fees on a room's price, of one of two kinds. A percentage (`percent_bp`) of the net price, included in the price as sold "+
			"(`inclusive`: VAT in most of Europe) or added to it (a service charge, a sales tax). Or an amount per person per night (`per_person_night`), always added (a city tax): "+
			"for every guest not exempt — a child under `exempt_under_age` is; a child of unknown age and adults never are — for each night up to `max_nights`. "+
			"Taxes are computed on each room's stay total, once, in the order listed; the README gives the rounding.",
		"properties", o(
			"code", o("type", "string", "pattern", "^[A-Z0-9][A-Z0-9_-]{0,15}$", "description", "Unique among the hotel's taxes.", "examples", arr{"VAT"}),
			"name", o("type", "string", "minLength", 1, "maxLength", 100, "examples", arr{"VAT 20 %"}),
			"percent_bp", o("type", "integer", "minimum", 0, "maximum", 10000, "description", "A percentage in basis points (2000 = 20 %)."),
			"inclusive", o("type", "boolean", "default", false, "description", "The percentage is part of the price as sold (a per-person amount never is)."),
			"per_person_night", o("$ref", "#/components/schemas/MoneyInput", "description", "An amount per liable guest and night, at most 1000000.00; not with `percent_bp` or `inclusive`."),
			"max_nights", o("type", "integer", "minimum", 0, "maximum", 365, "description", "Per-person amounts: nights taxed at most (0: every night)."),
			"exempt_under_age", o("type", "integer", "minimum", 0, "maximum", 18, "description", "Per-person amounts: children younger than this are exempt (0: none).")),
		"examples", arr{o("code", "VAT", "name", "VAT 20 %", "percent_bp", 2000, "inclusive", true),
			o("code", "CITY", "name", "City tax", "per_person_night", "3.00", "max_nights", 7, "exempt_under_age", 12)}),
	"TaxLine", o("type", "object", "required", arr{"code", "name", "amount", "included"},
		"description", "One tax on a stay.",
		"properties", o(
			"code", o("type", "string"), "name", o("type", "string"), "amount", schema("Money"),
			"included", o("type", "boolean", "description", "The amount is part of the price as sold (an inclusive percentage), not added to it."))),
	"PriceBreakdown", o("type", "object", "required", arr{"net", "taxes", "gross"},
		"description", "A price split by the hotel's taxes: `net` plus every tax is `gross`, exactly, and `gross` is the price plus the added taxes. "+
			"Without taxes `net` and `gross` are the price and `taxes` is empty.",
		"properties", o("net", schema("Money"), "taxes", arrayOf(schema("TaxLine")), "gross", schema("Money")),
		"examples", arr{o("net", "912.00", "taxes", arr{o("code", "VAT", "name", "VAT 20 %", "amount", "182.40", "included", true)}, "gross", "1094.40")}),
	"CancellationPreview", o("type", "object", "required", arr{"booking_id", "as_of", "currency", "free_cancellation", "cancellation_fee", "late_cancellation_fee"},
		"description", "What cancelling a confirmed booking at `as_of` would cost, by the cancellation policy it was sold on. Nothing is changed.",
		"properties", join(o(
			"booking_id", schema("BookingID"),
			"as_of", o("$ref", "#/components/schemas/HotelTime", "description", "The instant the answer is for (now), with the hotel's offset."),
			"currency", schema("Currency")), cancellationFields(false))),

	// Holds.
	"HoldRequest", o("type", "object", "additionalProperties", false, "required", arr{"hotel_id", "room_type_id", "check_in", "check_out"},
		"properties", o("hotel_id", schema("ID"), "room_type_id", schema("ID"), "check_in", schema("Date"),
			"check_out", o("$ref", "#/components/schemas/Date", "description", "The day of departure: the nights are [check_in, check_out)."),
			"rate_plan", o("$ref", "#/components/schemas/RatePlanCode", "description", "The plan to sell; default the room type's default plan. Every rule of the plan is checked for the stay and party (409 with `violations`)."),
			"adults", o("type", "integer", "minimum", 0, "description", "The party priced (0 with no children: the plan's base occupancy)."),
			"children_ages", o("type", "array", "maxItems", 50, "items", o("type", "integer", "minimum", -1, "maximum", 17), "description", "One per child; −1: age unknown."),
			"restore", o("type", "boolean", "default", false, "description", "A repair: take the nights back for a booking already sold, checking no rule (the nights take the inventory price)."))),
	"HoldGroupRequest", o("type", "object", "additionalProperties", false, "required", arr{"rooms"},
		"properties", o("rooms", o("type", "array", "minItems", 1, "maxItems", 9, "items", schema("HoldRequest"),
			"description", "The rooms of the booking, all of one hotel and one stay; room k (1-based) is held under the k-th hold id of the booking."))),
	"HoldGroup", o("type", "object", "description", "The holds of a booking's rooms, in the order asked.", "required", arr{"holds"},
		"properties", o("holds", o("type", "array", "items", schema("Hold")))),
	"HoldMove", o("type", "object", "additionalProperties", false, "required", arr{"check_in", "check_out"},
		"properties", o("room_type_id", o("$ref", "#/components/schemas/ID", "description", "Another room type of the same hotel; default the hold's."),
			"check_in", schema("Date"), "check_out", schema("Date"),
			"rate_plan", o("$ref", "#/components/schemas/RatePlanCode", "description", "The plan to sell; default the hold's (another room type: its default plan). The moved stay is checked and priced again; nights kept on the same plan and party keep their prices. Every rule of the plan is checked for the stay and party (409 with `violations`)."),
			"adults", o("type", "integer", "minimum", 0, "description", "The party priced (0 with no children: the plan's base occupancy)."),
			"children_ages", o("type", "array", "maxItems", 50, "items", o("type", "integer", "minimum", -1, "maximum", 17), "description", "One per child; −1: age unknown."),
			"restore", o("type", "boolean", "default", false, "description", "A repair: take the nights back for a booking already sold, checking no rule (the nights take the inventory price)."))),
	"HoldConfirmation", o("type", "object", "additionalProperties", false,
		"properties", o("booking_ids", o("type", "array", "maxItems", 500, "items", schema("BookingID"), "description", "The bookings recorded (a request)."),
			"confirmed", o("type", "integer", "minimum", 0, "description", "How many holds were confirmed (an answer)."))),
	"HoldRelease", o("type", "object", "additionalProperties", false,
		"properties", o("from", o("$ref", "#/components/schemas/Date", "description", "Release only the nights from this date on (an early departure); default every night."))),
	"Hold", o("type", "object", "description", "One room of one room type held on each of a booking's nights.",
		"required", arr{"booking_id", "hotel_id", "room_type_id", "check_in", "check_out", "status", "nights", "total_price", "currency", "created_at", "updated_at"},
		"properties", o("booking_id", schema("BookingID"), "hotel_id", schema("ID"), "room_type_id", schema("ID"),
			"check_in", schema("Date"), "check_out", schema("Date"), "status", o("type", "string", "enum", arr{"held", "released"}),
			"nights", o("type", "array", "items", schema("NightPrice"), "description", "The nights held now, with prices; empty once released."),
			"total_price", schema("Money"), "currency", schema("Currency"), "created_at", schema("Timestamp"), "updated_at", schema("Timestamp"),
			"rate_plan_id", o("$ref", "#/components/schemas/ID", "description", "The plan the nights are priced on (absent for a hold made before rate plans or restored)."),
			"terms", schema("Terms"))),

	// Bookings.
	"BookingStatus", o("type", "string", "enum", arr{"pending", "confirmed", "checked_in", "cancelled", "no_show", "completed", "failed"},
		"description", "pending → confirmed | failed; confirmed → checked_in | cancelled | no_show | completed (a stay not checked in still completes after check-out, unless "+
			"`HOTEL_COMPLETE_UNCHECKED` is off); checked_in → completed. `POST …/check-in` sets `checked_in` (with `checked_in_at`), the scheduler's no-show job `no_show` (with `no_show_fee`)."),
	"NewBooking", o("type", "object", "additionalProperties", false, "required", arr{"guest_name", "hotel_id", "arrival_date", "stay_length"},
		"description", "One room: `room_type` and `adults` (with `rate_plan`, `children`, `children_ages`, `meal_plan`) in the booking itself, the seed's shape. "+
			"Several rooms, all or none: `rooms`, each with those fields, and none of them in the booking (400 naming them). One room in `rooms` is the same as the flat fields.",
		"properties", o(
			"guest_name", o("type", "string", "minLength", 1, "maxLength", 100, "description", "The guest's name; with `rooms`, the lead guest's (each room's guest unless it names its own)."),
			"hotel_id", schema("ID"),
			"room_type", o("type", "string", "description", "The room type's name, case-insensitive. Required without `rooms`.", "examples", arr{"Deluxe Rooms"}),
			"arrival_date", o("$ref", "#/components/schemas/Date", "description", "Not before today at the hotel."),
			"stay_length", o("type", "integer", "minimum", 1, "description", "Nights, at most `HOTEL_MAX_STAY_NIGHTS` (default 30)."),
			"adults", o("type", "integer", "minimum", 1, "description", "Required without `rooms`."), "children", o("type", "integer", "minimum", 0, "default", 0),
			"children_ages", o("$ref", "#/components/schemas/ChildAges", "description", "When given, one per child (as many as `children`)."),
			"rate_plan", o("$ref", "#/components/schemas/RatePlanCode", "description", "The rate plan to book (an offer's `rate_plan`); default the room type's default plan. "+
				"Every rule is checked again in the booking's transaction: a rule or price changed since the search is 409 with `violations`. Named, the booking's `meal_plan` is the plan's."),
			"meal_plan", o("type", "string", "maxLength", 50), "market_segment", o("type", "string", "maxLength", 50),
			"booking_channel", o("type", "string", "maxLength", 50), "is_holiday", o("type", "boolean", "default", false),
			"rooms", o("type", "array", "minItems", 1, "maxItems", 9, "items", schema("NewRoom"),
				"description", "The rooms of a booking of several rooms (up to 9), for the booking's hotel and stay: every night of every room is held in one step, or none "+
					"(409 with the short `nights` of all of them, nothing recorded but the failed booking). Field errors are named `rooms[i].field` (0-based)."))),
	"NewRoom", o("type", "object", "additionalProperties", false, "required", arr{"room_type", "adults"},
		"description", "One room of a booking of several rooms: its room type, plan, party and guest.",
		"properties", o(
			"room_type", o("type", "string", "description", "The room type's name, case-insensitive.", "examples", arr{"Deluxe Rooms"}),
			"rate_plan", o("$ref", "#/components/schemas/RatePlanCode", "description", "Default: the room type's default plan. Each room is sold on its own plan's terms."),
			"adults", o("type", "integer", "minimum", 1), "children", o("type", "integer", "minimum", 0, "default", 0),
			"children_ages", o("$ref", "#/components/schemas/ChildAges", "description", "When given, one per child."),
			"guest_name", o("type", "string", "minLength", 1, "maxLength", 100, "description", "This room's guest; default the booking's `guest_name`."),
			"meal_plan", o("type", "string", "maxLength", 50))),
	"BookingChange", o("type", "object", "additionalProperties", false,
		"description", "The fields given replace the booking's; new dates, length, room type, rate plan or party move the hold and re-price, or nothing changes (409).",
		"properties", o("guest_name", o("type", "string", "minLength", 1, "maxLength", 100), "arrival_date", schema("Date"),
			"stay_length", o("type", "integer", "minimum", 1), "room_type", o("type", "string"),
			"adults", o("type", "integer", "minimum", 1), "children", o("type", "integer", "minimum", 0),
			"children_ages", o("$ref", "#/components/schemas/ChildAges", "description", "Replaces the children's ages (alone: their number is its length)."),
			"rate_plan", o("$ref", "#/components/schemas/RatePlanCode", "description", "Another plan of the room type. A new plan, party or stay is checked and priced again before arrival (409 with `violations`); once the stay has begun the party may change but is not re-priced."))),
	"Booking", o("type", "object", "description", "A booking. Of one room, the guest's stay in the seed's flat fields: one room of one room type for `stay_length` nights from `arrival_date`. "+
		"Of several rooms, the fields every room shares, the sums over its rooms (`total_price`, `price_breakdown`, `guarantee`, the party, and what cancelling the rooms still confirmed costs now), "+
		"`cancellation_fees` recorded so far, and `rooms`, each a stay of its own with its `room_no`; its `reservation_status` is the first its rooms have of checked_in, confirmed, "+
		"pending, completed, no_show, cancelled, failed, and its `version` the sum of its rooms' (it moves whenever a room changes). "+
		"What its terms mean is shown as of the answer: a confirmed or cancelled booking has `free_cancellation`, `cancellation_fee` and `late_cancellation_fee` "+
		"(and `cancellation_deadline` unless non-refundable), and every booking its `guarantee` and `price_breakdown`. "+
		"A booking whose terms do not record the hotel's time zone (sold before they did) takes it from the inventory service; when that cannot answer, these fields are left out.",
		"required", arr{"booking_id", "confirmation_code", "hotel_id", "hotel_name", "guest_name", "arrival_date", "stay_length",
			"check_out_date", "adults", "children", "is_weekend", "is_holiday", "total_price", "currency",
			"reservation_status", "version", "created_at", "updated_at"},
		"properties", join(stayProperties, o(
			"cancellation_fees", o("$ref", "#/components/schemas/Money", "description", "Several rooms: the fees recorded for the rooms cancelled so far (0.00 when none)."),
			"rooms", o("type", "array", "minItems", 2, "maxItems", 9, "items", schema("BookingRoom"),
				"description", "Several rooms only: each room's stay, room 1 (the booking's own id and code) first. Absent for a booking of one room.")))),
	"EventType", o("type", "string", "enum", arr{"booking.created", "booking.failed", "booking.modified", "booking.cancelled", "booking.checked_in", "booking.no_show", "booking.completed",
		"ari.changed", "hotel.changed"},
		"description", "`booking.*`: what happened to a booking row — `created` (confirmed), `failed` (refused: sold out or a rule broken; nothing held), `modified` (a new version, its status unchanged: "+
			"dates, room, party, guest name or its erasure), or its new status (`data`: a `BookingEvent`). `ari.changed`: availability, rates or restrictions of a room type "+
			"(or of the hotel's base-plan prices) changed over a range of nights; `hotel.changed`: the hotel, its room types or rate plans changed (`data`: an `ARIEvent`)."),
	"Event", o("type", "object", "additionalProperties", false, "required", arr{"id", "type", "time", "hotel_id", "subject", "sequence", "data"},
		"description", "One committed change. Written in the change's own transaction (no event without its change, no change without its event), published in commit order.",
		"properties", o(
			"id", o("type", "string", "pattern", "^[1-9][0-9]*$", "description", "The event's position in the feed: unique, the same on every read, and the `after` cursor that resumes behind it.",
				"examples", arr{"1042"}),
			"type", schema("EventType"),
			"time", o("$ref", "#/components/schemas/Timestamp", "description", "When the change was written (the database's clock)."),
			"hotel_id", schema("ID"),
			"subject", o("type", "string", "description", "What changed: the booking row's id (a booking's own id, or room k's of a booking of several rooms); "+
				"`hotel/{hotel_id}` or `hotel/{hotel_id}/room-type/{room_type_id}` for ARI and catalogue events."),
			"sequence", o("type", "integer", "minimum", 1, "description", "The subject's changes counted from 1, in the order they committed: a consumer applies an event only after the one before it."),
			"data", o("description", "The change: a `BookingEvent` for `booking.*` types, an `ARIEvent` for `ari.changed` and `hotel.changed`.",
				"oneOf", arr{schema("BookingEvent"), schema("ARIEvent")}))),
	"EventConsumer", o("type", "object", "additionalProperties", false, "required", arr{"name", "position", "acknowledge_from", "created_at", "updated_at"},
		"description", "A named consumer of the feed: the position it stored, and where its unacknowledged view of booking events starts (its first position).",
		"properties", o(
			"name", schema("ConsumerName"),
			"position", o("type", "string", "pattern", "^[0-9]+$", "description", "The id of the last event it processed (`0`: none): read on with `GET /events?after=<position>`."),
			"acknowledge_from", o("type", "string", "pattern", "^[0-9]+$", "description", "Its unacknowledged view holds the booking events after this position: the position it was created with."),
			"created_at", schema("Timestamp"), "updated_at", schema("Timestamp"))),
	"ConsumerName", o("type", "string", "pattern", "^[a-z0-9][a-z0-9._-]{0,63}$", "examples", arr{"channel-manager"}),
	"ConsumerPosition", o("type", "object", "additionalProperties", false, "required", arr{"position"},
		"properties", o("position", o("type", "string", "pattern", "^[0-9]+$", "description", "An event id, or `0` for the start of the feed; not beyond the last event."))),
	"EventAck", o("type", "object", "additionalProperties", false, "required", arr{"ids"},
		"properties", o("ids", o("type", "array", "minItems", 1, "maxItems", 1000, "items", o("type", "string", "pattern", "^[1-9][0-9]*$"),
			"description", "Ids of booking events processed; other ids are ignored."))),
	"EventAckResult", o("type", "object", "additionalProperties", false, "required", arr{"acknowledged"},
		"properties", o("acknowledged", o("type", "integer", "minimum", 0, "description", "How many of them were not acknowledged before."))),
	"Attention", o("type", "object", "additionalProperties", false, "required", arr{"unsettled", "drift"},
		"properties", o(
			"unsettled", o("type", "array", "maxItems", 200, "description", "Bookings pending, or with a change in flight, for over a minute: the recovery pass settles them.",
				"items", o("type", "object", "additionalProperties", false, "required", arr{"booking_id", "confirmation_code", "status", "since"},
					"properties", o("booking_id", schema("BookingID"), "confirmation_code", o("type", "string"), "status", schema("BookingStatus"),
						"since", o("$ref", "#/components/schemas/Timestamp", "description", "Its last update.")))),
			"drift", o("type", "array", "maxItems", 200, "description", "Nights whose held rooms differ from the bookings holding them (the reconcile job's findings).",
				"items", o("type", "object", "additionalProperties", false, "required", arr{"room_type_id", "date", "held", "bookings"},
					"properties", o("room_type_id", schema("ID"), "date", schema("Date"),
						"held", o("type", "integer", "description", "Rooms the night holds."),
						"bookings", o("type", "integer", "description", "Bookings that should hold it.")))))),
	"SignIn", o("type", "object", "additionalProperties", false, "required", arr{"email", "password"},
		"properties", o("email", o("type", "string", "maxLength", 254), "password", o("type", "string", "maxLength", 1024))),
	"User", o("type", "object", "additionalProperties", false,
		"required", arr{"id", "email", "role", "hotel_ids", "disabled", "created_at", "updated_at"},
		"properties", o(
			"id", schema("ID"), "email", o("type", "string", "format", "email"), "role", schema("Role"),
			"hotel_ids", o("type", "array", "items", schema("ID"), "description", "The hotels the user is limited to; none: every hotel."),
			"disabled", o("type", "boolean", "description", "A disabled user cannot sign in, and its sessions ended."),
			"last_sign_in_at", schema("Timestamp"), "created_at", schema("Timestamp"), "updated_at", schema("Timestamp"),
			"password", o("type", "string", "description", "The generated first password: in the answer to the user's creation only, when no password was given."))),
	"Role", o("type", "string", "enum", arr{"front_desk", "revenue", "admin"},
		"description", "`front_desk`: bookings and guests, the calendar read-only; `revenue`: prices, restrictions and capacity, bookings read-only without guest names; `admin`: everything."),
	"UserInput", o("type", "object", "additionalProperties", false, "required", arr{"email", "role"},
		"properties", o(
			"email", o("type", "string", "format", "email", "maxLength", 254, "description", "Unique; stored in lower case."),
			"role", schema("Role"),
			"hotel_ids", o("type", "array", "maxItems", 1000, "items", schema("ID"), "description", "Existing hotels the user is limited to; none: every hotel (an admin sees every hotel)."),
			"password", o("type", "string", "minLength", 12, "maxLength", 256, "description", "12 to 256 characters; none: one is generated and answered once."))),
	"UserChange", o("type", "object", "additionalProperties", false,
		"properties", o(
			"role", schema("Role"),
			"hotel_ids", o("type", "array", "maxItems", 1000, "items", schema("ID")),
			"password", o("type", "string", "minLength", 12, "maxLength", 256),
			"disabled", o("type", "boolean"))),
	"Session", o("type", "object", "additionalProperties", false, "required", arr{"user", "scopes", "csrf_token", "expires_at"},
		"properties", o(
			"user", schema("User"),
			"scopes", o("type", "array", "items", o("type", "string"), "description", "The scopes the user's role holds."),
			"csrf_token", o("type", "string", "description", "Send it in `X-CSRF-Token` with every request of this session that is not a read."),
			"expires_at", o("$ref", "#/components/schemas/Timestamp", "description", "The session ends then at the latest (`HOTEL_SESSION_TTL`); sooner when unused for `HOTEL_SESSION_IDLE`."))),
	"SessionsRevoked", o("type", "object", "additionalProperties", false, "required", arr{"revoked"},
		"properties", o("revoked", o("type", "integer", "minimum", 0, "description", "Sessions that were active."))),
	"WebhookInput", o("type", "object", "additionalProperties", false, "required", arr{"url"},
		"properties", o(
			"url", o("type", "string", "format", "uri", "maxLength", 2000, "description", "Absolute http or https URL, without credentials or fragment; redirects are not followed."),
			"description", o("type", "string", "maxLength", 500),
			"types", o("type", "array", "items", schema("EventType"), "description", "The event types delivered; none: every type."),
			"hotel_ids", o("type", "array", "maxItems", 100, "items", schema("ID"), "description", "The hotels whose events are delivered; none: every hotel."),
			"secret", o("type", "string", "pattern", "^whsec_[A-Za-z0-9+/=]+$", "description", "Your own signing secret (`whsec_` and the base64 of 24 to 64 bytes); none: one is made."),
			"after", o("type", "string", "pattern", "^[0-9]+$", "description", "Deliver the events after this position (`0`: every event kept); none: only events from now on."))),
	"WebhookChange", o("type", "object", "additionalProperties", false,
		"properties", o(
			"url", o("type", "string", "format", "uri", "maxLength", 2000),
			"description", o("type", "string", "maxLength", 500),
			"types", o("type", "array", "items", schema("EventType")),
			"hotel_ids", o("type", "array", "maxItems", 100, "items", schema("ID")),
			"status", o("type", "string", "enum", arr{"active", "paused"}))),
	"WebhookRedelivery", o("type", "object", "additionalProperties", false, "description", "One of `event_id` and `after`.",
		"properties", o(
			"event_id", o("type", "string", "pattern", "^[1-9][0-9]*$", "description", "Deliver this event once more, now."),
			"after", o("type", "string", "pattern", "^[0-9]+$", "description", "Deliver every selected event after this position again, in order."))),
	"Webhook", o("type", "object", "additionalProperties", false,
		"required", arr{"id", "url", "description", "types", "hotel_ids", "status", "position", "failed_attempts", "created_at", "updated_at"},
		"properties", o(
			"id", schema("ID"), "url", o("type", "string"), "description", o("type", "string"),
			"types", o("type", "array", "items", schema("EventType"), "description", "None: every type."),
			"hotel_ids", o("type", "array", "items", schema("ID"), "description", "None: every hotel."),
			"status", o("type", "string", "enum", arr{"active", "paused"}),
			"paused_reason", o("type", "string", "description", "Why it is paused: by an admin, or the event that failed for the whole retry period and its last error."),
			"position", o("type", "string", "pattern", "^[0-9]+$", "description", "Delivered up to this event id: the next delivery is of the first selected event after it."),
			"failed_attempts", o("type", "integer", "minimum", 0, "description", "Failed attempts at the next event."),
			"failing_since", o("$ref", "#/components/schemas/Timestamp", "description", "The first of those attempts."),
			"next_attempt_at", o("$ref", "#/components/schemas/Timestamp", "description", "When the next event is tried again (exponential backoff from 5 s, at most 1 h apart)."),
			"secret", o("type", "string", "description", "The signing secret: in the answer to its registration only."),
			"created_at", schema("Timestamp"), "updated_at", schema("Timestamp"))),
	"WebhookDelivery", o("type", "object", "additionalProperties", false,
		"required", arr{"id", "webhook_id", "message_id", "event_type", "trigger", "attempt", "delivered", "duration_ms", "attempted_at"},
		"properties", o(
			"id", schema("ID"), "webhook_id", schema("ID"),
			"message_id", o("type", "string", "description", "The `webhook-id` sent: the event's id (`ping_…` for a test)."),
			"event_type", o("type", "string"),
			"trigger", o("type", "string", "enum", arr{"feed", "redelivery", "test"}),
			"attempt", o("type", "integer", "minimum", 1, "description", "The attempt's number at this event (feed deliveries)."),
			"delivered", o("type", "boolean", "description", "The receiver answered 2xx."),
			"status_code", o("type", "integer", "description", "The receiver's status, when it answered."),
			"error", o("type", "string", "description", "What went wrong: `HTTP <status>`, `timeout`, `connection refused`, `connection closed`, `host not found`, `address not allowed`, `request failed`."),
			"duration_ms", o("type", "integer", "minimum", 0),
			"attempted_at", schema("Timestamp"))),
	"ARIEvent", o("type", "object", "additionalProperties", false, "required", arr{"what"},
		"description", "What changed, to read again (the ARI calendar, the catalogue): never the new values themselves.",
		"properties", o(
			"what", o("type", "string", "enum", arr{"availability", "rates", "restrictions", "catalogue"}),
			"room_type_id", o("$ref", "#/components/schemas/ID", "description", "The room type; absent for the hotel's base-plan prices (every room type) and for `catalogue`."),
			"first_night", o("$ref", "#/components/schemas/Date", "description", "First night changed (absent for `catalogue`)."),
			"last_night", o("$ref", "#/components/schemas/Date", "description", "Last night changed (inclusive)."))),
	"BookingEvent", o("type", "object", "additionalProperties", false,
		"required", arr{"booking_id", "room_id", "room_no", "confirmation_code", "reservation_status", "version", "room_type_id", "arrival_date", "stay_length",
			"check_out_date", "adults", "children", "total_price", "currency"},
		"description", "The booking row after the change. Never the guest's name: read the booking (`GET /bookings/{booking_id}`, with `guests:read`) for it.",
		"properties", o(
			"booking_id", schema("BookingID"),
			"room_id", o("$ref", "#/components/schemas/BookingID", "description", "The row's own id: the booking's for room 1, room k's hold id otherwise."),
			"room_no", o("type", "integer", "minimum", 1, "maximum", 9),
			"confirmation_code", o("type", "string"),
			"reservation_status", schema("BookingStatus"),
			"version", o("type", "integer", "minimum", 1, "description", "The row's version after the change (= `sequence`)."),
			"room_type_id", schema("ID"), "rate_plan", o("type", "string"),
			"arrival_date", schema("Date"), "stay_length", o("type", "integer", "minimum", 1), "check_out_date", schema("Date"),
			"departed_on", schema("Date"), "adults", o("type", "integer", "minimum", 1), "children", o("type", "integer", "minimum", 0),
			"total_price", schema("Money"), "currency", schema("Currency"),
			"cancellation_fee", o("$ref", "#/components/schemas/Money", "description", "Recorded when cancelled."),
			"no_show_fee", o("$ref", "#/components/schemas/Money", "description", "Recorded when marked a no-show."))),
	"BookingRoom", o("type", "object", "description", "One room of a booking of several rooms: a stay in the fields of a booking of one room, with its number. "+
		"Room 1's id and confirmation code are the booking's; room k's id is its hold's (`PUT /inventory/hold-groups/{booking_id}`) and its code the booking's with `-k`. "+
		"Cancel it alone with `DELETE /bookings/{booking_id}/rooms/{room_no}`.",
		"required", arr{"room_no", "booking_id", "confirmation_code", "hotel_id", "hotel_name", "room_type_id", "room_type", "guest_name", "arrival_date", "stay_length",
			"check_out_date", "adults", "children", "is_weekend", "is_holiday", "room_price", "nightly_prices", "total_price", "currency",
			"reservation_status", "version", "created_at", "updated_at"},
		"properties", join(o("room_no", o("type", "integer", "minimum", 1, "maximum", 9)), stayProperties)),
)

// stayProperties are the properties of a booking of one room, and of each
// room of a booking of several.
var stayProperties = join(o(
	"booking_id", schema("BookingID"),
	"confirmation_code", o("type", "string", "pattern", "^[A-Z0-9]{8}(-[2-9])?$", "examples", arr{"SXE7Q37H"},
		"description", "Room k > 1 of a booking of several rooms: the booking's code with `-k`."),
	"access_token", o("type", "string", "pattern", "^bt_", "description", "Only in the 201 answer that creates the booking (never stored, never replayed): "+
		"the bearer token that opens this booking and no other."),
	"hotel_id", schema("ID"), "hotel_name", o("type", "string"), "room_type_id", schema("ID"), "room_type", o("type", "string"),
	"guest_name", o("type", "string", "description", "`[REDACTED]` unless the caller is the booking's token or a key with `guests:read`."),
	"arrival_date", schema("Date"), "stay_length", o("type", "integer", "minimum", 1), "check_out_date", schema("Date"),
	"adults", o("type", "integer", "minimum", 1), "children", o("type", "integer", "minimum", 0),
	"children_ages", o("type", "array", "items", o("type", "integer", "minimum", 0, "maximum", 17), "description", "The children's ages when the client gave them."),
	"rate_plan", o("type", "string", "description", "The code of the rate plan the stay was sold on (absent for bookings made before rate plans)."),
	"rate_plan_id", schema("ID"),
	"terms", schema("Terms"),
	"meal_plan", o("type", "string"), "market_segment", o("type", "string"), "booking_channel", o("type", "string"),
	"is_weekend", o("type", "boolean", "description", "Any night is a Saturday or Sunday night."), "is_holiday", o("type", "boolean"),
	"room_price", o("$ref", "#/components/schemas/Money", "description", "The first night's price (seed compatibility)."),
	"nightly_prices", o("type", arr{"array", "null"}, "items", schema("NightPrice"),
		"description", "The price of each night; `total_price` is their sum. `null` for a booking that never held its nights (failed)."),
	"total_price", schema("Money"), "currency", schema("Currency"),
	"reservation_status", schema("BookingStatus"),
	"departed_on", o("$ref", "#/components/schemas/Date", "description", "Set by an early check-out: the day the guest left."),
	"checked_in_at", o("$ref", "#/components/schemas/Timestamp", "description", "When the guest checked in (status `checked_in`, then `completed`)."),
	"cancelled_at", o("$ref", "#/components/schemas/Timestamp", "description", "When the booking was cancelled: `cancellation_fee` is the fee that applied at that instant."),
	"no_show_fee", o("$ref", "#/components/schemas/Money", "description", "The fee recorded when the booking was marked a no-show (`no_show`); absent when none."),
), cancellationFields(true), o(
	"guarantee", o("$ref", "#/components/schemas/GuaranteeDue", "description", "What the plan's guarantee asks of this stay and when (`kind` `none`: nothing)."),
	"price_breakdown", o("$ref", "#/components/schemas/PriceBreakdown", "description", "`total_price` split by the taxes of the booking's `terms` (the hotel's when it was sold) for the party priced: "+
		"`net` + every tax = `gross`; a booking sold before taxes were recorded is all net."),
	"version", o("type", "integer", "minimum", 1, "description", "Changes with every change; the `ETag` is `W/\"<version>\"`."),
	"created_at", schema("Timestamp"), "updated_at", schema("Timestamp")))

// join returns the members of objs, in order.
func join(objs ...obj) obj {
	var out obj
	for _, x := range objs {
		out = append(out, x...)
	}
	return out
}

// cancellationFields are the properties a booking (booking) and a
// cancellation preview show of what cancelling costs (hotel.CancellationQuote).
func cancellationFields(booking bool) obj {
	free := "Cancelling now is free: now is at or before the deadline (`cancellation_fee` is then 0.00)."
	fee := "What cancelling now costs."
	if booking {
		free = "Confirmed: cancelling now is free (now is at or before the deadline). Cancelled: it was free — no fee was recorded."
		fee = "Confirmed: what cancelling now costs. Cancelled: the fee recorded when it was cancelled."
	}
	return o(
		"cancellation_deadline", o("$ref", "#/components/schemas/HotelTime", "description", "The last instant of free cancellation under the policy the stay was sold on, with the hotel's offset; "+
			"it may be past. Absent when the stay is non-refundable. A booking sold before rate plans is free to cancel until its arrival date begins."),
		"free_cancellation", o("type", "boolean", "description", free),
		"cancellation_fee", o("$ref", "#/components/schemas/Money", "description", fee),
		"late_cancellation_fee", o("$ref", "#/components/schemas/Money", "description", "What cancelling after the deadline costs (non-refundable: the whole stay, at any time)."),
	)
}

var hotelFields = o(
	"hotel_name", o("type", "string", "minLength", 1, "maxLength", 200),
	"location", o("type", "string", "minLength", 1, "maxLength", 200, "description", "The city."),
	"time_zone", o("type", "string", "description", "IANA time zone.", "examples", arr{"Europe/London"}),
	"currency", schema("Currency"),
	"taxes", o("type", "array", "maxItems", 10, "items", schema("Tax"),
		"description", "Replaces the hotel's taxes (`[]` removes them all); codes unique. Offers and stays sold from then on use them; a booking keeps the taxes of its `terms`."),
)

var roomTypeFields = o(
	"room_type", o("type", "string", "minLength", 1, "maxLength", 100, "description", "Unique within the hotel."),
	"max_occupancy", o("type", "integer", "minimum", 1, "maximum", 50),
	"overbooking_allowance", o("type", "integer", "minimum", 0, "maximum", 1000, "default", 0),
)

// restrictionFields are the properties of Restrictions (patch: of a
// RestrictionPatch, where every field may be 0 or false to clear it).
func restrictionFields(patch bool) obj {
	n := func(hi int, what string) obj {
		lo := 1
		if patch {
			lo = 0
		}
		return o("type", "integer", "minimum", lo, "maximum", hi, "description", what)
	}
	return o("min_stay_arrival", n(366, "Stays arriving on the date have at least this many nights."),
		"max_stay_arrival", n(366, "Stays arriving on the date have at most this many nights."),
		"min_stay_through", n(366, "Stays including the night have at least this many nights."),
		"max_stay_through", n(366, "Stays including the night have at most this many nights."),
		"closed_to_arrival", o("type", "boolean", "description", "No stay arrives on the date."),
		"closed_to_departure", o("type", "boolean", "description", "No stay checks out on the date."),
		"stop_sell", o("type", "boolean", "description", "No stay includes the night."),
		"min_advance", n(1000, "Arrival at least this many days after today (hotel-local)."),
		"max_advance", n(1000, "Arrival at most this many days after today (hotel-local)."))
}
