// Package web holds what every HTTP server and client of the platform shares:
// JSON encoding, RFC 9457 problem responses, the error-code → status table,
// request ids and the middleware chain.
package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/hotelplatform/hotel"
)

// MaxBodyBytes bounds every request body.
const MaxBodyBytes = 1 << 20

// Encode writes v as JSON with status.
func Encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Decode reads one JSON value from r's body into a T, rejecting unknown
// fields, trailing data, a wrong content type and bodies over MaxBodyBytes.
func Decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return v, &hotel.Error{Code: hotel.EINVALID, Message: "The request body must be JSON (Content-Type: application/json)."}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return v, decodeError(err)
	}
	if string(bytes.TrimSpace(body)) == "null" {
		return v, &hotel.Error{Code: hotel.EINVALID, Message: "The request body must be a JSON object, not null."}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, withField[T](decodeError(err), body)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return v, &hotel.Error{Code: hotel.EINVALID, Message: "The request body must hold exactly one JSON object."}
	}
	return v, nil
}

// hotelPkg is the import path of the domain package.
var hotelPkg = reflect.TypeFor[hotel.Date]().PkgPath()

// withField names the field at fault of a decoding error that names none —
// errors from a field type's own UnmarshalJSON (dates, money) do not say
// where they happened — by decoding the object's members one by one.
func withField[T any](err error, body []byte) error {
	var he *hotel.Error
	if !errors.As(err, &he) || he.Code != hotel.EINVALID || len(he.Fields) > 0 {
		return err
	}
	t := reflect.TypeFor[T]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var members map[string]json.RawMessage
	if t.Kind() != reflect.Struct || json.Unmarshal(body, &members) != nil {
		return err
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		raw, ok := members[name]
		if !ok || !f.IsExported() {
			continue
		}
		if ferr := json.Unmarshal(raw, reflect.New(f.Type).Interface()); ferr != nil {
			// The domain's own types (dates, money) write their errors for
			// clients; any other text stays out of the response.
			reason := "has an invalid value"
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.PkgPath() == hotelPkg {
				reason = ferr.Error()
			}
			return &hotel.Error{Code: hotel.EINVALID, Message: "The request has invalid fields.",
				Fields: []hotel.FieldError{{Field: name, Reason: reason}}}
		}
	}
	return err
}

// decodeError turns a json error into a client-safe EINVALID (or ETOOLARGE).
func decodeError(err error) error {
	var maxErr *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &maxErr):
		return &hotel.Error{Code: hotel.ETOOLARGE, Message: fmt.Sprintf("The request body is larger than %d bytes.", maxErr.Limit)}
	case errors.Is(err, io.EOF):
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request body is empty; a JSON object is required."}
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request body is not valid JSON."}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &hotel.Error{Code: hotel.EINVALID, Message: "A field has the wrong type.",
			Fields: []hotel.FieldError{{Field: field, Reason: "must be " + jsonKind(typ.Type.Kind().String())}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request has a field this API does not accept.",
			Fields: []hotel.FieldError{{Field: name, Reason: "unknown field"}}}
	default:
		// Errors from custom UnmarshalJSON methods (dates, money) are written
		// by us for clients; anything else gets a generic text.
		var he *hotel.Error
		if errors.As(err, &he) {
			return he
		}
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request body could not be read as the expected JSON object."}
	}
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"):
		return "an integer"
	case strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "string":
		return "a string"
	case goKind == "bool":
		return "true or false"
	case goKind == "slice":
		return "an array"
	default:
		return "an object"
	}
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
		return &hotel.Error{Code: p.Code, Message: p.Detail, Fields: p.Errors, Nights: p.Nights}
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
