package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hotelplatform/hotel"
)

// Query parses and validates query parameters, collecting every problem so a
// client learns all of them at once. Unknown and repeated parameters are
// errors: a typo such as ?start=… must not silently return everything.
type Query struct {
	v    url.Values
	errs hotel.Validation
}

// NewQuery reads r's query string, allowing only the named parameters.
func NewQuery(r *http.Request, allowed ...string) *Query {
	q := &Query{}
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		q.errs.Add("query", "is not a valid URL query string")
		return q
	}
	q.v = v
	ok := make(map[string]bool, len(allowed))
	for _, a := range allowed {
		ok[a] = true
	}
	for name, vals := range v {
		switch {
		case !ok[name]:
			q.errs.Add(truncate(name), "unknown query parameter; allowed: "+strings.Join(allowed, ", "))
		case len(vals) > 1:
			q.errs.Add(name, "must be given at most once")
		}
	}
	return q
}

func truncate(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.ToValidUTF8(s, "?")
}

func (q *Query) raw(name string) (string, bool) {
	if q.v == nil || q.errs.Has(name) {
		return "", false
	}
	vals, ok := q.v[name]
	if !ok || len(vals) == 0 {
		return "", false
	}
	return vals[0], true
}

// String returns the parameter (trimmed), checking it is safe single-line
// text (hotel.TextFault) of at most maxLen bytes.
func (q *Query) String(name string, maxLen int) string {
	s, ok := q.raw(name)
	if !ok {
		return ""
	}
	if fault := hotel.TextFault(s); fault != "" {
		q.errs.Add(name, fault)
		return ""
	}
	if s = strings.TrimSpace(s); len(s) > maxLen {
		q.errs.Add(name, fmt.Sprintf("must be at most %d bytes", maxLen))
		return ""
	}
	return s
}

// Int64 returns the parameter as an integer in [lo, hi], 0 when absent.
func (q *Query) Int64(name string, lo, hi int64) int64 {
	s, ok := q.raw(name)
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		q.errs.Add(name, fmt.Sprintf("must be an integer between %d and %d", lo, hi))
		return 0
	}
	return n
}

// Bool returns the parameter ("true" or "false"), nil when absent.
func (q *Query) Bool(name string) *bool {
	s, ok := q.raw(name)
	if !ok {
		return nil
	}
	switch s {
	case "true":
		return new(true)
	case "false":
		return new(false)
	}
	q.errs.Add(name, "must be true or false")
	return nil
}

// Ints returns the parameter as comma-separated integers in [lo, hi], at
// most maxN of them; nil when absent.
func (q *Query) Ints(name string, lo, hi int64, maxN int) []int {
	s, ok := q.raw(name)
	if !ok {
		return nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxN {
		q.errs.Add(name, fmt.Sprintf("must list at most %d numbers", maxN))
		return nil
	}
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || n < lo || n > hi {
			q.errs.Add(name, fmt.Sprintf("must be comma-separated integers between %d and %d", lo, hi))
			return nil
		}
		out[i] = int(n)
	}
	return out
}

// Date returns the parameter as a YYYY-MM-DD date, zero when absent.
func (q *Query) Date(name string) hotel.Date {
	s, ok := q.raw(name)
	if !ok {
		return hotel.Date{}
	}
	d, err := hotel.ParseDate(s)
	if err != nil {
		q.errs.Add(name, "must be a real date in YYYY-MM-DD form")
	}
	return d
}

// Err returns an EINVALID error listing every bad parameter, or nil.
func (q *Query) Err() error { return q.errs.Err() }

// PathID parses the positive integer path value name.
func PathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, &hotel.Error{Code: hotel.EINVALID, Message: "The path has an invalid id.",
			Fields: []hotel.FieldError{{Field: name, Reason: "must be a positive integer"}}}
	}
	return n, nil
}

// ProblemMux wraps mux so requests no route matches get problem+json 404/405
// answers (with Allow) instead of Go's text/plain ones.
func ProblemMux(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !slices.Contains(Methods, r.Method) {
			refuseMethod(w, r, mux)
			return
		}
		if _, pattern := mux.Handler(r); pattern != "" {
			recordRoute(r.Context(), pattern)
			mux.ServeHTTP(w, r)
			return
		}
		rec := &headerOnly{h: http.Header{}}
		mux.ServeHTTP(rec, r)
		switch rec.status {
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", rec.h.Get("Allow"))
			Error(w, r, hotel.Errorf(hotel.EMETHODNOTALLOWED, "Method %s is not allowed here; allowed: %s.", r.Method, rec.h.Get("Allow")))
		case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			w.Header().Set("Location", rec.h.Get("Location"))
			w.WriteHeader(rec.status)
		default:
			NotFound(w, r)
		}
	})
}

// refuseMethod answers a request whose method is not one of Methods: 405
// with the methods the path does answer (404 if none), never routed, so a
// route that forwards every method (the gateway's) never passes it on.
func refuseMethod(w http.ResponseWriter, r *http.Request, mux *http.ServeMux) {
	var allow []string
	for _, m := range Methods {
		probe := *r
		probe.Method = m
		if _, pattern := mux.Handler(&probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		NotFound(w, r)
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	Error(w, r, hotel.Errorf(hotel.EMETHODNOTALLOWED, "This method is not supported; allowed here: %s.", strings.Join(allow, ", ")))
}

// headerOnly captures what the mux's fallback handlers write.
type headerOnly struct {
	h      http.Header
	status int
}

func (h *headerOnly) Header() http.Header { return h.h }
func (h *headerOnly) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return len(b), nil
}
func (h *headerOnly) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}
