// Package apitest checks HTTP responses against the OpenAPI document of
// package api, for tests: Transport validates every response a client
// receives and turns a response that does not match into an error of the
// request, so the test that made it fails where it made it.
package apitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/hotelplatform/hotel/api"
	"github.com/hotelplatform/hotel/internal/web"
)

// NotPublic lists paths that are not part of the public API and are served
// on other listeners (the admin listener's Prometheus /metrics): their
// responses are not checked.
var NotPublic = []string{"/metrics"}

// Transport is an http.RoundTripper that validates every response against
// the OpenAPI document: status code, Content-Type, the headers the document
// declares (required ones present, every one present matching its schema)
// and the body against the operation's response schema (formats such as
// date and uuid asserted). A response that does not match is closed and
// RoundTrip returns a *Violation instead.
//
// Requests outside the document are checked too: a path no operation has
// must be answered 404, and a documented path called with another method
// 404 or 405, each as an application/problem+json Problem with an
// X-Request-ID — anything else is a violation (an undocumented route). The
// booking service's seed prefix /booking/{path} is checked as /{path}.
// CORS preflights (OPTIONS with Origin and Access-Control-Request-Method)
// are answered by the gateway's CORS layer, not by an operation: they must
// get 204 with Access-Control-Allow-Origin and -Methods, or a problem.
type Transport struct {
	// Base makes the requests (http.DefaultTransport when nil).
	Base http.RoundTripper

	v     validator.Validator
	paths map[string][]string // the document's path templates → their methods
	mu    sync.Mutex
	seen  map[string]bool // "METHOD /template STATUS" of every valid response
}

// NewTransport returns a Transport over base checking against api.Spec().
func NewTransport(base http.RoundTripper) (*Transport, error) {
	return newTransport(base, api.Spec())
}

func newTransport(base http.RoundTripper, spec []byte) (*Transport, error) {
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("apitest: read the OpenAPI document: %w", err)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		return nil, fmt.Errorf("apitest: build the validator: %w", errors.Join(errs...))
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		var msgs []string
		for _, e := range verrs {
			msgs = append(msgs, e.Error())
		}
		return nil, fmt.Errorf("apitest: the OpenAPI document is invalid: %s", strings.Join(msgs, "; "))
	}
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(spec, &d); err != nil {
		return nil, fmt.Errorf("apitest: read the document's paths: %w", err)
	}
	t := &Transport{Base: base, v: v, paths: map[string][]string{}, seen: map[string]bool{}}
	for p, item := range d.Paths {
		for m := range item {
			if slices.Contains([]string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}, m) {
				t.paths[p] = append(t.paths[p], strings.ToUpper(m))
			}
		}
	}
	return t, nil
}

// Violation is a response that does not match the document.
type Violation struct {
	Method, Path string
	Status       int
	Problems     []string
	Body         string // the start of the response body
}

func (v *Violation) Error() string {
	return fmt.Sprintf("response does not match api/openapi.json: %s %s → %d:\n  - %s\n  body: %s",
		v.Method, v.Path, v.Status, strings.Join(v.Problems, "\n  - "), v.Body)
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if problems := t.Check(req, resp, body); len(problems) > 0 {
		return nil, &Violation{Method: req.Method, Path: req.URL.RequestURI(), Status: resp.StatusCode, Problems: problems, Body: clip(body)}
	}
	return resp, nil
}

// Check returns what is wrong with resp, the answer to req whose body is
// body (resp.Body is left readable), or nothing.
func (t *Transport) Check(req *http.Request, resp *http.Response, body []byte) []string {
	path := req.URL.Path
	if slices.Contains(NotPublic, path) {
		return nil
	}
	if req.Method == http.MethodOptions && req.Header.Get("Origin") != "" && req.Header.Get("Access-Control-Request-Method") != "" {
		return checkPreflight(resp, body)
	}
	if rest, ok := strings.CutPrefix(path, "/booking/"); ok {
		path = "/" + rest // the seed's prefix: the booking service's own route
	}
	template, methods := t.route(path)
	if template == "" || !slices.Contains(methods, req.Method) {
		allowed := []int{http.StatusNotFound}
		// A method the servers never serve is refused before routing (see
		// web.Methods): 405 on any path, also one only a gateway forwards.
		if template != "" || !slices.Contains(web.Methods, req.Method) {
			allowed = append(allowed, http.StatusMethodNotAllowed)
		}
		return checkUnrouted(resp, body, allowed)
	}

	// Validate a copy: the validator reads and replaces the body, and sees
	// the path the document names.
	r := req.Clone(req.Context())
	r.URL = &url.URL{Path: path, RawQuery: req.URL.RawQuery}
	cp := *resp
	cp.Body = io.NopCloser(bytes.NewReader(body))
	t.mu.Lock()
	ok, verrs := t.v.ValidateHttpResponse(r, &cp)
	if ok {
		t.seen[fmt.Sprintf("%s %s %d", req.Method, template, resp.StatusCode)] = true
	}
	t.mu.Unlock()
	if ok {
		return nil
	}
	var problems []string
	for _, e := range verrs {
		msg := e.Message
		if e.Reason != "" && e.Reason != e.Message {
			msg += ": " + e.Reason
		}
		for _, f := range e.SchemaValidationErrors {
			msg += fmt.Sprintf(" [%s at %q]", f.Reason, f.FieldPath)
		}
		problems = append(problems, msg+fmt.Sprintf(" (operation %s %s)", req.Method, template))
	}
	return problems
}

// route returns the document's path template that path matches — a
// literal segment wins over a template one, as in Go's ServeMux — and the
// methods it has, or "" if no template matches.
func (t *Transport) route(path string) (string, []string) {
	segs := strings.Split(path, "/")
	best, bestLiterals := "", -1
	for tmpl := range t.paths {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		literals, ok := 0, true
		for i, s := range ts {
			switch {
			case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
				ok = ok && segs[i] != ""
			case s == segs[i]:
				literals++
			default:
				ok = false
			}
		}
		if ok && (literals > bestLiterals || literals == bestLiterals && tmpl < best) {
			best, bestLiterals = tmpl, literals
		}
	}
	if best == "" {
		return "", nil
	}
	return best, t.paths[best]
}

// checkUnrouted checks the answer to a request the document has no
// operation for: one of the allowed statuses, as a Problem.
func checkUnrouted(resp *http.Response, body []byte, allowed []int) []string {
	var problems []string
	if !slices.Contains(allowed, resp.StatusCode) {
		problems = append(problems, fmt.Sprintf("no operation of the document serves this request, yet it was answered %d, not %v: an undocumented route?",
			resp.StatusCode, allowed))
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/problem+json" {
		problems = append(problems, fmt.Sprintf("Content-Type %q, want application/problem+json", resp.Header.Get("Content-Type")))
	}
	if resp.Header.Get("X-Request-ID") == "" {
		problems = append(problems, "no X-Request-ID header")
	}
	var p struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Code   string `json:"code"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		problems = append(problems, "the body is not a JSON problem: "+err.Error())
	} else if p.Type == "" || p.Title == "" || p.Code == "" || p.Status != resp.StatusCode {
		problems = append(problems, fmt.Sprintf("the problem lacks type, title or code, or its status %d is not the response's", p.Status))
	}
	return problems
}

// checkPreflight checks the answer to a CORS preflight, which the gateway's
// CORS layer gives before any route (it is not an operation of the API):
// 204 with the Access-Control headers for an allowed origin, else a 403
// problem (or, with CORS off, the router's 404 or 405 problem).
func checkPreflight(resp *http.Response, body []byte) []string {
	if resp.StatusCode != http.StatusNoContent {
		return checkUnrouted(resp, body, []int{http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed})
	}
	var problems []string
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "X-Request-ID"} {
		if resp.Header.Get(h) == "" {
			problems = append(problems, "a CORS preflight answered 204 without "+h)
		}
	}
	return problems
}

// Validated returns "METHOD /template STATUS" of every response that
// matched the document so far, sorted.
func (t *Transport) Validated() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.seen))
	for k := range t.seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}
