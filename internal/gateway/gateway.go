// Package gateway is the public front door: the seed's routes, forwarding to
// the booking and inventory services (in process, or over HTTP in split mode).
package gateway

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// Health is the body of GET / (the seed's gateway health answer).
type Health struct {
	Message string `json:"message"`
	Status  string `json:"status"`
}

// HandleRoot answers GET / as the seed's gateway did.
func HandleRoot() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Encode(w, http.StatusOK, Health{Message: "API Gateway is running", Status: "ok"})
	})
}

// NewTransport returns the HTTP transport used between services: bounded
// dial and header timeouts, connection reuse.
func NewTransport(timeout time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:                 nil, // service-to-service calls never go through an outbound proxy
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
	}
}

// Proxy returns a reverse proxy to the service at target; stripPrefix, if
// set, is removed from the path first (/booking/x → /x, as the seed did).
// Upstream failures become problem+json answers, never hangs or HTML.
func Proxy(name string, target *url.URL, stripPrefix string, transport http.RoundTripper) http.Handler {
	rp := &httputil.ReverseProxy{
		Transport: transport,
		Rewrite: func(pr *httputil.ProxyRequest) {
			if stripPrefix != "" {
				pr.Out.URL.Path = trimPrefix(pr.In.URL.Path, stripPrefix)
				pr.Out.URL.RawPath = ""
				// Keep the escaping (a%2Fb stays one segment), as http.StripPrefix
				// does in all-in-one mode; URL.EscapedPath ignores a RawPath that
				// does not match Path.
				if pr.In.URL.RawPath != "" {
					pr.Out.URL.RawPath = trimPrefix(pr.In.URL.RawPath, stripPrefix)
				}
			}
			pr.SetURL(target)
			pr.Out.URL.RawQuery = pr.In.URL.RawQuery // as sent: the upstream refuses what it cannot parse, as in all-in-one mode
			pr.SetXForwarded()
			pr.Out.Header.Set(web.RequestIDHeader, web.RequestID(pr.In.Context()))
		},
		// The gateway's middleware already set these on the response; the
		// upstream's copies would be appended, not replace them.
		ModifyResponse: func(resp *http.Response) error {
			for _, h := range gatewayOwnedHeaders {
				resp.Header.Del(h)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if bw, ok := r.Context().Value(bodyWatchKey{}).(*bodyWatch); ok && bw.failed() {
				// The client's own body failed (too slow, cut off): its
				// fault, not the upstream's.
				web.Error(w, r, &hotel.Error{Code: hotel.EINVALID, Message: "The request body did not arrive in time.", Err: err})
				return
			}
			code, detail := hotel.EBADGATEWAY, "The "+name+" service failed to answer."
			var ne net.Error
			var oe *net.OpError
			switch {
			case errors.Is(err, context.Canceled):
				// The client went away (or stalled its body): nobody to
				// answer, and nothing must look like a success.
				panic(http.ErrAbortHandler)
			case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
				code, detail = hotel.ETIMEOUT, "The "+name+" service did not answer in time."
			case errors.As(err, &oe) && oe.Op == "dial":
				code, detail = hotel.EUNAVAILABLE, "The "+name+" service is unavailable; try again shortly."
			}
			web.Error(w, r, &hotel.Error{Code: code, Message: detail, Err: err})
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bw := &bodyWatch{}
		if r.Body != nil && r.Body != http.NoBody {
			bw.rc = r.Body
			r.Body = bw
		}
		rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyWatchKey{}, bw)))
	})
}

type bodyWatchKey struct{}

// bodyWatch remembers whether reading the client's body failed, so the
// proxy can tell a slow client from a slow upstream.
type bodyWatch struct {
	rc  io.ReadCloser
	mu  sync.Mutex
	err error
}

func (b *bodyWatch) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.mu.Lock()
		b.err = err
		b.mu.Unlock()
	}
	return n, err
}

func (b *bodyWatch) Close() error { return b.rc.Close() }

func (b *bodyWatch) failed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err != nil
}

// gatewayOwnedHeaders are set once by the gateway for every response.
var gatewayOwnedHeaders = []string{web.RequestIDHeader, "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"}

func trimPrefix(path, prefix string) string {
	if len(path) >= len(prefix) && path[:len(prefix)] == prefix {
		path = path[len(prefix):]
	}
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	return path
}
