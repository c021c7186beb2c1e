package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
)

// Asset is a static file (the API document, the console's pages) served
// with a strong ETag from its content (If-None-Match → 304) and, to
// clients that accept it, gzip-compressed. Every answer is revalidated
// (no-cache): a new binary may serve new content under the same name, and
// a 304 costs a round trip, not the body.
type Asset struct {
	contentType string
	etag        string
	plain, gzip []byte
}

// NewAsset prepares body, of contentType, for serving.
func NewAsset(contentType string, body []byte) *Asset {
	sum := sha256.Sum256(body)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // a valid level: no error
	_, _ = zw.Write(body)
	_ = zw.Close()
	return &Asset{contentType: contentType, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, plain: body, gzip: gz.Bytes()}
}

// ETag is the asset's strong ETag.
func (a *Asset) ETag() string { return a.etag }

// Serve answers r with the asset (GET or HEAD).
func (a *Asset) Serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if matches(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.plain
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = a.gzip
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", a.contentType)
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
