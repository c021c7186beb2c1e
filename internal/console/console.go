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
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
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

// files are the embedded files by their path under static/, prepared once
// at start for serving (a few tens of kilobytes).
var files = func() map[string]*web.Asset {
	out := map[string]*web.Asset{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		if err != nil {
			return err
		}
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
		out[strings.TrimPrefix(p, "static/")] = web.NewAsset(ct, b)
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
	files["index.html"].Serve(w, r)
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
	f.Serve(w, r)
}
