// Package webhooks delivers the event feed to the subscriptions admins
// register: each selected event is POSTed to the subscription's URL, signed
// as the Standard Webhooks specification says (webhook-id,
// webhook-timestamp, webhook-signature: HMAC-SHA256), at least once, with
// the same webhook-id on every attempt, in feed order — so in order per
// subject. A failed attempt is retried with exponential backoff; a
// subscription that has failed for the whole retry period (24 h by
// default) is paused, and an alert fires. Every attempt is in the
// subscription's delivery log; the receiver's response body is read and
// dropped, never logged or kept. URLs that reach loopback, link-local or
// private addresses are refused, when registered and when dialled, unless
// an operator allows their networks.
package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/events"
	"github.com/hotelplatform/hotel/internal/store"
)

// Options configure a Service; the zero value of each field is its default.
type Options struct {
	// Timeout bounds one delivery attempt (default 10 s).
	Timeout time.Duration
	// RetryFor is how long an event is retried before the subscription is
	// paused (default 24 h).
	RetryFor time.Duration
	// FirstRetry is the delay after the first failed attempt (default 5 s);
	// each later one doubles it, up to MaxRetryDelay (default 1 h).
	FirstRetry, MaxRetryDelay time.Duration
	// AllowNets are the networks a webhook may reach although they are
	// loopback, link-local or private (default none).
	AllowNets []netip.Prefix
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Log receives the dispatcher's lines (default none).
	Log *slog.Logger
	// Metrics counts deliveries (nil: none).
	Metrics *Metrics
}

// Service manages webhook subscriptions and delivers to them.
type Service struct {
	st     store.Webhooks
	feed   *events.Feed
	opts   Options
	client *http.Client
	m      *Metrics
}

// New returns the service of the subscriptions in st, delivering the
// events of feed.
func New(st store.Webhooks, feed *events.Feed, opts Options) *Service {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.RetryFor <= 0 {
		opts.RetryFor = 24 * time.Hour
	}
	if opts.FirstRetry <= 0 {
		opts.FirstRetry = 5 * time.Second
	}
	if opts.MaxRetryDelay <= 0 {
		opts.MaxRetryDelay = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{st: st, feed: feed, opts: opts, m: opts.Metrics}
	dialer := &net.Dialer{Timeout: opts.Timeout, Control: s.control}
	s.client = &http.Client{
		Transport: &http.Transport{
			Proxy:               nil, // a proxy would be dialled instead of the receiver, past the address check
			DialContext:         dialer.DialContext,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: opts.Timeout,
		},
		// A redirect is not followed: the receiver answers where it was registered.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s
}

// errAddress is the error of a dial to an address a webhook may not reach.
var errAddress = errors.New("address not allowed")

// control refuses, at dial time, the addresses allowed refuses: a name
// that resolved to a public address when registered may not reach a
// private one later.
func (s *Service) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !s.allowed(ap.Addr()) {
		return errAddress
	}
	return nil
}

// allowed says whether a webhook may reach ip: a public unicast address,
// or one in the operator's AllowNets.
func (s *Service) allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, n := range s.opts.AllowNets {
		if n.Contains(ip) {
			return true
		}
	}
	special := ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsUnspecified() || reserved(ip)
	return !special
}

// reservedNets are the special-purpose IPv4 networks no receiver lives on
// that netip does not name: "this network", shared address space (carrier
// NAT), IETF protocol assignments, benchmarking and the old class E.
var reservedNets = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("240.0.0.0/4"),
}

func reserved(ip netip.Addr) bool {
	for _, n := range reservedNets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// checkURL validates a receiver's URL: absolute http or https, no
// credentials or fragment, and a host whose addresses are allowed (a name
// is resolved; one that does not resolve yet is checked when dialled).
func (s *Service) checkURL(ctx context.Context, raw string, v *hotel.Validation) {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		v.Add("url", "is required")
		return
	case len(raw) > 2000:
		v.Add("url", "must be at most 2000 characters")
		return
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "":
		v.Add("url", "must be an absolute http or https URL")
		return
	case u.User != nil:
		v.Add("url", "must not carry credentials; the signature authenticates deliveries")
		return
	case u.Fragment != "":
		v.Add("url", "must not have a fragment")
		return
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		addrs, _ = net.DefaultResolver.LookupNetIP(rctx, "ip", host)
		cancel()
	}
	for _, ip := range addrs {
		if !s.allowed(ip) {
			v.Add("url", "reaches a loopback, link-local or private address ("+ip.Unmap().String()+"); an operator may allow its network with HOTEL_WEBHOOK_ALLOW_NETS")
			return
		}
	}
}

// SecretPrefix begins every signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a new signing secret: whsec_ and 32 random bytes in
// base64.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return SecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// secretKey returns the key of secret (whsec_ and base64 of 24 to 64
// bytes).
func secretKey(secret string) ([]byte, bool) {
	b64, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, false
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	return key, err == nil && len(key) >= 24 && len(key) <= 64
}

// Sign returns the webhook-signature header of a message: "v1," and the
// base64 HMAC-SHA256, keyed by the secret's bytes, of
// "<msgID>.<timestamp>.<body>".
func Sign(secret, msgID string, ts time.Time, body []byte) string {
	key, _ := secretKey(secret)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msgID + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// maxResponse is how much of a response body is read (and dropped), so
// that the connection can be reused.
const maxResponse = 64 << 10

// send POSTs body to w as message msgID and returns the attempt as the
// log records it (not yet stored).
func (s *Service) send(ctx context.Context, w hotel.Webhook, msgID, typ, trigger string, attempt int, body []byte) hotel.WebhookDelivery {
	start := time.Now()
	d := hotel.WebhookDelivery{WebhookID: w.ID, MessageID: msgID, EventType: typ, Trigger: trigger, Attempt: attempt, AttemptedAt: s.opts.Now()}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, strings.NewReader(string(body)))
	if err != nil {
		d.Error = "the URL cannot be requested"
	} else {
		ts := s.opts.Now()
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "hotel-webhooks/1")
		req.Header.Set("webhook-id", msgID)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
		req.Header.Set("webhook-signature", Sign(w.Secret, msgID, ts, body))
		resp, err := s.client.Do(req)
		if err != nil {
			d.Error = transportError(err)
		} else {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse)) // never logged or kept
			_ = resp.Body.Close()
			d.StatusCode = resp.StatusCode
			d.Delivered = resp.StatusCode >= 200 && resp.StatusCode < 300
			if !d.Delivered {
				d.Error = "HTTP " + strconv.Itoa(resp.StatusCode)
				if resp.StatusCode >= 300 && resp.StatusCode < 400 {
					d.Error += " (redirects are not followed)"
				}
			}
		}
	}
	d.DurationMS = time.Since(start).Milliseconds()
	s.m.observe(d, time.Since(start))
	return d
}

// transportError names what went wrong with a request that got no
// response, without the receiver's words.
func transportError(err error) string {
	var dns *net.DNSError
	switch {
	case errors.Is(err, errAddress):
		return "address not allowed"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ETIMEDOUT):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &dns):
		return "host not found"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return "timeout"
	}
	return "request failed"
}

// pingID returns the message id of a test ping.
func pingID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "ping_" + hex.EncodeToString(b[:])
}

// clip shortens a URL for a log line to its scheme and host: a URL's path
// or query may carry a receiver's token.
func clip(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return fmt.Sprintf("%s://%s", u.Scheme, u.Host)
}
