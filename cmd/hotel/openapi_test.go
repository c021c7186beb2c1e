package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/api"
	"github.com/hotelplatform/hotel/api/apitest"
)

// TestOpenAPIEveryOperation calls every operation of api/openapi.json
// successfully at least once, in all-in-one and split mode, through a
// client that validates each answer against the document (so the
// operations the other end-to-end tests only reach with errors are checked
// too), then fails if any operation of the document was never answered
// with a validated 2xx.
func TestOpenAPIEveryOperation(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"all", "split"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			db := dbEnv(t, sqliteStore)
			db["HOTEL_WEBHOOK_ALLOW_NETS"] = "127.0.0.0/8" // the test's receiver
			var sys *system
			if mode == "all" {
				sys = startAll(t, db)
			} else {
				sys = startSplit(t, db)
			}
			tr, err := apitest.NewTransport(http.DefaultTransport)
			if err != nil {
				t.Fatal(err)
			}
			c := &apiClient{t: t, base: sys.Gateway, hc: &http.Client{Transport: tr}}
			exerciseAPI(c)

			var want []string
			var doc struct {
				Paths map[string]map[string]json.RawMessage `json:"paths"`
			}
			if err := json.Unmarshal(api.Spec(), &doc); err != nil {
				t.Fatal(err)
			}
			for path, item := range doc.Paths {
				for method := range item {
					want = append(want, strings.ToUpper(method)+" "+path)
				}
			}
			slices.Sort(want)
			got := tr.Validated()
			for _, op := range want {
				if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, op+" 2") }) {
					t.Errorf("%s was never answered with a validated 2xx; add a call to exerciseAPI", op)
				}
			}
			t.Logf("validated: %s", strings.Join(got, ", "))
		})
	}
}

// apiClient makes requests through a validating transport; a response
// that does not match the document fails the test.
type apiClient struct {
	t    *testing.T
	base string
	hc   *http.Client
}

// do sends method path with an optional JSON body and headers (key,
// value pairs), checks the status and decodes a JSON answer into out.
func (c *apiClient) do(want int, method, path, body string, out any, headers ...string) *http.Response {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s = %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp
}

// exerciseAPI calls every operation of the API with a request that succeeds,
// and a few with requests that fail.
func exerciseAPI(c *apiClient) {
	admin := []string{"Authorization", "Bearer " + testAdminKey}
	service := []string{"Authorization", "Bearer " + testServiceKey}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		c.t.Fatal(err)
	}
	today := hotel.Today(time.Now(), london)
	d := func(n int) string { return today.AddDays(n).String() }

	// Operations and documentation.
	c.do(200, "GET", "/", "", nil)
	c.do(200, "GET", "/healthz", "", nil)
	c.do(200, "GET", "/booking/healthz", "", nil)
	c.do(200, "GET", "/readyz", "", nil)
	c.do(200, "GET", "/inventory/database", "", nil, admin...)
	c.do(401, "GET", "/inventory/database", "", nil)
	for _, p := range []string{api.SpecPath, api.DocsPath, api.BundlePath, "/console", "/console/", "/console/assets/app.js"} {
		r := c.do(200, "GET", p, "", nil)
		c.do(304, "GET", p, "", nil, "If-None-Match", r.Header.Get("ETag"))
	}

	// Inventory reads, search and the catalogue.
	var rts []hotel.RoomType
	c.do(200, "GET", "/inventory/hotels/111/room-types", "", &rts)
	if len(rts) == 0 {
		c.t.Fatal("hotel 111 has no room types")
	}
	rt := rts[0]
	c.do(200, "GET", "/inventory?limit=2", "", nil)
	if r := c.do(200, "GET", "/inventory/?location=london&limit=2", "", nil); !strings.Contains(r.Header.Get("Link"), `rel="next"`) {
		c.t.Errorf("no Link on a full page")
	}
	c.do(200, "GET", "/inventory/111?start_date="+d(0)+"&end_date="+d(2), "", nil)
	c.do(200, "GET", "/inventory/hotel_name/111", "", nil)
	c.do(200, "GET", "/inventory/hotels/111", "", nil)
	c.do(200, "GET", "/inventory/hotels?limit=2", "", nil)
	c.do(200, "GET", fmt.Sprintf("/inventory/hotels/111/room-types/%d", rt.ID), "", nil)
	c.do(200, "GET", "/inventory/search?location=london&check_in="+d(10)+"&check_out="+d(12)+"&adults=2&limit=1", "", nil)
	c.do(200, "GET", "/inventory/search?hotel_id=111&check_in="+d(10)+"&check_out="+d(12)+"&max_price=1.00", "", nil)

	// Administration.
	var h hotel.Hotel
	c.do(201, "POST", "/inventory/hotels", `{"hotel_name":"OpenAPI Inn","location":"Bristol","time_zone":"Europe/London","currency":"GBP"}`, &h, admin...)
	hp := fmt.Sprintf("/inventory/hotels/%d", h.ID)
	c.do(200, "PATCH", hp, `{"hotel_name":"OpenAPI Inn & Spa","taxes":[{"code":"VAT","name":"VAT 20 %","percent_bp":2000,"inclusive":true},`+
		`{"code":"CITY","name":"City tax","per_person_night":"2.50","max_nights":7,"exempt_under_age":12}]}`, nil, admin...)
	var nrt hotel.RoomType
	c.do(201, "POST", hp+"/room-types", `{"room_type":"Loft","max_occupancy":3}`, &nrt, admin...)
	c.do(200, "PATCH", fmt.Sprintf("%s/room-types/%d", hp, nrt.ID), `{"overbooking_allowance":1}`, nil, admin...)
	c.do(200, "PUT", hp+"/calendar", fmt.Sprintf(`{"room_type_id":%d,"start_date":"%s","end_date":"%s","capacity":5,"price":"99.5","demand_level":"low"}`,
		nrt.ID, d(0), d(30)), nil, admin...)
	adjust := fmt.Sprintf(`{"room_type_id":%d,"date":"%s","end_date":"%s","num_rooms":2,"reason":"openapi"}`, nrt.ID, d(3), d(4))
	c.do(200, "POST", fmt.Sprintf("/inventory/%d/adjust", h.ID), adjust, nil, append(admin, "Idempotency-Key", "openapi-adjust")...)
	if r := c.do(200, "POST", fmt.Sprintf("/inventory/%d/adjust", h.ID), adjust, nil, append(admin, "Idempotency-Key", "openapi-adjust")...); r.Header.Get("Idempotent-Replayed") != "true" {
		c.t.Errorf("adjust retried: not replayed")
	}
	c.do(200, "GET", hp+"/adjustments?limit=1", "", nil, admin...)

	// Rates and restrictions.
	c.do(200, "GET", hp+"/rate-plans", "", nil, admin...)
	var flex hotel.RatePlan
	c.do(201, "POST", hp+"/rate-plans", fmt.Sprintf(`{"room_type_id":%d,"code":"FLEX","name":"Flexible","meal_plan":"BB",`+
		`"occupancy":{"base_adults":2,"extra_adult":"20","child_bands":[{"max_age":2,"price":"0"},{"max_age":11,"price":"15.50"}]}}`, nrt.ID), &flex, admin...)
	var nr hotel.RatePlan
	c.do(201, "POST", hp+"/rate-plans", fmt.Sprintf(`{"room_type_id":%d,"code":"NR","name":"Saver","refundable":false,"parent":"FLEX","adjust_amount":"-5.25",`+
		`"cancellation_policy":{"non_refundable":true},"guarantee":{"kind":"deposit","deposit_percent_bp":10000}}`, nrt.ID), &nr, admin...)
	c.do(200, "PATCH", fmt.Sprintf("%s/rate-plans/%d", hp, flex.ID), `{"cancellation_policy":{"deadline":{"days_before":2,"at":"18:00"},"fee":{"nights":1}},`+
		`"no_show_policy":{"fee":{"nights":1},"release_later_nights":true},"guarantee":{"kind":"card"}}`, nil, admin...)
	c.do(200, "GET", fmt.Sprintf("%s/rate-plans/%d", hp, nr.ID), "", nil, admin...)
	c.do(200, "PATCH", fmt.Sprintf("%s/rate-plans/%d", hp, nr.ID), `{"adjust_amount":"0","adjust_percent_bp":-1000,"follows_parent_restrictions":true}`, nil, admin...)
	c.do(400, "PATCH", fmt.Sprintf("%s/rate-plans/%d", hp, flex.ID), `{"parent":"NR"}`, nil, admin...) // a cycle
	ari := fmt.Sprintf(`{"reason":"openapi","updates":[{"room_type_id":%[1]d,"rate_plan":"FLEX","from":"%[2]s","to":"%[3]s","weekdays":["fri","sat"],"price":"120",`+
		`"restrictions":{"min_stay_arrival":2,"closed_to_departure":true}},{"room_type_id":%[1]d,"from":"%[2]s","to":"%[3]s","capacity":6,"restrictions":{"stop_sell":false}}]}`,
		nrt.ID, d(0), d(13))
	c.do(400, "POST", hp+"/ari", ari, nil, admin...) // no Idempotency-Key
	c.do(200, "POST", hp+"/ari", ari, nil, append(admin, "Idempotency-Key", "openapi-ari")...)
	if r := c.do(200, "POST", hp+"/ari", ari, nil, append(admin, "Idempotency-Key", "openapi-ari")...); r.Header.Get("Idempotent-Replayed") != "true" {
		c.t.Errorf("ARI update retried: not replayed")
	}
	c.do(200, "GET", hp+"/ari?from="+d(0)+"&to="+d(6), "", nil, admin...)
	c.do(200, "GET", fmt.Sprintf("%s/ari?room_type_id=%d", hp, nrt.ID), "", nil, admin...)
	c.do(200, "GET", hp+"/ari-changes?limit=1", "", nil, admin...)
	c.do(401, "GET", hp+"/ari", "", nil)

	// Holds, as the booking service makes them.
	id := "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"
	hold := fmt.Sprintf(`{"hotel_id":%d,"room_type_id":%d,"check_in":"%s","check_out":"%s"}`, h.ID, nrt.ID, d(5), d(7))
	c.do(201, "PUT", "/inventory/holds/"+id, hold, nil, service...)
	c.do(200, "PUT", "/inventory/holds/"+id, hold, nil, service...)
	c.do(200, "GET", "/inventory/holds/"+id, "", nil, service...)
	c.do(200, "POST", "/inventory/holds/"+id+"/move", fmt.Sprintf(`{"check_in":"%s","check_out":"%s"}`, d(6), d(9)), nil, service...)
	c.do(200, "POST", "/inventory/holds/"+id+"/release", `{"from":"`+d(8)+`"}`, nil, service...)
	c.do(200, "POST", "/inventory/holds/"+id+"/release", "", nil, service...)
	// The recovery pass's view: the hold is unconfirmed (no booking
	// recorded it), then confirmed.
	c.do(200, "GET", "/inventory/holds?limit=10&before="+url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), "", nil, service...)
	c.do(200, "POST", "/inventory/holds/confirm", `{"booking_ids":["`+id+`"]}`, nil, service...)
	// A hold group: two rooms in one step, then the same again (a retry),
	// then released room by room.
	gid := "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d"
	group := `{"rooms":[` + hold + `,` + hold + `]}`
	c.do(201, "PUT", "/inventory/hold-groups/"+gid, group, nil, service...)
	c.do(200, "PUT", "/inventory/hold-groups/"+gid, group, nil, service...)
	for k := 1; k <= 2; k++ {
		c.do(200, "POST", "/inventory/holds/"+hotel.RoomHoldID(gid, k)+"/release", "", nil, service...)
	}

	// Bookings: book, read, change, check out, cancel.
	book := func(path string, arrival int) (id, token, etag string) {
		var b struct {
			ID      string `json:"booking_id"`
			Token   string `json:"access_token"`
			Version int    `json:"version"`
		}
		c.do(201, "POST", path, fmt.Sprintf(`{"guest_name":"Olive Api","hotel_id":111,"room_type":%q,"arrival_date":"%s","stay_length":3,"adults":1,"children":0}`,
			rt.Name, d(arrival)), &b, "Idempotency-Key", hotel.NewIdempotencyKey())
		return b.ID, "Bearer " + b.Token, fmt.Sprintf(`W/"%d"`, b.Version)
	}
	b1, tok1, _ := book("/bookings/", 0)
	b2, tok2, etag2 := book("/bookings", 2)
	c.do(200, "GET", "/bookings?limit=1", "", nil, admin...)
	c.do(200, "GET", "/bookings/?status=confirmed", "", nil, admin...)
	c.do(200, "GET", "/bookings/"+b2, "", nil, "Authorization", tok2)
	c.do(200, "GET", "/booking/bookings/"+b2, "", nil, "Authorization", tok2)
	c.do(200, "PATCH", "/bookings/"+b2, `{"stay_length":2}`, nil, "Authorization", tok2, "If-Match", etag2)
	c.do(200, "GET", "/bookings/"+b2+"/cancellation", "", nil, "Authorization", tok2)
	c.do(200, "GET", "/bookings/"+b2+"/cancellation", "", nil, admin...)
	c.do(200, "DELETE", "/bookings/"+b2, "", nil, "Authorization", tok2)
	c.do(200, "POST", "/bookings/"+b1+"/check-in", "", nil, "Authorization", tok1)
	// A booking of two rooms: shown with its rooms; one room cancelled alone.
	var family struct {
		ID    string `json:"booking_id"`
		Token string `json:"access_token"`
	}
	c.do(201, "POST", "/bookings", fmt.Sprintf(`{"guest_name":"Olive Api","hotel_id":111,"arrival_date":"%s","stay_length":2,`+
		`"rooms":[{"room_type":%q,"adults":2},{"room_type":%q,"adults":1,"children":1,"children_ages":[6],"guest_name":"Oscar Api"}]}`,
		d(4), rt.Name, rt.Name), &family, "Idempotency-Key", hotel.NewIdempotencyKey())
	c.do(200, "GET", "/bookings/"+family.ID, "", nil, "Authorization", "Bearer "+family.Token)
	c.do(200, "DELETE", "/bookings/"+family.ID+"/rooms/2", "", nil, "Authorization", "Bearer "+family.Token)
	c.do(409, "DELETE", "/bookings/"+family.ID+"/rooms/2", "", nil, "Authorization", "Bearer "+family.Token)
	c.do(404, "DELETE", "/bookings/"+family.ID+"/rooms/3", "", nil, "Authorization", "Bearer "+family.Token)
	c.do(200, "DELETE", "/bookings/"+family.ID, "", nil, "Authorization", "Bearer "+family.Token)
	// The event feed: every change above, in order; a long-poll behind the
	// last one waits, then answers [].
	var evs []hotel.Event
	c.do(200, "GET", "/events?limit=1000&types=booking.created,booking.cancelled", "", &evs, admin...)
	if len(evs) == 0 {
		c.t.Fatal("the feed has no booking.created or booking.cancelled event")
	}
	c.do(200, "GET", "/events?wait=200ms&after="+evs[len(evs)-1].ID+"&types=booking.failed", "", nil, admin...)
	c.do(400, "GET", "/events?types=booking.exploded", "", nil, admin...)
	// A named consumer: its position stored, its booking events
	// acknowledged.
	c.do(201, "PUT", "/events/consumers/openapi", `{"position":"0"}`, nil, admin...)
	c.do(200, "PUT", "/events/consumers/openapi", `{"position":"`+evs[0].ID+`"}`, nil, admin...)
	c.do(200, "GET", "/events/consumers/openapi", "", nil, admin...)
	var unacked []hotel.Event
	c.do(200, "GET", "/events/consumers/openapi/unacknowledged?limit=2", "", &unacked, admin...)
	if len(unacked) == 0 {
		c.t.Fatal("a consumer created at position 0 has no unacknowledged booking event")
	}
	c.do(200, "POST", "/events/consumers/openapi/ack", `{"ids":["`+unacked[0].ID+`"]}`, nil, admin...)
	c.do(404, "GET", "/events/consumers/nobody", "", nil, admin...)
	c.do(401, "GET", "/events", "", nil)
	exerciseWebhooks(c, evs[0].ID)
	exerciseAccounts(c, d(0))
	c.do(200, "POST", "/bookings/"+b1+"/check-out", "", nil, "Authorization", tok1)

	// A few refusals, each a documented problem.
	c.do(404, "GET", "/inventory/999999", "", nil)
	c.do(400, "GET", "/inventory/111?start_dat="+d(0), "", nil)
	c.do(401, "GET", "/bookings/", "", nil)
	c.do(403, "PUT", "/inventory/holds/"+id, hold, nil, "Authorization", tok1)
	c.do(409, "DELETE", "/bookings/"+b2, "", nil, "Authorization", tok2)
	c.do(409, "GET", "/bookings/"+b2+"/cancellation", "", nil, "Authorization", tok2) // cancelled: nothing to preview
	c.do(404, "GET", "/bookings/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d/cancellation", "", nil, admin...)
	c.do(412, "PATCH", "/bookings/"+b1, `{"adults":2}`, nil, "Authorization", tok1, "If-Match", `W/"1"`)
	// A guest's erasure request (admin only); the guest's token then stops working.
	c.do(200, "POST", "/bookings/"+b1+"/erase", "", nil, admin...)
	c.do(401, "GET", "/bookings/"+b1, "", nil, "Authorization", tok1)
	c.do(405, "DELETE", "/inventory/search", "", nil)
	c.do(404, "GET", "/no/such/route", "", nil)
}

// exerciseWebhooks registers a subscription replaying the feed from its
// start to a receiver on loopback, waits for the scheduler to deliver
// event first to it (signed: the Standard Webhooks library verifies it),
// and goes through the subscription's other routes.
func exerciseWebhooks(c *apiClient, first string) {
	admin := []string{"Authorization", "Bearer " + testAdminKey}
	rc := newHookReceiver(c.t)
	var w hotel.Webhook
	c.do(201, "POST", "/webhooks", `{"url":"`+rc.srv.URL+`/hooks","types":["booking.created","booking.cancelled"],"after":"0","description":"PMS"}`, &w, admin...)
	c.do(400, "POST", "/webhooks", `{"url":"http://169.254.169.254/latest/meta-data"}`, nil, admin...)
	c.do(401, "GET", "/webhooks", "", nil)
	id := strconv.FormatInt(w.ID, 10)
	if got := rc.await(c.t, w.Secret, first); got.Type != hotel.EventBookingCreated {
		c.t.Fatalf("first delivery %+v", got)
	}
	c.do(200, "GET", "/webhooks", "", nil, admin...)
	c.do(200, "GET", "/webhooks/"+id, "", nil, admin...)
	c.do(200, "PATCH", "/webhooks/"+id, `{"description":"PMS (front desk)"}`, nil, admin...)
	c.do(200, "GET", "/webhooks/"+id+"/deliveries?limit=1", "", nil, admin...)
	var d hotel.WebhookDelivery
	c.do(200, "POST", "/webhooks/"+id+"/test", "", &d, admin...)
	if !d.Delivered || d.EventType != hotel.EventWebhookTest {
		c.t.Fatalf("test ping: %+v", d)
	}
	c.do(200, "POST", "/webhooks/"+id+"/redeliver", `{"event_id":"`+first+`"}`, &d, admin...)
	if !d.Delivered || d.MessageID != first {
		c.t.Fatalf("redelivery: %+v", d)
	}
	c.do(200, "POST", "/webhooks/"+id+"/redeliver", `{"after":"0"}`, nil, admin...)
	c.do(400, "POST", "/webhooks/"+id+"/redeliver", `{}`, nil, admin...)
	c.do(404, "GET", "/webhooks/999999", "", nil, admin...)
	c.do(204, "DELETE", "/webhooks/"+id, "", nil, admin...)
}

// exerciseAccounts goes through the staff user routes: an admin creates a
// front-desk user of hotel 111, the user signs in, reads the session and
// searches bookings with it (its CSRF token needed to sign out), and the
// admin ends its sessions.
func exerciseAccounts(c *apiClient, today string) {
	admin := []string{"Authorization", "Bearer " + testAdminKey}
	var u hotel.User
	c.do(201, "POST", "/users", `{"email":"Desk.OpenAPI@Hotel.example","role":"front_desk","hotel_ids":[111],"password":"correct horse battery"}`, &u, admin...)
	c.do(409, "POST", "/users", `{"email":"desk.openapi@hotel.example","role":"revenue"}`, nil, admin...)
	c.do(400, "POST", "/users", `{"email":"admin.openapi@hotel.example","role":"admin","hotel_ids":[111]}`, nil, admin...)
	id := strconv.FormatInt(u.ID, 10)
	c.do(200, "GET", "/users", "", nil, admin...)
	c.do(200, "GET", "/users/"+id, "", nil, admin...)
	c.do(200, "PATCH", "/users/"+id, `{"hotel_ids":[111]}`, nil, admin...)
	c.do(401, "POST", "/auth/sign-in", `{"email":"desk.openapi@hotel.example","password":"wrong horse battery"}`, nil)
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	resp := c.do(200, "POST", "/auth/sign-in", `{"email":"desk.openapi@hotel.example","password":"correct horse battery"}`, &sess)
	var cookie string
	for _, ck := range resp.Cookies() {
		if ck.Name == "hotel_session" {
			cookie = ck.Name + "=" + ck.Value
		}
	}
	if cookie == "" || sess.CSRF == "" {
		c.t.Fatalf("sign-in set no session cookie (%v) or CSRF token", resp.Header.Values("Set-Cookie"))
	}
	c.do(200, "GET", "/auth/session", "", nil, "Cookie", cookie)
	c.do(200, "GET", "/bookings/?hotel_id=111&arrival_from="+today+"&departure_from="+today+"&guest_name=olive", "", nil, "Cookie", cookie)
	c.do(403, "GET", "/bookings/?hotel_id=222", "", nil, "Cookie", cookie)
	c.do(200, "GET", "/scheduler/hotels/111/attention", "", nil, "Cookie", cookie)
	c.do(403, "GET", "/scheduler/hotels/222/attention", "", nil, "Cookie", cookie)
	c.do(403, "POST", "/auth/sign-out", "", nil, "Cookie", cookie)
	c.do(204, "POST", "/auth/sign-out", "", nil, "Cookie", cookie, "X-CSRF-Token", sess.CSRF)
	c.do(401, "GET", "/auth/session", "", nil, "Cookie", cookie)
	c.do(200, "DELETE", "/users/"+id+"/sessions", "", nil, admin...)
	c.do(404, "GET", "/users/999999", "", nil, admin...)
}

// hookReceiver is a webhook receiver on loopback.
type hookReceiver struct {
	srv *httptest.Server
	got chan hookRequest
}

type hookRequest struct {
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	rc := &hookReceiver{got: make(chan hookRequest, 10000)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.got <- hookRequest{r.Header.Clone(), body}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// await returns event id once delivered, after checking the signature of
// every delivery until then with the Standard Webhooks library.
func (rc *hookReceiver) await(t *testing.T, secret, id string) hotel.Event {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(60 * time.Second)
	for {
		select {
		case r := <-rc.got:
			if err := wh.Verify(r.body, r.header); err != nil {
				t.Fatalf("delivery %s does not verify: %v", r.header.Get("webhook-id"), err)
			}
			var e hotel.Event
			if err := json.Unmarshal(r.body, &e); err != nil {
				t.Fatal(err)
			}
			if e.ID == id {
				return e
			}
		case <-deadline:
			t.Fatalf("event %s not delivered within 60s", id)
		}
	}
}
