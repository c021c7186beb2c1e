package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
)

// TestStaffAccess: staff users of one hotel on a real system, all-in-one on
// SQLite and split on PostgreSQL — another hotel's booking is 404 and its
// ARI 403; a write made with the session cookie but without its CSRF token
// is refused and changes nothing; the cookie is HttpOnly, SameSite=Strict
// and Secure but on loopback; sign-in attempts are limited per address;
// no session cookie or CSRF token reaches a log.
func TestStaffAccess(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind storeKind
		mode string
	}{{sqliteStore, "all"}, {postgresStore, "split"}} {
		t.Run(string(c.kind)+"/"+c.mode, func(t *testing.T) {
			t.Parallel()
			db := dbEnv(t, c.kind)
			migrateUp(t, db)
			if err := run(context.Background(), []string{"seed"}, env(db), io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			pw111 := createUser(t, db, "desk111@hotel.example", hotel.RoleFrontDesk, "--hotels", "111")
			pw222 := createUser(t, db, "desk222@hotel.example", hotel.RoleFrontDesk, "--hotels", "222")
			pwRev := createUser(t, db, "rev222@hotel.example", hotel.RoleRevenue, "--hotels", "222")
			var sys *system
			if c.mode == "all" {
				sys = startAll(t, db)
			} else {
				sys = startSplit(t, db)
			}
			gw := sys.Gateway
			desk111 := sessionCaller(t, gw, "desk111@hotel.example", pw111)
			desk222 := sessionCaller(t, gw, "desk222@hotel.example", pw222)
			rev222 := sessionCaller(t, gw, "rev222@hotel.example", pwRev)

			// A booking at hotel 111.
			london, _ := time.LoadLocation("Europe/London")
			arrival := hotel.Today(time.Now(), london).AddDays(30)
			var b hotel.Booking
			body := fmt.Sprintf(`{"guest_name":"Ada Staffaccess","hotel_id":111,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":2,"adults":1}`, arrival)
			if r := call(t, "POST", gw+"/bookings/", body, &b); r.StatusCode != http.StatusCreated {
				t.Fatalf("book = %d", r.StatusCode)
			}
			privacy.watch("a guest name", "Ada Staffaccess")

			// Hotel 222's staff: not theirs to know of.
			for _, m := range []string{"GET", "DELETE"} {
				if r := desk222.call(t, m, gw+"/bookings/"+b.ID, "", nil); r.StatusCode != http.StatusNotFound {
					t.Errorf("%s another hotel's booking = %d, want 404", m, r.StatusCode)
				}
			}
			if r := desk222.call(t, "POST", gw+"/bookings/"+b.ID+"/check-in", "", nil); r.StatusCode != http.StatusNotFound {
				t.Errorf("check in another hotel's booking = %d, want 404", r.StatusCode)
			}
			var list []hotel.Booking
			if r := desk222.call(t, "GET", gw+"/bookings/?limit=500", "", &list); r.StatusCode != http.StatusOK {
				t.Fatalf("list = %d", r.StatusCode)
			}
			for _, x := range list {
				if x.HotelID != 222 {
					t.Errorf("hotel 222's desk lists booking %s of hotel %d", x.ID, x.HotelID)
				}
			}
			if r := desk222.call(t, "GET", gw+"/bookings/?hotel_id=111", "", nil); r.StatusCode != http.StatusForbidden {
				t.Errorf("list hotel 111 as hotel 222's desk = %d, want 403", r.StatusCode)
			}
			ari := fmt.Sprintf(`{"reason":"test","updates":[{"room_type_id":1,"from":"%s","to":"%s","price":"99.00"}]}`, arrival, arrival)
			for _, h := range []string{"111", "222"} {
				r := rev222.call(t, "POST", gw+"/inventory/hotels/"+h+"/ari", ari, nil, "Idempotency-Key", hotel.NewIdempotencyKey())
				if forbidden := r.StatusCode == http.StatusForbidden; forbidden != (h == "111") {
					t.Errorf("bulk ARI of hotel %s as hotel 222's revenue = %d", h, r.StatusCode)
				}
			}
			if r := rev222.call(t, "GET", gw+"/inventory/hotels/111/ari?from="+arrival.String()+"&to="+arrival.String(), "", nil); r.StatusCode != http.StatusForbidden {
				t.Errorf("ARI calendar of hotel 111 as hotel 222's revenue = %d, want 403", r.StatusCode)
			}

			// Hotel 111's desk: sees the guest, finds the booking by name.
			var got hotel.Booking
			if r := desk111.call(t, "GET", gw+"/bookings/"+b.ID, "", &got); r.StatusCode != http.StatusOK || got.GuestName != "Ada Staffaccess" {
				t.Fatalf("GET own hotel's booking = %d, guest %q", r.StatusCode, got.GuestName)
			}
			list = nil
			if r := desk111.call(t, "GET", gw+"/bookings/?guest_name=staffACCESS", "", &list); r.StatusCode != http.StatusOK || len(list) != 1 || list[0].ID != b.ID {
				t.Fatalf("guest-name search = %d, %d bookings", r.StatusCode, len(list))
			}
			// CSRF: the cookie alone does not cancel.
			noToken := desk111
			noToken.csrf = ""
			if r := noToken.call(t, "DELETE", gw+"/bookings/"+b.ID, "", nil); r.StatusCode != http.StatusForbidden {
				t.Fatalf("cancel with the cookie but no CSRF token = %d, want 403", r.StatusCode)
			}
			if r := desk111.call(t, "GET", gw+"/bookings/"+b.ID, "", &got); r.StatusCode != http.StatusOK || got.Status != hotel.StatusConfirmed {
				t.Fatalf("after the refused cancel: %d, %s", r.StatusCode, got.Status)
			}
			if r := desk111.call(t, "DELETE", gw+"/bookings/"+b.ID, "", &got); r.StatusCode != http.StatusOK || got.Status != hotel.StatusCancelled {
				t.Fatalf("cancel with the token = %d, %s", r.StatusCode, got.Status)
			}

			// The cookie's attributes, on loopback and behind a public name.
			for _, host := range []string{"", "hotel.example"} {
				req, _ := http.NewRequest("POST", gw+"/auth/sign-in", strings.NewReader(`{"email":"desk111@hotel.example","password":"`+pw111+`"}`))
				req.Header.Set("Content-Type", "application/json")
				if host != "" {
					req.Host = host
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				set := resp.Header.Get("Set-Cookie")
				if !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Strict") || strings.Contains(set, "Secure") != (host != "") {
					t.Errorf("Set-Cookie for host %q: %s", host, set)
				}
			}

			// Per address: a burst of attempts, then 429 whatever the account.
			limited := false
			for i := 0; i < 30 && !limited; i++ {
				r := call(t, "POST", gw+"/auth/sign-in", fmt.Sprintf(`{"email":"guess%d@hotel.example","password":"guess guess guess"}`, i), nil)
				limited = r.StatusCode == http.StatusTooManyRequests && r.Header.Get("Retry-After") != ""
			}
			if !limited {
				t.Error("30 sign-in attempts from one address were never limited")
			}
			checkNoSecretsInLogs(t, sys, []caller{desk111, desk222, rev222})
		})
	}
}

// sessionCaller signs a user in and returns it as a caller.
func sessionCaller(t *testing.T, gw, email, password string) caller {
	t.Helper()
	cookie, csrf := signIn(t, gw, email, password)
	return caller{name: email, cookie: cookie, csrf: csrf}
}

// call makes a request as c (see call).
func (c caller) call(t *testing.T, method, url, body string, out any, headers ...string) *http.Response {
	t.Helper()
	h := append([]string{}, headers...)
	if c.cookie != "" {
		h = append(h, "Cookie", c.cookie)
		if c.csrf != "" {
			h = append(h, "X-CSRF-Token", c.csrf)
		}
	}
	if c.header != "" {
		h = append(h, "Authorization", c.header)
	}
	return call(t, method, url, body, out, h...)
}

// TestUsersCLI: hotel users create, list, disable, enable and
// revoke-sessions, and what they refuse.
func TestUsersCLI(t *testing.T) {
	t.Parallel()
	db := dbEnv(t, sqliteStore)
	migrateUp(t, db)
	ctx := context.Background()
	if err := run(ctx, []string{"seed"}, env(db), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	pw := createUser(t, db, "Desk@Hotel.Example", hotel.RoleFrontDesk, "--hotels", "111,222")
	var out strings.Builder
	users := func(args ...string) error {
		out.Reset()
		return run(ctx, append([]string{"users"}, args...), env(db), &out, io.Discard)
	}
	if err := users("list"); err != nil || !strings.Contains(out.String(), "desk@hotel.example") ||
		!strings.Contains(out.String(), "hotels 111,222") || !strings.Contains(out.String(), "active") || strings.Contains(out.String(), pw) {
		t.Fatalf("users list = %v:\n%s", err, out.String())
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "--email", "desk@hotel.example", "--role", "revenue"}, "exists already"},
		{[]string{"create", "--email", "a@hotel.example", "--role", "root"}, "--role: must be one of"},
		{[]string{"create", "--email", "a@hotel.example", "--role", "admin", "--hotels", "111"}, "an admin sees every hotel"},
		{[]string{"create", "--email", "a@hotel.example", "--role", "revenue", "--hotels", "999"}, "hotel 999 does not exist"},
		{[]string{"disable", "nobody@hotel.example"}, "no user has email"},
	} {
		if err := users(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("users %v = %v, want %q", c.args, err, c.want)
		}
	}
	if err := users("disable", "desk@hotel.example"); err != nil {
		t.Fatal(err)
	}
	if err := users("list"); err != nil || !strings.Contains(out.String(), "disabled") {
		t.Fatalf("after disable: %v\n%s", err, out.String())
	}
	if err := users("enable", "DESK@hotel.example"); err != nil {
		t.Fatal(err)
	}
	if err := users("revoke-sessions", "desk@hotel.example"); err != nil || !strings.Contains(out.String(), "revoked 0 session(s)") {
		t.Fatalf("revoke-sessions = %v: %s", err, out.String())
	}
}
