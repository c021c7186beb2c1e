package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
)

// consolePassword is the password of the console users the browser test
// creates.
var consolePassword = auth.NewPassword()

// TestConsoleBrowser drives the staff console in headless Chromium
// (Debian's) with playwright-core, against the real server: all-in-one on
// SQLite and split on PostgreSQL. The scenario is tests/browser/console.mjs;
// scripts/browser.sh installs what it needs (idempotent). It logs the
// calendar's figures (console-figures: …). With HOTEL_SCREENSHOTS set (to
// docs/console, relative to the repository) the first run writes its
// screenshots there.
func TestConsoleBrowser(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	setup := exec.Command("bash", "scripts/browser.sh")
	setup.Dir = root
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("scripts/browser.sh: %v\n%s", err, out)
	}
	for i, c := range []struct {
		kind storeKind
		mode string
	}{{sqliteStore, "all"}, {postgresStore, "split"}} {
		// One after the other: two browsers at once on a small machine
		// only slow both.
		t.Run(string(c.kind)+"/"+c.mode, func(t *testing.T) {
			db := dbEnv(t, c.kind)
			var sys *system
			if c.mode == "all" {
				sys = startAll(t, db)
			} else {
				sys = startSplit(t, db)
			}
			shots := t.TempDir()
			if dir := os.Getenv("HOTEL_SCREENSHOTS"); dir != "" && i == 0 {
				shots = dir
			}
			runConsoleScenario(t, root, sys.Gateway, shots)
		})
	}
}

func runConsoleScenario(t *testing.T, root, gw, shots string) {
	t.Helper()
	admin := []string{"Authorization", "Bearer " + testAdminKey}
	const hotelA, hotelB = 111, 222
	users := map[string]string{}
	for _, u := range []struct {
		name, role string
		hotels     []int
	}{
		{"admin", "admin", nil},
		{"revenue", "revenue", nil},
		{"desk", "front_desk", []int{hotelA}},
		{"desk-b", "front_desk", []int{hotelB}},
	} {
		email := u.name + "@console.test"
		ids := strings.Trim(strings.ReplaceAll(fmt.Sprint(u.hotels), " ", ","), "[]")
		body := fmt.Sprintf(`{"email":%q,"role":%q,"hotel_ids":[%s],"password":%q}`, email, u.role, ids, consolePassword)
		if r := call(t, "POST", gw+"/users", body, nil, admin...); r.StatusCode != http.StatusCreated {
			t.Fatalf("POST /users %s = %d", email, r.StatusCode)
		}
		users[u.name] = email
	}
	figure := figureHotel(t, gw, admin)

	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "tests/browser/console.mjs")
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		"HOTEL_BASE_URL="+gw,
		"HOTEL_PASSWORD="+consolePassword,
		"HOTEL_ADMIN_EMAIL="+users["admin"],
		"HOTEL_REVENUE_EMAIL="+users["revenue"],
		"HOTEL_DESK_EMAIL="+users["desk"],
		"HOTEL_DESK_B_EMAIL="+users["desk-b"],
		fmt.Sprintf("HOTEL_HOTEL_A=%d", hotelA),
		fmt.Sprintf("HOTEL_HOTEL_B=%d", hotelB),
		fmt.Sprintf("HOTEL_FIGURE_HOTEL=%d", figure),
		"HOTEL_SCREENSHOTS="+shots,
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "console-figures: ") || strings.HasPrefix(line, "console-test: ") {
			t.Log(line)
		}
	}
	if err != nil {
		t.Fatalf("node tests/browser/console.mjs: %v\n%s", err, out.String())
	}
}

// figureHotel creates the hotel the figure is measured on: 4 room types ×
// 5 rate plans (the default plan and four derived from it), inventory for
// 120 nights, and a few restrictions.
func figureHotel(t *testing.T, gw string, admin []string) int64 {
	t.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	today := hotel.Today(time.Now(), london)
	var h hotel.Hotel
	call(t, "POST", gw+"/inventory/hotels", `{"hotel_name":"Console Figure Hotel","location":"Leeds","time_zone":"Europe/London","currency":"GBP"}`, &h, admin...)
	if h.ID == 0 {
		t.Fatal("POST /inventory/hotels: no hotel_id")
	}
	hp := fmt.Sprintf("%s/inventory/hotels/%d", gw, h.ID)
	var updates []string
	for i, name := range []string{"Single", "Double", "Twin", "Suite"} {
		var rt hotel.RoomType
		call(t, "POST", hp+"/room-types", fmt.Sprintf(`{"room_type":%q,"max_occupancy":3}`, name), &rt, admin...)
		if rt.ID == 0 {
			t.Fatalf("POST room type %s: no room_type_id", name)
		}
		if r := call(t, "PUT", hp+"/calendar", fmt.Sprintf(`{"room_type_id":%d,"start_date":"%s","end_date":"%s","capacity":%d,"price":"%d.00","demand_level":"low"}`,
			rt.ID, today, today.AddDays(120), 8+4*i, 90+30*i), nil, admin...); r.StatusCode != http.StatusOK {
			t.Fatalf("PUT calendar of %s = %d", name, r.StatusCode)
		}
		for _, p := range []string{
			`{"room_type_id":%d,"code":"NR-%[1]d","name":"Non-refundable","refundable":false,"parent":"BAR-%[1]d","adjust_percent_bp":-1000}`,
			`{"room_type_id":%d,"code":"BB-%[1]d","name":"Bed and breakfast","meal_plan":"BB","parent":"BAR-%[1]d","adjust_amount":"25.00"}`,
			`{"room_type_id":%d,"code":"ADV-%[1]d","name":"Advance purchase","parent":"BAR-%[1]d","adjust_percent_bp":-1500}`,
			`{"room_type_id":%d,"code":"LONG-%[1]d","name":"Long stay","parent":"BAR-%[1]d","adjust_percent_bp":-2000}`,
		} {
			if r := call(t, "POST", hp+"/rate-plans", fmt.Sprintf(p, rt.ID), nil, admin...); r.StatusCode != http.StatusCreated {
				t.Fatalf("POST rate plan %s = %d", fmt.Sprintf(p, rt.ID), r.StatusCode)
			}
		}
		updates = append(updates,
			fmt.Sprintf(`{"room_type_id":%d,"from":"%s","to":"%s","weekdays":["sat"],"restrictions":{"min_stay_arrival":2}}`, rt.ID, today, today.AddDays(90)),
			fmt.Sprintf(`{"room_type_id":%d,"rate_plan":"NR-%[1]d","from":"%s","to":"%s","weekdays":["sun"],"restrictions":{"closed_to_arrival":true}}`, rt.ID, today, today.AddDays(90)),
			fmt.Sprintf(`{"room_type_id":%d,"rate_plan":"ADV-%[1]d","from":"%s","to":"%s","restrictions":{"stop_sell":true}}`, rt.ID, today, today.AddDays(13)))
	}
	if r := call(t, "POST", hp+"/ari", `{"reason":"console figure","updates":[`+strings.Join(updates, ",")+`]}`, nil,
		append(admin, "Idempotency-Key", "console-figure-ari")...); r.StatusCode != http.StatusOK {
		t.Fatalf("POST ari = %d", r.StatusCode)
	}
	return h.ID
}
