package main

import (
	"net/http"
	"testing"
)

// TestGatewayLimitsEndToEnd: the real binary limits each client, exempts
// admin keys, and answers browsers from the allowed origins, in all-in-one
// and split mode.
func TestGatewayLimitsEndToEnd(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"all", "split"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			db := overlay(map[string]string{"HOTEL_RATE_LIMIT": "0.5", "HOTEL_RATE_BURST": "2", "HOTEL_CORS_ORIGINS": "https://book.example.com"}, dbEnv(t, sqliteStore))
			var sys *system
			if mode == "all" {
				sys = startAll(t, db)
			} else {
				sys = startSplit(t, db)
			}
			gw := sys.Gateway
			for i, want := range []int{200, 200, 429} {
				var p problem
				var out any = &p
				if want == 200 {
					out = nil
				}
				r := call(t, "GET", gw+"/inventory/hotel_name/111", "", out)
				if r.StatusCode != want {
					t.Fatalf("request %d = %d, want %d", i, r.StatusCode, want)
				}
				if r.Header.Get("RateLimit-Limit") != "2" {
					t.Fatalf("request %d: RateLimit-Limit %q", i, r.Header.Get("RateLimit-Limit"))
				}
				if want == 429 && (p.Code != "rate_limited" || r.Header.Get("Retry-After") == "" || r.Header.Get("Content-Type") != "application/problem+json") {
					t.Fatalf("429 = %+v %v", p, r.Header)
				}
			}
			// Admin keys are exempt; probes are never limited.
			for range 5 {
				if r := call(t, "GET", gw+"/inventory/hotel_name/111", "", nil, "Authorization", "Bearer "+testAdminKey); r.StatusCode != 200 {
					t.Fatalf("admin request = %d", r.StatusCode)
				}
				if r := call(t, "GET", gw+"/readyz", "", nil); r.StatusCode != 200 {
					t.Fatalf("/readyz = %d", r.StatusCode)
				}
			}
			// A browser preflight from the allowed origin.
			req, _ := http.NewRequest(http.MethodOptions, gw+"/bookings/", nil)
			req.Header.Set("Origin", "https://book.example.com")
			req.Header.Set("Access-Control-Request-Method", "POST")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "https://book.example.com" {
				t.Fatalf("preflight = %d %v", resp.StatusCode, resp.Header)
			}
		})
	}
}
