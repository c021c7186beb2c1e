package gateway_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel/internal/gateway"
)

// replica is a test upstream that counts what it served.
type replica struct {
	srv *httptest.Server
	mu  sync.Mutex
	n   int
}

func newReplica(t *testing.T, name string) *replica {
	r := &replica{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.n++
		r.mu.Unlock()
		_, _ = io.WriteString(w, name+":"+req.URL.Path+":"+string(body))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *replica) served() int { r.mu.Lock(); defer r.mu.Unlock(); return r.n }

func TestReplicas(t *testing.T) {
	t.Parallel()
	a, b := newReplica(t, "a"), newReplica(t, "b")
	rep, err := gateway.NewReplicas(gateway.SplitURLs(a.srv.URL+", "+b.srv.URL+"/"), http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: rep}
	get := func(method, body string) (string, error) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, rep.Base().String()+"/x", rd)
		resp, err := hc.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return string(out), nil
	}
	for range 10 {
		if _, err := get(http.MethodGet, ""); err != nil {
			t.Fatal(err)
		}
	}
	if a.served() != 5 || b.served() != 5 {
		t.Fatalf("served %d and %d, want 5 each (in turn)", a.served(), b.served())
	}
	// One replica down: every request reaches the other, bodies included.
	b.srv.Close()
	for i := range 6 {
		out, err := get(http.MethodPost, "payload")
		if err != nil || out != "a:/x:payload" {
			t.Fatalf("request %d with a replica down = %q, %v", i, out, err)
		}
	}
	// All down: the dial error comes back.
	a.srv.Close()
	if _, err := get(http.MethodGet, ""); err == nil {
		t.Fatal("no error with every replica down")
	}
	if _, err := gateway.NewReplicas(nil, http.DefaultTransport); err == nil {
		t.Fatal("no replicas accepted")
	}
}
