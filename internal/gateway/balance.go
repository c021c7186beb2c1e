package gateway

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// Replicas is an http.RoundTripper over several replicas of one service:
// each request goes to the next replica in turn (its URL's scheme and host
// replaced), and a replica that cannot be connected to — the request never
// left — is skipped for the next one. Requests the replica received are
// never sent twice.
type Replicas struct {
	targets []*url.URL
	next    atomic.Uint64
	rt      http.RoundTripper
}

// NewReplicas returns a Replicas over the base URLs (at least one) using rt.
func NewReplicas(bases []string, rt http.RoundTripper) (*Replicas, error) {
	if len(bases) == 0 {
		return nil, errors.New("no replica URL")
	}
	r := &Replicas{rt: rt}
	for _, b := range bases {
		u, err := url.Parse(strings.TrimRight(b, "/"))
		if err != nil || u.Host == "" {
			return nil, errors.New("replica URL " + b + " is not an absolute URL")
		}
		r.targets = append(r.targets, u)
	}
	return r, nil
}

// Base is the URL clients address: the first replica's (hosts are
// replaced per request).
func (r *Replicas) Base() *url.URL { u := *r.targets[0]; return &u }

// SplitURLs splits a comma list of base URLs.
func SplitURLs(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// RoundTrip implements http.RoundTripper.
func (r *Replicas) RoundTrip(req *http.Request) (*http.Response, error) {
	n := len(r.targets)
	start := int(r.next.Add(1) % uint64(n))
	var err error
	for i := range n {
		t := r.targets[(start+i)%n]
		out := req.Clone(req.Context())
		out.URL.Scheme, out.URL.Host, out.Host = t.Scheme, t.Host, ""
		if i > 0 && req.GetBody != nil {
			if out.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		} else if i > 0 && req.Body != nil && req.Body != http.NoBody {
			return nil, err // the body is spent and cannot be replayed
		}
		var resp *http.Response
		resp, err = r.rt.RoundTrip(out)
		if err == nil || !refused(err) {
			return resp, err
		}
	}
	return nil, err
}

// refused reports whether err means the connection was never made, so the
// request did not reach the replica.
func refused(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}
