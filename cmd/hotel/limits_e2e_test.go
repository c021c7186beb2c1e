package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
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
			// A booking's access token is its client's address, not a bucket
			// of its own, so booking does not multiply the rate. (From
			// 127.0.0.2: a client of its own.)
			from := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
			do := func(method, path, body string, headers ...string) *http.Response {
				req, err := http.NewRequest(method, gw+path, strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				for i := 0; i+1 < len(headers); i += 2 {
					req.Header.Set(headers[i], headers[i+1])
				}
				resp, err := from.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				_, _ = io.Copy(io.Discard, resp.Body)
				return resp
			}
			arrival := hotel.Today(time.Now(), time.UTC).AddDays(40)
			var b bookingView
			req, _ := http.NewRequest("POST", gw+"/bookings/", strings.NewReader(fmt.Sprintf(
				`{"guest_name":"Rate Guest","hotel_id":111,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`, arrival)))
			req.Header.Set("Content-Type", "application/json")
			resp, err := from.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			err = json.NewDecoder(resp.Body).Decode(&b)
			resp.Body.Close()
			if resp.StatusCode != 201 || err != nil {
				t.Fatalf("create from 127.0.0.2 = %d (%v)", resp.StatusCode, err)
			}
			for i, want := range []int{200, 429, 429} { // a burst of 2: the create and one more
				if r := do("GET", "/bookings/"+b.ID, "", "Authorization", "Bearer "+b.AccessToken); r.StatusCode != want {
					t.Fatalf("request %d with the booking's token = %d, want %d", i, r.StatusCode, want)
				}
			}
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
			req, _ = http.NewRequest(http.MethodOptions, gw+"/bookings/", nil)
			req.Header.Set("Origin", "https://book.example.com")
			req.Header.Set("Access-Control-Request-Method", "POST")
			resp, err = http.DefaultClient.Do(req)
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

// TestIdleConnectionFlood: one address opens many keep-alive connections
// and leaves them idle (HOTEL_IDLE_CONNS, default 600, from 127.0.0.2)
// while another client (127.0.0.3) keeps making requests. The server keeps
// at most HOTEL_MAX_CONNS_PER_CLIENT of the flooder's connections — it
// closes the longest idle to admit the next — and the other client is
// answered throughout.
func TestIdleConnectionFlood(t *testing.T) {
	t.Parallel()
	n := 600
	if v, err := strconv.Atoi(os.Getenv("HOTEL_IDLE_CONNS")); err == nil && v > 0 {
		n = v
	}
	const perClient = 50
	sys := startAll(t, overlay(map[string]string{"HOTEL_MAX_CONNS_PER_CLIENT": strconv.Itoa(perClient), "HOTEL_RATE_LIMIT": "0"}, dbEnv(t, sqliteStore)))
	addr := strings.TrimPrefix(sys.Gateway, "http://")
	_, port, _ := net.SplitHostPort(addr)

	// The other client: requests one after another until the flood is over.
	other := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 3)}}).DialContext}}
	done := make(chan struct{})
	var latencies []time.Duration
	var otherErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			start := time.Now()
			resp, err := other.Get(sys.Gateway + "/inventory/hotel_name/111")
			if err != nil {
				otherErr = err
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				otherErr = fmt.Errorf("status %d", resp.StatusCode)
				return
			}
			latencies = append(latencies, time.Since(start))
		}
	})

	// The flood: each connection makes one request, then stays open, idle.
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 5 * time.Second}
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	served := 0
	for range n {
		c, err := dialer.Dial("tcp", net.JoinHostPort("127.0.0.1", port))
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		held = append(held, c)
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: hotel\r\n\r\n"); err != nil {
			continue
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			continue // closed at once: every held connection was busy
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		served++
		// Let go of the oldest connections the server has closed, so that
		// this process does not run out of open files itself.
		for len(held) > 4*perClient {
			_ = held[0].SetReadDeadline(time.Now().Add(time.Millisecond))
			if _, err := held[0].Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
				break // still open: counted below
			}
			held[0].Close()
			held = held[1:]
		}
	}
	close(done)
	wg.Wait()
	if otherErr != nil {
		t.Fatalf("the other client failed during the flood: %v", otherErr)
	}
	if len(latencies) == 0 {
		t.Fatal("the other client made no request during the flood")
	}

	// Of the flooder's connections, at most perClient are still open.
	open := 0
	for _, c := range held {
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
			open++
		}
	}
	if open > perClient {
		t.Errorf("%d of %d idle connections from one address are still open, want at most %d", open, n, perClient)
	}
	slices.Sort(latencies)
	p99 := latencies[min(len(latencies)-1, len(latencies)*99/100)]
	t.Logf("%d connections from one address (%d answered, %d still open); the other client: %d requests, p50 %v, p99 %v",
		n, served, open, len(latencies), latencies[len(latencies)/2], p99)
}

// TestBookingTokensDoNotMultiplyRate: creates from one address are allowed
// at the address's rate whether they carry no credential, one booking's
// access token or ten bookings' tokens in turn (a bucket per token made
// ten tokens worth ten times the rate).
func TestBookingTokensDoNotMultiplyRate(t *testing.T) {
	t.Parallel()
	const rate, burst, window = 5, 5, 2 * time.Second
	sys := startAll(t, overlay(map[string]string{"HOTEL_RATE_LIMIT": strconv.Itoa(rate), "HOTEL_RATE_BURST": strconv.Itoa(burst)}, dbEnv(t, sqliteStore)))
	from := func(last byte) *http.Client {
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, last)}}).DialContext}}
	}
	arrival := hotel.Today(time.Now(), time.UTC).AddDays(60)
	create := func(c *http.Client, token string, night int) (int, string) {
		req, _ := http.NewRequest("POST", sys.Gateway+"/bookings/", strings.NewReader(fmt.Sprintf(
			`{"guest_name":"Rate Guest","hotel_id":111,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`, arrival.AddDays(night%200))))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bookingView
		_ = json.NewDecoder(resp.Body).Decode(&b)
		return resp.StatusCode, b.AccessToken
	}
	// Ten bookings' tokens, made slowly from addresses of their own.
	var tokens []string
	for i := range 10 {
		status, tok := create(from(byte(20+i)), "", i)
		if status != http.StatusCreated {
			t.Fatalf("create %d = %d", i, status)
		}
		tokens = append(tokens, tok)
	}
	for i, k := range []int{0, 1, 10} {
		c := from(byte(40 + i))
		start, allowed, attempts := time.Now(), 0, 0
		for n := 0; time.Since(start) < window; n++ {
			attempts++
			token := ""
			if k > 0 {
				token = tokens[n%k]
			}
			if status, _ := create(c, token, 100+n); status == http.StatusCreated {
				allowed++
			} else if status != http.StatusTooManyRequests {
				t.Fatalf("create with %d tokens = %d", k, status)
			}
		}
		elapsed := time.Since(start)
		most := burst + int(elapsed.Seconds()*rate) + 1
		t.Logf("%d booking tokens: %d of %d creates allowed in %v (%.1f/s; the bucket allows %d)", k, allowed, attempts, elapsed.Round(time.Millisecond), float64(allowed)/elapsed.Seconds(), most)
		if allowed > most {
			t.Errorf("with %d booking tokens one address made %d creates in %v; the rate allows %d", k, allowed, elapsed, most)
		}
	}
}
