package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/gateway"
	"github.com/hotelplatform/hotel/internal/web"
)

// seen is what an upstream received.
type seen struct {
	method, requestURI, host, body string
	header                         http.Header
}

// upstream starts a server that reports each request on the returned channel
// and answers with respond (200 "ok" when nil).
func upstream(t *testing.T, respond http.HandlerFunc) (*url.URL, <-chan seen) {
	t.Helper()
	ch := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ch <- seen{method: r.Method, requestURI: r.RequestURI, host: r.Host, body: string(body), header: r.Header.Clone()}
		if respond != nil {
			respond(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u, ch
}

func newTransport(t *testing.T, timeout time.Duration) *http.Transport {
	t.Helper()
	tr := gateway.NewTransport(timeout)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// problem decodes a problem+json response.
func problem(t *testing.T, w *httptest.ResponseRecorder) web.Problem {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != web.ProblemContentType {
		t.Errorf("Content-Type = %q, want %q; body %q", ct, web.ProblemContentType, w.Body.String())
	}
	var p web.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("body %q is not a problem: %v", w.Body.String(), err)
	}
	if p.Status != w.Code {
		t.Errorf("problem status %d, response status %d", p.Status, w.Code)
	}
	return p
}

func TestProxyPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		basePath    string // path of the target URL
		stripPrefix string
		method      string
		target      string // request path and query at the gateway
		body        string
		want        string // RequestURI at the upstream
	}{
		{name: "unchanged", target: "/inventory/hotels/7?start_date=2025-03-01&limit=5", want: "/inventory/hotels/7?start_date=2025-03-01&limit=5"},
		{name: "no query", target: "/inventory", want: "/inventory"},
		{name: "escaped path unchanged", target: "/inventory/a%2Fb%20c", want: "/inventory/a%2Fb%20c"},
		{name: "query encoding unchanged", target: "/inventory?location=New+York&x=%26", want: "/inventory?location=New+York&x=%26"},
		{name: "post with body", method: "POST", target: "/bookings", body: `{"nights":2}`, want: "/bookings"},
		{name: "strip prefix", stripPrefix: "/booking", target: "/booking/bookings/x?y=1", want: "/bookings/x?y=1"},
		{name: "strip prefix to root", stripPrefix: "/booking", target: "/booking/", want: "/"},
		{name: "strip prefix, bare", stripPrefix: "/booking", target: "/booking", want: "/"},
		{name: "strip prefix keeps escapes", stripPrefix: "/booking", target: "/booking/bookings/a%2Fb?y=1", want: "/bookings/a%2Fb?y=1"},
		// The escaped form does not start with the prefix: the decoded path is used.
		{name: "strip prefix, escaped prefix", stripPrefix: "/booking", target: "/%62ooking/bookings/a%2Fb", want: "/bookings/a/b"},
		{name: "strip prefix, other path untouched", stripPrefix: "/booking", target: "/inventory/x", want: "/inventory/x"},
		{name: "target base path", basePath: "/api", target: "/inventory/x?y=1", want: "/api/inventory/x?y=1"},
		{name: "target base path and strip", basePath: "/api/", stripPrefix: "/booking", target: "/booking/bookings", want: "/api/bookings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, got := upstream(t, nil)
			u.Path = tt.basePath
			h := gateway.Proxy("booking", u, tt.stripPrefix, newTransport(t, time.Second))
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, "http://gateway.example"+tt.target, strings.NewReader(tt.body))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK || w.Body.String() != "ok" {
				t.Fatalf("response %d %q, want 200 ok", w.Code, w.Body.String())
			}
			s := <-got
			if s.requestURI != tt.want {
				t.Errorf("upstream got %q, want %q", s.requestURI, tt.want)
			}
			if s.method != method || s.body != tt.body {
				t.Errorf("upstream got %s with body %q, want %s with %q", s.method, s.body, method, tt.body)
			}
			if s.host != u.Host {
				t.Errorf("upstream Host = %q, want the target's %q", s.host, u.Host)
			}
		})
	}
}

func TestProxyRequestHeaders(t *testing.T) {
	t.Parallel()
	u, got := upstream(t, nil)
	h := gateway.Proxy("inventory", u, "", newTransport(t, time.Second))

	r := httptest.NewRequest(http.MethodGet, "http://gateway.example/inventory", nil)
	r.RemoteAddr = "203.0.113.9:51234"
	r = r.WithContext(web.WithRequestID(r.Context(), "rid-abc.123"))
	r.Header.Set(web.RequestIDHeader, "client sent this")
	// Forged forwarding headers from the client.
	r.Header.Set("X-Forwarded-For", "6.6.6.6")
	r.Header.Set("X-Forwarded-Host", "evil.example")
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("Forwarded", "for=6.6.6.6")
	// Hop-by-hop headers, including one named only by Connection.
	r.Header.Set("Connection", "X-Hop-Secret, keep-alive")
	r.Header.Set("X-Hop-Secret", "for the next hop only")
	r.Header.Set("Keep-Alive", "timeout=5, max=100")
	r.Header.Set("Proxy-Connection", "keep-alive")
	r.Header.Set("Proxy-Authorization", "Basic Zm9vOmJhcg==")
	r.Header.Set("Te", "gzip")
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Trailer", "X-Checksum")
	// End-to-end headers.
	r.Header.Set("Authorization", "Bearer t0ken")
	r.Header.Set("Accept", "application/json")
	r.Header.Set("X-Custom", "kept")

	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d, body %q", w.Code, w.Body.String())
	}
	s := <-got

	want := map[string][]string{
		"X-Forwarded-For":   {"203.0.113.9"},
		"X-Forwarded-Host":  {"gateway.example"},
		"X-Forwarded-Proto": {"http"},
		"X-Request-Id":      {"rid-abc.123"},
		"Authorization":     {"Bearer t0ken"},
		"Accept":            {"application/json"},
		"X-Custom":          {"kept"},
	}
	for k, v := range want {
		if got := s.header.Values(k); !equal(got, v) {
			t.Errorf("upstream %s = %q, want %q", k, got, v)
		}
	}
	for _, k := range []string{"Forwarded", "Connection", "X-Hop-Secret", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Te", "Upgrade", "Trailer"} {
		if v := s.header.Values(k); len(v) > 0 {
			t.Errorf("upstream got hop-by-hop or forged header %s: %q", k, v)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestProxyResponse(t *testing.T) {
	t.Parallel()
	u, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "X-Up-Hop")
		w.Header().Set("X-Up-Hop", "for the gateway only")
		w.Header().Set("Keep-Alive", "timeout=5")
		w.Header().Set("Location", "/bookings/9")
		w.Header().Set("X-Up-End", "kept")
		web.Error(w, r, &hotel.Error{Code: hotel.ECONFLICT, Message: "Sold out.",
			Fields: []hotel.FieldError{{Field: "room_type_id", Reason: "no rooms left"}}})
	})
	h := gateway.Proxy("booking", u, "", newTransport(t, time.Second))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/bookings", strings.NewReader("{}")))

	// The upstream's error answer passes through unchanged.
	if w.Code != http.StatusConflict {
		t.Fatalf("status = %d, want 409", w.Code)
	}
	err := web.ReadProblem(w.Result())
	var he *hotel.Error
	if !errors.As(err, &he) || he.Code != hotel.ECONFLICT || he.Message != "Sold out." || len(he.Fields) != 1 || he.Fields[0].Field != "room_type_id" {
		t.Errorf("ReadProblem = %+v", err)
	}
	for k, want := range map[string]string{"X-Up-End": "kept", "Location": "/bookings/9", "Content-Type": web.ProblemContentType} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("response %s = %q, want %q", k, got, want)
		}
	}
	for _, k := range []string{"Connection", "X-Up-Hop", "Keep-Alive"} {
		if v := w.Header().Values(k); len(v) > 0 {
			t.Errorf("response has hop-by-hop header %s: %q", k, v)
		}
	}
}

func TestProxyUpstreamDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}

	h := gateway.Proxy("inventory", target, "", newTransport(t, time.Second))
	r := httptest.NewRequest(http.MethodGet, "/inventory/hotels/1", nil)
	r = r.WithContext(web.WithRequestID(r.Context(), "rid-down"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503; body %q", w.Code, w.Body.String())
	}
	p := problem(t, w)
	if p.Code != hotel.EUNAVAILABLE || p.RequestID != "rid-down" || p.Instance != "/inventory/hotels/1" ||
		p.Detail != "The inventory service is unavailable; try again shortly." {
		t.Errorf("problem = %+v", p)
	}
	if w.Header().Get("Retry-After") == "" {
		t.Error("a 503 without Retry-After")
	}
	if strings.Contains(w.Body.String(), ln.Addr().String()) || strings.Contains(w.Body.String(), "refused") {
		t.Errorf("body %q exposes the dial error", w.Body.String())
	}
}

func TestProxyUpstreamTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: unblock, then close
	u, _ := url.Parse(srv.URL)

	h := gateway.Proxy("booking", u, "/booking", newTransport(t, 50*time.Millisecond))
	r := httptest.NewRequest(http.MethodGet, "/booking/bookings/1", nil)
	r = r.WithContext(web.WithRequestID(r.Context(), "rid-slow"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	if w.Code != http.StatusGatewayTimeout {
		t.Fatalf("status = %d, want 504; body %q", w.Code, w.Body.String())
	}
	p := problem(t, w)
	if p.Code != hotel.ETIMEOUT || p.RequestID != "rid-slow" || p.Detail != "The booking service did not answer in time." {
		t.Errorf("problem = %+v", p)
	}
}

// An upstream that hangs up without answering is a 502 problem, written by
// web.Error like every other failure (one code per status).
func TestProxyUpstreamHangsUp(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_ = conn.Close()
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)

	h := gateway.Proxy("inventory", u, "", newTransport(t, time.Second))
	r := httptest.NewRequest(http.MethodGet, "/inventory/hotels/1", nil)
	r = r.WithContext(web.WithRequestID(r.Context(), "rid-gone"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	if w.Code != http.StatusBadGateway {
		t.Fatalf("status = %d, want 502; body %q", w.Code, w.Body.String())
	}
	p := problem(t, w)
	want := web.Problem{Type: "https://hotelplatform.dev/problems/bad-gateway", Title: "Bad Gateway", Status: http.StatusBadGateway,
		Detail: "The inventory service failed to answer.", Instance: "/inventory/hotels/1", Code: hotel.EBADGATEWAY, RequestID: "rid-gone"}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("problem = %+v, want %+v", p, want)
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store (as web.Error writes it)", w.Header().Get("Cache-Control"))
	}
}

// A deadline on the incoming request (e.g. the client's) also ends in 504.
func TestProxyRequestDeadline(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	u, _ := url.Parse(srv.URL)

	h := gateway.Proxy("booking", u, "", newTransport(t, time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodGet, "/bookings", nil))
	if w.Code != http.StatusGatewayTimeout {
		t.Fatalf("status = %d, want 504; body %q", w.Code, w.Body.String())
	}
	problem(t, w)
}

// A client that has gone away gets no answer, and the upstream is not called.
func TestProxyClientGone(t *testing.T) {
	t.Parallel()
	u, got := upstream(t, nil)
	h := gateway.Proxy("booking", u, "", newTransport(t, time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	func() {
		// The request is aborted (the server closes the connection), so
		// nothing can pass for an answer.
		defer func() {
			if v := recover(); v != http.ErrAbortHandler { //nolint:errorlint // the sentinel itself is panicked
				t.Errorf("panic = %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodGet, "/bookings", nil))
	}()
	if w.Body.Len() != 0 || w.Header().Get("Content-Type") != "" {
		t.Errorf("wrote %q (%s) to a gone client", w.Body.String(), w.Header().Get("Content-Type"))
	}
	select {
	case s := <-got:
		t.Errorf("upstream was called: %+v", s)
	default:
	}
}

// Through the real middleware on both sides, as in split mode.
func TestProxyBehindMiddleware(t *testing.T) {
	t.Parallel()
	upLog, upLogs := newLogger()
	upMux := http.NewServeMux()
	upMux.HandleFunc("GET /bookings/{id}", func(w http.ResponseWriter, r *http.Request) {
		web.Encode(w, http.StatusOK, map[string]string{"id": r.PathValue("id"), "request_id": web.RequestID(r.Context())})
	})
	srv := httptest.NewServer(web.Middleware(upLog, web.ProblemMux(upMux)))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)

	gwLog, _ := newLogger()
	gwMux := http.NewServeMux()
	gwMux.Handle("/booking/", gateway.Proxy("booking", u, "/booking", newTransport(t, time.Second)))
	h := web.Middleware(gwLog, web.ProblemMux(gwMux))

	r := httptest.NewRequest(http.MethodGet, "/booking/bookings/12", nil)
	r.Header.Set(web.RequestIDHeader, "trace-42")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	if w.Code != http.StatusOK {
		t.Fatalf("status = %d, body %q", w.Code, w.Body.String())
	}
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body["id"] != "12" || body["request_id"] != "trace-42" {
		t.Errorf("upstream answered %v; want id 12 and the gateway's request id", body)
	}
	if !strings.Contains(upLogs.String(), `"request_id":"trace-42"`) {
		t.Errorf("upstream log does not carry the request id: %s", upLogs)
	}
	if ids := w.Header().Values(web.RequestIDHeader); len(ids) == 0 || ids[0] != "trace-42" {
		t.Errorf("X-Request-ID = %q, want trace-42 first", ids)
	}
}

func newLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewJSONHandler(&buf, nil)), &buf
}

func TestHandleRoot(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			mux := http.NewServeMux()
			mux.Handle("GET /{$}", gateway.HandleRoot())
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest(method, "/", nil))
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d", w.Code)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var got map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %q: %v", w.Body.String(), err)
			}
			if got["message"] != "API Gateway is running" || got["status"] != "ok" {
				t.Errorf("body = %v", got)
			}
		})
	}
}

func TestNewTransport(t *testing.T) {
	t.Parallel()
	tr := gateway.NewTransport(7 * time.Second)
	if tr.ResponseHeaderTimeout != 7*time.Second {
		t.Errorf("ResponseHeaderTimeout = %v, want 7s", tr.ResponseHeaderTimeout)
	}
	if tr.Proxy != nil {
		t.Error("service-to-service transport uses an outbound proxy")
	}
	if tr.DialContext == nil || tr.MaxIdleConnsPerHost < 2 || tr.IdleConnTimeout <= 0 {
		t.Errorf("transport lacks dial timeout or connection reuse: %+v", tr)
	}
}

func TestProxyDoesNotDuplicateGatewayHeaders(t *testing.T) {
	t.Parallel()
	up := httptest.NewServer(web.Middleware(slog.New(slog.DiscardHandler), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Encode(w, http.StatusOK, map[string]string{"ok": "yes"})
	})))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	gw := httptest.NewServer(web.Middleware(slog.New(slog.DiscardHandler), gateway.Proxy("inventory", u, "", gateway.NewTransport(5*time.Second))))
	defer gw.Close()
	req, _ := http.NewRequest(http.MethodGet, gw.URL+"/inventory/", nil)
	req.Header.Set(web.RequestIDHeader, "trace-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, h := range []string{web.RequestIDHeader, "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"} {
		if got := resp.Header.Values(h); len(got) != 1 {
			t.Errorf("%s = %q, want exactly one value", h, got)
		}
	}
	if got := resp.Header.Get(web.RequestIDHeader); got != "trace-42" {
		t.Errorf("request id = %q, want trace-42 end to end", got)
	}
}
