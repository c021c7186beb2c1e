package web

import (
	"bytes"
	"encoding"
	"encoding/json/jsontext"
	json "encoding/json/v2"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hotelplatform/hotel"
)

// The platform's one decoder of request bodies. Every handler that reads a
// body calls Decode (a JSON object is required), DecodeOptional (an empty
// body is the zero value) or, on a route that takes no body, NoBody. The
// rules, each refused with a problem naming the field or header:
//
//   - Content-Type must be application/json (or application/*+json), with
//     no charset but utf-8: missing on a request with a body, or anything
//     else, is 415.
//   - The body is at most MaxBodyBytes (413), valid UTF-8 throughout (400,
//     checked before any decoding) and exactly one JSON object (400).
//   - Object member names match field names exactly (case-sensitive); a
//     name given twice, at any depth, is 400; so is a name no field has.
//   - An explicit null is 400 for every field but those tagged
//     `web:"nullable"` (none today: api/openapi.json declares no nullable
//     request field).
//   - A value of the wrong type is 400 naming the field and the type it
//     must have; the domain's own types (dates, money) say what is wrong.
//
// What the values mean (ranges, required fields, safe text) is the
// domain's to check, so the in-process services answer alike.

// MaxBodyBytes bounds every request body.
const MaxBodyBytes = 1 << 20

// NullableTag is the struct tag that lets a request field accept an
// explicit JSON null: `web:"nullable"`. Only fields the OpenAPI document
// declares nullable may carry it.
const NullableTag = "nullable"

// Decode reads r's body, which must be one JSON object, into a T.
func Decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	return decode[T](w, r, false)
}

// DecodeOptional is Decode for a route whose body may be left out: an empty
// body (or one of white space only) is the zero T.
func DecodeOptional[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	return decode[T](w, r, true)
}

// NoBody refuses a request that carries a body on a route that takes none
// (DELETE, check-out): a body the route would ignore is a client's mistake
// — a change it believes it sent — so it is refused (400), not dropped.
func NoBody(r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	var b [1]byte
	if n, _ := io.ReadFull(r.Body, b[:]); n == 0 {
		return nil
	}
	// Read the rest (bounded), so the connection can serve the next
	// request and a proxy in front is not cut off mid-body.
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, MaxBodyBytes))
	return &hotel.Error{Code: hotel.EINVALID, Message: "This route takes no request body; send the request without one.",
		Fields: []hotel.FieldError{{Field: "body", Reason: "must be empty: this route takes no request body"}}}
}

func decode[T any](w http.ResponseWriter, r *http.Request, optional bool) (T, error) {
	var v T
	body, err := readJSON(w, r, optional)
	if err != nil || body == nil {
		return v, err
	}
	return v, unmarshal(body, &v)
}

// readJSON checks r's Content-Type and reads its body, bounded; it returns
// nil for an empty body when optional.
func readJSON(w http.ResponseWriter, r *http.Request, optional bool) ([]byte, error) {
	cts := r.Header.Values("Content-Type")
	if len(cts) > 0 {
		if err := checkContentType(cts); err != nil {
			return nil, err
		}
	}
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes)); err != nil {
			return nil, readError(err)
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil, nil
		}
		return nil, &hotel.Error{Code: hotel.EINVALID, Message: "The request body is empty; a JSON object is required."}
	}
	if len(cts) == 0 {
		return nil, unsupportedMedia("is required: application/json", "The request has a body but no Content-Type; send the body as application/json (JSON in UTF-8).")
	}
	if !utf8.Valid(body) {
		return nil, &hotel.Error{Code: hotel.EINVALID, Message: "The request body is not valid JSON: it is not UTF-8 throughout.",
			Fields: []hotel.FieldError{{Field: "body", Reason: "must be valid UTF-8"}}}
	}
	return body, nil
}

// checkContentType accepts one application/json (or application/*+json)
// media type whose charset, if given, is utf-8.
func checkContentType(cts []string) error {
	if len(cts) != 1 {
		return unsupportedMedia("must be given once", "The request has more than one Content-Type.")
	}
	mt, params, err := mime.ParseMediaType(cts[0])
	if err != nil || mt != "application/json" && (!strings.HasPrefix(mt, "application/") || !strings.HasSuffix(mt, "+json")) {
		return unsupportedMedia("must be application/json", "The request body must be sent as application/json (JSON in UTF-8).")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return unsupportedMedia("must have no charset but utf-8", "The request body must be JSON in UTF-8: application/json without another charset.")
	}
	return nil
}

func unsupportedMedia(reason, message string) error {
	return &hotel.Error{Code: hotel.EUNSUPPORTEDMEDIA, Message: message,
		Fields: []hotel.FieldError{{Field: "Content-Type", Reason: reason}}}
}

// readError turns a failed read of a body into a client-safe error.
func readError(err error) error {
	if maxErr := (*http.MaxBytesError)(nil); errors.As(err, &maxErr) {
		return &hotel.Error{Code: hotel.ETOOLARGE, Message: fmt.Sprintf("The request body is larger than %d bytes.", maxErr.Limit)}
	}
	return &hotel.Error{Code: hotel.EINVALID, Message: "The request body could not be read.", Err: err}
}

// syntax is the jsontext behaviour the decoder insists on (the defaults,
// spelled out): no duplicate names, no invalid UTF-8.
var syntax = json.JoinOptions(jsontext.AllowDuplicateNames(false), jsontext.AllowInvalidUTF8(false))

// unmarshal decodes body, one JSON object, into v (a pointer).
func unmarshal(body []byte, v any) error {
	dec := jsontext.NewDecoder(bytes.NewReader(body), syntax)
	val, err := dec.ReadValue()
	if err != nil {
		return jsonError(err)
	}
	val = val.Clone() // valid only until the decoder's next read
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request body must hold exactly one JSON object."}
	}
	t := reflect.TypeOf(v).Elem()
	switch val.Kind() {
	case 'n':
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request body must be a JSON object, not null.",
			Fields: []hotel.FieldError{{Field: "body", Reason: "must be an object"}}}
	case '{':
	default:
		if k := deref(t).Kind(); k == reflect.Struct || k == reflect.Map {
			return &hotel.Error{Code: hotel.EINVALID, Message: "The request body must be a JSON object.",
				Fields: []hotel.FieldError{{Field: "body", Reason: "must be an object"}}}
		}
	}
	var nulls hotel.Validation
	if err := findNulls(jsontext.NewDecoder(bytes.NewReader(val), syntax), t, "", &nulls); err != nil {
		return jsonError(err)
	}
	if err := nulls.Err(); err != nil {
		var he *hotel.Error
		if errors.As(err, &he) {
			he.Message = "The request sets fields to null that do not accept it; leave a field out instead."
		}
		return err
	}
	if err := json.Unmarshal(val, v, syntax, json.RejectUnknownMembers(true), json.MatchCaseInsensitiveNames(false)); err != nil {
		return suggest(jsonError(err), t, err)
	}
	return nil
}

// jsonError turns an error of encoding/json/v2 or jsontext into a
// client-safe EINVALID naming the field at fault where one is known.
func jsonError(err error) error {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.Is(err, jsontext.ErrDuplicateName) && errors.As(err, &syn):
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request gives a field more than once.",
			Fields: []hotel.FieldError{{Field: fieldName(syn.JSONPointer), Reason: "is given more than once"}}}
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request body is not valid JSON."}
	case errors.Is(err, json.ErrUnknownName) && errors.As(err, &sem):
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request has a field this API does not accept.",
			Fields: []hotel.FieldError{{Field: fieldName(sem.JSONPointer), Reason: "unknown field"}}}
	case errors.As(err, &sem):
		return &hotel.Error{Code: hotel.EINVALID, Message: "A field has the wrong type.",
			Fields: []hotel.FieldError{{Field: fieldName(sem.JSONPointer), Reason: typeReason(sem)}}}
	default:
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request body could not be read as the expected JSON object."}
	}
}

// suggest adds to an unknown field's reason (he, from err) the field it
// may have meant: names are case-sensitive, so "Guest_Name" is not
// guest_name. t is the type decoded into.
func suggest(he error, t reflect.Type, err error) error {
	var sem *json.SemanticError
	var e *hotel.Error
	if !errors.Is(err, json.ErrUnknownName) || !errors.As(err, &sem) || !errors.As(he, &e) || len(e.Fields) != 1 {
		return he
	}
	parent := t
	for tok := range sem.JSONPointer.Parent().Tokens() {
		if parent = at(parent, tok); parent == nil {
			return he
		}
	}
	if meant := caseless(parent, sem.JSONPointer.LastToken()); meant != "" {
		e.Fields[0].Reason = "unknown field (names are case-sensitive: " + meant + ")"
	}
	return he
}

// at is the type of the member or element tok of a value of type t, or nil.
func at(t reflect.Type, tok string) reflect.Type {
	if t = deref(t); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		return t.Elem()
	}
	mt, _, _ := member(t, tok)
	return mt
}

// hotelPkg is the import path of the domain package.
var hotelPkg = reflect.TypeFor[hotel.Date]().PkgPath()

// typeReason says what a field must be. The domain's own types (dates,
// money) write their errors for clients; any other text stays out of the
// response.
func typeReason(sem *json.SemanticError) string {
	if sem.GoType == nil {
		return "has an invalid value"
	}
	gt := deref(sem.GoType)
	if sem.Err != nil {
		var he *hotel.Error
		switch {
		case errors.As(sem.Err, &he):
			return he.Message
		case gt.PkgPath() == hotelPkg && ownJSON(gt):
			return sem.Err.Error()
		}
	}
	switch k := gt.Kind(); {
	case k >= reflect.Int && k <= reflect.Uint64:
		return "must be an integer"
	case k == reflect.Float32 || k == reflect.Float64:
		return "must be a number"
	case k == reflect.String:
		return "must be a string"
	case k == reflect.Bool:
		return "must be true or false"
	case k == reflect.Slice || k == reflect.Array:
		return "must be an array"
	default:
		return "must be an object"
	}
}

// fieldName is the dotted path of a JSON pointer ("guest.email"; "body"
// for the whole body), clipped, its text quoted when it is not safe text.
func fieldName(p jsontext.Pointer) string {
	var parts []string
	for tok := range p.Tokens() {
		parts = append(parts, tok)
	}
	if len(parts) == 0 {
		return "body"
	}
	name := strings.Join(parts, ".")
	if len(name) > 100 {
		name = strings.ToValidUTF8(name[:100], "") + "…"
	}
	if hotel.TextFault(name) != "" {
		name = strconv.QuoteToASCII(name)
	}
	return name
}

// findNulls reads one JSON value from dec, whose Go destination is of type
// t (nil: unknown), and adds to v every null at or under it that its field
// does not accept. path is the dotted path of the value ("" for the body).
func findNulls(dec *jsontext.Decoder, t reflect.Type, path string, v *hotel.Validation) error {
	t = deref(t)
	if t != nil && ownJSON(t) {
		t = nil // its members, if any, are not fields
	}
	switch dec.PeekKind() {
	case '{':
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return err
			}
			name := tok.String()
			ft, nullable, known := member(t, name)
			p := join(path, name)
			if dec.PeekKind() == 'n' && known && !nullable {
				v.Add(p, "must not be null")
			}
			if err := findNulls(dec, ft, p, v); err != nil {
				return err
			}
		}
		_, err := dec.ReadToken()
		return err
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.PeekKind() != ']'; i++ {
			p := join(path, strconv.Itoa(i))
			if dec.PeekKind() == 'n' && elem != nil {
				v.Add(p, "must not be null")
			}
			if err := findNulls(dec, elem, p, v); err != nil {
				return err
			}
		}
		_, err := dec.ReadToken()
		return err
	default:
		return dec.SkipValue()
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	fromUnmarshaler = reflect.TypeFor[json.UnmarshalerFrom]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// ownJSON reports whether t decodes itself (dates, money).
func ownJSON(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(jsonUnmarshaler) || p.Implements(fromUnmarshaler) || p.Implements(textUnmarshaler)
}

// member returns the type of the member name of a value of type t (a
// struct's field, matched exactly as encoding/json/v2 does, or a map's
// element), whether it is tagged nullable, and whether there is one.
func member(t reflect.Type, name string) (reflect.Type, bool, bool) {
	t = deref(t)
	switch {
	case t == nil:
		return nil, false, false
	case t.Kind() == reflect.Map:
		return t.Elem(), false, true
	case t.Kind() != reflect.Struct || ownJSON(t):
		return nil, false, false
	}
	var found *reflect.StructField
	fields(t, func(f reflect.StructField, jsonName string) bool {
		if jsonName == name {
			found = &f
			return false
		}
		return true
	})
	if found == nil {
		return nil, false, false
	}
	return found.Type, hasTag(found.Tag.Get("web"), NullableTag), true
}

// caseless returns the field of struct type t whose name matches name but
// for case, or "".
func caseless(t reflect.Type, name string) string {
	t = deref(t)
	if t == nil || t.Kind() != reflect.Struct {
		return ""
	}
	var meant string
	fields(t, func(_ reflect.StructField, jsonName string) bool {
		if strings.EqualFold(jsonName, name) {
			meant = jsonName
			return false
		}
		return true
	})
	return meant
}

// fields calls yield with each JSON field of struct type t and its name,
// shallowest first (fields of embedded structs after the struct's own),
// until yield returns false.
func fields(t reflect.Type, yield func(f reflect.StructField, name string) bool) bool {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && (name == "" || hasTag(opts, "embed")) {
			if et := deref(f.Type); et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if !yield(f, name) {
			return false
		}
	}
	for _, et := range embedded {
		if !fields(et, yield) {
			return false
		}
	}
	return true
}

// hasTag reports whether the comma-separated list opts holds opt.
func hasTag(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}
