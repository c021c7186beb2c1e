package console

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel/internal/auth"
)

// handler serves the console's routes as the gateway registers them.
func handler(t *testing.T) http.Handler {
	t.Helper()
	mux := http.NewServeMux()
	auth.NewRouter(mux, nil).Register(Routes()...)
	return mux
}

func get(t *testing.T, h http.Handler, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func checkSecurityHeaders(t *testing.T, target string, rec *httptest.ResponseRecorder) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	}
	for k, v := range want {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("GET %s: %s = %q, want %q", target, k, got, v)
		}
	}
}

// TestPagesServeIndex: every page path answers index.html with the strict
// CSP; the client routes.
func TestPagesServeIndex(t *testing.T) {
	t.Parallel()
	h := handler(t)
	index := indexHTML(t)
	for _, target := range []string{"/console", "/console/", "/console/sign-in", "/console/calendar?hotel=3&days=90", "/console/bookings/01a22edb-0000-7000-8000-000000000000", "/console/today"} {
		rec := get(t, h, target, nil)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), index) {
			t.Errorf("GET %s = %d, %d bytes; want 200 and index.html", target, rec.Code, rec.Body.Len())
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", target, ct)
		}
		checkSecurityHeaders(t, target, rec)
	}
}

// TestAssets: each asset with its type, an ETag that answers 304, gzip to
// clients that take it; an unknown asset is 404, not the page.
func TestAssets(t *testing.T) {
	t.Parallel()
	h := handler(t)
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	n := 0
	for name := range files {
		if !strings.HasPrefix(name, "assets/") {
			continue
		}
		n++
		target := "/console/" + name
		want, err := static.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		rec := get(t, h, target, nil)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want) {
			t.Fatalf("GET %s = %d", target, rec.Code)
		}
		for ext, ct := range types {
			if strings.HasSuffix(name, ext) && rec.Header().Get("Content-Type") != ct {
				t.Errorf("GET %s: Content-Type %q, want %q", target, rec.Header().Get("Content-Type"), ct)
			}
		}
		checkSecurityHeaders(t, target, rec)
		etag := rec.Header().Get("ETag")
		if etag == "" {
			t.Fatalf("GET %s: no ETag", target)
		}
		if rec := get(t, h, target, map[string]string{"If-None-Match": etag}); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("GET %s If-None-Match = %d, want 304", target, rec.Code)
		}
		rec = get(t, h, target, map[string]string{"Accept-Encoding": "gzip"})
		zr, err := gzip.NewReader(rec.Body)
		if err != nil || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET %s gzip: %v, Content-Encoding %q", target, err, rec.Header().Get("Content-Encoding"))
		}
		if b, err := io.ReadAll(zr); err != nil || !bytes.Equal(b, want) {
			t.Errorf("GET %s gzip: body differs (%v)", target, err)
		}
	}
	if n < 5 {
		t.Fatalf("%d assets embedded", n)
	}
	for _, target := range []string{"/console/assets/nope.js", "/console/assets/%2e%2e%2findex.html"} {
		rec := get(t, h, target, nil)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", target, rec.Code)
		}
		checkSecurityHeaders(t, target, rec)
	}
	// Not an asset: a page path, answered the page.
	if rec := get(t, h, "/console/assets/", nil); rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), indexHTML(t)) {
		t.Errorf("GET /console/assets/ = %d, want the page", rec.Code)
	}
}

// TestNoInlineCode keeps the files within the CSP: no inline script, no
// style attribute or element, no handler attribute, nothing from another
// host, no eval.
func TestNoInlineCode(t *testing.T) {
	t.Parallel()
	bad := []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>[^<\s]`), // a script with a body
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`(?:src|href)="(?:https?:)?//`),
		regexp.MustCompile(`\beval\(|new Function\(|setAttribute\('style'`),
		regexp.MustCompile(`innerHTML|insertAdjacentHTML|document\.write`),
	}
	for name := range files {
		b, err := static.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range bad {
			if loc := re.FindIndex(b); loc != nil {
				t.Errorf("%s: %q at byte %d breaks the CSP or builds HTML from text", name, b[loc[0]:loc[1]], loc[0])
			}
		}
	}
}

// indexHTML is the embedded page as written.
func indexHTML(t *testing.T) []byte {
	t.Helper()
	b, err := static.ReadFile("static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
