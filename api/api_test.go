package api

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func serve(t *testing.T, path string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	mux := http.NewServeMux()
	for _, r := range Routes() {
		mux.Handle(r.Pattern, r.Handler)
	}
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

func TestServesSpec(t *testing.T) {
	t.Parallel()
	rec := serve(t, SpecPath)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" || !bytes.Equal(rec.Body.Bytes(), spec) {
		t.Fatalf("GET %s = %d %s, %d bytes", SpecPath, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("openapi = %q, %v", doc.OpenAPI, err)
	}

	// Revalidation and compression.
	etag := rec.Header().Get("ETag")
	if rec := serve(t, SpecPath, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match: %s = %d with %d bytes, want 304", etag, rec.Code, rec.Body.Len())
	}
	if rec := serve(t, SpecPath, "If-None-Match", `"other"`); rec.Code != http.StatusOK {
		t.Errorf("another ETag = %d, want 200", rec.Code)
	}
	rec = serve(t, SpecPath, "Accept-Encoding", "br, gzip")
	zr, err := gzip.NewReader(rec.Body)
	if err != nil || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip: %v, Content-Encoding %q", err, rec.Header().Get("Content-Encoding"))
	}
	if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, spec) {
		t.Error("the gzipped document differs")
	}
	if rec := serve(t, SpecPath, "Accept-Encoding", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent to a client that refuses it")
	}
	if rec := serve(t, SpecPath+"?x=1"); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown query parameter = %d, want 400", rec.Code)
	}
}

// externalURL finds absolute http(s) URLs that a browser could load.
// (HTML attributes, CSS url() and @import, and known CDN and font hosts
// anywhere; JavaScript's new URL("https://…") parses, it does not fetch).
var externalURL = regexp.MustCompile(`(?i:src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import\s+(url\()?["']?(https?:)?//|(?i)https?://[a-z0-9.-]*(cdn|fonts\.googleapis|fonts\.gstatic|unpkg|jsdelivr|cloudflare)`)

// externalRefs returns the matches of externalURL in s. Every pattern has a
// "//", so only the text around each "//" is searched (the bundle is large).
func externalRefs(s string) []string {
	var out []string
	for i := 0; ; {
		j := strings.Index(s[i:], "//")
		if j < 0 {
			return out
		}
		at := i + j
		if m := externalURL.FindString(s[max(0, at-60):min(len(s), at+80)]); m != "" {
			out = append(out, m)
		}
		i = at + 2
	}
}

// TestDocsLoadNothingFromElsewhere checks the docs page and its script: no
// reference to another host that a browser would fetch (CDNs, web fonts),
// and a Content-Security-Policy that would block one anyway.
func TestDocsLoadNothingFromElsewhere(t *testing.T) {
	t.Parallel()
	page := serve(t, DocsPath)
	if page.Code != http.StatusOK || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s = %d %s", DocsPath, page.Code, page.Header().Get("Content-Type"))
	}
	html := page.Body.String()
	if m := externalRefs(html); len(m) > 0 || strings.Contains(html, "://") {
		t.Errorf("the docs page refers to another host: %q", m)
	}
	for _, want := range []string{`<redoc spec-url="openapi.json">`, `<script src="docs/redoc.standalone.js">`} {
		if !strings.Contains(html, want) {
			t.Errorf("the docs page lacks %s", want)
		}
	}
	csp := page.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data:", "font-src 'self' data:"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}

	js := serve(t, BundlePath)
	if js.Code != http.StatusOK || !strings.HasPrefix(js.Header().Get("Content-Type"), "text/javascript") || js.Body.Len() < 500_000 {
		t.Fatalf("GET %s = %d %s, %d bytes", BundlePath, js.Code, js.Header().Get("Content-Type"), js.Body.Len())
	}
	if m := externalRefs(js.Body.String()); len(m) > 0 {
		t.Errorf("the served Redoc bundle refers to other hosts: %q", m)
	}
	if strings.Contains(js.Body.String(), "sourceMappingURL=redoc.standalone.js.map") {
		t.Error("the served bundle links a source map that is not served")
	}
	// The vendored file itself is npm's, unchanged: the one CDN reference
	// this test guards against is really in it.
	if len(externalRefs(string(redocBundle))) == 0 {
		t.Error("the vendored bundle no longer has the CDN logo URL; update ServedBundle and this test")
	}
}
