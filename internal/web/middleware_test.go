package web_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// logLines parses the JSON lines slog wrote to buf.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.Lines(buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// accessLines returns the access-log lines among lines.
func accessLines(lines []map[string]any) []map[string]any {
	var out []map[string]any
	for _, l := range lines {
		if l["msg"] == "request" {
			out = append(out, l)
		}
	}
	return out
}

func newLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

var generatedID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestMiddlewareRequestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header []string // X-Request-ID values sent
		keep   bool     // whether the sent id is kept
	}{
		{name: "none", header: nil},
		{name: "uuid", header: []string{"0b6e3c1e-4c7b-4d8a-9d6f-3f1f2a1b2c3d"}, keep: true},
		{name: "dotted with colons", header: []string{"gw-1:abc.DEF_09"}, keep: true},
		{name: "128 characters", header: []string{strings.Repeat("a", 128)}, keep: true},
		{name: "129 characters", header: []string{strings.Repeat("a", 129)}},
		{name: "300 characters", header: []string{strings.Repeat("b", 300)}},
		{name: "empty", header: []string{""}},
		{name: "spaces", header: []string{"abc def"}},
		{name: "newline", header: []string{"abc\nX-Injected: 1"}},
		{name: "trailing newline", header: []string{"abc\n"}},
		{name: "carriage return", header: []string{"abc\r"}},
		{name: "quote", header: []string{`abc"def`}},
		{name: "non-ASCII", header: []string{"abcé"}},
		{name: "log injection", header: []string{`x" level=ERROR msg="forged`}},
		{name: "first of two is used", header: []string{"first-id", "second-id"}, keep: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log, logs := newLogger()
			seen := make(chan string, 1)
			h := web.Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen <- web.RequestID(r.Context())
				web.Logger(r.Context()).Info("inside")
			}))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, v := range tt.header {
				r.Header.Add(web.RequestIDHeader, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			got := w.Header().Get(web.RequestIDHeader)
			if n := len(w.Header().Values(web.RequestIDHeader)); n != 1 {
				t.Errorf("response has %d X-Request-ID values, want 1", n)
			}
			if tt.keep {
				if got != tt.header[0] {
					t.Errorf("X-Request-ID = %q, want the sent %q", got, tt.header[0])
				}
			} else if !generatedID.MatchString(got) {
				t.Errorf("X-Request-ID = %q, want a fresh 32-hex-digit id", got)
			}
			if ctxID := <-seen; ctxID != got {
				t.Errorf("handler saw request id %q, response has %q", ctxID, got)
			}
			lines := logLines(t, logs)
			if len(lines) != 2 {
				t.Fatalf("%d log lines, want the handler's and the access line: %s", len(lines), logs)
			}
			for _, l := range lines {
				if l["request_id"] != got {
					t.Errorf("log line %v has request_id %v, want %q", l, l["request_id"], got)
				}
			}
		})
	}
}

// Two requests without an id get different ids.
func TestMiddlewareRequestIDsDiffer(t *testing.T) {
	t.Parallel()
	log, _ := newLogger()
	h := web.Middleware(log, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	seen := map[string]bool{}
	for range 100 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
		id := w.Header().Get(web.RequestIDHeader)
		if seen[id] {
			t.Fatalf("request id %q repeated", id)
		}
		seen[id] = true
	}
}

func TestMiddlewareSecurityHeaders(t *testing.T) {
	t.Parallel()
	log, _ := newLogger()
	h := web.Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Encode(w, http.StatusOK, "ok")
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
	} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestMiddlewarePanic(t *testing.T) {
	t.Parallel()
	const secret = "db password is hunter2"
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int
		wantBody   string // exact body when not a problem
	}{
		{
			name:       "panic before writing",
			handler:    func(http.ResponseWriter, *http.Request) { panic(secret) },
			wantStatus: http.StatusInternalServerError,
		},
		{
			name:       "panic with an error value",
			handler:    func(http.ResponseWriter, *http.Request) { panic(errors.New(secret)) },
			wantStatus: http.StatusInternalServerError,
		},
		{
			name: "nil map write",
			handler: func(http.ResponseWriter, *http.Request) {
				var m map[string]int
				m[secret]++ //nolint:staticcheck // a real runtime panic, on purpose
			},
			wantStatus: http.StatusInternalServerError,
		},
		{
			// The status line is gone; the middleware must not write a second one.
			name: "panic after writing",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusAccepted)
				_, _ = w.Write([]byte("partial"))
				panic(secret)
			},
			wantStatus: http.StatusAccepted,
			wantBody:   "partial",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log, logs := newLogger()
			mux := http.NewServeMux()
			mux.Handle("POST /hotels/{id}/book", tt.handler)
			h := web.Middleware(log, web.ProblemMux(mux))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/hotels/9/book", nil))

			resp := w.Result()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if strings.Contains(w.Body.String(), "hunter2") || strings.Contains(w.Body.String(), "panic") {
				t.Errorf("body %q leaks the panic", w.Body.String())
			}
			if tt.wantBody != "" {
				if w.Body.String() != tt.wantBody {
					t.Errorf("body = %q, want %q", w.Body.String(), tt.wantBody)
				}
			} else {
				p := decodeProblem(t, resp)
				if p.Code != hotel.EINTERNAL || p.RequestID != resp.Header.Get(web.RequestIDHeader) || p.RequestID == "" {
					t.Errorf("problem = %+v", p)
				}
			}

			lines := logLines(t, logs)
			var panicLogged bool
			for _, l := range lines {
				if l["msg"] == "panic serving request" {
					panicLogged = true
					if l["panic"] == "" || l["route"] != "POST /hotels/{id}/book" || l["level"] != "ERROR" {
						t.Errorf("panic line = %v", l)
					}
				}
			}
			if !panicLogged {
				t.Errorf("panic not logged: %s", logs)
			}
			access := accessLines(lines)
			if len(access) != 1 {
				t.Fatalf("%d access lines, want 1: %s", len(access), logs)
			}
			if got := access[0]["status"]; got != float64(tt.wantStatus) {
				t.Errorf("access status = %v, want %d", got, tt.wantStatus)
			}
		})
	}
}

// http.ErrAbortHandler is the server's own signal and must reach it.
func TestMiddlewareRepanicsErrAbortHandler(t *testing.T) {
	t.Parallel()
	log, _ := newLogger()
	h := web.Middleware(log, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		if v := recover(); v != http.ErrAbortHandler { //nolint:errorlint // recover returns the exact value panicked with
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	t.Error("ServeHTTP returned normally")
}

func TestMiddlewareAccessLog(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hotels/{id}", func(w http.ResponseWriter, r *http.Request) {
		web.Encode(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	mux.HandleFunc("POST /bookings", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /silent", func(http.ResponseWriter, *http.Request) {})

	tests := []struct {
		method, target string
		wantRoute      string
		wantStatus     int
		wantBytes      func(int) bool
	}{
		{"GET", "/hotels/424242?email=guest@example.com", "GET /hotels/{id}", 200, func(n int) bool { return n == len(`{"id":"424242"}`+"\n") }},
		{"POST", "/bookings", "POST /bookings", 204, func(n int) bool { return n == 0 }},
		{"GET", "/silent", "GET /silent", 200, func(n int) bool { return n == 0 }},
		{"GET", "/guests/424242/secret", "unmatched", 404, func(n int) bool { return n > 0 }},
		{"DELETE", "/hotels/424242", "unmatched", 405, func(n int) bool { return n > 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			t.Parallel()
			log, logs := newLogger()
			h := web.Middleware(log, web.ProblemMux(mux))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.target, nil))

			access := accessLines(logLines(t, logs))
			if len(access) != 1 {
				t.Fatalf("%d access lines, want 1: %s", len(access), logs)
			}
			l := access[0]
			if l["route"] != tt.wantRoute || l["method"] != tt.method || l["status"] != float64(tt.wantStatus) || l["level"] != "INFO" {
				t.Errorf("access line = %v; want route %q, method %s, status %d", l, tt.wantRoute, tt.method, tt.wantStatus)
			}
			if n, _ := l["bytes"].(float64); !tt.wantBytes(int(n)) || int(n) != w.Body.Len() {
				t.Errorf("bytes = %v, body is %d bytes", l["bytes"], w.Body.Len())
			}
			if _, ok := l["duration"].(float64); !ok {
				t.Errorf("duration = %v, want a number", l["duration"])
			}
			if l["request_id"] != w.Header().Get(web.RequestIDHeader) {
				t.Errorf("request_id = %v, response has %q", l["request_id"], w.Header().Get(web.RequestIDHeader))
			}
			// The raw path and query carry ids and personal data; only the template is logged.
			for _, leak := range []string{"424242", "guest@example.com", "secret"} {
				if strings.Contains(logs.String(), leak) {
					t.Errorf("log %s contains %q", logs, leak)
				}
			}
		})
	}
}
