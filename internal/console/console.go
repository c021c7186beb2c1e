// Package console is the staff web console: static HTML, CSS and ES-module
// JavaScript embedded in the binary and served by the gateway under
// /console/. The console is a client of the platform's own JSON API — it
// renders nothing on the server and decides no access itself: the API's
// answers (403, 404) are what it shows.
//
// Every page path (/console/calendar, /console/bookings/<id>, …) answers
// the same index.html; the script routes on the client (history.pushState).
// Every answer carries a strict Content-Security-Policy: scripts, styles,
// images and connections from this origin only, no inline script or style
// attribute, no eval, no framing.
package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/web"
)

// Paths the console is served under.
const (
	Path       = "/console/"
	AssetsPath = "/console/assets/"
)

// CSP is the Content-Security-Policy of every console answer.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

//go:embed static
var static embed.FS

// file is an embedded file prepared for serving: its content type, a
// strong ETag from its content, and its gzip-compressed form.
type file struct {
	contentType string
	etag        string
	plain, gzip []byte
}

// files are the embedded files by their path under static/, prepared once
// at start (a few tens of kilobytes).
var files = func() map[string]*file {
	out := map[string]*file{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		ct := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) { // not left to the system's MIME table
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".html":
			ct = "text/html; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		}
		out[strings.TrimPrefix(p, "static/")] = &file{contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, plain: b, gzip: gz.Bytes()}
		return nil
	})
	if err != nil {
		panic("console: embedded files: " + err.Error())
	}
	return out
}()

// Routes are the console's routes, for anyone: the pages hold no data, the
// API they call decides who sees what.
func Routes() []auth.Route {
	anyone := auth.Rule{Public: true}
	return []auth.Route{
		// /console answers the page too, not a redirect to /console/: the
		// script takes it to /console/today either way, and a redirect
		// would be the API document's one 3xx, which its validator (as the
		// end-to-end tests use it) cannot tell from /console/'s answers.
		{Pattern: "GET /console", Rule: anyone, Handler: http.HandlerFunc(page)},
		{Pattern: "GET " + Path, Rule: anyone, Handler: http.HandlerFunc(page)},
		{Pattern: "GET " + AssetsPath + "{file}", Rule: anyone, Handler: http.HandlerFunc(asset)},
	}
}

// secure sets the headers of every console answer.
func secure(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// page answers index.html for every page path: the client routes.
func page(w http.ResponseWriter, r *http.Request) {
	secure(w)
	serve(w, r, files["index.html"])
}

// asset answers an embedded file of assets/ (one path segment: the
// assets are flat).
func asset(w http.ResponseWriter, r *http.Request) {
	secure(w)
	name := r.PathValue("file")
	f, ok := files["assets/"+name]
	if !ok || name == "" {
		web.Error(w, r, hotel.Errorf(hotel.ENOTFOUND, "No console asset %s.", r.URL.Path))
		return
	}
	serve(w, r, f)
}

// serve writes f with its ETag (If-None-Match → 304), gzip-compressed to
// clients that accept it. Every answer is revalidated (no-cache): a new
// binary may serve new files under the same names, and a 304 costs a
// round trip, not the body.
func serve(w http.ResponseWriter, r *http.Request, f *file) {
	h := w.Header()
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if matches(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.plain
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = f.gzip
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// matches reports whether an If-None-Match header names etag (or is *).
func matches(ifNoneMatch, etag string) bool {
	for tag := range strings.SplitSeq(ifNoneMatch, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip.
func acceptsGzip(acceptEncoding string) bool {
	for enc := range strings.SplitSeq(acceptEncoding, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(enc), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
