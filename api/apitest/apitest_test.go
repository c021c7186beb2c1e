package apitest

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fake answers every request with the status, headers and body it is given
// in the request's X-Fake-* headers, as a misbehaving server would.
func fake(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-ID", "test-1")
		for _, kv := range r.Header.Values("X-Fake-Header") {
			k, v, _ := strings.Cut(kv, ": ")
			w.Header().Set(k, v)
		}
		status := http.StatusOK
		if s := r.Header.Get("X-Fake-Status"); s != "" {
			status = atoi(s)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, r.Header.Get("X-Fake-Body"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

const problem404 = `{"type":"https://hotelplatform.dev/problems/not-found","title":"Not Found","status":404,"code":"not_found","request_id":"test-1"}`

func TestTransport(t *testing.T) {
	t.Parallel()
	srv := fake(t)
	tr, err := NewTransport(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: tr}
	json := "Content-Type: application/json"
	problemJSON := "Content-Type: application/problem+json"
	tests := []struct {
		name, method, path string
		status             string
		headers            []string
		body               string
		violation          string // "" when the response matches
	}{
		{"a documented answer", "GET", "/inventory/hotel_name/111", "", []string{json}, `{"hotel_id":111,"hotel_name":"Royal Lancaster"}`, ""},
		{"a wrong type", "GET", "/inventory/hotel_name/111", "", []string{json}, `{"hotel_id":"111","hotel_name":"Royal Lancaster"}`, "hotel_id"},
		{"a missing property", "GET", "/inventory/hotel_name/111", "", []string{json}, `{"hotel_id":111}`, "hotel_name"},
		{"money as a number", "GET", "/inventory/111", "", []string{json},
			`[{"hotel_id":111,"hotel_name":"R","location":"London","room_type_id":2,"room_type":"Deluxe Rooms","date":"2026-12-14","available_rooms":7,"total_rooms":12,"room_price":364.8,"currency":"GBP","demand_level":"high"}]`,
			"room_price"},
		{"a date that is not a date", "GET", "/inventory/111", "", []string{json},
			`[{"hotel_id":111,"hotel_name":"R","location":"London","room_type_id":2,"room_type":"Deluxe Rooms","date":"2026-02-30","available_rooms":7,"total_rooms":12,"room_price":"364.80","currency":"GBP","demand_level":"high"}]`,
			"date"},
		{"an undocumented status", "GET", "/inventory/hotel_name/111", "418", []string{json}, `{}`, "418"},
		{"an error that is not a problem", "GET", "/inventory/hotel_name/111", "404", []string{json}, `{"error":"nope"}`, "404"},
		{"a problem without its code", "GET", "/inventory/hotel_name/111", "404", []string{problemJSON},
			`{"type":"https://hotelplatform.dev/problems/not-found","title":"Not Found","status":404}`, "code"},
		{"a documented problem", "GET", "/inventory/hotel_name/111", "404", []string{problemJSON}, problem404, ""},
		{"401 without WWW-Authenticate", "GET", "/bookings/", "401", []string{problemJSON},
			`{"type":"https://hotelplatform.dev/problems/unauthorized","title":"Unauthorized","status":401,"code":"unauthorized"}`, "WWW-Authenticate"},
		{"a booking without its ETag", "GET", "/bookings/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "", []string{json}, `{}`, "ETag"},
		{"an unknown path answered with a problem", "GET", "/no/such/route", "404", []string{problemJSON}, problem404, ""},
		{"an unknown path answered 200", "GET", "/no/such/route", "", []string{json}, `{}`, "undocumented route"},
		{"a documented path, another method, 405", "DELETE", "/inventory/search", "405", []string{problemJSON},
			`{"type":"https://hotelplatform.dev/problems/method-not-allowed","title":"Method Not Allowed","status":405,"code":"method_not_allowed"}`, ""},
		{"the seed prefix is its booking-service route", "GET", "/booking/healthz", "", []string{json}, `{"status":"ok"}`, ""},
		{"the seed prefix is checked too", "GET", "/booking/healthz", "", []string{json}, `{"status":"fine"}`, "status"},
		{"a CORS preflight", "OPTIONS", "/bookings/", "204", []string{"Access-Control-Allow-Origin: https://book.example.com", "Access-Control-Allow-Methods: GET, POST"}, "", ""},
		{"a CORS preflight without its headers", "OPTIONS", "/bookings/", "204", nil, "", "Access-Control-Allow-Origin"},
		{"a refused CORS preflight", "OPTIONS", "/bookings/", "403", []string{problemJSON},
			`{"type":"https://hotelplatform.dev/problems/forbidden","title":"Forbidden","status":403,"code":"forbidden"}`, ""},
		{"a bare OPTIONS", "OPTIONS", "/bookings/", "204", nil, "", "undocumented route"},
		{"not public", "GET", "/metrics", "", []string{"Content-Type: text/plain"}, "# HELP x", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			req.Header.Set("X-Fake-Status", tc.status)
			if tc.method == http.MethodOptions && strings.Contains(tc.name, "preflight") {
				req.Header.Set("Origin", "https://book.example.com")
				req.Header.Set("Access-Control-Request-Method", "POST")
			}
			req.Header.Set("X-Fake-Body", tc.body)
			for _, h := range tc.headers {
				req.Header.Add("X-Fake-Header", h)
			}
			resp, err := client.Do(req)
			var v *Violation
			switch {
			case tc.violation == "" && err != nil:
				t.Fatalf("a matching response was refused: %v", err)
			case tc.violation == "":
				if b, _ := io.ReadAll(resp.Body); string(b) != tc.body {
					t.Errorf("body %q reached the client as %q", tc.body, b)
				}
				resp.Body.Close()
			case !errors.As(err, &v):
				t.Fatalf("a response with %s passed (err %v)", tc.violation, err)
			case !strings.Contains(err.Error(), tc.violation):
				t.Errorf("the violation does not name %q:\n%v", tc.violation, err)
			}
		})
	}
	if got := tr.Validated(); len(got) == 0 || got[0] != "GET /healthz 200" {
		t.Errorf("Validated() = %v", got)
	}
}
