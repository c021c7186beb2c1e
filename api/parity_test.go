package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel/api"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/server"
)

// codeOperations returns "METHOD /path" for every route that is an
// operation (Forward rules are prefixes handed to another service), in
// OpenAPI spelling: ServeMux's {$} ("this path exactly") is dropped.
func codeOperations(routes []auth.Route) []string {
	var out []string
	for _, r := range routes {
		method, path, ok := strings.Cut(r.Pattern, " ")
		if r.Rule.Forward || !ok {
			continue
		}
		path = strings.TrimSuffix(path, "{$}")
		out = append(out, method+" "+path)
	}
	slices.Sort(out)
	return out
}

// specOperations returns "METHOD /path" for every operation of an OpenAPI
// document.
func specOperations(t *testing.T, doc []byte) []string {
	t.Helper()
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	methods := []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
	var out []string
	for path, item := range d.Paths {
		for key := range item {
			if slices.Contains(methods, key) {
				out = append(out, strings.ToUpper(key)+" "+path)
			}
		}
	}
	slices.Sort(out)
	return out
}

// diff returns the elements of a (sorted) missing from b (sorted).
func missing(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}

// TestSpecCoversRoutes keeps the document's operations equal to the routes
// the servers declare.
func TestSpecCoversRoutes(t *testing.T) {
	t.Parallel()
	code, doc := codeOperations(server.Routes()), specOperations(t, api.Spec())
	if len(code) == 0 || len(doc) == 0 {
		t.Fatalf("%d routes declared, %d operations in openapi.json", len(code), len(doc))
	}
	for _, op := range missing(code, doc) {
		t.Errorf("route %s is declared (server.Routes) but not in api/openapi.json: document it in api/operations_test.go", op)
	}
	for _, op := range missing(doc, code) {
		t.Errorf("api/openapi.json documents %s, which no server declares", op)
	}
}

// TestParityCheckFails shows the parity check is not vacuous: a route added
// to the code, or one taken away, is reported.
func TestParityCheckFails(t *testing.T) {
	t.Parallel()
	routes := []auth.Route{{Pattern: "GET /inventory/new-thing", Rule: auth.Rule{Public: true}}, {Pattern: "/forwarded/", Rule: auth.Rule{Forward: true}}}
	for _, r := range server.Routes() {
		if r.Pattern != "DELETE /bookings/{booking_id}" {
			routes = append(routes, r)
		}
	}
	code, doc := codeOperations(routes), specOperations(t, api.Spec())
	if got := missing(code, doc); !slices.Equal(got, []string{"GET /inventory/new-thing"}) {
		t.Errorf("undocumented routes = %v, want the added one only", got)
	}
	if got := missing(doc, code); !slices.Equal(got, []string{"DELETE /bookings/{booking_id}"}) {
		t.Errorf("documented but not served = %v, want the removed one only", got)
	}
}
