// Package web holds what every HTTP server and client of the platform shares:
// JSON encoding, RFC 9457 problem responses, the error-code → status table,
// request ids and the middleware chain.
package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hotelplatform/hotel"
)

// Encode writes v as JSON with status.
func Encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[string]int{
	hotel.ECONFLICT:         http.StatusConflict,
	hotel.EINTERNAL:         http.StatusInternalServerError,
	hotel.EINVALID:          http.StatusBadRequest,
	hotel.ENOTFOUND:         http.StatusNotFound,
	hotel.EUNAVAILABLE:      http.StatusServiceUnavailable,
	hotel.EUNAUTHORIZED:     http.StatusUnauthorized,
	hotel.EFORBIDDEN:        http.StatusForbidden,
	hotel.ETOOLARGE:         http.StatusRequestEntityTooLarge,
	hotel.ERATELIMITED:      http.StatusTooManyRequests,
	hotel.EUNPROCESSABLE:    http.StatusUnprocessableEntity,
	hotel.EPRECONDITION:     http.StatusPreconditionFailed,
	hotel.EMETHODNOTALLOWED: http.StatusMethodNotAllowed,
	hotel.EBADGATEWAY:       http.StatusBadGateway,
	hotel.ETIMEOUT:          http.StatusGatewayTimeout,
	hotel.EUNSUPPORTEDMEDIA: http.StatusUnsupportedMediaType,
}

// StatusOf returns the HTTP status for an error code.
func StatusOf(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// CodeOf returns the error code for an HTTP error status (the inverse table,
// for clients).
func CodeOf(status int) string {
	for code, s := range statusOf {
		if s == status {
			return code
		}
	}
	if status >= 500 {
		return hotel.EINTERNAL
	}
	return hotel.EINVALID
}

// Problem is an RFC 9457 problem details object, with the platform's
// extension members: the error code, the request id and invalid fields.
type Problem struct {
	Type      string             `json:"type"`
	Title     string             `json:"title"`
	Status    int                `json:"status"`
	Detail    string             `json:"detail,omitempty"`
	Instance  string             `json:"instance,omitempty"`
	Code      string             `json:"code"`
	RequestID string             `json:"request_id,omitempty"`
	Errors    []hotel.FieldError `json:"errors,omitempty"`
	// Nights names the nights at fault of an inventory conflict.
	Nights []hotel.Date `json:"nights,omitempty"`
	// Violations names the rules of a rate plan a stay breaks.
	Violations []hotel.Violation `json:"violations,omitempty"`
}

// ProblemContentType is the media type of problem responses.
const ProblemContentType = "application/problem+json"

// Error writes err as a problem response. Internal errors are logged with
// their cause and shown to the client only as a generic message.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	code := hotel.ErrorCode(err)
	status := StatusOf(code)
	switch {
	case status >= 500 && r.Context().Err() != nil:
		// The client went away (or the server is shutting down) and the
		// work it asked for was cancelled: not a fault of this service.
		Logger(r.Context()).InfoContext(r.Context(), "request abandoned by its client", "code", code, "err", err)
	case status >= 500:
		Logger(r.Context()).ErrorContext(r.Context(), "request failed", "code", code, "err", err)
	}
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hotel"`) // how to authenticate (RFC 9110 §11.6.1)
	}
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "5") // a dependency is away: say when to come back
	}
	p := Problem{
		Type:      "https://hotelplatform.dev/problems/" + strings.ReplaceAll(code, "_", "-"),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    hotel.ErrorMessage(err),
		Instance:  r.URL.Path,
		Code:      code,
		RequestID: RequestID(r.Context()),
	}
	var he *hotel.Error
	if errors.As(err, &he) {
		p.Errors = he.Fields
		p.Nights = he.Nights
		p.Violations = he.Violations
	}
	WriteProblem(w, p)
}

// WriteProblem writes p.
func WriteProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", ProblemContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// NotFound answers unknown routes with a problem, not Go's text/plain 404.
func NotFound(w http.ResponseWriter, r *http.Request) {
	Error(w, r, hotel.Errorf(hotel.ENOTFOUND, "No route matches %s %s.", MethodLabel(r.Method), r.URL.Path))
}

// ReadProblem turns a non-2xx response into a *hotel.Error carrying the
// server's code, message and fields, so errors cross services unchanged.
func ReadProblem(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var p Problem
	if err := json.Unmarshal(body, &p); err == nil && p.Code != "" {
		return &hotel.Error{Code: p.Code, Message: p.Detail, Fields: p.Errors, Nights: p.Nights, Violations: p.Violations}
	}
	return &hotel.Error{Code: CodeOf(resp.StatusCode), Message: fmt.Sprintf("Upstream answered %d %s.", resp.StatusCode, http.StatusText(resp.StatusCode))}
}

// discardLogger is used when no logger is in the context.
var discardLogger = slog.New(slog.DiscardHandler)

// Router is where a server's route file registers its routes: a
// *http.ServeMux, or a wrapper that adds access control.
type Router interface {
	Handle(pattern string, h http.Handler)
}
